/**
 * `keys create|list|revoke` and the keys rule of `serve`: a key is printed once and only its
 * hash is stored; a revoked key is refused; serve will not listen beyond loopback without keys.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './run.js';
import { KeyRing, hashKey, readKeysFile } from '../../../src/adapters/http/keys.js';
import { isLoopback } from '../../../src/adapters/cli/listen.js';
import { Store } from '../../../src/store/store.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tm-keys-'));

describe('talentmatch keys', () => {
  it('create prints the key once, stores only its hash (mode 0600); list shows no secrets; revoke refuses it from then on', async () => {
    const file = join(tmp(), 'keys.json');
    const a = await run(['keys', 'create', '--keys', file, '--scopes', 'read:recommendations,score', '--platform', 'p-a', '--name', 'platform A', '--expires', '30d']);
    expect(a.code, a.err).toBe(0);
    const key = a.out.trim();
    expect(key).toMatch(/^tm_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const b = await run(['keys', 'create', '--keys', file, '--scopes', 'admin']);
    expect(b.code).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(key.slice(16));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = readKeysFile(file);
    expect(stored.keys).toHaveLength(2);
    const rec = stored.keys[0]!;
    expect(rec).toMatchObject({ id: key.slice(3, 15), hash: hashKey(key), scopes: ['read:recommendations', 'score'], platform: 'p-a', name: 'platform A' });
    const days = (Date.parse(rec.expiresAt!) - Date.parse(rec.createdAt)) / 86_400_000;
    expect(days).toBeCloseTo(30, 5);
    const now = Date.now();
    expect(new KeyRing(stored).verify(key, now)).toMatchObject({ ok: true, principal: { keyId: rec.id, platform: 'p-a' } });
    const list = await run(['keys', 'list', '--keys', file]);
    expect(list.out.split('\n')[0]).toBe(`${rec.id}\tread:recommendations,score\tp-a\tactive until ${rec.expiresAt}\tplatform A`);
    expect(list.out).not.toContain('sha256');
    const r = await run(['keys', 'revoke', rec.id, '--keys', file]);
    expect(r.code).toBe(0);
    expect(new KeyRing(readKeysFile(file)).verify(key, Date.now() + 1)).toEqual({ ok: false, reason: 'revoked' });
    expect((await run(['keys', 'revoke', '000000000000', '--keys', file])).code).toBe(2);
  });

  it('refuses bad scopes, admin on a platform-bound key, a past expiry, and names a broken keys file', async () => {
    const file = join(tmp(), 'keys.json');
    const bad = await run(['keys', 'create', '--keys', file, '--scopes', 'read,score']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--scopes must be a comma-separated list of read:recommendations, score, match, simulate, admin');
    expect((await run(['keys', 'create', '--keys', file, '--scopes', 'admin', '--platform', 'p-a'])).code).toBe(2);
    expect((await run(['keys', 'create', '--keys', file, '--scopes', 'score', '--expires', '2001-01-01T00:00:00Z'])).code).toBe(2);
    const broken = join(tmp(), 'broken.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(broken, JSON.stringify({ version: 1, keys: [{ id: 'abc', hash: 'x', scopes: ['score'], createdAt: 'now' }] }));
    const l = await run(['keys', 'list', '--keys', broken]);
    expect(l.code).toBe(1);
    expect(l.err).toContain(broken);
    expect(l.err).toContain('keys[0].id');
  });

  it('never writes a key its own file would refuse: a 201-character --name or --platform is a usage error and the file stays usable (a 300-character name bricked it for serve, list and revoke)', async () => {
    const file = join(tmp(), 'keys.json');
    const ok = await run(['keys', 'create', '--keys', file, '--scopes', 'score', '--name', 'n'.repeat(200), '--platform', 'p'.repeat(200)]);
    expect(ok.code, ok.err).toBe(0);
    const before = readFileSync(file, 'utf8');
    const name = await run(['keys', 'create', '--keys', file, '--scopes', 'score', '--name', 'n'.repeat(201)]);
    expect([name.code, name.err]).toEqual([2, `error [E_OPTION]: --name must be at most 200 characters; got "${'n'.repeat(56)}...\n`]);
    const platform = await run(['keys', 'create', '--keys', file, '--scopes', 'score', '--platform', 'p'.repeat(201)]);
    expect([platform.code, platform.err]).toEqual([2, `error [E_OPTION]: --platform must be at most 200 characters; got "${'p'.repeat(56)}...\n`]);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect((await run(['keys', 'list', '--keys', file])).code).toBe(0);
  });

  it('--expires beyond what a date holds, or an ISO time with a year sign: a usage error or the time itself (both were internal errors, exit 3); names and platforms are listed with control characters escaped', async () => {
    const file = join(tmp(), 'keys.json');
    const huge = await run(['keys', 'create', '--keys', file, '--scopes', 'score', '--expires', '999999999d']);
    expect([huge.code, huge.err]).toEqual([2, 'error [E_OPTION]: --expires must be an ISO 8601 time (2027-01-01T00:00:00Z) or a number of days (90d), up to the year 275760; got "999999999d"\n']);
    const signed = await run(['keys', 'create', '--keys', file, '--scopes', 'score', '--expires', '+275760-09-13T00:00:00Z', '--platform', 'p\u001b[31m']);
    expect(signed.code, signed.err).toBe(0);
    expect(signed.err).toContain('platform p\\u001b[31m, expires +275760-09-13T00:00:00.000Z');
    expect(readKeysFile(file).keys[0]!.expiresAt).toBe('+275760-09-13T00:00:00.000Z');
    const list = await run(['keys', 'list', '--keys', file]);
    expect(list.out.split('\t')[2]).toBe('p\\u001b[31m');
  });
});

describe('serve and keys', () => {
  it('loopback addresses are exactly 127.0.0.0/8, ::1 and localhost', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', '127.0.0.1.example.com', '1270.0.0.1'].some(isLoopback)).toBe(false);
  });

  it('refuses to listen beyond loopback without keys (exit 2), unless --insecure-no-auth', async () => {
    const db = join(tmp(), 'db.sqlite');
    new Store(db).close();
    const r = await run(['serve', '--db', db, '--host', '0.0.0.0', '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('refusing to serve on 0.0.0.0 without API keys');
    const tls = await run(['serve', '--db', db, '--port', '0', '--tls-cert', 'x.pem']);
    expect(tls.code).toBe(2);
    expect(tls.err).toContain('--tls-cert and --tls-key go together');
  });

  it('a TLS file that is not PEM, a --trust-proxy entry that is no address, a count in hex: exit 1 or 2 naming it (the first two were internal errors, exit 3; 0x10 was 16)', async () => {
    const d = tmp();
    const db = join(d, 'db.sqlite');
    new Store(db).close();
    const junk = join(d, 'junk.pem');
    writeFileSync(junk, 'not a certificate\n');
    const tls = await run(['serve', '--db', db, '--port', '0', '--tls-cert', junk, '--tls-key', junk]);
    expect(tls.code).toBe(1);
    expect(tls.err).toMatch(new RegExp(`^error \\[E_IO\\]: --tls-cert ${junk} and --tls-key ${junk} are not a usable PEM certificate and key \\(.*PEM.*\\)\\n$`));
    for (const bad of ['not an ip', '10.0.0.0/33', '10.0.0.1/8/1', '::1/129']) {
      const p = await run(['serve', '--db', db, '--port', '0', '--trust-proxy', `127.0.0.1,${bad}`]);
      expect([p.code, p.err], bad).toEqual([2, `error [E_OPTION]: --trust-proxy takes IP addresses, CIDRs (10.0.0.0/8) or loopback, linklocal, uniquelocal, comma-separated; got ${JSON.stringify(bad)}\n`]);
    }
    const hex = await run(['serve', '--db', db, '--port', '0', '--rate-limit', '0x10']);
    expect([hex.code, hex.err]).toEqual([2, 'error [E_OPTION]: --rate-limit must be an integer in [1, 1000000000], got "0x10"\n']);
  });
});
