/**
 * What-if scenarios (the data contract's "Scenario file"): a name and an RFC 6902 JSON
 * Patch against the dataset view `{platforms: {ID: record}, talents: {ID: record},
 * industries: {ID: record}, policy, weights}`. A file holds one scenario, an array of
 * them, or `{"scenarios": [...]}`.
 */
import { z } from 'zod';
import { inputError } from '../errors.js';
import { issuesFromZod } from './validate.js';

const e = (text: string) => ({ error: text });
const pointer = z.string(e('JSON Pointer string ("" or starting with "/")')).refine((s) => s === '' || s.startsWith('/'), e('JSON Pointer string ("" or starting with "/")'));

/** One patch operation (RFC 6902 section 4): op, path, and value or from as the op needs. */
export const PatchOperationSchema = z.discriminatedUnion(
  'op',
  [
    z.object({ op: z.literal('add'), path: pointer, value: z.unknown().refine((v) => v !== undefined, e('a value')) }),
    z.object({ op: z.literal('remove'), path: pointer }),
    z.object({ op: z.literal('replace'), path: pointer, value: z.unknown().refine((v) => v !== undefined, e('a value')) }),
    z.object({ op: z.literal('move'), path: pointer, from: pointer }),
    z.object({ op: z.literal('copy'), path: pointer, from: pointer }),
    z.object({ op: z.literal('test'), path: pointer, value: z.unknown().refine((v) => v !== undefined, e('a value')) }),
  ],
  e('one of "add" | "remove" | "replace" | "move" | "copy" | "test"'),
);

export const ScenarioSchema = z.object(
  {
    name: z.string(e('non-empty string')).min(1, e('non-empty string')).max(200, e('string of at most 200 characters')),
    description: z.string(e('string')).optional(),
    patch: z.array(PatchOperationSchema, e('array of JSON Patch operations')).max(10_000, e('at most 10,000 operations')),
  },
  e('object'),
);

export const ScenarioListSchema = z.array(ScenarioSchema, e('array of scenarios')).min(1, e('at least one scenario')).max(100, e('at most 100 scenarios'));

export type PatchOperation = z.infer<typeof PatchOperationSchema>;
export type Scenario = z.infer<typeof ScenarioSchema>;

/**
 * The schema for the shape a scenario file has: an array of scenarios, `{"scenarios":
 * [...]}`, or one scenario (so a problem is reported against the shape the user meant).
 */
export function scenarioFileShape(raw: unknown): { schema: z.ZodType<Scenario | Scenario[] | { scenarios: Scenario[] }>; list: (v: unknown) => Scenario[] } {
  if (Array.isArray(raw)) return { schema: ScenarioListSchema, list: (v) => v as Scenario[] };
  if (raw !== null && typeof raw === 'object' && 'scenarios' in raw) return { schema: z.object({ scenarios: ScenarioListSchema }), list: (v) => (v as { scenarios: Scenario[] }).scenarios };
  return { schema: ScenarioSchema, list: (v) => [v as Scenario] };
}

/** The scenarios of a scenario document (parsed JSON), or an E_INPUT error naming `file` and each bad field. */
export function parseScenarios(raw: unknown, file: string): Scenario[] {
  const shape = scenarioFileShape(raw);
  const r = shape.schema.safeParse(raw);
  if (!r.success) throw inputError(issuesFromZod(r.error, raw, { file }));
  const list = shape.list(r.data);
  const seen = new Set<string>();
  list.forEach((s, index) => {
    if (seen.has(s.name)) throw inputError([{ file, index, path: 'name', expected: 'a name no other scenario of the file has', got: JSON.stringify(s.name) }]);
    seen.add(s.name);
  });
  return list;
}
