/**
 * The batch's chunks prune exactly (engine/chunk.ts: talent list, platform reserve heaps and
 * preference list from one pruned ranker), as a user runs it: on a rich district with no
 * minimum score (the loose text bounds and room counting decide there) and exclusions, a
 * batch on 1, 2 and 4 threads with the default 50 preferences, and on 2 with 5 (the forward
 * bound then decides most blocks), exports exactly the bytes of the unpruned commands
 * (`recommend`, `match`, `refer` with the same --max-prefs, which score every pair).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureFiles } from '../../src/synth/files.js';
import { rng } from '../../src/util/rng.js';

const BIN = 'bin/talentmatch.js';
const FILES = ['recommendations.jsonl', 'assignment.json', 'referrals.jsonl'];

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** 1,200 talents x 60 platforms, no minimum score, a fifth of the talents excluding two platforms. */
function district(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tm-batch-prune-'));
  const files = fixtureFiles({ seed: 21, talents: 1200, platforms: 60, words: [10, 30], curated: false });
  files['policy.json'] = JSON.stringify({ ...(JSON.parse(files['policy.json']) as object), minScoreForReferral: 0 });
  const platforms = files['platforms.jsonl'].trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
  const r = rng(5);
  files['talents.jsonl'] =
    files['talents.jsonl']
      .trim()
      .split('\n')
      .map((l) => {
        const t = JSON.parse(l) as Record<string, unknown>;
        if (r() < 0.2) t.excludePlatforms = [platforms[Math.floor(r() * platforms.length)], platforms[Math.floor(r() * platforms.length)]];
        return JSON.stringify(t);
      })
      .join('\n') + '\n';
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('the batch prunes exactly', () => {
  it('1, 2 and 4 threads with 50 preferences, 2 with 5: the unpruned commands\' bytes', () => {
    const data = district();
    const recs = join(mkdtempSync(join(tmpdir(), 'tm-batch-prune-ref-')), 'recommendations.jsonl');
    expect(cli(['recommend', '--data', data, '--out', recs]).code).toBe(0);
    for (const [prefs, threads] of [
      ['50', ['1', '2', '4']],
      ['5', ['2']],
    ] as const) {
      const ref = mkdtempSync(join(tmpdir(), 'tm-batch-prune-ref-'));
      writeFileSync(join(ref, 'recommendations.jsonl'), readFileSync(recs));
      expect(cli(['match', '--data', data, '--max-prefs', prefs, '--out', join(ref, 'assignment.json')]).code).toBe(0);
      expect(cli(['refer', '--data', data, '--max-prefs', prefs, '--out', join(ref, 'referrals.jsonl')]).code).toBe(0);
      for (const t of threads) {
        const d = mkdtempSync(join(tmpdir(), 'tm-batch-prune-run-'));
        const r = cli(['batch', '--data', data, '--db', join(d, 'b.db'), '--threads', t, '--chunk-size', '250', '--max-prefs', prefs, '--out', join(d, 'out')]);
        expect(r.code, r.err).toBe(0);
        for (const f of FILES) expect(readFileSync(join(d, 'out', f), 'utf8'), `${f}, ${t} threads, ${prefs} preferences`).toBe(readFileSync(join(ref, f), 'utf8'));
      }
    }
  }, 300_000);
});
