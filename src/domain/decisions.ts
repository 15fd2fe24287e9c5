/**
 * The committee decisions document (docs/data-contract.md, "Decisions"), shared by the CLI
 * (`match --decisions FILE.json`) and the API (`POST /v1/match`, field `decisions`):
 *
 *   { "pins":      [{ "talentId": "T1", "platformId": "P3" }],
 *     "forbidden": [{ "talentId": "T2", "platformId": "P3" }],
 *     "heldSeats": { "P3": 4 } }
 *
 * Every part is optional. Ids are resolved against the loaded talents and platforms here;
 * an unknown id or a repeated entry is an input error naming its path.
 */
import { z } from 'zod';
import { inputError } from '../errors.js';
import type { InputIssue } from '../errors.js';

const pair = z.object({ talentId: z.string().min(1), platformId: z.string().min(1) }).strict();

export const DecisionsSchema = z
  .object({
    pins: z.array(pair).max(100_000).optional(),
    forbidden: z.array(pair).max(1_000_000).optional(),
    heldSeats: z.record(z.string(), z.number().int().min(0)).optional(),
  })
  .strict();
export type DecisionsInput = z.infer<typeof DecisionsSchema>;

/** Decisions resolved to talent and platform indexes (what the matchers take). */
export interface Decisions {
  pins: readonly { talent: number; platform: number }[];
  forbidden: readonly { talent: number; platform: number }[];
  /** seats held back at each platform (index -> seats) */
  heldSeats: ReadonlyMap<number, number>;
  /** where the decisions came from (a file name, "request body"), for error messages */
  source: string;
}

/** Ids -> indexes; throws E_INPUT listing every unknown id or repeated entry. */
export function resolveDecisions(d: DecisionsInput, talents: ReadonlyMap<string, number>, platforms: ReadonlyMap<string, number>, source: string): Decisions {
  const issues: InputIssue[] = [];
  const resolve = (list: 'pins' | 'forbidden') => {
    const out: { talent: number; platform: number }[] = [];
    const seen = new Map<string, number>();
    (d[list] ?? []).forEach((x, i) => {
      const t = talents.get(x.talentId);
      const p = platforms.get(x.platformId);
      if (t === undefined) issues.push({ file: source, path: `${list}.${i}.talentId`, expected: 'a known talent id', got: x.talentId });
      if (p === undefined) issues.push({ file: source, path: `${list}.${i}.platformId`, expected: 'a known platform id', got: x.platformId });
      const key = `${x.talentId}\u0000${x.platformId}`;
      if (seen.has(key)) issues.push({ file: source, path: `${list}.${i}`, expected: `each pair once (already ${list}.${seen.get(key)})`, got: `${x.talentId} -> ${x.platformId} repeated` });
      seen.set(key, i);
      if (t !== undefined && p !== undefined) out.push({ talent: t, platform: p });
    });
    return out;
  };
  const pins = resolve('pins');
  const forbidden = resolve('forbidden');
  const heldSeats = new Map<number, number>();
  for (const [id, seats] of Object.entries(d.heldSeats ?? {})) {
    const p = platforms.get(id);
    if (p === undefined) issues.push({ file: source, path: `heldSeats.${id}`, expected: 'a known platform id', got: id });
    else if (seats > 0) heldSeats.set(p, seats);
  }
  if (issues.length) throw inputError(issues.slice(0, 100), Math.max(0, issues.length - 100));
  return { pins, forbidden, heldSeats, source };
}
