/**
 * What a batch snapshot contains, decided once for every adapter (local threads or the
 * queue): the per-talent rows a chunk result becomes, the assignment over every talent's
 * preference list, the referral lines, and the platform lines. Pure: the caller reads the
 * rows from its store and hands in the explanations of the placed pairs.
 */
import type { Platform, Policy } from '../domain/schemas.js';
import type { AssignOptions, Assignment } from '../matching/assign.js';
import { finishPairSet } from '../matching/pairs.js';
import { buildReferrals } from '../referrals/referrals.js';
import type { PairExplanation } from '../scoring/explain.js';
import type { TalentMeta } from './rows.js';
import { decodePrefs, prefsColumns } from './rows.js';
import { assignIncoming, countHosted, hostIndex, hostedPairs } from './hosted.js';
import { assignmentJsonParts, referralRecords } from './formatAssignment.js';
import type { PlatformSide } from './platformSide.js';

/** Growable typed array (doubling), for gathering preference lists without JS arrays of numbers. */
class Grow<T extends Int32Array | Float64Array> {
  n = 0;
  constructor(public a: T) {}
  push(x: number): void {
    if (this.n === this.a.length) this.reserve(1);
    this.a[this.n++] = x;
  }
  /** Appends k values given as their bytes in this host's layout (a stored column). */
  pushBytes(bytes: Uint8Array, k: number): void {
    this.reserve(k);
    const w = this.a.BYTES_PER_ELEMENT;
    new Uint8Array(this.a.buffer, this.a.byteOffset + this.n * w, k * w).set(bytes);
    this.n += k;
  }
  private reserve(k: number): void {
    if (this.n + k <= this.a.length) return;
    const b = new (this.a.constructor as { new (n: number): T })(Math.max(16, this.a.length * 2, this.n + k));
    (b as unknown as { set(x: T): void }).set(this.a);
    this.a = b;
  }
  done(): T {
    return this.a.slice(0, this.n) as T;
  }
}

/** The assignment of a snapshot and what the referral lines need besides explanations. */
export interface SnapshotAssignment {
  talentIds: string[];
  assignment: Assignment;
  hostOf: Int32Array;
  priority: Float64Array;
  capital: Float64Array;
  /** talent id -> platform index of its placed pair (introduced or hosted): the pairs to explain */
  placed: Map<string, number>;
  /** introduced (not hosted) talents placed */
  assigned: number;
  /** acceptable pairs of every talent */
  pairs: number;
}

/** A stored talent row as the assignment reads it. */
export interface PrefsRow {
  talent_id: string;
  prefs: Buffer;
  meta: string;
}

/**
 * Gathers the talents' preference lists (rows in talent id order, as the store yields
 * them) for the assignment; a caller streaming from an asynchronous store adds row by row.
 */
export class PrefsGatherer {
  readonly talentIds: string[] = [];
  private readonly tPtr = new Grow(new Int32Array(1024));
  private readonly plat = new Grow(new Int32Array(1024));
  private readonly f = new Grow(new Float64Array(1024));
  private readonly b = new Grow(new Float64Array(1024));
  private readonly s = new Grow(new Float64Array(1024));
  private readonly seats = new Grow(new Int32Array(1024));
  private readonly priority = new Grow(new Float64Array(1024));
  private readonly capital = new Grow(new Float64Array(1024));
  private readonly noPairs: string[] = [];
  private readonly hostedBy: (string | undefined)[] = [];
  private pairs = 0;

  constructor() {
    this.tPtr.push(0);
  }

  /** One preference entry of the talent being added (decodePrefs calls it). */
  push(plat: number, f: number, b: number, s: number): void {
    this.plat.push(plat);
    this.f.push(f);
    this.b.push(b);
    this.s.push(s);
  }

  add(row: PrefsRow): void {
    this.talentIds.push(row.talent_id);
    const cols = prefsColumns(row.prefs);
    if (cols) {
      // the stored columns copied as they are: no per-entry reads
      this.plat.pushBytes(cols.plat, cols.n);
      this.f.pushBytes(cols.f, cols.n);
      this.b.pushBytes(cols.b, cols.n);
      this.s.pushBytes(cols.s, cols.n);
    } else decodePrefs(row.prefs, this);
    this.tPtr.push(this.plat.n);
    const meta = JSON.parse(row.meta) as TalentMeta;
    this.hostedBy.push(meta.hostedBy);
    this.seats.push(meta.seats);
    this.priority.push(meta.priority);
    this.capital.push(meta.capital);
    this.noPairs.push(meta.noPairs);
    this.pairs += meta.pairs;
  }

  /** Assigns every gathered talent under the platforms' free capacity, hosted projects staying with their hosts. */
  assign(side: PlatformSide, o: AssignOptions): SnapshotAssignment {
    const { talentIds, tPtr, plat, f, b, s, seats, priority, capital, noPairs, hostedBy, pairs } = this;
    const N = talentIds.length;
    const M = side.platforms.count;
    const platformIds = side.platforms.ids;
    const ps = finishPairSet(N, M, tPtr.done(), plat.done(), f.done(), b.done(), s.done(), seats.done(), side.platforms.freeSlots, side.platforms.freeSeats);
    const hostOf = hostIndex(hostedBy, side.platformIndex);
    const assignment = assignIncoming(ps, hostOf, o, platformIds, (t) => noPairs[t]);
    const placed = new Map<string, number>();
    for (let t = 0; t < N; t++) {
      const e = assignment.matching.pairOf[t];
      if (e >= 0) placed.set(talentIds[t], assignment.pairs.plat[e]); // the assignment's pair set (hosted pairs taken out)
      else if (hostOf[t] >= 0) placed.set(talentIds[t], hostOf[t]);
    }
    return { talentIds, assignment, hostOf, priority: priority.done(), capital: capital.done(), placed, assigned: placed.size - countHosted(hostOf), pairs };
  }
}

/**
 * The snapshot's artifacts: assignment.json (in parts) and referrals.jsonl (lines without
 * the final newline, as stored), from the assignment and the placed pairs' explanations.
 */
export function snapshotArtifacts(
  a: SnapshotAssignment,
  side: PlatformSide,
  platforms: readonly Platform[],
  policy: Policy,
  explained: ReadonlyMap<string, PairExplanation>,
): Record<'assignment.json' | 'referrals.jsonl', Iterable<string>> {
  const explain = (t: number) => explained.get(a.talentIds[t])!;
  const ctx = { talentIds: a.talentIds, platformIds: side.platforms.ids, platforms, why: (t: number) => explain(t).why };
  const referrals = buildReferrals({ priority: a.priority, capital: a.capital, hosted: hostedPairs(a.hostOf, explain) }, a.assignment, policy);
  const referralParts = (function* () {
    let first = true;
    for (const r of referralRecords(ctx, referrals)) {
      yield (first ? '' : '\n') + JSON.stringify(r);
      first = false;
    }
  })();
  return { 'assignment.json': assignmentJsonParts(ctx, a.assignment), 'referrals.jsonl': referralParts };
}
