import type { Dataset } from '../src/engine/data.js';
import type { Platform, Talent } from '../src/domain/schemas.js';
import { JIANGDONG_INDUSTRIES, JIANGDONG_POLICY } from '../src/synth/taxonomy.js';

export const industries = JIANGDONG_INDUSTRIES;

export function platform(id: string, over: Partial<Platform> = {}): Platform {
  return {
    id,
    name: `Platform ${id}`,
    description: 'A general co-working space for startups.',
    modes: ['boundary-crossing'],
    industries: {},
    capacity: { slots: 10, slotsUsed: 0, seats: 100, seatsUsed: 0, capitalYuan: 0 },
    ...over,
  };
}

export function talent(id: string, over: Partial<Talent> = {}): Talent {
  return { id, name: `Team ${id}`, description: 'A small startup team.', ...over };
}

export function dataset(platforms: Platform[], talents: Talent[], extra: Partial<Dataset> = {}): Dataset {
  return { industries, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0 }, platforms, talents, ...extra };
}
