/**
 * The bilingual concept layer: a profile's tokens -> the concepts it mentions, the same
 * concept whether the profile writes English or Chinese. Concepts come from the taxonomy:
 *  - each glossary entry of an industry (`industries.json`: `glossary: [{ id, en, zh }]`)
 *    is one concept, `c:<id>`, matched by any of its surface forms;
 *  - each industry keyword not already a glossary form names the industry's own concept,
 *    `i:<industry id>` (the keywords are listed in both languages, unpaired).
 * Surface forms are tokenized by the same tokenizer as profiles (English stemmed, Chinese
 * segmented), so a form matches a run of a profile's tokens; the scan takes the longest
 * form starting at each token and skips past it. A form is matched as the tokenizer cuts it
 * (it drops isolated single Han characters: 供应链 -> 供应, in forms and profiles alike),
 * so a form that cuts down to a generic word (农产品 -> 产品) is better left out.
 * Pure and deterministic.
 */
import type { Industry } from '../domain/schemas.js';
import type { SparseVector } from '../vector/sparse.js';
import { CsrBuilder } from '../vector/sparse.js';
import { tf } from './tfidf.js';

/** One surface form: its tokens and the index of its concept in `ConceptLexicon.concepts`. */
export interface ConceptForm {
  readonly tokens: readonly string[];
  readonly concept: number;
}

export interface ConceptLexicon {
  /** first token of a form -> the forms starting with it, longest first (ties: first listed) */
  readonly byFirst: ReadonlyMap<string, readonly ConceptForm[]>;
  /** distinct concepts (`c:<glossary id>`, `i:<industry id>`), in order of first listing */
  readonly concepts: readonly string[];
}

/** Builds the lexicon of a taxonomy. `tokenize` must be the profiles' tokenizer. */
export function buildConceptLexicon(industries: readonly Industry[], tokenize: (text: string) => readonly string[]): ConceptLexicon {
  const forms = new Map<string, { tokens: readonly string[]; concept: number; order: number }>();
  const concepts: string[] = [];
  const index = new Map<string, number>();
  const add = (text: string, concept: string) => {
    const tokens = tokenize(text);
    if (tokens.length === 0) return;
    const key = tokens.join('\u0000');
    if (forms.has(key)) return; // the first listing of a form wins (glossary before keywords)
    let c = index.get(concept);
    if (c === undefined) {
      c = concepts.length;
      index.set(concept, c);
      concepts.push(concept);
    }
    forms.set(key, { tokens, concept: c, order: forms.size });
  };
  for (const ind of industries) for (const g of ind.glossary ?? []) for (const f of [...g.en, ...g.zh]) add(f, `c:${g.id}`);
  for (const ind of industries) for (const k of ind.keywords) add(k, `i:${ind.id}`);
  const byFirst = new Map<string, { tokens: readonly string[]; concept: number; order: number }[]>();
  for (const f of forms.values()) {
    const list = byFirst.get(f.tokens[0]) ?? [];
    list.push(f);
    byFirst.set(f.tokens[0], list);
  }
  for (const list of byFirst.values()) list.sort((x, y) => y.tokens.length - x.tokens.length || x.order - y.order);
  return { byFirst, concepts };
}

/** The lexicon as plain data (for worker threads): its forms, in lookup order. */
export function lexiconForms(lex: ConceptLexicon): { tokens: string[]; concept: number }[] {
  const out: { tokens: string[]; concept: number }[] = [];
  for (const list of lex.byFirst.values()) for (const f of list) out.push({ tokens: [...f.tokens], concept: f.concept });
  return out;
}

/** Rebuilds a lexicon from `lexiconForms` (the order within each first token is kept). */
export function lexiconFromForms(forms: readonly ConceptForm[], concepts: readonly string[]): ConceptLexicon {
  const byFirst = new Map<string, ConceptForm[]>();
  for (const f of forms) {
    const list = byFirst.get(f.tokens[0]) ?? [];
    list.push(f);
    byFirst.set(f.tokens[0], list);
  }
  return { byFirst, concepts: [...concepts] };
}

/** Appends to `out` the index of every concept the token list mentions, one per mention, in text order. */
export function conceptIds(lex: ConceptLexicon, tokens: readonly string[], out: number[]): void {
  const byFirst = lex.byFirst;
  const len = tokens.length;
  let i = 0;
  while (i < len) {
    const cands = byFirst.get(tokens[i]);
    let used = 1;
    if (cands !== undefined) {
      for (let f = 0; f < cands.length; f++) {
        const c = cands[f];
        const n = c.tokens.length;
        if (i + n > len) continue;
        let ok = true;
        for (let j = 1; j < n && ok; j++) ok = tokens[i + j] === c.tokens[j];
        if (ok) {
          out.push(c.concept);
          used = n;
          break;
        }
      }
    }
    i += used;
  }
}

/** The concepts a token list mentions, by name, one per mention, in text order. */
export function conceptTokens(lex: ConceptLexicon, tokens: readonly string[]): string[] {
  const ids: number[] = [];
  conceptIds(lex, tokens, ids);
  return ids.map((c) => lex.concepts[c]);
}

/**
 * idf of every concept over a reference corpus (lists of concept indices), as the text
 * model's: idf = ln((1 + n) / (1 + df)) + 1. A concept no document mentions gets
 * ln(1 + n) + 1, the text model's weight of an unseen term.
 */
export function fitConceptIdf(concepts: number, docs: Iterable<readonly number[]>): { idf: Float32Array; documents: number } {
  const df = new Int32Array(concepts);
  const seen = new Int32Array(concepts).fill(-1);
  let n = 0;
  for (const doc of docs) {
    for (const c of doc) {
      if (seen[c] === n) continue;
      seen[c] = n;
      df[c]++;
    }
    n++;
  }
  const idf = new Float32Array(concepts);
  for (let c = 0; c < concepts; c++) idf[c] = Math.log((1 + n) / (1 + df[c])) + 1;
  return { idf, documents: n };
}

/**
 * TF-IDF vector of a list of concept mentions, as the text model's: tf = 1 + ln(count),
 * weight tf * idf, L2-normalised, indices ascending. `scratch` is caller-owned and reused
 * (`conceptScratch`); it is left ready for the next call.
 */
export function conceptVector(idf: Float32Array, mentions: readonly number[], scratch: ConceptScratch): SparseVector {
  // the weighting rule lives in conceptVectorInto alone; this is its row copied out
  const row = new CsrBuilder(1, Math.max(1, mentions.length));
  conceptVectorInto(idf, mentions, scratch, row);
  return { indices: row.indices.slice(0, row.nnz), values: row.values.slice(0, row.nnz) };
}

/** `conceptVector` appended to `out` as its next row: the same bits, no arrays of its own. */
export function conceptVectorInto(idf: Float32Array, mentions: readonly number[], scratch: ConceptScratch, out: CsrBuilder): void {
  const { counts, touched } = scratch;
  let k = 0;
  for (let i = 0; i < mentions.length; i++) {
    const c = mentions[i];
    if (counts[c]++ === 0) touched[k++] = c;
  }
  const ids = touched.subarray(0, k).sort();
  out.reserve(k);
  const base = out.nnz;
  const { indices, values } = out;
  let norm = 0;
  for (let i = 0; i < k; i++) {
    const c = ids[i];
    const w = tf(counts[c]) * idf[c];
    norm += w * w;
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < k; i++) {
    const c = ids[i];
    indices[base + i] = c;
    values[base + i] = norm > 0 ? (tf(counts[c]) * idf[c]) / norm : 0;
    counts[c] = 0;
  }
  out.nnz = base + k;
  out.endRow();
}

/** Reusable buffers of `conceptVector`: one slot per concept. */
export interface ConceptScratch {
  counts: Int32Array;
  touched: Int32Array;
}

export function conceptScratch(concepts: number): ConceptScratch {
  return { counts: new Int32Array(concepts), touched: new Int32Array(concepts) };
}

const HAN = /\p{Script=Han}/u;
const LETTER = /\p{L}/u;

/** 1 for a Han token, 0 for a token of another script with a letter, -1 for no letter (a number). */
export function tokenScript(t: string): number {
  const c = t.charCodeAt(0);
  // the tokenizer never mixes Han with other characters in a token: the first one decides
  if (c >= 0x4e00 && c <= 0x9fff) return 1;
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) return 0;
  if (c < 0x80) {
    for (let i = 1; i < t.length; i++) {
      const d = t.charCodeAt(i);
      if ((d >= 0x61 && d <= 0x7a) || (d >= 0x41 && d <= 0x5a)) return 0;
    }
    return -1;
  }
  return HAN.test(t) ? 1 : LETTER.test(t) ? 0 : -1;
}

/**
 * Counts of a token list's words: [Chinese, all with a letter] (numbers such as "001"
 * belong to no language), added into `out`.
 */
export function countLanguage(tokens: readonly string[], out: [number, number]): void {
  for (const t of tokens) {
    const k = tokenScript(t);
    if (k < 0) continue;
    out[1]++;
    if (k === 1) out[0]++;
  }
}

/**
 * Share of a token list written in Chinese: tokens with a Han character over tokens with
 * any letter, in [0, 1]; 0 when no token has a letter.
 */
export function chineseShare(...lists: (readonly string[])[]): number {
  const n: [number, number] = [0, 0];
  for (const l of lists) countLanguage(l, n);
  return n[1] === 0 ? 0 : n[0] / n[1];
}
