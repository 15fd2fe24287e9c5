import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../adapters/cli/run.js';

const FIX = 'fixtures/jiangdong';
const tmp = () => mkdtempSync(join(tmpdir(), 'tm-inputs-'));

describe('match on scores made elsewhere (--scores)', () => {
  it('the scores `score` writes, matched with the same platforms and talents, give the same output byte for byte', { timeout: 120_000 }, async () => {
    const d = tmp();
    expect((await run(['score', '--data', FIX, '--out', join(d, 's.csv')])).code).toBe(0);
    for (const proposer of ['talent', 'platform']) {
      const a = await run(['match', '--data', FIX, '--proposer', proposer, '--out', join(d, `a-${proposer}.json`)]);
      const b = await run(['match', '--data', FIX, '--proposer', proposer, '--scores', join(d, 's.csv'), '--out', join(d, `b-${proposer}.json`)]);
      expect([a.code, b.code]).toEqual([0, 0]);
      expect(readFileSync(join(d, `b-${proposer}.json`), 'utf8')).toBe(readFileSync(join(d, `a-${proposer}.json`), 'utf8'));
    }
  });

  it('with a capacities CSV: one-sided columns optional, capacities honoured, optimal equals the known optimum', async () => {
    const d = tmp();
    writeFileSync(join(d, 'caps.csv'), 'platformId,slots,seats\nP2,1,1\nP1,1,5\n');
    // one slot each: T1 -> P1 and T2 -> P2 (0.9 + 0.8) beats T1 -> P2 and T2 -> P1 (0.7 + 0.6)
    writeFileSync(join(d, 's.csv'), 'score,platformId,talentId\n0.9,P1,T1\n0.7,P2,T1\n0.6,P1,T2\n0.8,P2,T2\n0.95,P1,T3\n');
    const r = await run(['match', '--scores', join(d, 's.csv'), '--capacities', join(d, 'caps.csv'), '--mode', 'optimal', '--out', join(d, 'o.json')]);
    expect(r.code).toBe(0);
    const o = JSON.parse(readFileSync(join(d, 'o.json'), 'utf8'));
    // T3 (0.95 at P1) displaces T1: T3 -> P1 + T2 -> P2 = 1.75 is the optimum
    expect(o.assignments.map((x: { talentId: string; platformId: string }) => `${x.talentId}>${x.platformId}`)).toEqual(['T2>P2', 'T3>P1']);
    expect(o.totalScore).toBeCloseTo(1.75, 12);
    expect(o.method).toBe('min-cost-flow');
    expect(o.platforms).toEqual([
      { id: 'P1', slotsUsed: 1, seatsUsed: 1, assigned: 1, slots: 1, seats: 5 },
      { id: 'P2', slotsUsed: 1, seatsUsed: 1, assigned: 1, slots: 1, seats: 1 },
    ]);
    expect(o.unassigned).toEqual([expect.objectContaining({ talentId: 'T1', code: 'outranked' })]);
  });

  it('unknown ids, duplicate pairs, NaN and out-of-range scores are errors with file:line, and nothing is written', async () => {
    const d = tmp();
    writeFileSync(join(d, 'caps.csv'), 'platformId,slots,seats\nP1,1,1\n');
    const bad = ['talentId,platformId,talentScore,platformScore,score', 'T1,P1,0.5,0.5,0.5', 'T1,PX,0.5,0.5,0.5', 'T1,P1,0.4,0.4,0.4', 'T2,P1,NaN,0.5,0.5', 'T3,P1,0.5,1.5,0.5', 'T4,P1,0.5,0.5,'];
    writeFileSync(join(d, 's.csv'), bad.join('\n') + '\n');
    const r = await run(['match', '--scores', join(d, 's.csv'), '--capacities', join(d, 'caps.csv'), '--out', join(d, 'o.json')]);
    expect(r.code).not.toBe(0);
    const f = join(d, 's.csv');
    expect(r.err).toContain(`${f}:3 platformId: expected a known platform id, got PX`);
    expect(r.err).toContain(`${f}:4 (record): expected one row per pair (T1, P1) is already on line 2`);
    expect(r.err).toContain(`${f}:5 talentScore: expected a number in [0, 1], got NaN`);
    expect(r.err).toContain(`${f}:6 platformScore: expected a number in [0, 1], got 1.5`);
    expect(r.err).toContain(`${f}:7 score: expected a number in [0, 1], got missing`);
    expect(() => readFileSync(join(d, 'o.json'))).toThrow();
    // with the platforms and talents files, an unknown talent is an error too
    writeFileSync(join(d, 't.csv'), 'talentId,platformId,score\nNOPE,NOPE2,0.5\n');
    const r2 = await run(['match', '--data', FIX, '--scores', join(d, 't.csv'), '--out', join(d, 'o.json')]);
    expect(r2.code).not.toBe(0);
    expect(r2.err).toContain(`${join(d, 't.csv')}:2 talentId: expected a known talent id, got NOPE`);
  });

  it('ids with a line break, a comma and quotes: what `score` writes (RFC 4180 quoted), match --scores reads back to the same assignment (a quoted line break was "unbalanced quotes")', async () => {
    const d = tmp();
    const lines = readFileSync(join(FIX, 'talents.jsonl'), 'utf8').split('\n').slice(0, 80);
    const odd = ['t-new\nline', 't,comma "q"', 't-crlf\r\nend'];
    odd.forEach((id, i) => (lines[i] = JSON.stringify({ ...(JSON.parse(lines[i]!) as object), id })));
    for (const f of ['industries.json', 'policy.json', 'platforms.jsonl']) writeFileSync(join(d, f), readFileSync(join(FIX, f)));
    writeFileSync(join(d, 'talents.jsonl'), lines.join('\n') + '\n');
    expect((await run(['score', '--data', d, '--threads', '1', '--out', join(d, 's.csv')])).code).toBe(0);
    const csv = readFileSync(join(d, 's.csv'), 'utf8');
    expect(csv).toContain('\n"t-new\nline",p-');
    const a = await run(['match', '--data', d, '--out', join(d, 'a.json')]);
    const b = await run(['match', '--data', d, '--scores', join(d, 's.csv'), '--out', join(d, 'b.json')]);
    expect([a.code, b.code], b.err).toEqual([0, 0]);
    expect(readFileSync(join(d, 'b.json'), 'utf8')).toBe(readFileSync(join(d, 'a.json'), 'utf8'));
  });

  it('a CSV line over TALENTMATCH_MAX_LINE_BYTES is reported with its line, not read whole (a file without a newline was one string), and the rest is still checked', async () => {
    const d = tmp();
    writeFileSync(join(d, 's.csv'), ['talentId,platformId,score', `T1,${'P'.repeat(3000)},0.5`, 'T2,P1,2', `"T3\n${'x'.repeat(3000)}",P1,0.5`, `T4,P1,0.5,${'9'.repeat(5000)}`].join('\n'));
    writeFileSync(join(d, 'caps.csv'), 'platformId,slots,seats\nP1,1,1\n');
    const before = process.env.TALENTMATCH_MAX_LINE_BYTES;
    process.env.TALENTMATCH_MAX_LINE_BYTES = '1000';
    try {
      const r = await run(['match', '--scores', join(d, 's.csv'), '--capacities', join(d, 'caps.csv'), '--out', join(d, 'o.json')]);
      const f = join(d, 's.csv');
      const over = 'expected a line of at most 1,000 bytes (TALENTMATCH_MAX_LINE_BYTES), got more than 1,000 bytes';
      expect([r.code, r.err.split('\n').slice(0, 5).sort()]).toEqual([1, [`  ${f}:2 (record): ${over}`, `  ${f}:3 score: expected a number in [0, 1], got 2`, `  ${f}:4 (record): ${over}`, `  ${f}:6 (record): ${over}`, 'error: input rejected, 4 problems:']]);
    } finally {
      if (before === undefined) delete process.env.TALENTMATCH_MAX_LINE_BYTES;
      else process.env.TALENTMATCH_MAX_LINE_BYTES = before;
    }
  });
});

describe('match on rank lists (--preferences) and committee decisions (--decisions)', () => {
  const lists = {
    talents: [{ id: 'A', prefs: ['C', 'M'], seats: 1 }, { id: 'B', prefs: ['C'] }, { id: 'D', prefs: ['M', 'C'] }],
    platforms: [{ id: 'C', slots: 1, seats: 10, prefs: ['D', 'A', 'B'] }, { id: 'M', slots: 1, prefs: ['A', 'D'] }],
  };

  it('a whole input (--preferences, or --scores with --capacities) with data files it would not read is a usage error (they were silently ignored)', async () => {
    const d = tmp();
    writeFileSync(join(d, 'p.json'), JSON.stringify(lists));
    writeFileSync(join(d, 's.csv'), 'talentId,platformId,score\nT1,P1,0.5\n');
    writeFileSync(join(d, 'c.csv'), 'platformId,slots,seats\nP1,1,1\n');
    const p = await run(['match', '--preferences', join(d, 'p.json'), '--data', FIX, '--out', join(d, 'o.json')]);
    expect([p.code, p.err]).toEqual([2, 'error [E_OPTION]: --preferences is the whole input: --data would not be read; give one or the other\n']);
    const c = await run(['match', '--scores', join(d, 's.csv'), '--capacities', join(d, 'c.csv'), '--talents', join(FIX, 'talents.jsonl'), '--policy', join(FIX, 'policy.json'), '--out', join(d, 'o.json')]);
    expect([c.code, c.err]).toEqual([2, 'error [E_OPTION]: --scores with --capacities is the whole input: --policy, --talents would not be read; give one or the other\n']);
    expect(() => readFileSync(join(d, 'o.json'))).toThrow();
  });

  it('talent- and platform-optimal stable matchings of the lists', async () => {
    const d = tmp();
    writeFileSync(join(d, 'p.json'), JSON.stringify(lists));
    const pairs = async (proposer: string) => {
      expect((await run(['match', '--preferences', join(d, 'p.json'), '--proposer', proposer, '--out', join(d, `${proposer}.json`)])).code).toBe(0);
      const o = JSON.parse(readFileSync(join(d, `${proposer}.json`), 'utf8'));
      expect(o.blockingPairs).toBe(0);
      return o.assignments.map((x: { talentId: string; platformId: string }) => `${x.talentId}>${x.platformId}`);
    };
    // talents propose: A gets C, D gets M; platforms propose: C gets D, M gets A
    expect(await pairs('talent')).toEqual(['A>C', 'D>M']);
    expect(await pairs('platform')).toEqual(['A>M', 'D>C']);
  });

  it('a repeated entry is an error naming it; optimal mode is refused with the reason', async () => {
    const d = tmp();
    writeFileSync(join(d, 'p.json'), JSON.stringify({ ...lists, talents: [{ id: 'A', prefs: ['C', 'M', 'C'] }] }));
    const r = await run(['match', '--preferences', join(d, 'p.json'), '--out', join(d, 'o.json')]);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('talents[0].prefs[2]: expected each id once in A\'s list, got C repeated');
    // a schema problem names the value found, in the same path form (was "got see the contract", and talents.0.seats)
    writeFileSync(join(d, 's.json'), JSON.stringify({ ...lists, talents: [{ id: 'A', prefs: ['C', 7], seats: -1 }] }));
    const s = await run(['match', '--preferences', join(d, 's.json'), '--out', join(d, 'o.json')]);
    expect(s.code).toBe(1);
    expect(s.err).toContain(`${join(d, 's.json')} talents[0].prefs[1]: expected Invalid input: expected string, received number, got 7`);
    expect(s.err).toContain(`${join(d, 's.json')} talents[0].seats: expected Too small: expected number to be >=0, got -1`);
    writeFileSync(join(d, 'q.json'), JSON.stringify(lists));
    const r2 = await run(['match', '--preferences', join(d, 'q.json'), '--mode', 'optimal', '--out', join(d, 'o.json')]);
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/--preferences gives stable matchings/);
  });

  it('decisions: the pin is placed first and listed; a pin beyond capacity is a clear error', async () => {
    const d = tmp();
    writeFileSync(join(d, 'p.json'), JSON.stringify(lists));
    writeFileSync(join(d, 'dec.json'), JSON.stringify({ pins: [{ talentId: 'B', platformId: 'C' }], forbidden: [{ talentId: 'D', platformId: 'M' }] }));
    const r = await run(['match', '--preferences', join(d, 'p.json'), '--decisions', join(d, 'dec.json'), '--out', join(d, 'o.json')]);
    expect(r.code).toBe(0);
    const o = JSON.parse(readFileSync(join(d, 'o.json'), 'utf8'));
    expect(o.assignments.map((x: { talentId: string; platformId: string }) => `${x.talentId}>${x.platformId}`)).toEqual(['A>M', 'B>C']);
    expect(o.decisions).toEqual({ pinned: [{ talentId: 'B', platformId: 'C' }], forbidden: [{ talentId: 'D', platformId: 'M' }], heldSeats: [] });
    writeFileSync(join(d, 'bad.json'), JSON.stringify({ pins: [{ talentId: 'B', platformId: 'C' }, { talentId: 'A', platformId: 'C' }], heldSeats: { ZZ: 1 } }));
    const r2 = await run(['match', '--preferences', join(d, 'p.json'), '--decisions', join(d, 'bad.json'), '--out', join(d, 'o2.json')]);
    expect(r2.code).not.toBe(0);
    expect(r2.err).toContain('heldSeats.ZZ: expected a known platform id, got ZZ');
    writeFileSync(join(d, 'bad2.json'), JSON.stringify({ pins: [{ talentId: 'B', platformId: 'C' }, { talentId: 'A', platformId: 'C' }] }));
    const r3 = await run(['match', '--preferences', join(d, 'p.json'), '--decisions', join(d, 'bad2.json'), '--out', join(d, 'o3.json')]);
    expect(r3.code).not.toBe(0);
    expect(r3.err).toContain("bad2.json pins.1: expected pins within C's 1 free slots, got 2 talents pinned to C");
  });
});
