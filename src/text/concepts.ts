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

export interface ConceptLexicon {
  /** first token of a form -> the forms starting with it, longest first (ties: first listed) */
  readonly byFirst: ReadonlyMap<string, readonly { tokens: readonly string[]; concept: string }[]>;
  /** distinct concepts, in order of first listing */
  readonly concepts: readonly string[];
}

/** Builds the lexicon of a taxonomy. `tokenize` must be the profiles' tokenizer. */
export function buildConceptLexicon(industries: readonly Industry[], tokenize: (text: string) => readonly string[]): ConceptLexicon {
  const forms = new Map<string, { tokens: readonly string[]; concept: string; order: number }>();
  const concepts: string[] = [];
  const seen = new Set<string>();
  const add = (text: string, concept: string) => {
    const tokens = tokenize(text);
    if (tokens.length === 0) return;
    const key = tokens.join('\u0000');
    if (forms.has(key)) return; // the first listing of a form wins (glossary before keywords)
    forms.set(key, { tokens, concept, order: forms.size });
    if (!seen.has(concept)) {
      seen.add(concept);
      concepts.push(concept);
    }
  };
  for (const ind of industries) for (const g of ind.glossary ?? []) for (const f of [...g.en, ...g.zh]) add(f, `c:${g.id}`);
  for (const ind of industries) for (const k of ind.keywords) add(k, `i:${ind.id}`);
  const byFirst = new Map<string, { tokens: readonly string[]; concept: string; order: number }[]>();
  for (const f of forms.values()) {
    const list = byFirst.get(f.tokens[0]) ?? [];
    list.push(f);
    byFirst.set(f.tokens[0], list);
  }
  for (const list of byFirst.values()) list.sort((a, b) => b.tokens.length - a.tokens.length || a.order - b.order);
  return { byFirst, concepts };
}

/** The lexicon as plain data (for worker threads): its forms, in lookup order. */
export function lexiconForms(lex: ConceptLexicon): { tokens: string[]; concept: string }[] {
  const out: { tokens: string[]; concept: string }[] = [];
  for (const list of lex.byFirst.values()) for (const f of list) out.push({ tokens: [...f.tokens], concept: f.concept });
  return out;
}

/** Rebuilds a lexicon from `lexiconForms` (the order within each first token is kept). */
export function lexiconFromForms(forms: readonly { tokens: readonly string[]; concept: string }[], concepts: readonly string[]): ConceptLexicon {
  const byFirst = new Map<string, { tokens: readonly string[]; concept: string }[]>();
  for (const f of forms) {
    const list = byFirst.get(f.tokens[0]) ?? [];
    list.push(f);
    byFirst.set(f.tokens[0], list);
  }
  return { byFirst, concepts: [...concepts] };
}

/** The concepts a token list mentions, one entry per mention, in text order. */
export function conceptTokens(lex: ConceptLexicon, tokens: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    const cands = lex.byFirst.get(tokens[i]);
    let used = 1;
    if (cands) {
      for (const c of cands) {
        const n = c.tokens.length;
        if (i + n > tokens.length) continue;
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
  return out;
}

const HAN = /\p{Script=Han}/u;
const LETTER = /\p{L}/u;

/**
 * Share of a token list written in Chinese: tokens with a Han character over tokens with
 * any letter (numbers such as "001" belong to no language), in [0, 1]; 0 when no token
 * has a letter.
 */
export function chineseShare(tokens: readonly string[]): number {
  let words = 0;
  let han = 0;
  for (const t of tokens) {
    if (HAN.test(t)) {
      han++;
      words++;
    } else if (LETTER.test(t)) words++;
  }
  return words === 0 ? 0 : han / words;
}
