/**
 * `match` on inputs made elsewhere: a scores CSV (--scores, with --capacities or the
 * platforms/talents files) or rank lists (--preferences); and the committee decisions
 * (--decisions) for every input. Returns the pair set and the names the output needs.
 */
import { optionError } from '../../../errors.js';
import type { Engine } from '../../../engine/engine.js';
import type { RecordContext } from '../../../engine/formatAssignment.js';
import type { PairSet } from '../../../matching/pairs.js';
import { cmp, pairSetFromPairs, pairSetFromRankLists } from '../../../matching/external.js';
import { readCapacitiesCsv, readRankLists, readScoresCsv } from '../../files/scores.js';

export interface ExternalInstance {
  ps: PairSet;
  context: RecordContext;
  talentIds: readonly string[];
  noPairsReason: (t: number) => string;
  /** with the engine's talents: each talent's host platform or -1 (hosted projects stay where they are, as in `match`) */
  hostOf?: Int32Array;
}

const capacityOnly = (id: string, slots: number, seats: number) => ({ id, capacity: { slots, slotsUsed: 0, seats, seatsUsed: 0 } });
const indexOf = (ids: readonly string[]) => new Map(ids.map((id, i) => [id, i]));

/** --scores with --capacities (talents: those in the file, seat need 1) or with the engine's talents and platforms. */
export async function scoresInstance(scoresPath: string, capacitiesPath: string | undefined, engine: Engine | undefined): Promise<ExternalInstance> {
  const noPairsReason = () => `no acceptable platform: no row in ${scoresPath}`;
  if (capacitiesPath !== undefined) {
    const caps = (await readCapacitiesCsv(capacitiesPath)).sort((x, y) => cmp(x.id, y.id));
    const platformIds = caps.map((c) => c.id);
    const found = new Map<string, number>();
    const pairs = await readScoresCsv(scoresPath, found, indexOf(platformIds), false);
    // talents in id order, as the engine orders them
    const talentIds = [...found.keys()].sort(cmp);
    const order = Int32Array.from(talentIds, (id) => found.get(id)!);
    const rank = new Int32Array(order.length);
    order.forEach((old, i) => (rank[old] = i));
    for (const x of pairs) x.t = rank[x.t];
    const N = talentIds.length;
    const ps = pairSetFromPairs(N, caps.length, pairs, new Int32Array(N).fill(1), Int32Array.from(caps, (c) => c.slots), Int32Array.from(caps, (c) => c.seats));
    return { ps, talentIds, noPairsReason, context: { talentIds, platformIds, platforms: caps.map((c) => capacityOnly(c.id, c.slots, c.seats)) } };
  }
  if (!engine) throw optionError('--scores needs --capacities FILE.csv or the platforms and talents (--data, or --platforms and --talents)');
  const m = engine.model;
  const talentIds = Array.from({ length: m.talents.count }, (_, t) => m.talents.ids[t]);
  const pairs = await readScoresCsv(scoresPath, indexOf(talentIds), indexOf(m.platforms.ids), true);
  const ps = pairSetFromPairs(m.talents.count, m.platforms.count, pairs, m.talents.seats, m.platforms.freeSlots, m.platforms.freeSeats);
  return { ps, talentIds, noPairsReason, hostOf: engine.hostOf, context: { talentIds, platformIds: m.platforms.ids, platforms: engine.data.platforms } };
}

/** --preferences FILE.json: rank lists; stable mode only. */
export async function preferencesInstance(path: string): Promise<ExternalInstance> {
  const lists = await readRankLists(path);
  const { ps, talentIds, platformIds } = pairSetFromRankLists(lists);
  const byId = new Map(lists.platforms.map((p) => [p.id, p]));
  return {
    ps,
    talentIds,
    noPairsReason: () => 'no acceptable platform: no platform it lists lists it back',
    context: { talentIds, platformIds, platforms: platformIds.map((id, p) => capacityOnly(id, byId.get(id)!.slots, ps.freeSeats[p])) },
  };
}

export { indexOf };
