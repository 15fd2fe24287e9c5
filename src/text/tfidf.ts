/**
 * Vocabulary and TF-IDF over typed arrays (natural's TfIdf class scans every document on
 * each idf lookup and does not scale past a few thousand documents).
 *
 *   tf(t, d)  = 1 + ln(count of t in d)                     (sublinear term frequency)
 *   idf(t)    = ln((1 + n) / (1 + df(t))) + 1                (smoothed, as scikit-learn)
 *   vector(d) = L2-normalised tf * idf over the terms of d, indices ascending
 *
 * Term ids are assigned in order of first appearance over the fitting corpus, which the
 * caller feeds in a deterministic order (entities sorted by id). Out-of-vocabulary tokens
 * of texts transformed later (a live profile) are ignored.
 */
import type { SparseVector } from '../vector/sparse.js';

export interface TextModel {
  /** term -> id */
  readonly vocab: ReadonlyMap<string, number>;
  /** idf per term id */
  readonly idf: Float32Array;
  /** number of documents the model was fitted on */
  readonly documents: number;
}

/** Counts up to this have their tf in `TF_TABLE`. */
export const TF_TABLE_MAX = 1023;
/** 1 + ln(c) for c in [0, TF_TABLE_MAX], computed by the same expression (the same doubles). */
const TF_TABLE = new Float64Array(TF_TABLE_MAX + 1);
for (let c = 0; c <= TF_TABLE_MAX; c++) TF_TABLE[c] = 1 + Math.log(c);

/**
 * The sublinear term frequency of a count, 1 + ln(count), the same bits as the expression
 * (counts up to TF_TABLE_MAX read from a table: Math.log was a third of vectorizing's
 * weighting loops, docs/PERFORMANCE.md, branch txt15). For term and concept counts alike.
 */
export function tf(count: number): number {
  return count <= TF_TABLE_MAX ? TF_TABLE[count] : 1 + Math.log(count);
}

/** Maps tokens to ids (adding new terms when `grow`), returns sorted (id, count) runs. */
function countIds(tokens: readonly string[], vocab: Map<string, number> | ReadonlyMap<string, number>, grow: boolean): { ids: Int32Array; counts: Int32Array } {
  const raw = new Int32Array(tokens.length);
  let n = 0;
  for (const tok of tokens) {
    let id = vocab.get(tok);
    if (id === undefined) {
      if (!grow) continue;
      id = vocab.size;
      (vocab as Map<string, number>).set(tok, id);
    }
    raw[n++] = id;
  }
  const sorted = raw.subarray(0, n).sort();
  const ids = new Int32Array(n);
  const counts = new Int32Array(n);
  let u = -1;
  for (let i = 0; i < n; i++) {
    if (u >= 0 && ids[u] === sorted[i]) counts[u]++;
    else {
      u++;
      ids[u] = sorted[i];
      counts[u] = 1;
    }
  }
  return { ids: ids.slice(0, u + 1), counts: counts.slice(0, u + 1) };
}

/** Fits vocabulary and idf on a corpus of token lists. */
export function fitTextModel(corpus: Iterable<readonly string[]>): TextModel {
  const vocab = new Map<string, number>();
  let df = new Int32Array(1024);
  let documents = 0;
  for (const tokens of corpus) {
    documents++;
    const { ids } = countIds(tokens, vocab, true);
    if (vocab.size > df.length) {
      const next = new Int32Array(Math.max(vocab.size, df.length * 2));
      next.set(df);
      df = next;
    }
    for (let i = 0; i < ids.length; i++) df[ids[i]]++;
  }
  const idf = new Float32Array(vocab.size);
  for (let t = 0; t < vocab.size; t++) idf[t] = Math.log((1 + documents) / (1 + df[t])) + 1;
  return { vocab, idf, documents };
}

/**
 * TF-IDF vector of one token list under a fitted model, L2-normalised. Tokens outside the
 * vocabulary have no coordinate (no platform or industry text has them, so they cannot add
 * to a cosine) but still count in the norm with the idf of an unseen term,
 * ln(1 + n) + 1: a text that is mostly unknown words gets a small cosine, not an inflated
 * one. Empty if no token is known.
 */
export function vectorize(model: TextModel, tokens: readonly string[]): SparseVector {
  const { ids, counts } = countIds(tokens, model.vocab, false);
  const values = new Float32Array(ids.length);
  let norm = 0;
  const w = new Float64Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    w[i] = tf(counts[i]) * model.idf[ids[i]];
    norm += w[i] * w[i];
  }
  if (ids.length > 0 && ids.length < tokens.length) {
    // out-of-vocabulary tokens: count them per distinct token for the norm
    const unseenIdf = Math.log(1 + model.documents) + 1;
    const oov = new Map<string, number>();
    for (const tok of tokens) if (!model.vocab.has(tok)) oov.set(tok, (oov.get(tok) ?? 0) + 1);
    for (const c of oov.values()) {
      const x = tf(c) * unseenIdf;
      norm += x * x;
    }
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < ids.length; i++) values[i] = w[i] / norm;
  return { indices: ids, values };
}
