/**
 * `--threads` on the commands users run: the same bytes for 1 and 2 threads (recommend,
 * score, evaluate --json, tune) and 3 (recommend), and a clear usage error for a bad count.
 * (Each command starts its own pool: worker start-up dominates the time here.)
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../adapters/cli/run.js';
import { fixtureFiles } from '../../src/synth/files.js';

const data = mkdtempSync(join(tmpdir(), 'tm-threads-'));
for (const [name, text] of Object.entries(fixtureFiles({ seed: 4, talents: 300, platforms: 30, words: [15, 40], curated: false }))) writeFileSync(join(data, name), text);

describe('--threads', () => {
  it('recommend, score, evaluate and tune give the same bytes on 1 and 2 threads, recommend on 3', async () => {
    const outs: string[][] = [];
    for (const t of ['1', '2']) {
      const d = mkdtempSync(join(tmpdir(), 'tm-threads-out-'));
      const rec = await run(['recommend', '--data', data, '--top', '4', '--top-platform', '6', '--threads', t, '--out', join(d, 'r.jsonl')]);
      const sc = await run(['score', '--data', data, '--threads', t, '--out', join(d, 's.csv')]);
      const ev = await run(['evaluate', '--data', data, '--json', '--threads', t]);
      const tu = await run(['tune', '--data', data, '--budget', '3', '--folds', '2', '--threads', t, '--out', join(d, 'w.json')]);
      for (const r of [rec, sc, ev, tu]) expect(r.code, r.err).toBe(0);
      const weights = JSON.parse(readFileSync(join(d, 'w.json'), 'utf8')) as { _provenance: { date?: string } };
      delete weights._provenance.date;
      outs.push([readFileSync(join(d, 'r.jsonl'), 'utf8'), readFileSync(join(d, 's.csv'), 'utf8'), ev.out, JSON.stringify(weights)]);
    }
    expect(outs[0][0].split('\n').length).toBe(300 + 30 + 1);
    expect(outs[0][1].split('\n').length).toBeGreaterThan(300);
    expect(outs[1]).toEqual(outs[0]);
    const d = mkdtempSync(join(tmpdir(), 'tm-threads-out-'));
    expect((await run(['recommend', '--data', data, '--top', '4', '--top-platform', '6', '--threads', '3', '--out', join(d, 'r.jsonl')])).code).toBe(0);
    expect(readFileSync(join(d, 'r.jsonl'), 'utf8')).toBe(outs[0][0]);
  }, 300_000);

  it('rejects a thread count outside 1..256 as a usage error', async () => {
    for (const bad of ['0', '257', 'two']) {
      const r = await run(['recommend', '--data', data, '--threads', bad, '--out', join(data, 'x.jsonl')]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('--threads must be an integer in [1, 256]');
    }
  });
});
