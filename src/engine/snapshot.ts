/**
 * What a batch snapshot contains, decided once for every adapter (local threads or the
 * queue): the per-talent rows a chunk result becomes, the assignment over every talent's
 * preference list, the referral lines, and the platform lines. Pure: the caller reads the
 * rows from its store and hands in the explanations of the placed pairs.
 */
import type { Platform, Policy } from '../domain/schemas.js';
import type { AssignOptions, Assignment } from '../matching/assign.js';
import { finishPairSet } from '../matching/pairs.js';
import type { Referrals } from '../referrals/referrals.js';
import { buildReferrals } from '../referrals/referrals.js';
import type { PairExplanation } from '../scoring/explain.js';
import type { TalentMeta } from './rows.js';
import { decodePrefs, prefsColumns } from './rows.js';
import { assignIncoming, countHosted, hostIndex, hostedPairs } from './hosted.js';
import { assignmentJsonParts, referralRecords } from './formatAssignment.js';
import type { PlatformSide } from './platformSide.js';
import { compareUtf8 } from '../util/order.js';
import { releaseNow } from '../util/release.js';

/** Growable typed array (doubling), for gathering preference lists without JS arrays of numbers. */
export class Grow<T extends Uint8Array | Int32Array | Float64Array> {
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
  /** Appends src[a, z) (a column of another gatherer). */
  pushFrom(src: T, a: number, z: number): void {
    this.reserve(z - a);
    (this.a as Int32Array).set((src as Int32Array).subarray(a, z), this.n);
    this.n += z - a;
  }
  private reserve(k: number): void {
    if (this.n + k <= this.a.length) return;
    const b = new (this.a.constructor as { new (n: number): T })(Math.max(16, this.a.length * 2, this.n + k));
    (b as unknown as { set(x: T): void }).set(this.a);
    this.a = b;
  }
  /** Drops the unused capacity (a gatherer kept while others are gathered). */
  trim(): void {
    if (this.n < this.a.length) this.a = this.a.slice(0, this.n) as T;
  }
  /** Frees the column now (a merged part): it reads as empty afterwards. */
  release(): void {
    releaseNow(this.a);
    this.n = 0;
  }
  done(): T {
    return (this.n === this.a.length ? this.a : this.a.slice(0, this.n)) as T;
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
  private readonly tPtr: Grow<Int32Array>;
  private readonly plat: Grow<Int32Array>;
  private readonly f: Grow<Float64Array>;
  private readonly b: Grow<Float64Array>;
  private readonly s: Grow<Float64Array>;
  private readonly seats: Grow<Int32Array>;
  private readonly priority: Grow<Float64Array>;
  private readonly capital: Grow<Float64Array>;
  private readonly noPairs: string[] = [];
  private readonly hostedBy: (string | undefined)[] = [];
  private pairs = 0;

  /** `size`: talents and preference entries expected (presized: no doubling; defaults grow from 1,024) */
  constructor(size?: { talents: number; entries: number }) {
    const t = Math.max(16, size?.talents ?? 1024);
    const e = Math.max(16, size?.entries ?? 1024);
    this.tPtr = new Grow(new Int32Array(t + 1));
    this.plat = new Grow(new Int32Array(e));
    this.f = new Grow(new Float64Array(e));
    this.b = new Grow(new Float64Array(e));
    this.s = new Grow(new Float64Array(e));
    this.seats = new Grow(new Int32Array(t));
    this.priority = new Grow(new Float64Array(t));
    this.capital = new Grow(new Float64Array(t));
    this.tPtr.push(0);
  }

  /** Talents and preference entries gathered so far. */
  get size(): { talents: number; entries: number } {
    return { talents: this.talentIds.length, entries: this.plat.n };
  }

  /** Drops the columns' unused capacity: a chunk's gatherer held until every chunk has arrived costs its entries only. */
  trim(): void {
    for (const g of [this.tPtr, this.plat, this.f, this.b, this.s, this.seats, this.priority, this.capital]) g.trim();
  }

  /** Frees the typed columns now, not at a later full collection (a part once merged; it is empty afterwards). */
  private release(): void {
    for (const g of [this.tPtr, this.plat, this.f, this.b, this.s, this.seats, this.priority, this.capital]) g.release();
    this.talentIds.length = 0;
    this.noPairs.length = 0;
    this.hostedBy.length = 0;
    this.pairs = 0;
  }

  /** Talent i of another gatherer, copied column by column (merging chunks gathered apart). */
  addFrom(o: PrefsGatherer, i: number): void {
    this.talentIds.push(o.talentIds[i]);
    const a = o.tPtr.a[i];
    const z = o.tPtr.a[i + 1];
    this.plat.pushFrom(o.plat.a, a, z);
    this.f.pushFrom(o.f.a, a, z);
    this.b.pushFrom(o.b.a, a, z);
    this.s.pushFrom(o.s.a, a, z);
    this.tPtr.push(this.plat.n);
    this.hostedBy.push(o.hostedBy[i]);
    this.seats.push(o.seats.a[i]);
    this.priority.push(o.priority.a[i]);
    this.capital.push(o.capital.a[i]);
    this.noPairs.push(o.noPairs[i]);
  }

  /**
   * Every talent of another gatherer, after this one's (merging chunks whose ids follow one
   * another): each column copied in one piece, its list offsets moved by the entries before
   * it. The same columns as `addFrom` for each talent in turn.
   */
  addAll(o: PrefsGatherer): void {
    const T = o.talentIds.length;
    const base = this.plat.n;
    const z = o.tPtr.a[T];
    for (let i = 0; i < T; i++) {
      this.talentIds.push(o.talentIds[i]);
      this.hostedBy.push(o.hostedBy[i]);
      this.noPairs.push(o.noPairs[i]);
    }
    this.plat.pushFrom(o.plat.a, 0, z);
    this.f.pushFrom(o.f.a, 0, z);
    this.b.pushFrom(o.b.a, 0, z);
    this.s.pushFrom(o.s.a, 0, z);
    // o's offsets start at 0 (the constructor's first entry)
    for (let i = 1; i <= T; i++) this.tPtr.push(base + o.tPtr.a[i]);
    this.seats.pushFrom(o.seats.a, 0, T);
    this.priority.pushFrom(o.priority.a, 0, T);
    this.capital.pushFrom(o.capital.a, 0, T);
  }

  /**
   * One gatherer of several gathered apart (a batch's chunks, each in id order, as their
   * results arrive), in the store's id order (compareUtf8): the same columns, entry for
   * entry, as gathering every row from the store. Chunks whose ids follow one another are
   * concatenated; overlapping ones are merged. Ids are unique across the parts.
   *
   * The parts are consumed: `parts` is emptied and each part's typed columns are freed (it
   * reads as empty afterwards); where chunks follow one another each is freed as soon as it is
   * copied, so the merge holds the result and one part at a time rather than every list twice
   * (at 1M talents the lists are ~0.2 GB).
   */
  static merge(parts: PrefsGatherer[]): PrefsGatherer {
    let talents = 0;
    let entries = 0;
    let pairs = 0;
    for (const p of parts) {
      talents += p.talentIds.length;
      entries += p.plat.n;
      pairs += p.pairs;
    }
    const out = new PrefsGatherer({ talents, entries });
    const nonEmpty: (PrefsGatherer | undefined)[] = parts.filter((p) => p.talentIds.length > 0).sort((x, y) => compareUtf8(x.talentIds[0], y.talentIds[0]));
    for (const p of parts) if (p.talentIds.length === 0) p.release();
    parts.length = 0;
    const disjoint = nonEmpty.every((p, j) => j === 0 || compareUtf8(nonEmpty[j - 1]!.talentIds.at(-1)!, p!.talentIds[0]) < 0);
    if (disjoint) {
      for (let j = 0; j < nonEmpty.length; j++) {
        const p = nonEmpty[j]!;
        nonEmpty[j] = undefined;
        out.addAll(p);
        // copied: its columns are freed now. Left to the collector, the parts (old generation by
        // then) stayed beside the merged copy through the assignment: +130 MB of RSS at 1M talents
        p.release();
      }
    } else {
      const refs: [PrefsGatherer, number][] = [];
      for (const p of nonEmpty) for (let i = 0; i < p!.talentIds.length; i++) refs.push([p!, i]);
      nonEmpty.length = 0;
      refs.sort((x, y) => compareUtf8(x[0].talentIds[x[1]], y[0].talentIds[y[1]]));
      for (const [p, i] of refs) out.addFrom(p, i);
      for (const [p, i] of refs) if (i === 0) p.release();
    }
    out.pairs = pairs;
    return out;
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

  /** The ids of the gathered talents that name a host (hosted projects: placed at their host whatever the assignment). */
  hostedIds(): string[] {
    const out: string[] = [];
    this.hostedBy.forEach((h, t) => {
      if (h !== undefined) out.push(this.talentIds[t]);
    });
    return out;
  }

  /** What was gathered, as the assignment reads it (the typed columns trimmed to their length). */
  columns() {
    const { talentIds, noPairs, hostedBy, pairs } = this;
    return { talentIds, tPtr: this.tPtr.done(), plat: this.plat.done(), f: this.f.done(), b: this.b.done(), s: this.s.done(), seats: this.seats.done(), priority: this.priority.done(), capital: this.capital.done(), noPairs, hostedBy, pairs };
  }

  /** Assigns every gathered talent under the platforms' free capacity, hosted projects staying with their hosts. */
  assign(side: PlatformSide, o: AssignOptions): SnapshotAssignment {
    const { talentIds, tPtr, plat, f, b, s, seats, priority, capital, noPairs, hostedBy, pairs } = this.columns();
    const N = talentIds.length;
    const M = side.platforms.count;
    const platformIds = side.platforms.ids;
    const ps = finishPairSet(N, M, tPtr, plat, f, b, s, seats, side.platforms.freeSlots, side.platforms.freeSeats);
    const hostOf = hostIndex(hostedBy, side.platformIndex);
    const assignment = assignIncoming(ps, hostOf, o, platformIds, (t) => noPairs[t]);
    const placed = new Map<string, number>();
    for (let t = 0; t < N; t++) {
      const e = assignment.matching.pairOf[t];
      if (e >= 0) placed.set(talentIds[t], assignment.pairs.plat[e]); // the assignment's pair set (hosted pairs taken out)
      else if (hostOf[t] >= 0) placed.set(talentIds[t], hostOf[t]);
    }
    return { talentIds, assignment, hostOf, priority, capital, placed, assigned: placed.size - countHosted(hostOf), pairs };
  }
}

/**
 * The snapshot's assignment.json, in parts (formatAssignment.ts assignmentJsonParts): it
 * needs no explanation, so the batch formats it while the placed talents are vectorized.
 */
export function snapshotAssignmentJson(a: SnapshotAssignment, side: PlatformSide, platforms: readonly Platform[]): Generator<string> {
  return assignmentJsonParts({ talentIds: a.talentIds, platformIds: side.platforms.ids, platforms }, a.assignment);
}

/**
 * The snapshot's referrals (referrals/referrals.ts) from the assignment; `hosted(t)`: the
 * explanation of hosted talent t's placed pair (the only explanations they need: the batch
 * builds them before the other placed talents are explained).
 */
export function snapshotReferrals(a: SnapshotAssignment, policy: Policy, hosted: (t: number) => PairExplanation): Referrals {
  return buildReferrals({ priority: a.priority, capital: a.capital, hosted: hostedPairs(a.hostOf, hosted) }, a.assignment, policy);
}

/**
 * The snapshot's referrals.jsonl (lines without the final newline, as stored), from the
 * referrals and each placed talent's explanation (`explain(t)`: of its placed pair).
 */
export function* snapshotReferralLines(a: SnapshotAssignment, side: PlatformSide, platforms: readonly Platform[], referrals: Referrals, explain: (t: number) => PairExplanation): Generator<string> {
  const ctx = { talentIds: a.talentIds, platformIds: side.platforms.ids, platforms, why: (t: number) => explain(t).why };
  let first = true;
  for (const r of referralRecords(ctx, referrals)) {
    yield (first ? '' : '\n') + JSON.stringify(r);
    first = false;
  }
}
