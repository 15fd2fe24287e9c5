/**
 * Committee decisions: cases settled by hand before the matcher runs.
 *  - pinned pairs (talent -> platform): placed first, using that platform's capacity;
 *  - forbidden pairs: removed from the acceptable pairs;
 *  - seats held back per platform: taken off its free seats.
 * The matcher (stable or optimal) then runs on what is left: the other talents and the
 * capacity the pins and held seats leave. "Stable" then means stable for everyone else:
 * blocking pairs are counted on that remaining instance (a pinned talent never blocks).
 * A pin of an unacceptable or forbidden pair, a talent pinned twice, or pins and held
 * seats beyond a platform's free slots or seats are input errors naming the decision.
 */
import type { PairSet } from './pairs.js';
import { finishPairSet } from './pairs.js';
import { CapacityLedger } from './capacity.js';
import { TalentmatchError } from '../errors.js';
import type { Decisions } from '../domain/decisions.js';

export type { Decisions };

/** An E_INPUT error naming the decision (`pins.2`, `heldSeats.P7`) and why it cannot hold. */
function decisionError(d: Decisions, path: string, expected: string, got: string): TalentmatchError {
  return new TalentmatchError('E_INPUT', `${d.source} ${path}: ${got} (expected ${expected})`, [{ file: d.source, path, expected, got }]);
}

export interface DecidedInstance {
  /** all acceptable pairs but the forbidden ones; free seats less the held seats: the output's view */
  full: PairSet;
  /** what the matcher runs on: pinned talents have no pairs, platforms keep what the pins leave */
  rest: PairSet;
  /** rest pair -> full pair */
  toFull: Int32Array;
  /** full pair pinned for each talent, or -1 */
  pinnedPair: Int32Array;
}

/** Names for messages: talent and platform ids by index. */
export interface DecisionNames {
  talent: (t: number) => string;
  platform: (p: number) => string;
}

export function applyDecisions(ps: PairSet, d: Decisions, names: DecisionNames): DecidedInstance {
  const N = ps.talents;
  const M = ps.platforms;
  const forbidden = new Set(d.forbidden.map((x) => x.talent * M + x.platform));
  const pinAt = new Int32Array(N).fill(-1);
  d.pins.forEach((x, i) => {
    if (pinAt[x.talent] >= 0) throw decisionError(d, `pins.${i}`, 'one pin per talent', `talent ${names.talent(x.talent)} pinned twice (to ${names.platform(pinAt[x.talent])} and ${names.platform(x.platform)})`);
    if (forbidden.has(x.talent * M + x.platform)) throw decisionError(d, `pins.${i}`, 'a pair that is not forbidden', `${names.talent(x.talent)} -> ${names.platform(x.platform)} is both pinned and forbidden`);
    pinAt[x.talent] = x.platform;
  });
  // the full view: forbidden pairs removed, held seats taken off
  const keep: number[] = [];
  const pinnedPair = new Int32Array(N).fill(-1);
  const tPtr = new Int32Array(N + 1);
  for (let t = 0; t < N; t++) {
    for (let e = ps.tPtr[t]; e < ps.tPtr[t + 1]; e++) {
      const p = ps.plat[e];
      if (forbidden.has(t * M + p)) continue;
      if (pinAt[t] === p) pinnedPair[t] = keep.length;
      keep.push(e);
    }
    tPtr[t + 1] = keep.length;
  }
  d.pins.forEach((x, i) => {
    if (pinnedPair[x.talent] < 0) throw decisionError(d, `pins.${i}`, 'an acceptable pair', `${names.talent(x.talent)} -> ${names.platform(x.platform)} is not acceptable (the scorer or the input rules it out)`);
  });
  const freeSeats = ps.freeSeats.slice();
  for (const [p, held] of d.heldSeats) {
    if (held > freeSeats[p]) throw decisionError(d, `heldSeats.${names.platform(p)}`, `at most the ${freeSeats[p]} free seats`, `${held} seats held back`);
    freeSeats[p] -= held;
  }
  const pick = <A extends Int32Array | Float64Array>(a: A): A => {
    const out = new (a.constructor as new (n: number) => A)(keep.length);
    keep.forEach((e, i) => (out[i] = a[e]));
    return out;
  };
  const full = finishPairSet(N, M, tPtr, pick(ps.plat), pick(ps.f), pick(ps.b), pick(ps.s), ps.seats, ps.freeSlots, freeSeats);
  // pins use capacity first
  const ledger = new CapacityLedger(full);
  d.pins.forEach((x, i) => {
    ledger.join(x.platform, x.talent);
    const pid = names.platform(x.platform);
    if (ledger.slotsLeft[x.platform] < 0) throw decisionError(d, `pins.${i}`, `pins within ${pid}'s ${full.freeSlots[x.platform]} free slots`, `${ledger.count[x.platform]} talents pinned to ${pid}`);
    if (ledger.seatsLeft[x.platform] < 0) throw decisionError(d, `pins.${i}`, `pins within ${pid}'s ${full.freeSeats[x.platform]} free seats${d.heldSeats.get(x.platform) ? ` (after ${d.heldSeats.get(x.platform)} held back)` : ''}`, `pinned teams needing ${ledger.seatsUsed[x.platform]} seats`);
  });
  // the rest: pinned talents drop out, capacity is what the pins leave
  const restKeep: number[] = [];
  const rPtr = new Int32Array(N + 1);
  for (let t = 0; t < N; t++) {
    if (pinnedPair[t] < 0) for (let e = full.tPtr[t]; e < full.tPtr[t + 1]; e++) restKeep.push(e);
    rPtr[t + 1] = restKeep.length;
  }
  const toFull = Int32Array.from(restKeep);
  const sub = <A extends Int32Array | Float64Array>(a: A): A => {
    const out = new (a.constructor as new (n: number) => A)(restKeep.length);
    restKeep.forEach((e, i) => (out[i] = a[e]));
    return out;
  };
  const rest = finishPairSet(N, M, rPtr, sub(full.plat), sub(full.f), sub(full.b), sub(full.s), ps.seats, ledger.slotsLeft.slice(), ledger.seatsLeft.slice());
  return { full, rest, toFull, pinnedPair };
}

/** The matching on the full view: the rest's matching plus the pins. */
export function withPins(inst: DecidedInstance, restPairOf: Int32Array): Int32Array {
  const out = new Int32Array(restPairOf.length);
  for (let t = 0; t < out.length; t++) out[t] = inst.pinnedPair[t] >= 0 ? inst.pinnedPair[t] : restPairOf[t] >= 0 ? inst.toFull[restPairOf[t]] : -1;
  return out;
}
