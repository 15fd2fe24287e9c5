/**
 * Bounded top-k heaps over flat typed arrays. Many heaps share one pair of arrays:
 * heap h occupies [h*k, h*k + size[h]). The root of each heap is its worst entry, so a
 * candidate is kept only when it beats the root: O(log k) per kept item, no allocation.
 *
 * Order: higher score first; equal scores break by smaller id (ids are indices into
 * entities sorted by their string id, so this is "ties break by id, ascending").
 */

/** true when (sa, ia) ranks strictly before (sb, ib). */
export function better(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa > sb || (sa === sb && ia < ib);
}

export interface TopKBuffers {
  k: number;
  rows: number;
  sizes: Int32Array;
  ids: Int32Array;
  scores: Float64Array;
}

export function createTopK(rows: number, k: number): TopKBuffers {
  return { k, rows, sizes: new Int32Array(rows), ids: new Int32Array(rows * k), scores: new Float64Array(rows * k) };
}

function siftDown(ids: Int32Array, scores: Float64Array, base: number, size: number, start: number): void {
  let i = start;
  const s = scores[base + i];
  const id = ids[base + i];
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) break;
    let w = l;
    const r = l + 1;
    // pick the worse child (the one that ranks later)
    if (r < size && better(scores[base + l], ids[base + l], scores[base + r], ids[base + r])) w = r;
    if (better(scores[base + w], ids[base + w], s, id)) break;
    scores[base + i] = scores[base + w];
    ids[base + i] = ids[base + w];
    i = w;
  }
  scores[base + i] = s;
  ids[base + i] = id;
}

/** The one-slot source `offer` passes its score through (offerFrom reads it there). */
const one = new Float64Array(1);

/** Offers (score, id) to heap `row`; returns whether the heap kept it (its content changed). */
export function offer(t: TopKBuffers, row: number, score: number, id: number): boolean {
  one[0] = score;
  return offerFrom(t, row, one, 0, id);
}

/**
 * offer() of the score src[at]: the hot callers (ranking/rows.ts) pass a score array and an
 * index, never the double itself. A call V8 does not inline passes its arguments tagged, so a
 * fractional score as an argument is a fresh heap number per call (6.2 MB of a batch chunk's
 * short-lived heap, with its caller's boxing); read here, it stays unboxed.
 */
export function offerFrom(t: TopKBuffers, row: number, src: Float64Array, at: number, id: number): boolean {
  const k = t.k;
  if (k === 0) return false;
  const score = src[at];
  const base = row * k;
  const size = t.sizes[row];
  const ids = t.ids;
  const scores = t.scores;
  if (size < k) {
    // sift up: parent must be worse than child
    let i = size;
    while (i > 0) {
      const p = (i - 1) >> 1;
      // better(parent, candidate), written out (see below)
      const ps = scores[base + p];
      if (!(ps > score || (ps === score && ids[base + p] < id))) break;
      scores[base + i] = scores[base + p];
      ids[base + i] = ids[base + p];
      i = p;
    }
    scores[base + i] = score;
    ids[base + i] = id;
    t.sizes[row] = size + 1;
    return true;
  }
  // better(candidate, root), written out: TurboFan left this function's four calls of
  // `better` out of line (too rare a call site by its count), and each boxed its two doubles
  // (all of the 9 MB an 8,000-talent ranking still allocated); test/vector/topk.test.ts holds
  // the order to better's on ties
  const rs = scores[base];
  if (!(score > rs || (score === rs && id < ids[base]))) return false;
  scores[base] = score;
  ids[base] = id;
  siftDown(ids, scores, base, size, 0);
  return true;
}

/** Sorts heap `row` in place, best first (heap sort: repeatedly move the worst, the root, to the end). */
export function finalizeRow(t: TopKBuffers, row: number): void {
  const base = row * t.k;
  let size = t.sizes[row];
  while (size > 1) {
    const s = t.scores[base];
    const id = t.ids[base];
    size--;
    t.scores[base] = t.scores[base + size];
    t.ids[base] = t.ids[base + size];
    siftDown(t.ids, t.scores, base, size, 0);
    t.scores[base + size] = s;
    t.ids[base + size] = id;
  }
}

/** Sorts every heap in place, best first. After this the buffers are plain ranked lists. */
export function finalizeTopK(t: TopKBuffers): void {
  for (let row = 0; row < t.rows; row++) finalizeRow(t, row);
}

/**
 * Merges heaps (not finalized) of `from` into `into`, row by row: the exact top-k of the
 * union, whatever the order chunks arrive in.
 */
export function mergeTopK(into: TopKBuffers, from: TopKBuffers): void {
  for (let row = 0; row < from.rows; row++) {
    const base = row * from.k;
    for (let i = 0; i < from.sizes[row]; i++) offerFrom(into, row, from.scores, base + i, from.ids[base + i]);
  }
}
