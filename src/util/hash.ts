/**
 * Content hashes (pure computation, no I/O). One place for the digests the product keys
 * caches and checkpoints by, so a key computed in one module matches another's.
 */
import { hash } from 'node:crypto';

/** Short content hash of a text: SHA-1, base64url (cache keys: tokens, profiles, talents). */
export function contentHash(text: string): string {
  return hash('sha1', text, 'base64url'); // one-shot: ~4x faster than createHash() for short texts
}

/** Content hash of a JSON value (its JSON.stringify form). */
export function jsonHash(value: unknown): string {
  return contentHash(JSON.stringify(value));
}

/** Strong hash of a text: SHA-256, hex (chunk keys, checksums). */
export function strongHash(text: string): string {
  return hash('sha256', text, 'hex');
}
