/**
 * Hosted projects (`hostedBy`): already at a platform, counted in its slotsUsed/seatsUsed,
 * never re-assigned. The rule lives here, once, for every consumer (library, CLI, batch,
 * API): the matchers see the incoming projects only — the hosted ones' pairs are taken
 * out of the pair set before the matchers run — and a hosted project is neither among the
 * assignments nor among the unassigned (it is placed already; the referrals list it with
 * its host). Hosted projects are still scored and explained like any other pair.
 */
import type { PairSet } from '../matching/pairs.js';
import { finishPairSet } from '../matching/pairs.js';
import type { AssignOptions, Assignment } from '../matching/assign.js';
import { assignPairs } from '../matching/assign.js';
import type { HostedPair } from '../referrals/referrals.js';

/** Per talent: the index of its host platform, or -1. Talents and the index share one id order. */
export function hostIndex(hostedBy: ArrayLike<string | undefined>, platformIndex: ReadonlyMap<string, number>): Int32Array {
  const out = new Int32Array(hostedBy.length).fill(-1);
  for (let t = 0; t < hostedBy.length; t++) {
    const h = hostedBy[t];
    if (h !== undefined) out[t] = platformIndex.get(h) ?? -1;
  }
  return out;
}

export function countHosted(hostOf: Int32Array): number {
  let n = 0;
  for (let t = 0; t < hostOf.length; t++) if (hostOf[t] >= 0) n++;
  return n;
}

/** The pair set without the hosted projects' pairs (the same object when there are none). */
function withoutHosted(ps: PairSet, hostOf: Int32Array): PairSet {
  if (countHosted(hostOf) === 0) return ps;
  const N = ps.talents;
  const tPtr = new Int32Array(N + 1);
  let E = 0;
  for (let t = 0; t < N; t++) {
    if (hostOf[t] < 0) E += ps.tPtr[t + 1] - ps.tPtr[t];
    tPtr[t + 1] = E;
  }
  const plat = new Int32Array(E);
  const f = new Float64Array(E);
  const b = new Float64Array(E);
  const s = new Float64Array(E);
  for (let t = 0; t < N; t++) {
    if (hostOf[t] >= 0) continue;
    const from = ps.tPtr[t];
    const to = ps.tPtr[t + 1];
    plat.set(ps.plat.subarray(from, to), tPtr[t]);
    f.set(ps.f.subarray(from, to), tPtr[t]);
    b.set(ps.b.subarray(from, to), tPtr[t]);
    s.set(ps.s.subarray(from, to), tPtr[t]);
  }
  return finishPairSet(N, ps.platforms, tPtr, plat, f, b, s, ps.seats, ps.freeSlots, ps.freeSeats);
}

/** The assignment of the incoming projects: hosted ones take no part and are not reported unassigned. */
export function assignIncoming(ps: PairSet, hostOf: Int32Array, o: AssignOptions, platformIds: readonly string[], noPairsReason: (t: number) => string, talentIds?: readonly string[]): Assignment {
  const a = assignPairs(withoutHosted(ps, hostOf), o, platformIds, (t) => (hostOf[t] >= 0 ? '' : noPairsReason(t)), talentIds);
  if (countHosted(hostOf) === 0) return a;
  return { ...a, unassigned: a.unassigned.filter((u) => hostOf[u.talent] < 0) };
}

/** The hosted pairs, scored by `score(t, p)` (the engine's explainer or the batch's). */
export function hostedPairs(hostOf: Int32Array, score: (t: number, p: number) => { talentScore: number; platformScore: number; score: number }): HostedPair[] {
  const out: HostedPair[] = [];
  for (let t = 0; t < hostOf.length; t++) {
    const p = hostOf[t];
    if (p < 0) continue;
    const x = score(t, p);
    out.push({ talent: t, platform: p, talentScore: x.talentScore, platformScore: x.platformScore, score: x.score });
  }
  return out;
}
