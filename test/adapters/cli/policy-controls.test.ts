/**
 * The complementary-development policy fields through the CLI: `recommend` / `run` apply
 * policy.lists (and say so on stderr), the batch applies the per-talent controls and
 * refuses the global exposure floor (exit 2), `match --mode optimal` honours
 * policy.assignmentFloors and fails infeasible ones with exit 1.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureFiles } from '../../../src/synth/files.js';
import { run } from './run.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tm-policy-'));
const files = fixtureFiles({ seed: 11, talents: 200, platforms: 16, words: [15, 40], curated: false });

/** A data folder with the policy changed by `patch` (and, with `scarce`, two free slots per platform: the floors bind). */
function dataWith(patch: Record<string, unknown>, scarce = false): string {
  const d = tmp();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  if (scarce) {
    const lines = files['platforms.jsonl'].trim().split('\n').map((l) => {
      const p = JSON.parse(l);
      p.capacity.slots = p.capacity.slotsUsed + 2;
      return JSON.stringify(p);
    });
    writeFileSync(join(d, 'platforms.jsonl'), lines.join('\n') + '\n');
  }
  writeFileSync(join(d, 'policy.json'), JSON.stringify({ ...JSON.parse(files['policy.json']), ...patch }));
  return d;
}

const talentLines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').filter((l) => l.startsWith('{"side":"talent"'));

describe('policy controls through the CLI', () => {
  it('recommend applies policy.lists; the batch writes the same talent lines; the floor is refused by the batch (exit 2)', async () => {
    const plainDir = dataWith({});
    const listDir = dataWith({ lists: { industryShare: 0.3, diversity: 0.4 } });
    const out = tmp();
    const plain = await run(['recommend', '--data', plainDir, '--out', join(out, 'plain.jsonl'), '--top', '5']);
    expect(plain.code, plain.err).toBe(0);
    expect(plain.err).not.toMatch(/list controls/);
    const ctl = await run(['recommend', '--data', listDir, '--out', join(out, 'ctl.jsonl'), '--top', '5']);
    expect(ctl.code, ctl.err).toBe(0);
    expect(ctl.err).toMatch(/list controls \(policy\.lists\): industry share <= 0\.3; diversity 0\.4/);
    const a = talentLines(join(out, 'plain.jsonl'));
    const b = talentLines(join(out, 'ctl.jsonl'));
    expect(b.filter((l, i) => l !== a[i]).length).toBeGreaterThan(0);

    const db = join(out, 'b.db');
    const batch = await run(['batch', '--data', listDir, '--db', db, '--top', '5', '--threads', '1']);
    expect(batch.code, batch.err).toBe(0);
    const exp = await run(['export', '--db', db, '--out', join(out, 'export')]);
    expect(exp.code, exp.err).toBe(0);
    expect(talentLines(join(out, 'export', 'recommendations.jsonl'))).toEqual(b);

    const floorDir = dataWith({ lists: { exposureFloor: 3 } });
    const refused = await run(['batch', '--data', floorDir, '--db', join(out, 'c.db'), '--threads', '1']);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/error \[E_UNSUPPORTED\]: policy\.lists\.exposureFloor: not available in batch/);
    const rec = await run(['recommend', '--data', floorDir, '--out', join(out, 'floor.jsonl'), '--top', '5']);
    expect(rec.code, rec.err).toBe(0);
    expect(rec.err).toMatch(/exposure floor 3 on \d+ platforms, score loss \d+\.\d{3}, /);
  });

  it('match --mode optimal meets policy.assignmentFloors and reports them; infeasible floors exit 1 naming the industry', async () => {
    const out = tmp();
    const base = await run(['match', '--data', dataWith({}, true), '--mode', 'optimal', '--out', join(out, 'base.json')]);
    expect(base.code, base.err).toBe(0);
    // the industry with the fewest placements, raised by 3 over what the plain optimum places
    const probe = await run(['match', '--data', dataWith({ assignmentFloors: Object.fromEntries(JSON.parse(files['industries.json']).map((i: { id: string }) => [i.id, 1])) }, true), '--mode', 'optimal', '--out', join(out, 'probe.json')]);
    expect(probe.code, probe.err).toBe(0);
    const placed: { industry: string; min: number; placed: number }[] = JSON.parse(readFileSync(join(out, 'probe.json'), 'utf8')).floors;
    expect(JSON.parse(readFileSync(join(out, 'probe.json'), 'utf8')).totalScore).toBe(JSON.parse(readFileSync(join(out, 'base.json'), 'utf8')).totalScore);
    // the least placed industry that can take two more (some are at their limit already: E_INFEASIBLE says so)
    let low = placed[0];
    let want = 0;
    let r = { code: -1, out: '', err: '' };
    for (const f of [...placed].sort((x, y) => x.placed - y.placed || (x.industry < y.industry ? -1 : 1))) {
      low = f;
      want = f.placed + 2;
      r = await run(['match', '--data', dataWith({ assignmentFloors: { [f.industry]: want } }, true), '--mode', 'optimal', '--out', join(out, 'floors.json')]);
      if (r.code === 0) break;
      expect(r.err).toMatch(/E_INFEASIBLE/);
    }
    expect(r.code, r.err).toBe(0);
    expect(r.out + r.err).toMatch(new RegExp(`assignment floors \\(placed / required\\): ${low.industry} ${want}/${want}`));
    const a = JSON.parse(readFileSync(join(out, 'floors.json'), 'utf8'));
    expect(a.floors).toEqual([{ industry: low.industry, min: want, placed: want }]);
    expect(a.totalScore).toBeLessThan(JSON.parse(readFileSync(join(out, 'base.json'), 'utf8')).totalScore);
    expect(a.bound).toBeGreaterThanOrEqual(a.totalScore);

    const bad = await run(['match', '--data', dataWith({ assignmentFloors: { [low.industry]: 10_000 } }, true), '--mode', 'optimal', '--out', join(out, 'bad.json')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(new RegExp(`error \\[E_INFEASIBLE\\]: policy\\.assignmentFloors cannot all be met: .*"${low.industry}" needs 10000`));
    const unknown = await run(['match', '--data', dataWith({ assignmentFloors: { nope: 1 } }, true), '--mode', 'optimal', '--out', join(out, 'u.json')]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/policy\.json assignmentFloors\.nope: expected an industry id of the taxonomy/);
  });
});
