/**
 * Token cache keyed by content hash, so an unchanged profile is not re-tokenised when it
 * is scored again (live API calls, incremental batches). One cache per engine: no global
 * state. Hashing is pure computation (no I/O).
 */
import { LRUCache } from 'lru-cache';
import { contentHash } from '../util/hash.js';
import type { Tokenizer } from './tokenize.js';

/**
 * A text -> tokens function that may name the tokenizer behind it. The feature builders
 * vectorize a whole list of profiles through a per-run term cache (./analyzer.ts) when the
 * source names its tokenizer, and call the function otherwise (same outputs either way).
 */
export type TokenFn = ((text: string) => readonly string[]) & { readonly tokenizer?: Tokenizer };

export class TokenCache {
  private readonly lru: LRUCache<string, readonly string[]>;
  hits = 0;
  misses = 0;

  constructor(
    readonly tokenizer: Tokenizer,
    maxEntries: number,
  ) {
    this.lru = new LRUCache({ max: Math.max(1, maxEntries) });
  }

  /** `tokens` as a TokenFn that names this cache's tokenizer. */
  source(): TokenFn {
    return Object.assign((text: string) => this.tokens(text), { tokenizer: this.tokenizer });
  }

  tokens(text: string): readonly string[] {
    if (text === '') return [];
    const key = contentHash(text);
    const hit = this.lru.get(key);
    if (hit) {
      this.hits++;
      return hit;
    }
    this.misses++;
    const toks = this.tokenizer.tokenize(text);
    this.lru.set(key, toks);
    return toks;
  }
}
