/**
 * keys create | revoke | list: the API keys file that `serve --keys` reads. The key is
 * printed once, on stdout, by `create`; the file keeps only its SHA-256 hash (keys.ts).
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { z } from 'zod';
import { SCOPES } from '../../../config/api.js';
import type { Scope } from '../../../config/api.js';
import { escapeControl, isTalentmatchError, optionError } from '../../../errors.js';
import { newKey, readKeysFile, writeKeysFile } from '../../http/keys.js';
import { EXIT_OK } from '../common.js';
import type { Cli } from '../common.js';
import { parseOptions } from '../options.js';

const keysFileOption = (cmd: Command) => cmd.requiredOption('--keys <file>', 'the API keys file (created if missing, mode 0600)');

const scopeList = z.array(z.enum(SCOPES)).min(1);

function parseScopes(v: string): Scope[] {
  const r = scopeList.safeParse(v.split(',').map((s) => s.trim()).filter(Boolean));
  if (!r.success) throw optionError(`--scopes must be a comma-separated list of ${SCOPES.join(', ')}; got ${JSON.stringify(v)}`);
  return r.data;
}

/**
 * --expires as an ISO time: days count from now. A time past what a Date holds (999999999d) is
 * an option error; it was an internal error, as was an ISO time with a year sign
 * (+275760-...), once taken for the days' "+N" marker.
 */
function parseExpiry(v: string): string {
  const days = /^(\d+)d$/.exec(v);
  const t = days ? Date.now() + Number(days[1]) * 86_400_000 : Date.parse(v);
  if (!Number.isFinite(new Date(t).getTime())) throw optionError(`--expires must be an ISO 8601 time (2027-01-01T00:00:00Z) or a number of days (90d), up to the year 275760; got ${JSON.stringify(v)}`);
  return new Date(t).toISOString();
}

/** The option behind each field of a key record, for newKey's refusals (the keys file's schema, keys.ts). */
const OPTION_OF: Readonly<Record<string, string>> = { name: '--name', platform: '--platform', expiresAt: '--expires' };
function asOptionError<T>(make: () => T): T {
  try {
    return make();
  } catch (e) {
    const i = isTalentmatchError(e) ? e.issues[0] : undefined;
    if (i === undefined) throw e;
    throw optionError(`${OPTION_OF[i.path] ?? i.path} must be ${i.expected}; got ${i.got}`);
  }
}

const createSchema = z.object({ keys: z.string(), scopes: scopeList, platform: z.string().min(1).optional(), name: z.string().optional(), expires: z.string().optional() });

export function keysCommand(program: Command, { io, done }: Cli): void {
  const keys = program.command('keys').description('API keys of `serve`: create (prints the key once), revoke, list');
  keysFileOption(keys.command('create').description('create a key; prints it once on stdout, stores only its hash'))
    .addOption(new Option('--scopes <list>', `comma-separated: ${SCOPES.join(', ')}`).argParser(parseScopes).makeOptionMandatory())
    .option('--platform <id>', 'bind the key to one platform: it reads only that platform\'s list, the talents on it, and its referrals')
    .option('--name <text>', 'who holds the key (shown by `keys list`)')
    .option('--expires <when>', 'expiry: an ISO 8601 time or a number of days, e.g. 90d (default: never)', parseExpiry)
    .action((raw: unknown) => {
      const o = parseOptions(createSchema, raw);
      if (o.platform !== undefined && o.scopes.some((s) => s !== 'read:recommendations' && s !== 'score')) {
        throw optionError(`a key bound to a platform (--platform) may hold only read:recommendations and score; got ${o.scopes.join(',')}`);
      }
      const now = new Date();
      const expiresAt = o.expires;
      if (expiresAt !== undefined && Date.parse(expiresAt) <= now.getTime()) throw optionError(`--expires ${expiresAt} is in the past`);
      const file = readKeysFile(o.keys, { missingOk: true });
      const { key, record } = asOptionError(() => newKey({ scopes: o.scopes, now, ...(o.platform !== undefined ? { platform: o.platform } : {}), ...(o.name !== undefined ? { name: o.name } : {}), ...(expiresAt !== undefined ? { expiresAt } : {}) }));
      writeKeysFile(o.keys, { version: 1, keys: [...file.keys, record] });
      io.out(`${key}\n`);
      io.err(escapeControl(`created key ${record.id} (scopes ${record.scopes.join(',')}${record.platform ? `, platform ${record.platform}` : ''}${record.expiresAt ? `, expires ${record.expiresAt}` : ''}) in ${o.keys}; it is shown only now`) + '\n');
      done(EXIT_OK);
    });
  keysFileOption(keys.command('revoke').description('revoke a key by its id (a running server picks the change up within seconds)').argument('<id>', 'the key id (the 12 hex digits after "tm_")')).action((id: string, raw: unknown) => {
    const o = parseOptions(z.object({ keys: z.string() }), raw);
    const file = readKeysFile(o.keys);
    const k = file.keys.find((r) => r.id === id);
    if (!k) throw optionError(`no key with id ${JSON.stringify(id)} in ${o.keys}`);
    if (k.revokedAt === undefined) k.revokedAt = new Date().toISOString();
    writeKeysFile(o.keys, file);
    io.err(`revoked key ${id} at ${k.revokedAt}\n`);
    done(EXIT_OK);
  });
  keysFileOption(keys.command('list').description('list keys: id, scopes, platform, state (never hashes)')).action((raw: unknown) => {
    const o = parseOptions(z.object({ keys: z.string() }), raw);
    const now = Date.now();
    for (const k of readKeysFile(o.keys).keys) {
      const state = k.revokedAt ? `revoked ${k.revokedAt}` : k.expiresAt && Date.parse(k.expiresAt) <= now ? `expired ${k.expiresAt}` : k.expiresAt ? `active until ${k.expiresAt}` : 'active';
      io.out(`${k.id}\t${k.scopes.join(',')}\t${escapeControl(k.platform ?? '-')}\t${state}\t${escapeControl(k.name ?? '')}\n`);
    }
    done(EXIT_OK);
  });
}
