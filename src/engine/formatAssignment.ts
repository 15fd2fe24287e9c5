/**
 * Contract records for the assignment (one JSON object) and the referrals (JSON Lines:
 * platform-to-government lines, then government-to-platform lines, platforms by id).
 */
import type { Assignment } from '../matching/assign.js';
import type { Referrals } from '../referrals/referrals.js';
import type { Engine } from './engine.js';
import type { Platform } from '../domain/schemas.js';

export interface AssignmentRecord {
  mode: 'stable' | 'optimal';
  proposer?: 'talent' | 'platform';
  assignments: { talentId: string; platformId: string; score: number; talentScore: number; platformScore: number }[];
  unassigned: { talentId: string; reason: string; code: string; platformId?: string; margin?: number }[];
  blockingPairs: number;
  totalScore: number;
  platforms: { id: string; slotsUsed: number; seatsUsed: number; assigned: number; slots: number; seats: number }[];
  method?: string;
  bound?: number;
  boundKind?: string;
  gap?: number;
  iterations?: number;
  /** committee decisions honoured: pins (placed first), forbidden pairs, seats held back */
  decisions?: {
    pinned: { talentId: string; platformId: string }[];
    forbidden: { talentId: string; platformId: string }[];
    heldSeats: { platformId: string; seats: number }[];
  };
}

/** Names the record needs: talent and platform ids by index, platforms (sorted by id) for capacities. */
export interface RecordContext {
  talentIds: ArrayLike<string>;
  platformIds: readonly string[];
  /** what the record reads of a platform (a Platform satisfies it; inputs from elsewhere give capacity only) */
  platforms: readonly Pick<Platform, 'id' | 'capacity'>[];
}

export function recordContext(engine: Engine): RecordContext {
  return { talentIds: engine.model.talents.ids as string[], platformIds: engine.model.platforms.ids, platforms: engine.data.platforms };
}

function assignmentItem(c: RecordContext, a: Assignment, t: number, e: number): AssignmentRecord['assignments'][number] {
  const ps = a.pairs;
  return { talentId: c.talentIds[t], platformId: c.platformIds[ps.plat[e]], score: ps.s[e], talentScore: ps.f[e], platformScore: ps.b[e] };
}

function unassignedItem(c: RecordContext, u: Assignment['unassigned'][number]): AssignmentRecord['unassigned'][number] {
  return {
    talentId: c.talentIds[u.talent],
    reason: u.reason,
    code: u.code,
    ...(u.platform !== undefined ? { platformId: c.platformIds[u.platform] } : {}),
    ...(u.margin !== undefined ? { margin: u.margin } : {}),
  };
}

function platformUse(c: RecordContext, a: Assignment): AssignmentRecord['platforms'] {
  return c.platforms.map((p, i) => ({
    id: p.id,
    slotsUsed: p.capacity.slotsUsed + a.assignedCount[i],
    seatsUsed: p.capacity.seatsUsed + a.assignedSeats[i],
    assigned: a.assignedCount[i],
    slots: p.capacity.slots,
    seats: p.capacity.seats,
  }));
}

export function assignmentRecord(c: RecordContext, a: Assignment): AssignmentRecord {
  const assignments: AssignmentRecord['assignments'] = [];
  for (let t = 0; t < a.pairs.talents; t++) {
    const e = a.matching.pairOf[t];
    if (e >= 0) assignments.push(assignmentItem(c, a, t, e));
  }
  return {
    mode: a.mode,
    ...(a.mode === 'stable' ? { proposer: a.proposer } : {}),
    assignments,
    unassigned: a.unassigned.map((u) => unassignedItem(c, u)),
    blockingPairs: a.blockingPairs,
    totalScore: a.totalScore,
    platforms: platformUse(c, a),
    ...(a.optimal ?? {}),
    ...decisionsPart(c, a),
  };
}

/** The committee decisions the assignment honoured, by id (absent without decisions). */
function decisionsPart(c: RecordContext, a: Assignment): Pick<AssignmentRecord, 'decisions'> {
  const d = a.decisions;
  if (!d) return {};
  const pair = (x: { talent: number; platform: number }) => ({ talentId: c.talentIds[x.talent], platformId: c.platformIds[x.platform] });
  return {
    decisions: {
      pinned: d.pins.map(pair),
      forbidden: d.forbidden.map(pair),
      heldSeats: [...d.heldSeats].sort((x, y) => x[0] - y[0]).map(([p, seats]) => ({ platformId: c.platformIds[p], seats })),
    },
  };
}

export function* referralRecords(c: RecordContext, r: Referrals): Generator<Record<string, unknown>> {
  const T = { ids: c.talentIds };
  const P = { ids: c.platformIds, count: c.platformIds.length };
  for (let p = 0; p < P.count; p++) {
    yield {
      direction: 'platform-to-government',
      platformId: P.ids[p],
      items: r.toGovernment[p].map((i) => ({ talentId: T.ids[i.talent], score: i.score, priority: i.priority, supportYuan: i.supportYuan })),
    };
  }
  for (let p = 0; p < P.count; p++) {
    const g = r.toPlatform[p];
    yield {
      direction: 'government-to-platform',
      platformId: P.ids[p],
      freeSlots: g.freeSlots,
      freeSeats: g.freeSeats,
      items: g.items.map((i) => ({
        talentId: T.ids[i.talent],
        score: i.score,
        status: i.status,
        ...(i.currentPlatform !== undefined ? { currentPlatformId: P.ids[i.currentPlatform], currentScore: i.currentScore } : {}),
      })),
    };
  }
}

/**
 * The assignment record as compact JSON, in parts (a few thousand entries each), so a large
 * assignment is never one object graph or one string. The concatenation equals
 * JSON.stringify(assignmentRecord(c, a)) byte for byte (tested).
 */
export function* assignmentJsonParts(c: RecordContext, a: Assignment, per = 5000): Generator<string> {
  const head: Record<string, unknown> = { mode: a.mode, ...(a.mode === 'stable' ? { proposer: a.proposer } : {}) };
  yield JSON.stringify(head).slice(0, -1) + ',"assignments":[';
  let buf: string[] = [];
  let first = true;
  const flush = function* (): Generator<string> {
    if (buf.length === 0) return;
    yield (first ? '' : ',') + buf.join(',');
    first = false;
    buf = [];
  };
  for (let t = 0; t < a.pairs.talents; t++) {
    const e = a.matching.pairOf[t];
    if (e < 0) continue;
    buf.push(JSON.stringify(assignmentItem(c, a, t, e)));
    if (buf.length >= per) yield* flush();
  }
  yield* flush();
  yield '],"unassigned":[';
  first = true;
  for (const u of a.unassigned) {
    buf.push(JSON.stringify(unassignedItem(c, u)));
    if (buf.length >= per) yield* flush();
  }
  yield* flush();
  const tail = JSON.stringify({ blockingPairs: a.blockingPairs, totalScore: a.totalScore, platforms: platformUse(c, a), ...(a.optimal ?? {}), ...decisionsPart(c, a) });
  yield '],' + tail.slice(1);
}
