/**
 * Tables that turn profile fields into numbers. Differences are data: the needs a talent
 * can have, and which platform offer meets each, are rows here, not branches in the scorer.
 */
import type { Platform, Talent } from '../domain/schemas.js';
import { STAGES } from '../domain/schemas.js';

export interface NeedRow {
  /** name shown in docs */
  name: string;
  needs: (t: Talent) => boolean;
  offers: (p: Platform) => boolean;
}

/** The talent's needs and the platform offers that meet them (bit i = row i). */
export const NEED_TABLE: readonly NeedRow[] = [
  { name: 'capital (talent & capital mode)', needs: (t) => (t.needs?.capitalYuan ?? 0) > 0, offers: (p) => p.modes.includes('capital') },
  { name: 'boundary crossing (talent & boundary crossing mode)', needs: (t) => t.needs?.crossIndustry === true, offers: (p) => p.modes.includes('boundary-crossing') },
  { name: 'training (talent & training mode)', needs: (t) => t.needs?.training === true, offers: (p) => p.modes.includes('training') },
  { name: 'housing (apartment arranged)', needs: (t) => t.needs?.housing === true, offers: (p) => p.housing === true },
];

// plain loops: a forEach callback capturing the mask was a closure and context per talent (a batch chunk's 2,000)
export function needMask(t: Talent): number {
  let m = 0;
  for (let i = 0; i < NEED_TABLE.length; i++) if (NEED_TABLE[i].needs(t)) m |= 1 << i;
  return m;
}

export function offerMask(p: Platform): number {
  let m = 0;
  for (let i = 0; i < NEED_TABLE.length; i++) if (NEED_TABLE[i].offers(p)) m |= 1 << i;
  return m;
}

/** Popcount for the small masks above. */
export function popcount(x: number): number {
  let c = 0;
  while (x) {
    x &= x - 1;
    c++;
  }
  return c;
}

/** Stage index used in typed arrays; STAGES.length means "not given". */
export const STAGE_UNKNOWN = STAGES.length;
export function stageIndex(t: Talent): number {
  return t.stage === undefined ? STAGE_UNKNOWN : STAGES.indexOf(t.stage);
}
