/**
 * API keys: how they look, how they are stored, how a presented key is checked.
 *
 * A key is `tm_<id>_<secret>`: a 12-hex-digit public id (what logs and the audit trail
 * name) and 32 random bytes (base64url). The keys file stores only the id, a SHA-256 hash
 * of the whole key, the scopes, an optional platform binding, and the creation, expiry and
 * revocation times. SHA-256 (not scrypt/argon2) because the secret is 256 random bits, not
 * a password: nothing to slow a guesser down against, and a slow hash would cost
 * milliseconds on every request. Comparison is constant-time (crypto.timingSafeEqual), and
 * an unknown id is compared against a dummy hash so both paths cost the same.
 *
 * The keys file (JSON, mode 0600, written by `talentmatch keys create|revoke`):
 *   { "version": 1, "keys": [ { "id", "hash": "sha256:<hex>", "scopes": [...],
 *       "platform"?, "name"?, "createdAt", "expiresAt"?, "revokedAt"? } ] }
 */
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { z } from 'zod';
import { SCOPES } from '../../config/api.js';
import type { Scope } from '../../config/api.js';
import { TalentmatchError, inputError } from '../../errors.js';
import { issuesFromZod } from '../../domain/validate.js';
import { idField } from '../../domain/schemas.js';

/** Longest `name` of a key (`keys create --name`). */
export const MAX_KEY_NAME_CHARS = 200;

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { error: 'an ISO 8601 time, e.g. 2027-01-01T00:00:00Z' });
export const KeyRecordSchema = z
  .object({
    id: z.string().regex(/^[0-9a-f]{12}$/, { error: '12 lowercase hex digits' }),
    hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, { error: '"sha256:" and 64 lowercase hex digits' }),
    scopes: z.array(z.enum(SCOPES, { error: `one of ${SCOPES.join(', ')}` })).min(1),
    platform: idField.optional(),
    name: z.string().max(MAX_KEY_NAME_CHARS, { error: `at most ${MAX_KEY_NAME_CHARS} characters` }).optional(),
    createdAt: isoTime,
    expiresAt: isoTime.optional(),
    revokedAt: isoTime.optional(),
  })
  .strict();
export const KeysFileSchema = z.object({ version: z.literal(1), keys: z.array(KeyRecordSchema) }).strict();
export type KeyRecord = z.infer<typeof KeyRecordSchema>;
export type KeysFile = z.infer<typeof KeysFileSchema>;

/** Who a request is, once its key checked out. */
export interface Principal {
  keyId: string;
  scopes: ReadonlySet<Scope>;
  /** set when the key is bound to one platform */
  platform?: string;
}

/** A key check's answer: made once per key and reason, shared by every request (read-only). */
export type Verdict = { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly reason: 'malformed' | 'unknown' | 'expired' | 'revoked' };
const REFUSED = {
  malformed: Object.freeze({ ok: false, reason: 'malformed' }),
  unknown: Object.freeze({ ok: false, reason: 'unknown' }),
  expired: Object.freeze({ ok: false, reason: 'expired' }),
  revoked: Object.freeze({ ok: false, reason: 'revoked' }),
} as const;

const KEY_RE = /^tm_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
/** one-shot SHA-256 (crypto.hash: no Hash object per call; a third of the cost of createHash on a 60-byte key) */
const sha256 = (s: string): Buffer => hash('sha256', s, 'buffer');
const DUMMY = sha256('talentmatch: no such key');

export const hashKey = (key: string): string => `sha256:${sha256(key).toString('hex')}`;

/** A new key and the record that stores it. The key itself is returned once and never stored. */
export function newKey(o: { scopes: readonly Scope[]; platform?: string; name?: string; expiresAt?: string; now: Date }): { key: string; record: KeyRecord } {
  const id = randomBytes(6).toString('hex');
  const key = `tm_${id}_${randomBytes(32).toString('base64url')}`;
  const record: KeyRecord = {
    id,
    hash: hashKey(key),
    scopes: [...new Set(o.scopes)],
    ...(o.platform !== undefined ? { platform: o.platform } : {}),
    ...(o.name !== undefined ? { name: o.name } : {}),
    createdAt: o.now.toISOString(),
    ...(o.expiresAt !== undefined ? { expiresAt: new Date(o.expiresAt).toISOString() } : {}),
  };
  // a record the keys file's own schema refuses is never handed out to be written: a 300-character
  // name once made a file that serve, `keys list` and `keys revoke` then all refused
  const r = KeyRecordSchema.safeParse(record);
  if (!r.success) throw inputError(issuesFromZod(r.error, record, { file: 'the new key' }));
  return { key, record };
}

/** Parses a keys file's text; errors name the source, the field path and what was expected. */
export function parseKeysFile(text: string, source: string): KeysFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw inputError([{ file: source, path: '', expected: 'a JSON keys file ({"version": 1, "keys": [...]}, see README "API keys")', got: `invalid JSON (${(e as Error).message})` }]);
  }
  const r = KeysFileSchema.safeParse(json);
  if (!r.success) throw inputError(issuesFromZod(r.error, json, { file: source }));
  const seen = new Set<string>();
  r.data.keys.forEach((k, i) => {
    if (seen.has(k.id)) throw inputError([{ file: source, path: `keys[${i}].id`, expected: 'an id used once', got: JSON.stringify(k.id) }]);
    seen.add(k.id);
  });
  return r.data;
}

export function readKeysFile(path: string, o: { missingOk?: boolean } = {}): KeysFile {
  if (o.missingOk && !existsSync(path)) return { version: 1, keys: [] };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new TalentmatchError('E_IO', `cannot read keys file ${path}: ${(e as Error).message}`);
  }
  return parseKeysFile(text, path);
}

/** Writes the keys file atomically (temp file + rename), readable by its owner only. */
export function writeKeysFile(path: string, file: KeysFile): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/** The keys a server accepts. `replace` swaps them at once (a reloaded file). */
interface Entry {
  hash: Buffer;
  record: KeyRecord;
  principal: Principal;
  /** the verdict of this key when it passes (no object per request) */
  accepted: Verdict;
  /** revokedAt / expiresAt in ms since the epoch, parsed once (Infinity when absent) */
  revokedMs: number;
  expiresMs: number;
}

export class KeyRing {
  private byId = new Map<string, Entry>();
  /**
   * Keys presented and found valid (the full SHA-256 check passed), to their entry: a key
   * seen again skips the hash (a third of a cached read's key check under load;
   * docs/PERFORMANCE.md). Only keys that passed enter it, so it holds at most one string per
   * key of the file, never a guess; it is emptied when the keys are replaced (a reload).
   * Expiry and revocation are still checked on every call. The price: the server's memory
   * holds the valid keys it has seen (as it holds each request's headers while serving it).
   */
  private verified = new Map<string, Entry>();
  constructor(file: KeysFile) {
    this.replace(file);
  }
  get size(): number {
    return this.byId.size;
  }
  replace(file: KeysFile): void {
    const m = new Map<string, Entry>();
    for (const r of file.keys) {
      const principal: Principal = { keyId: r.id, scopes: new Set(r.scopes), ...(r.platform !== undefined ? { platform: r.platform } : {}) };
      const ms = (t: string | undefined) => (t === undefined ? Infinity : Date.parse(t));
      m.set(r.id, { hash: Buffer.from(r.hash.slice('sha256:'.length), 'hex'), record: r, principal, accepted: Object.freeze({ ok: true, principal }), revokedMs: ms(r.revokedAt), expiresMs: ms(r.expiresAt) });
    }
    this.byId = m;
    this.verified = new Map();
  }
  /**
   * Checks a presented key at time `nowMs`: a key not seen valid before is looked up by its
   * public id and compared by SHA-256 in constant time (an unknown id against a dummy hash);
   * expiry and revocation against the clock on every call (a key revoked or expired a
   * millisecond ago is refused). No verdict of a failed key is kept.
   */
  verify(key: string, nowMs: number): Verdict {
    let entry = this.verified.get(key);
    if (entry === undefined) {
      const m = KEY_RE.exec(key);
      if (!m) return REFUSED.malformed;
      const found = this.byId.get(m[1]!);
      const same = timingSafeEqual(sha256(key), found ? found.hash : DUMMY);
      if (!found || !same) return REFUSED.unknown;
      entry = found;
      this.verified.set(key, entry);
    }
    if (entry.revokedMs <= nowMs) return REFUSED.revoked;
    if (entry.expiresMs <= nowMs) return REFUSED.expired;
    return entry.accepted;
  }

  /** How many keys are held as seen valid (tests: never more than the file's keys, never a failed one). */
  get verifiedCount(): number {
    return this.verified.size;
  }
}
