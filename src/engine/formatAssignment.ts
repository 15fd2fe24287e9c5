/**
 * Contract records for the assignment (one JSON object) and the referrals (JSON Lines:
 * platform-to-government lines, then government-to-platform lines, platforms by id).
 */
import type { Assignment } from '../matching/assign.js';
import type { BudgetSummary, Funding, Referrals, SupportItem } from '../referrals/referrals.js';
import type { Engine } from './engine.js';
import type { Platform } from '../domain/schemas.js';
import type { Breakdown } from '../scoring/explain.js';
import { explainPair } from '../scoring/explain.js';

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

/** A platform-to-government line: the projects a platform puts forward for policy support. */
export interface SupportLine {
  direction: 'platform-to-government';
  platformId: string;
  /** hosted projects (referred or not) and newly introduced ones listed */
  hosted: number;
  introduced: number;
  /** with a support budget: the yuan funded on this line */
  fundedYuan?: number;
  /** a SupportItem by id: its funding spread into `funded`, `fundedYuan` and, when not funded, `code` and `reason` */
  items: ({ talentId: string } & Omit<SupportItem, 'talent' | 'platform' | 'funding'> & {
    funded?: boolean;
    fundedYuan?: number;
    code?: Funding['code'];
    reason?: string;
    why: Breakdown;
  })[];
  /** hosted projects below the referral minimum at their host */
  notReferred?: { talentId: string; hosted: true; score: number; reason: string }[];
}

/** A government-to-platform line: the projects introduced to a platform and its reserve. */
export interface IntroductionLine {
  direction: 'government-to-platform';
  platformId: string;
  freeSlots: number;
  freeSeats: number;
  slotsLeft: number;
  seatsLeft: number;
  acceptable: number;
  introduced: { talentId: string; score: number; talentScore: number; platformScore: number; why: Breakdown }[];
  reserve: { talentId: string; score: number; talentScore: number; platformScore: number; status: 'placed-elsewhere' | 'unplaced'; placedAt?: string; margin?: number }[];
}

/** The support budget's allocation (one line, last, when the policy sets a budget): the totals of referrals/budget.ts. */
export type BudgetLine = { direction: 'support-budget' } & BudgetSummary;

export type ReferralLine = SupportLine | IntroductionLine | BudgetLine;

/** What the referral lines need besides names: each listed pair's `why` (its term contributions). */
export interface ReferralContext extends RecordContext {
  why(talent: number, platform: number): Breakdown;
}

export function recordContext(engine: Engine): ReferralContext {
  return {
    talentIds: engine.model.talents.ids as string[],
    platformIds: engine.model.platforms.ids,
    platforms: engine.data.platforms,
    why: (t, p) => explainPair(engine.model, t, p).why,
  };
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

/**
 * The referral lines: platform-to-government per platform (by id), then
 * government-to-platform per platform, then — when the policy sets a support budget — one
 * `support-budget` line with the allocation's totals.
 */
export function* referralRecords(c: ReferralContext, r: Referrals): Generator<ReferralLine> {
  const T = c.talentIds;
  const P = c.platformIds;
  for (let p = 0; p < P.length; p++) {
    const items = r.toGovernment[p];
    const notReferred = r.notReferred[p];
    let hosted = 0;
    let fundedYuan = 0;
    for (const i of items) {
      if (i.hosted) hosted++;
      fundedYuan += i.funding?.yuan ?? 0;
    }
    yield {
      direction: 'platform-to-government',
      platformId: P[p],
      hosted: hosted + notReferred.length,
      introduced: items.length - hosted,
      ...(r.budget ? { fundedYuan } : {}),
      items: items.map((i) => ({
        talentId: T[i.talent],
        hosted: i.hosted,
        score: i.score,
        talentScore: i.talentScore,
        platformScore: i.platformScore,
        priority: i.priority,
        merit: i.merit,
        supportYuan: i.supportYuan,
        ...(i.funding ? { funded: i.funding.funded, fundedYuan: i.funding.yuan, ...(i.funding.code ? { code: i.funding.code, reason: i.funding.reason } : {}) } : {}),
        why: c.why(i.talent, p),
      })),
      ...(notReferred.length > 0 ? { notReferred: notReferred.map((n) => ({ talentId: T[n.talent], hosted: true as const, score: n.score, reason: n.reason })) } : {}),
    };
  }
  for (let p = 0; p < P.length; p++) {
    const g = r.toPlatform[p];
    yield {
      direction: 'government-to-platform',
      platformId: P[p],
      freeSlots: g.freeSlots,
      freeSeats: g.freeSeats,
      slotsLeft: g.slotsLeft,
      seatsLeft: g.seatsLeft,
      acceptable: g.acceptable,
      introduced: g.introduced.map((i) => ({ talentId: T[i.talent], score: i.score, talentScore: i.talentScore, platformScore: i.platformScore, why: c.why(i.talent, p) })),
      reserve: g.reserve.map((i) => ({
        talentId: T[i.talent],
        score: i.score,
        talentScore: i.talentScore,
        platformScore: i.platformScore,
        ...(i.placedAt >= 0 ? { status: 'placed-elsewhere' as const, placedAt: P[i.placedAt] } : { status: 'unplaced' as const }),
        ...(i.margin !== undefined ? { margin: i.margin } : {}),
      })),
    };
  }
  if (r.budget) yield { direction: 'support-budget', ...r.budget };
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
