/**
 * The batch's unit of work. A chunk is plain data — run id, chunk id, its input line
 * range and the validated talent records of that range — so a queue could hand it to
 * another machine unchanged. Scoring a chunk is pure: same chunk, same platform side, same
 * result, whichever thread or machine runs it.
 */
import { encodeCandidates } from './candidates.js';
import { RowsPacker, metaInto, prefsBytes } from './rows.js';
import { jsonHash, strongHash } from '../util/hash.js';
import type { Talent } from '../domain/schemas.js';
import type { PlatformSide } from './platformSide.js';
import { TalentFeatureBuilder, emptyList } from '../features/talents.js';
import type { TokenSource } from '../features/build.js';
import type { ScoringModel } from '../scoring/kernel.js';
import { RowRanker } from '../ranking/rows.js';
import { talentRecordInto } from './format.js';
import { createExplainBuffer } from '../scoring/explain.js';
import { hasListControls, industryView, talentRowList } from './lists.js';
import type { ListControls } from '../domain/schemas.js';
import { noAcceptableReason } from '../matching/whyNot.js';
import { talentPriority } from '../referrals/referrals.js';
import { finalizeTopK } from '../vector/topk.js';
import { blocksOf } from '../ranking/blockScan.js';

/** First guess of a packed row's bytes besides its items and preference list (id, hash, meta, lengths), and per item of its line. */
const ROW_ROOM = 320;
const LINE_ITEM_ROOM = 440;

/**
 * The packer of this thread's chunks, reused: scoreChunk runs start to end with no await, so
 * one chunk at a time writes into it, and its result is a copy (RowsPacker.finish).
 */
let packer: RowsPacker | undefined;

/**
 * The builder of this thread's chunks' features, reused the same way: a chunk's features are
 * views of its arrays (grown, never shrunk), valid until the next chunk, which no result
 * keeps; fresh arrays a chunk (~3.5 MB) were memory a scorer's mark-compacts count.
 */
let features: TalentFeatureBuilder | undefined;

/**
 * The candidates' scores, talent indices and per-platform counts of this thread's chunks,
 * reused the same way (grown, never shrunk): encodeCandidates serializes views of them, the
 * same bytes as arrays of their exact size (Node writes a typed array's own bytes, not its
 * buffer's). Fresh arrays a chunk were memory V8 counts towards the scorer's next
 * mark-compact (external memory allocated since the last one: docs/PERFORMANCE.md, branch gc13).
 */
let scoreScratch = new Float64Array(0);
let atScratch = new Int32Array(0);
let countScratch = new Int32Array(0);
/** per talent of the chunk: its index among the candidates' ids, -1 when none of its pairs is a candidate */
let slotScratch = new Int32Array(0);
/** The candidates' ids, reused the same way: emptied by pops and pushed again, so it stays a packed array (serialized as a dense one, the bytes of a fresh array's) with its memory kept. */
const candIdScratch: string[] = [];

/** A view of `n` entries of `a`, grown first (contents not kept) if shorter. */
function scratchOf<A extends Float64Array | Int32Array>(a: A, n: number, make: (n: number) => A): A {
  return (a.length >= n ? a : make(Math.ceil(n * 1.25))).subarray(0, n) as A;
}

export interface ChunkTask {
  runId: number;
  chunkId: number;
  /** first and last input line (1-based, inclusive) */
  startLine: number;
  endLine: number;
  /** byte range [startByte, endByte) of those lines in the talents file */
  startByte: number;
  endByte: number;
  /**
   * hash of the chunk's talents' content hashes: a worker reading the range itself checks it.
   * Absent (with `hashes`): the scorer hashes the talents and returns the key with the result
   * (a local pool on a run with no reuse base: the hashes leave the main thread)
   */
  key?: string;
  /** input lines inside the range not to score: skipped as invalid (--skip-invalid) or reused unchanged */
  skipLines: number[];
  talents: Talent[];
  /** the talents' content hashes (talentHash), in the same order, when the sender has them already; absent: computed here */
  hashes?: string[];
  /** platforms per talent line */
  k: number;
  /** talents kept per platform (the reserve depth: more than a platform line shows) */
  kPlatform: number;
  /** preference-list length kept per talent for the assignment (0 = every acceptable pair) */
  maxPrefs: number;
  /** the policy's per-talent list controls (engine/lists.ts), applied to the talents' lines */
  lists?: ListControls;
  /**
   * per platform, a score the run's merged list already holds `kPlatform` talents at or above
   * (engine/candidates.ts CandidateMerger.floor; -Infinity: not full yet): the chunk's heaps
   * take no talent strictly below it, which could not enter the merged list, and the ranker
   * prunes with it (RankerOptions.platformFloor). The candidates then depend on the chunks
   * merged before; the merged list does not
   */
  platformFloor?: Float64Array;
}

/**
 * What scoring a chunk yields, ready to write: the worker builds the rows and encodes the
 * candidates, so the main thread only hands them to the store.
 */
export interface ChunkResult {
  chunkId: number;
  /**
   * per talent, in id order within the chunk: its line, preference list and metadata, packed
   * into one buffer (engine/rows.ts packRows; unpackRows reads it)
   */
  rows: Uint8Array;
  /** per platform, its best candidates of this chunk (score desc, id asc) by score and id, encoded (engine/candidates.ts): not explained (the platform lines' talents are, at the end) */
  candidates: Uint8Array;
  pairs: number;
  /** the chunk's key (chunkKeyOf), when the task came without one */
  key?: string;
}

/** Key of a chunk: hash of its talents' content hashes (talentHash), in input order. */
export function chunkKeyOf(hashes: readonly string[]): string {
  return strongHash(hashes.join('\n'));
}

/** Content hash of a talent profile (canonical JSON of the validated record). */
export function talentHash(t: Talent): string {
  return jsonHash(t);
}

export function scoreChunk(side: PlatformSide, task: ChunkTask, tokens: TokenSource): ChunkResult {
  const given = task.talents;
  const order = given.map((_, i) => i).sort((a, b) => (given[a].id < given[b].id ? -1 : given[a].id > given[b].id ? 1 : 0));
  const talents = order.map((i) => given[i]);
  // the content hashes in input order: given by the sender, or computed here (then the key too)
  const hashes = task.hashes ?? given.map(talentHash);
  const hashOf = (ti: number): string => hashes[order[ti]];
  const T = (features ??= new TalentFeatureBuilder()).build(talents, side, tokens);
  const P = side.platforms;
  const M = P.count;
  const N = T.count;
  const m: ScoringModel = { ctx: side.ctx, talents: T, platforms: P };
  const view = task.lists && hasListControls({ lists: task.lists }) ? industryView(P, side.ctx.dims) : undefined;
  // the talent's line needs only its own row; the assignment keeps its preference list. The
  // ranker prunes exactly (ranking/options.ts: heaps, list and pair counts as unpruned), so
  // the scratch holds only the pairs it scored, every listed one among them; list controls
  // read the talent's whole row, so a policy with them scores every pair.
  const r = new RowRanker(m, { kTalent: task.k, keepTalentRows: false, kPlatform: task.kPlatform, prefs: task.maxPrefs, prune: view === undefined, ...(view === undefined ? { blocks: blocksOf(P, side.ctx.dims), ...(task.platformFloor ? { platformFloor: task.platformFloor } : {}) } : {}) });
  const { scratch: s, talentTop, platformTop, prefTop } = r;
  // one explanation buffer for every listed item of the chunk's talent lines
  const ex = createExplainBuffer();
  // each row written once, in place: its line from the JSON writer, its preference list from the ranker's arrays
  const room = N * (ROW_ROOM + LINE_ITEM_ROOM * Math.min(task.k, M) + prefsBytes(Math.min(task.maxPrefs || M, M)));
  const out = (packer ??= new RowsPacker(room)).reset(room);
  for (let ti = 0; ti < N; ti++) {
    const pairs = r.rank(ti);
    const t = talents[ti];
    out.row(t.id);
    out.text(hashOf(ti));
    const line = out.open();
    if (view && task.lists) {
      const l = talentRowList(s.score, view, task.lists, task.k);
      talentRecordInto(out.w, m, ti, l, l.length, ex);
    } else talentRecordInto(out.w, m, ti, talentTop.ids, talentTop.sizes[0], ex);
    out.close(line);
    const n = prefTop.sizes[0];
    // the talent's TalentMeta, as JSON, with no object or string of its own
    const metaAt = out.open();
    metaInto(out.w, talentPriority(m, ti), T.capital[ti], T.seats[ti], pairs, n === 0 ? noAcceptableReason(m, ti, s) : '', t.hostedBy);
    out.close(metaAt);
    out.prefs(n, prefTop.ids, s.forward, s.backward, s.score);
  }
  finalizeTopK(platformTop);
  const candCount = scratchOf(countScratch, M, (n) => (countScratch = new Int32Array(n)));
  candCount.set(platformTop.sizes);
  let total = 0;
  for (let p = 0; p < M; p++) total += candCount[p];
  // each candidate talent's id once (a chunk's 2,000 talents fill its 30 x 1,000 slots), in id order
  const slot = scratchOf(slotScratch, N, (n) => (slotScratch = new Int32Array(n)));
  slot.fill(-1);
  for (let p = 0; p < M; p++) for (let j = 0; j < candCount[p]; j++) slot[platformTop.ids[p * platformTop.k + j]] = 0;
  const candIds = candIdScratch;
  emptyList(candIds);
  for (let ti = 0; ti < N; ti++) if (slot[ti] === 0) slot[ti] = candIds.push(T.ids[ti]) - 1;
  const scores = scratchOf(scoreScratch, total, (n) => (scoreScratch = new Float64Array(n)));
  const at = scratchOf(atScratch, total, (n) => (atScratch = new Int32Array(n)));
  let o = 0;
  for (let p = 0; p < M; p++) {
    const base = p * platformTop.k;
    for (let j = 0; j < candCount[p]; j++, o++) {
      scores[o] = platformTop.scores[base + j];
      at[o] = slot[platformTop.ids[base + j]];
    }
  }
  // the rows' copy (~12 MB, the larger of the two fresh buffers a chunk yields) made last, so
  // that it is held the least time before it moves on (workers/worker.ts run)
  const candidates = encodeCandidates({ count: candCount, scores, at, ids: candIds });
  return { chunkId: task.chunkId, rows: out.finish(), candidates, pairs: r.pairs, ...(task.key === undefined ? { key: chunkKeyOf(hashes) } : {}) };
}
