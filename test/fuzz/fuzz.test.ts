/**
 * Issue 15: the fuzz suite. Random and mutated records through every reader, random bodies
 * through every route, random argument lists through the CLI. Each case is bounded by its
 * size (records of at most a few KB, bodies under the 1 MiB limit, a few hundred cases per
 * property), never by a clock. Asserted: no 5xx, no exception other than the coded
 * TalentmatchError, CLI exit codes 0, 1 or 2 only (never 3, the internal error).
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/adapters/files/dataset.js';
import { readLines } from '../../src/adapters/files/lines.js';
import { runBatch } from '../../src/adapters/batch/run.js';
import { buildServer } from '../../src/adapters/http/server.js';
import { createEngine } from '../../src/engine/engine.js';
import { isTalentmatchError } from '../../src/errors.js';
import { main } from '../../src/adapters/cli/main.js';

const FIX = 'fixtures/jiangdong';
const tmp = () => mkdtempSync(join(tmpdir(), 'tm-fuzz-'));
const talentLines = readFileSync(join(FIX, 'talents.jsonl'), 'utf8').trim().split('\n');
const platformLines = readFileSync(join(FIX, 'platforms.jsonl'), 'utf8').trim().split('\n');
const HAN = '视觉研发团队专注于跨境电商平台的数据分析与人工智能';

/** Nasty values: huge and non-finite numbers, long Han runs, control bytes, deep nesting, prototype keys. */
const nasty: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(2 ** 31, 2 ** 53 + 1, 1e15, -1, -0, 0.5, 1e308, Number.MAX_SAFE_INTEGER, '', '\u0000\u001b[2J', '\ufeff', '𠀀'.repeat(50)),
  fc.integer({ min: 1, max: 30_000 }).map((n) => HAN.repeat(Math.ceil(n / HAN.length)).slice(0, n)),
  fc.integer({ min: 1, max: 200 }).map((n) => JSON.parse('['.repeat(n) + ']'.repeat(n)) as unknown),
  fc.constant(JSON.parse('{"__proto__":{"x":1}}') as unknown),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A fixture record with one field set to a nasty value (by a random path) or removed. */
const mutatedRecord = (lines: readonly string[]) =>
  fc.record({ i: fc.nat(lines.length - 1), key: fc.constantFrom('id', 'name', 'description', 'profile', 'skills', 'industries', 'needs', 'teamSize', 'capacity', 'modes', 'stage', 'excludePlatforms', 'signingRate', 'updatedAt', 'extra'), sub: fc.constantFrom(undefined, 'seats', 'slots', 'slotsUsed', 'capitalYuan'), v: nasty, drop: fc.boolean() }).map(({ i, key, sub, v, drop }) => {
    const r = JSON.parse(lines[i]) as Record<string, unknown>;
    if (drop) delete r[key];
    else if (sub && r[key] && typeof r[key] === 'object') (r[key] as Record<string, unknown>)[sub] = v;
    else r[key] = v;
    return JSON.stringify(r);
  });

/** Byte-level damage to a line: cut, spliced bytes, control characters, a BOM. */
const damagedLine = (lines: readonly string[]) =>
  fc.record({ i: fc.nat(lines.length - 1), at: fc.nat(), junk: fc.constantFrom('', '\u0000', '\u001b[31m', '\ufeff', '\r', '"', '}', '{', '\\', '\ud800', HAN.repeat(20)), cut: fc.boolean() }).map(({ i, at, junk, cut }) => {
    const l = lines[i];
    const k = at % (l.length + 1);
    return cut ? l.slice(0, k) + junk : l.slice(0, k) + junk + l.slice(k);
  });

const fileOf = (lines: readonly string[]) => fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...lines.slice(0, 40)) }, mutatedRecord(lines), damagedLine(lines), fc.constantFrom('', '   ', '\ufeff')), { maxLength: 12 });

function expectCoded(e: unknown): void {
  if (!isTalentmatchError(e)) throw e;
  expect(['E_INPUT', 'E_IO', 'E_OPTION']).toContain(e.code);
}

describe('fuzz: every reader', () => {
  it('mutated talents, platforms and outcomes (JSON Lines and JSON arrays) load or reject with a coded error', async () => {
    await fc.assert(
      fc.asyncProperty(fileOf(talentLines), fileOf(platformLines), fc.boolean(), fc.boolean(), async (talents, platforms, asArray, skip) => {
        const d = tmp();
        for (const f of ['industries.json', 'policy.json', 'weights.json']) writeFileSync(join(d, f), readFileSync(join(FIX, f)));
        writeFileSync(join(d, 'platforms.jsonl'), platforms.join('\n'));
        if (asArray) writeFileSync(join(d, 'talents.json'), `[${talents.filter((l) => l.trim() !== '').join(',')}]`);
        else writeFileSync(join(d, 'talents.jsonl'), talents.join('\n'));
        writeFileSync(join(d, 'outcomes.jsonl'), '{"talentId":"t-x","platformId":"p-y","outcome":"signed"}\n');
        try {
          const r = await loadDataset({ data: d }, { needTalents: true, needOutcomes: false, skipInvalid: skip, limits: { maxLineBytes: 64 * 1024, maxJsonFileBytes: 1 << 20 } });
          for (const t of r.dataset.talents) expect(typeof t.id).toBe('string');
        } catch (e) {
          expectCoded(e);
        }
      }),
      { numRuns: 120, seed: 1501 },
    );
  });

  it('damaged policy, weights and taxonomy files reject with a coded error', async () => {
    const files = ['industries.json', 'policy.json', 'weights.json'] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...files), damagedLine([readFileSync(join(FIX, 'policy.json'), 'utf8'), readFileSync(join(FIX, 'weights.json'), 'utf8'), readFileSync(join(FIX, 'industries.json'), 'utf8')]), nasty, fc.boolean(), async (which, damaged, v, useValue) => {
        const d = tmp();
        for (const f of [...files, 'platforms.jsonl']) writeFileSync(join(d, f), readFileSync(join(FIX, f)));
        writeFileSync(join(d, which), useValue ? JSON.stringify(v) : damaged);
        try {
          await loadDataset({ data: d }, { needTalents: false, needOutcomes: false, skipInvalid: false });
        } catch (e) {
          expectCoded(e);
        }
      }),
      { numRuns: 80, seed: 1502 },
    );
  });

  it('the byte-range line reader: any bytes, any range, lines within the cap, offsets that tile the range', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4000 }), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 300 }), async (bytes, a, b, cap) => {
        const f = join(tmp(), 'x.jsonl');
        writeFileSync(f, bytes);
        const start = bytes.length ? a % bytes.length : 0;
        const end = start + (bytes.length ? b % (bytes.length - start + 1) : 0);
        let at = start;
        for await (const ln of readLines(f, { start, end, firstLine: 1 }, { maxLineBytes: cap })) {
          expect(ln.start).toBe(at);
          at = ln.end;
          if (ln.tooLong !== undefined) expect(ln.tooLong).toBeGreaterThan(cap);
          else expect(Buffer.byteLength(ln.text)).toBeLessThanOrEqual(cap * 3 + 3); // decoding may widen invalid bytes to U+FFFD
        }
        expect(at).toBe(end);
      }),
      { numRuns: 150, seed: 1503 },
    );
  });
});

describe('fuzz: every route', () => {
  let app: FastifyInstance;
  let platformIds: string[];
  beforeAll(async () => {
    const dir = tmp();
    const db = join(dir, 'db.sqlite');
    const talents = join(dir, 'talents.jsonl');
    writeFileSync(talents, talentLines.slice(0, 100).join('\n') + '\n');
    const { dataset } = await loadDataset({ data: FIX, talents }, { needTalents: true, needOutcomes: false, skipInvalid: false, omit: ['outcomes'] });
    await runBatch({ industries: dataset.industries, platforms: dataset.platforms, policy: dataset.policy, ...(dataset.weights ? { weights: dataset.weights } : {}), talentsPath: talents }, { db, threads: 1, chunkSize: 100 });
    platformIds = dataset.platforms.map((p) => p.id);
    app = await buildServer({ db, engine: createEngine(dataset, { trusted: true }) });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  const talentObj = mutatedRecord(talentLines).map((l) => JSON.parse(l) as unknown);
  const platformObj = mutatedRecord(platformLines).map((l) => JSON.parse(l) as unknown);
  const ref = (obj: fc.Arbitrary<unknown>) => fc.oneof(fc.record({ id: fc.oneof(fc.string(), fc.constantFrom('t-shiruidi-visual-rd', 'p-shengshifangzhou'), nasty) }), fc.record({ profile: obj }), fc.record({ id: fc.string(), profile: obj }), nasty);
  const bodies: Record<string, fc.Arbitrary<unknown>> = {
    '/v1/score': fc.oneof(fc.record({ pairs: fc.array(fc.record({ talent: ref(talentObj), platform: ref(platformObj) }), { maxLength: 5 }) }), nasty),
    '/v1/talents/recommendations': fc.oneof(fc.record({ talent: talentObj, k: fc.oneof(fc.integer({ min: -5, max: 200 }), nasty) }), nasty),
    '/v1/match': fc.oneof(fc.record({ platforms: fc.array(platformObj, { minLength: 1, maxLength: 4 }), talents: fc.array(talentObj, { minLength: 1, maxLength: 6 }), mode: fc.constantFrom('stable', 'optimal', 'x') }), nasty),
  };

  for (const [route, body] of Object.entries(bodies)) {
    it(`POST ${route}: random and mutated bodies never answer 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(body, fc.constantFrom('json', 'raw', 'deep'), async (b, how) => {
          const payload = how === 'json' ? JSON.stringify(b) ?? 'null' : how === 'deep' ? '{"talent":' + '['.repeat(3000) + ']'.repeat(3000) + '}' : JSON.stringify(b)?.slice(0, 50) ?? '';
          const r = await app.inject({ method: 'POST', url: route, headers: { 'content-type': 'application/json' }, payload });
          expect(r.statusCode, `${r.statusCode} ${r.body.slice(0, 300)}`).toBeLessThan(500);
          expect(r.body.length).toBeLessThan(256 * 1024);
        }),
        { numRuns: 60, seed: 1504 },
      );
    });
  }

  it('GET routes: random ids and queries never answer 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom(...platformIds), fc.constantFrom('%00', '%E4%B8', '..%2F..', '__proto__', 'constructor')), fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('0x10', '1e1', '5', '-1', '100', '101', 'NaN', 'Infinity')), fc.constantFrom('talents', 'platforms'), async (id, k, side) => {
        const url = `/v1/${side}/${encodeURIComponent(id)}/recommendations?k=${encodeURIComponent(k)}`;
        const r = await app.inject({ method: 'GET', url });
        expect(r.statusCode, r.body.slice(0, 300)).toBeLessThan(500);
        expect(r.body.length).toBeLessThan(64 * 1024);
        const q = await app.inject({ method: 'GET', url: `/v1/referrals?direction=${encodeURIComponent(k)}` });
        expect(q.statusCode).toBeLessThan(500);
      }),
      { numRuns: 100, seed: 1505 },
    );
  });
});

describe('fuzz: the CLI', () => {
  it('damaged inputs and random arguments exit 0, 1 or 2, never 3 and never a stack trace', async () => {
    const commands = ['validate', 'score', 'recommend', 'explain', 'match'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...commands), fileOf(talentLines), fc.array(fc.constantFrom('--top', '0x10', '-1', '1e3', '--k', '--mode', 'optimal', '--max-prefs', '0', '--talent', 't-x', '--platform', 'p-y', '--skip-invalid', '\u001b[2J'), { maxLength: 4 }), async (cmd, talents, extra) => {
        const d = tmp();
        for (const f of ['industries.json', 'policy.json', 'weights.json', 'platforms.jsonl']) writeFileSync(join(d, f), readFileSync(join(FIX, f)));
        writeFileSync(join(d, 'talents.jsonl'), talents.join('\n'));
        let err = '';
        const out = join(d, 'out.file');
        const argv = ['node', 'talentmatch', cmd, '--data', d, ...(cmd === 'validate' || cmd === 'explain' ? [] : ['--out', out]), ...extra];
        const code = await main(argv, { out: () => undefined, err: (s) => (err += s) });
        expect([0, 1, 2], err).toContain(code);
        expect(err).not.toMatch(/\n\s+at |internal error/);
        expect(err).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/); // control bytes escaped
      }),
      { numRuns: 30, seed: 1506 },
    );
  });
});
