/**
 * The platform side of a batch snapshot: per platform, the best talents of all chunks by
 * (score desc, talent id asc), with their explanations, merged exactly.
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

/** Numbers kept per platform-side candidate: score, forward (platform's view), backward, and one `why` per term. */
export const CANDIDATE_WIDTH = 3 + TERMS.length;

/** A chunk's candidates as stored with its checkpoint: per platform a count, then ids and values platform by platform. */
export function encodeCandidates(r: { candCount: Int32Array; candIds: string[]; candValues: Float64Array }): Buffer {
  return serialize({ count: r.candCount, ids: r.candIds, values: r.candValues });
}

interface Cand {
  id: string;
  /** its CANDIDATE_WIDTH numbers: a plain array of doubles, on the JS heap (a Float64Array this small takes an off-heap store of its own: allocating one cost more than the merge) */
  v: number[];
}

/** What a bound needs of a candidate: its score and id (no copy of its numbers). */
interface Bound {
  id: string;
  score: number;
}

/** Rank order: higher score first, then smaller id. */
const before = (s: number, id: string, t: number, jd: string) => s > t || (s === t && id < jd);

interface Encoded {
  count: Int32Array;
  ids: string[];
  values: Float64Array;
  /** per platform: score and id of the bound (NaN / '' when the list holds every acceptable talent) */
  boundScore?: Float64Array;
  boundId?: string[];
}

export class CandidateMerger {
  private readonly lists: Cand[][];
  /** per platform: talents not listed rank strictly below this (undefined: none unlisted) */
  private readonly bound: (Bound | undefined)[];

  /** `depth`: entries kept per platform (the reserve); `chunkDepth`: the depth chunks were ranked to */
  constructor(
    platforms: number,
    private readonly depth: number,
    private readonly chunkDepth: number = depth,
  ) {
    this.lists = Array.from({ length: platforms }, () => []);
    this.bound = new Array<Bound | undefined>(platforms).fill(undefined);
  }

  /** A talent left out of platform p's list: the bound rises to it if it ranks above the bound (allocates only then). */
  private raise(p: number, score: number, id: string): void {
    const b = this.bound[p];
    if (!b || before(score, id, b.score, b.id)) this.bound[p] = { id, score };
  }

  /**
   * Candidate `id` of platform p, its numbers values[at .. at + CANDIDATE_WIDTH) (a view into
   * the decoded blob: copied only when the list keeps it; one that ranks below a full list
   * only raises the bound).
   */
  private insert(p: number, id: string, values: Float64Array, at: number): void {
    const list = this.lists[p];
    const score = values[at];
    // insertion into a short sorted list (the depth is small)
    let i = list.length;
    while (i > 0 && before(score, id, list[i - 1].v[0], list[i - 1].id)) i--;
    if (i >= this.depth) {
      this.raise(p, score, id);
      return;
    }
    const v: number[] = [];
    for (let k = 0; k < CANDIDATE_WIDTH; k++) v.push(values[at + k]);
    list.splice(i, 0, { id, v });
    if (list.length > this.depth) {
      const out = list.pop()!;
      this.raise(p, out.v[0], out.id);
    }
  }

  private addEncoded(e: Encoded, keep: ((id: string) => boolean) | undefined, truncatedAtDepth: number | undefined): void {
    let c = 0;
    for (let p = 0; p < e.count.length; p++) {
      const n = e.count[p];
      for (let j = 0; j < n; j++, c++) if (keep === undefined || keep(e.ids[c])) this.insert(p, e.ids[c], e.values, c * CANDIDATE_WIDTH);
      // a chunk's heap that filled up may have left talents out, below its last entry
      if (truncatedAtDepth !== undefined && n >= truncatedAtDepth && n > 0) this.raise(p, e.values[(c - 1) * CANDIDATE_WIDTH], e.ids[c - 1]);
      if (e.boundScore && !Number.isNaN(e.boundScore[p])) this.raise(p, e.boundScore[p], e.boundId![p]);
    }
  }

  /** A chunk's candidates (encodeCandidates). */
  add(blob: Buffer): void {
    this.addEncoded(deserialize(blob) as Encoded, undefined, this.chunkDepth);
  }

  /** An earlier snapshot's reserve (encodeReserve), keeping only the talents `unchanged` says are the same. */
  addReserve(blob: Buffer, unchanged: (id: string) => boolean): void {
    this.addEncoded(deserialize(blob) as Encoded, unchanged, undefined);
  }

  /** The talent ids of a reserve blob (to ask which of them are unchanged). */
  static reserveIds(blob: Buffer): string[] {
    return (deserialize(blob) as Encoded).ids;
  }

  /** Entries of platform p known to be exact (they rank above the bound). */
  exact(p: number): number {
    const b = this.bound[p];
    const list = this.lists[p];
    if (!b) return list.length;
    let n = 0;
    while (n < list.length && before(list[n].v[0], list[n].id, b.score, b.id)) n++;
    return n;
  }

  /** Platforms whose exact entries are fewer than `k` while more talents may exist: the reserve cannot answer them. */
  exhausted(k: number): number[] {
    const out: number[] = [];
    for (let p = 0; p < this.lists.length; p++) if (this.bound[p] && this.exact(p) < k) out.push(p);
    return out;
  }

  /** The merged lists with their bounds, for the next run (decoded by addReserve). */
  encodeReserve(): Buffer {
    const M = this.lists.length;
    const count = new Int32Array(M);
    const ids: string[] = [];
    let total = 0;
    for (const l of this.lists) total += l.length;
    const values = new Float64Array(total * CANDIDATE_WIDTH);
    const boundScore = new Float64Array(M).fill(NaN);
    const boundId = new Array<string>(M).fill('');
    let o = 0;
    for (let p = 0; p < M; p++) {
      count[p] = this.lists[p].length;
      for (const c of this.lists[p]) {
        ids.push(c.id);
        values.set(c.v, o);
        o += CANDIDATE_WIDTH;
      }
      const b = this.bound[p];
      if (b) {
        boundScore[p] = b.score;
        boundId[p] = b.id;
      }
    }
    return serialize({ count, ids, values, boundScore, boundId } satisfies Encoded);
  }

  /** Platform p's line with its best `k` talents, in the contract's format (same bytes as the in-process output). */
  line(platformId: string, p: number, k: number): string {
    const items = this.lists[p].slice(0, k).map((c) => ({
      id: c.id,
      score: c.v[0],
      forward: c.v[1],
      backward: c.v[2],
      why: Object.fromEntries(TERMS.map((t, i) => [t, c.v[3 + i]])),
    }));
    return JSON.stringify({ side: 'platform', id: platformId, items });
  }
}
