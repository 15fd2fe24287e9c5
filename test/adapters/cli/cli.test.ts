import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './run.js';

const FIX = 'fixtures/jiangdong';

const tmp = () => mkdtempSync(join(tmpdir(), 'tm-cli-'));

describe('talentmatch CLI', () => {
  it('recommend writes both sides in the contract format, byte-identical across runs', async () => {
    const d = tmp();
    const a = await run(['recommend', '--data', FIX, '--top', '5', '--out', join(d, 'a.jsonl')]);
    const b = await run(['recommend', '--data', FIX, '--top', '5', '--out', join(d, 'b.jsonl')]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const A = readFileSync(join(d, 'a.jsonl'), 'utf8');
    expect(readFileSync(join(d, 'b.jsonl'), 'utf8')).toBe(A);
    const lines = A.trim().split('\n').map((l) => JSON.parse(l));
    const talents = lines.filter((l) => l.side === 'talent');
    const platforms = lines.filter((l) => l.side === 'platform');
    expect(talents.length).toBe(readFileSync(join(FIX, 'talents.jsonl'), 'utf8').trim().split('\n').length);
    expect(platforms.length).toBe(readFileSync(join(FIX, 'platforms.jsonl'), 'utf8').trim().split('\n').length);
    const item = talents[0].items[0];
    expect(Object.keys(item)).toEqual(['id', 'score', 'forward', 'backward', 'why']);
    expect(Object.keys(item.why)).toEqual(['text', 'industry', 'priority', 'mode', 'capacity', 'capital', 'stage', 'level', 'signing', 'concept']);
    for (const l of lines) {
      expect(l.items.length).toBeLessThanOrEqual(5);
      for (let i = 1; i < l.items.length; i++) expect(l.items[i - 1].score).toBeGreaterThanOrEqual(l.items[i].score);
    }
    // forward/backward swap between the two sides of the same pair (checked on every pair listed on both sides)
    const byPlatform = new Map(platforms.map((x) => [x.id, x]));
    let both = 0;
    for (const t of talents) {
      for (const it of t.items) {
        const back = byPlatform.get(it.id)?.items.find((i: { id: string }) => i.id === t.id);
        if (!back) continue;
        both++;
        expect(back.forward).toBe(it.backward);
        expect(back.backward).toBe(it.forward);
        expect(back.score).toBe(it.score);
      }
    }
    expect(both).toBeGreaterThan(0);
  });

  it('score lists every acceptable pair as CSV, each with scores in [0, 1]', async () => {
    const d = tmp();
    const r = await run(['score', '--data', FIX, '--out', join(d, 's.csv')]);
    expect(r.code).toBe(0);
    const rows = readFileSync(join(d, 's.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('talentId,platformId,talentScore,platformScore,score');
    const policy = JSON.parse(readFileSync(join(FIX, 'policy.json'), 'utf8'));
    for (const row of rows.slice(1, 2000)) {
      const [, , f, b, s] = row.split(',');
      for (const v of [f, b, s].map(Number)) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(Number(s)).toBeGreaterThanOrEqual(policy.minScoreForReferral);
    }
  });

  it('exits 1 with the contract error and no stack trace on bad input', async () => {
    const d = tmp();
    cpSync(FIX, d, { recursive: true });
    const lines = readFileSync(join(d, 'talents.jsonl'), 'utf8').split('\n');
    const bad = JSON.parse(lines[16]);
    bad.needs = { ...bad.needs, seats: -2 };
    lines[16] = JSON.stringify(bad);
    writeFileSync(join(d, 'talents.jsonl'), lines.join('\n'));
    const r = await run(['recommend', '--data', d, '--out', join(d, 'x.jsonl')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${join(d, 'talents.jsonl')}:17 needs.seats: expected integer >= 0, got -2`);
    expect(r.err).toContain('docs/data-contract.md'); // where every field's expectation is written down
    expect(r.err).not.toMatch(/\n\s+at /);
    const skipped = await run(['recommend', '--data', d, '--skip-invalid', '--out', join(d, 'x.jsonl')]);
    expect(skipped.code).toBe(0);
    expect(skipped.err).toContain('skipped');
    expect(skipped.err).toContain(':17 needs.seats');
  });

  it('exits 2 on usage errors and 0 on --help for every command', async () => {
    expect((await run(['recommend', '--data', FIX])).code).toBe(2); // missing --out
    expect((await run(['recommend', '--data', FIX, '--out', 'x', '--top', '0'])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
    expect((await run(['recommend', '--out', join(tmp(), 'x.jsonl')])).code).toBe(2); // no data
    // an empty value is no value: --talents "" used the folder's own talents file, --out "" failed as "cannot write ''"
    for (const [args, flag] of [
      [['recommend', '--data', FIX, '--talents', '', '--out', join(tmp(), 'e.jsonl')], '--talents'],
      [['recommend', '--data', FIX, '--out', ''], '--out'],
      [['queue', 'status', '--queue', ''], '--queue'],
    ] as const) {
      const r = await run([...args]);
      expect(r.code, flag).toBe(2);
      expect(r.err).toBe(`error [E_OPTION]: ${flag} needs a value, got an empty string\n`);
    }
    for (const c of ['recommend', 'score', 'run', 'validate', 'explain', 'match', 'refer']) {
      const r = await run([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`Usage: talentmatch ${c}`);
    }
  });

  it('match writes the contract Assignment; refer writes both referral directions', async () => {
    const d = tmp();
    for (const proposer of ['talent', 'platform']) {
      const r = await run(['match', '--data', FIX, '--mode', 'stable', '--proposer', proposer, '--out', join(d, `${proposer}.json`)]);
      expect(r.code).toBe(0);
      const a = JSON.parse(readFileSync(join(d, `${proposer}.json`), 'utf8'));
      expect(a).toMatchObject({ mode: 'stable', proposer, blockingPairs: 0 });
      expect(Object.keys(a)).toEqual(expect.arrayContaining(['assignments', 'unassigned', 'blockingPairs', 'totalScore', 'platforms']));
      for (const u of a.unassigned) expect(u.reason.length).toBeGreaterThan(10);
      expect(a.assignments[0]).toEqual(expect.objectContaining({ talentId: expect.any(String), platformId: expect.any(String), score: expect.any(Number) }));
    }
    const bad = await run(['match', '--data', FIX, '--mode', 'best', '--out', join(d, 'x.json')]);
    expect(bad.code).toBe(2);
    const r = await run(['refer', '--data', FIX, '--out', join(d, 'ref.jsonl')]);
    expect(r.code).toBe(0);
    const lines = readFileSync(join(d, 'ref.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(new Set(lines.map((l) => l.direction))).toEqual(new Set(['platform-to-government', 'government-to-platform', 'support-budget']));
    // the "done when", on the fixtures: introduced where projects were placed, reserves
    // where demand exceeds room, hosted projects put forward and never placed, budget held
    const a = JSON.parse(readFileSync(join(d, 'talent.json'), 'utf8'));
    const talents = readFileSync(join(FIX, 'talents.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const hosted = new Map(talents.filter((t) => t.hostedBy).map((t) => [t.id, t.hostedBy]));
    expect(hosted.size).toBeGreaterThan(50);
    const placed = new Map(a.assignments.map((x: any) => [x.talentId, x.platformId]));
    for (const id of hosted.keys()) expect(placed.has(id)).toBe(false);
    const toPlat = lines.filter((l) => l.direction === 'government-to-platform');
    const introduced = toPlat.flatMap((l) => l.introduced.map((i: any) => [i.talentId, l.platformId]));
    expect(new Map(introduced)).toEqual(placed);
    expect(introduced).toHaveLength(placed.size);
    for (const l of toPlat) {
      if (a.platforms.find((p: any) => p.id === l.platformId).assigned > 0) expect(l.introduced.length).toBeGreaterThan(0);
      if (l.acceptable > l.freeSlots) expect(l.reserve.length).toBeGreaterThan(0);
    }
    expect(toPlat.filter((l) => l.reserve.length > 0).length).toBeGreaterThan(50);
    const toGov = lines.filter((l) => l.direction === 'platform-to-government');
    const hostedPutForward = toGov.flatMap((l) => l.items.filter((i: any) => i.hosted).map((i: any) => [i.talentId, l.platformId]));
    for (const [t, p] of hostedPutForward) expect(hosted.get(t)).toBe(p);
    expect(hostedPutForward.length + toGov.reduce((n, l) => n + (l.notReferred?.length ?? 0), 0)).toBe(hosted.size);
    const budget = lines[lines.length - 1];
    expect(budget).toMatchObject({ direction: 'support-budget', budgetYuan: 30_000_000, method: 'dp', gap: 0 });
    const funded = toGov.flatMap((l) => l.items).filter((i: any) => i.funded);
    expect(funded.reduce((s: number, i: any) => s + i.fundedYuan, 0)).toBe(budget.allocatedYuan);
    expect(budget.allocatedYuan).toBeLessThanOrEqual(30_000_000);
  });

  it('exits 1 naming a missing folder file', async () => {
    const r = await run(['validate', '--data', tmp()]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/industries\.json: cannot read \(no such file\)/);
  });

  it('explain prints a breakdown whose contributions add up', async () => {
    const r = await run(['explain', '--data', FIX, '--talent', 't-shiruidi-visual-rd', '--platform', 'p-visual-tech-incubator']);
    expect(r.code).toBe(0);
    const e = JSON.parse(r.out);
    const sum = Object.values(e.why as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - e.score)).toBeLessThan(1e-9);
    const unknown = await run(['explain', '--data', FIX, '--talent', 't-nope', '--platform', 'p-visual-tech-incubator']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('unknown talent id "t-nope"');
  });

  it("the README's main job (npm start's command) runs on the fixtures", () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    const d = tmp();
    const cmd = String(pkg.scripts.start)
      .replace('--db data/talentmatch.db', `--db ${join(d, 'db.sqlite')}`)
      .replace('--out out', `--out ${d}`)
      .replace('out/report.html', join(d, 'report.html'));
    expect(cmd).toContain(d);
    const r = spawnSync(cmd, { shell: true, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/error|warn/i);
    expect(r.stdout).toContain('2400 talents x 72 platforms');
    expect(r.stdout).toMatch(/blocking pairs 0/);
    expect(readFileSync(join(d, 'recommendations.jsonl'), 'utf8').split('\n').length).toBeGreaterThan(2400);
    expect(readFileSync(join(d, 'report.html'), 'utf8')).toContain('<!doctype html>');
  });

  it('the built launcher runs (bin/talentmatch.js over dist/)', () => {
    const r = spawnSync(process.execPath, ['bin/talentmatch.js', '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: talentmatch');
    const d = tmp();
    const out = execFileSync(process.execPath, ['bin/talentmatch.js', 'run', '--data', FIX, '--out', d], { encoding: 'utf8' });
    expect(out).toContain('talentmatch run');
    expect(out).toContain('strongest matches');
  });

  it('the launcher keeps V8\'s compiled code under os.tmpdir(), the worker threads\' modules too; a place it cannot write changes nothing but that', () => {
    const d = tmp();
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NODE_COMPILE_CACHE;
    delete env.NODE_DISABLE_COMPILE_CACHE; // set, even empty, it turns the cache off
    const recommend = (tmpDir: string, threads: number, out: string) =>
      spawnSync(process.execPath, ['bin/talentmatch.js', 'recommend', '--data', FIX, '--top', '3', '--threads', String(threads), '--out', join(d, out)], { encoding: 'utf8', env: { ...env, TMPDIR: tmpDir } });
    const entries = (tmpDir: string) => readdirSync(join(tmpDir, 'node-compile-cache'), { recursive: true }).length;
    const [one, two] = [tmp(), tmp()];
    const a = recommend(one, 1, 'a.jsonl');
    expect(a.status, a.stderr).toBe(0);
    expect(entries(one)).toBeGreaterThan(100);
    const b = recommend(two, 2, 'b.jsonl');
    expect(b.status, b.stderr).toBe(0);
    // the same modules on the main thread; the workers' own (their entry, piscina's) only if they inherited the cache
    expect(entries(two)).toBeGreaterThan(entries(one));
    writeFileSync(join(d, 'file'), 'not a directory');
    const c = recommend(join(d, 'file'), 2, 'c.jsonl');
    expect(c.status, c.stderr).toBe(0);
    expect(c.stderr).toBe(b.stderr.replace('b.jsonl', 'c.jsonl'));
    expect(readFileSync(join(d, 'c.jsonl'), 'utf8')).toBe(readFileSync(join(d, 'b.jsonl'), 'utf8'));
  });
});
