/**
 * The platform side of a batch snapshot: per platform, the best talents of all chunks by
 * (score desc, talent id asc), merged exactly. Only what the merge needs travels: a score and
 * a talent id per candidate. The listed talents are explained once at the end (the lines'
 * best `kPlatform` of each platform, adapters/batch/publish.ts), not in every chunk: a chunk
 * keeps 3x more per platform than a line shows, and most of them never reach a line.
 *
 * Each list is kept to a reserve depth (deeper than the `kPlatform` items a platform line
 * shows) together with a bound: talents not in the list rank strictly below the bound, so
 * entries that rank above it are exact. The reserve is stored with a snapshot; the next run
 * re-scores only changed and new talents and merges their candidates with the reserve
 * entries of talents that are unchanged (per-talent reuse). Removed or edited talents drop
 * out of the reserve; when a platform's exact entries fall below `kPlatform`, the reserve
 * cannot answer and the run scores every talent (`exhausted`).
 */
import { deserialize, serialize } from 'node:v8';
import { TERMS } from '../config/weights.js';

/**
 * Numbers per candidate of the format before the thirteenth pass (score, forward, backward,
 * one `why` per term): still read, from a reserve artifact of an older snapshot or the
 * chunks of a run an older build began (--resume). Only the score, the first, is used.
 */
const LEGACY_WIDTH = 3 + TERMS.length;

/**
 * Candidates as encoded (a chunk's, with its checkpoint; a snapshot's reserve): per platform
 * a count, then the entries platform by platform, each platform's sorted best first (score
 * desc, id asc: the merge relies on it).
 */
export interface Encoded {
  count: Int32Array;
  /** talent ids: one per entry, or, with `at`, each entry's is ids[at[c]] (a chunk's talents once each) */
  ids: string[];
  at?: Int32Array;
  /** per entry its score; absent in the older format, whose `values` hold LEGACY_WIDTH numbers per entry, the score first */
  scores?: Float64Array;
  values?: Float64Array;
  /** per platform: score and id of the bound (NaN / '' when the list holds every acceptable talent) */
  boundScore?: Float64Array;
  boundId?: string[];
}

/** A reserve as encodeReserve writes it (the decoded artifact; tests read it). */
export type EncodedReserve = Required<Pick<Encoded, 'count' | 'ids' | 'scores' | 'boundScore' | 'boundId'>>;

/** A chunk's candidates: per platform a count, then per entry its score and its talent, ids[at[c]]. */
export interface ChunkCandidates {
  count: Int32Array;
  scores: Float64Array;
  at: Int32Array;
  ids: string[];
}

/** A chunk's candidates as stored with its checkpoint (Node writes a typed array view's own bytes, not its buffer's). */
export function encodeCandidates(c: ChunkCandidates): Buffer {
  return serialize({ count: c.count, ids: c.ids, at: c.at, scores: c.scores } satisfies Encoded);
}

/** No candidates for any of `platforms` (a chunk whose talents were all reused). */
export const noCandidates = (platforms: number): Buffer => encodeCandidates({ count: new Int32Array(platforms), scores: new Float64Array(0), at: new Int32Array(0), ids: [] });

/** Rank order: higher score first, then smaller id. */
const before = (s: number, id: string, t: number, jd: string) => s > t || (s === t && id < jd);

export class CandidateMerger {
  /** per platform p, its list in slots [p * depth, p * depth + size[p]): scores and talent ids, best first */
  private readonly size: Int32Array;
  private readonly score: Float64Array;
  private readonly id: string[];
  /** per platform: talents not listed rank strictly below (boundScore, boundId) when hasBound (else none is unlisted) */
  private readonly hasBound: Uint8Array;
  private readonly boundScore: Float64Array;
  private readonly boundId: string[];

  /** `depth`: entries kept per platform (the reserve); `chunkDepth`: the depth chunks were ranked to */
  constructor(
    private readonly platforms: number,
    private readonly depth: number,
    private readonly chunkDepth: number = depth,
  ) {
    this.size = new Int32Array(platforms);
    this.score = new Float64Array(platforms * depth);
    this.id = new Array<string>(platforms * depth).fill('');
    this.hasBound = new Uint8Array(platforms);
    this.boundScore = new Float64Array(platforms);
    this.boundId = new Array<string>(platforms).fill('');
  }

  /** A talent left out of platform p's list: the bound rises to it if it ranks above the bound. */
  private raise(p: number, score: number, id: string): void {
    if (this.hasBound[p] === 0 || before(score, id, this.boundScore[p], this.boundId[p])) {
      this.hasBound[p] = 1;
      this.boundScore[p] = score;
      this.boundId[p] = id;
    }
  }

  /** Candidate `id` of platform p; false when it ranks below a full list (it only raised the bound). */
  private insert(p: number, score: number, id: string): boolean {
    const { depth, score: sc, id: ids } = this;
    const base = p * depth;
    let n = this.size[p];
    // insertion into a short sorted list (the depth is small)
    let i = n;
    while (i > 0 && before(score, id, sc[base + i - 1], ids[base + i - 1])) i--;
    if (i >= depth) {
      this.raise(p, score, id);
      return false;
    }
    if (n === depth) {
      n--;
      this.raise(p, sc[base + n], ids[base + n]);
    }
    for (let j = n; j > i; j--) {
      sc[base + j] = sc[base + j - 1];
      ids[base + j] = ids[base + j - 1];
    }
    sc[base + i] = score;
    ids[base + i] = id;
    this.size[p] = n + 1;
    return true;
  }

  private addEncoded(e: Encoded, keep: ((id: string) => boolean) | undefined, truncatedAtDepth: number | undefined): void {
    const { ids, at, count } = e;
    // the older format's scores: every LEGACY_WIDTH-th of its numbers
    const scores = e.scores ?? e.values!;
    const stride = e.scores ? 1 : LEGACY_WIDTH;
    const idAt = (x: number): string => (at ? ids[at[x]] : ids[x]);
    let c = 0;
    for (let p = 0; p < count.length; p++) {
      const n = count[p];
      for (let j = 0; j < n; j++) {
        const id = idAt(c + j);
        if (keep !== undefined && !keep(id)) continue;
        // a list is sorted: once one ranks below the full list, so do the rest (and the bound is already above them)
        if (!this.insert(p, scores[(c + j) * stride], id)) break;
      }
      c += n;
      // a chunk's heap that filled up may have left talents out, below its last entry
      if (truncatedAtDepth !== undefined && n >= truncatedAtDepth && n > 0) this.raise(p, scores[(c - 1) * stride], idAt(c - 1));
      if (e.boundScore && !Number.isNaN(e.boundScore[p])) this.raise(p, e.boundScore[p], e.boundId![p]);
    }
  }

  /** A chunk's candidates (encodeCandidates, or the older format). */
  add(blob: Buffer): void {
    this.addEncoded(deserialize(blob) as Encoded, undefined, this.chunkDepth);
  }

  /** An earlier snapshot's reserve (encodeReserve, or the older format), keeping only the talents `unchanged` says are the same. */
  addReserve(blob: Buffer, unchanged: (id: string) => boolean): void {
    this.addEncoded(deserialize(blob) as Encoded, unchanged, undefined);
  }

  /** The talent ids of a reserve blob (to ask which of them are unchanged). */
  static reserveIds(blob: Buffer): string[] {
    return (deserialize(blob) as Encoded).ids;
  }

  /** Entries of platform p known to be exact (they rank above the bound). */
  exact(p: number): number {
    const n = this.size[p];
    if (this.hasBound[p] === 0) return n;
    const base = p * this.depth;
    let i = 0;
    while (i < n && before(this.score[base + i], this.id[base + i], this.boundScore[p], this.boundId[p])) i++;
    return i;
  }

  /** Platforms whose exact entries are fewer than `k` while more talents may exist: the reserve cannot answer them. */
  exhausted(k: number): number[] {
    const out: number[] = [];
    for (let p = 0; p < this.platforms; p++) if (this.hasBound[p] === 1 && this.exact(p) < k) out.push(p);
    return out;
  }

  /**
   * Per platform, the score of its list's last entry once the list holds `depth` talents
   * (-Infinity before): a talent strictly below it cannot enter the list any more, so a chunk
   * scored now need not offer it (ChunkTask.platformFloor).
   */
  floor(): Float64Array {
    const out = new Float64Array(this.platforms).fill(-Infinity);
    const d = this.depth;
    if (d > 0) for (let p = 0; p < this.platforms; p++) if (this.size[p] === d) out[p] = this.score[p * d + d - 1];
    return out;
  }

  /** Platform p's best `k` talents (at most), best first: its line's. */
  top(p: number, k: number): { ids: string[]; scores: number[] } {
    const base = p * this.depth;
    const n = Math.min(k, this.size[p]);
    const out = { ids: [] as string[], scores: [] as number[] };
    for (let j = 0; j < n; j++) {
      out.ids.push(this.id[base + j]);
      out.scores.push(this.score[base + j]);
    }
    return out;
  }

  /** The merged lists with their bounds, for the next run (decoded by addReserve). */
  encodeReserve(): Buffer {
    const M = this.platforms;
    let total = 0;
    for (let p = 0; p < M; p++) total += this.size[p];
    const ids: string[] = [];
    const scores = new Float64Array(total);
    const boundScore = new Float64Array(M).fill(NaN);
    const boundId = new Array<string>(M).fill('');
    let o = 0;
    for (let p = 0; p < M; p++) {
      const base = p * this.depth;
      for (let j = 0; j < this.size[p]; j++) {
        ids.push(this.id[base + j]);
        scores[o++] = this.score[base + j];
      }
      // the bound stored is canonical: a full list's is at least its last entry (ChunkTask.platformFloor: what a chunk
      // left out, and so the bound gathered, depends on the chunks merged before it; the last entry does not)
      const n = this.size[p];
      const full = n === this.depth && n > 0;
      if (full && (this.hasBound[p] === 0 || before(this.score[base + n - 1], this.id[base + n - 1], this.boundScore[p], this.boundId[p]))) {
        boundScore[p] = this.score[base + n - 1];
        boundId[p] = this.id[base + n - 1];
      } else if (this.hasBound[p] === 1) {
        boundScore[p] = this.boundScore[p];
        boundId[p] = this.boundId[p];
      }
    }
    return serialize({ count: this.size, ids, scores, boundScore, boundId } satisfies Encoded);
  }
}
