/**
 * Content hashes (pure computation, no I/O). One place for the digests the product keys
 * caches and checkpoints by, so a key computed in one module matches another's.
 */
import { createHash } from 'node:crypto';

/** Short content hash of a text: SHA-1, base64url (cache keys: tokens, profiles, talents). */
export function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('base64url');
}

/** Content hash of a JSON value (its JSON.stringify form). */
export function jsonHash(value: unknown): string {
  return contentHash(JSON.stringify(value));
}

/** Strong hash of a text: SHA-256, hex (chunk keys, checksums). */
export function strongHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
