/**
 * Exact pruning as a user runs it: `recommend` prunes (ranking/twoWay.ts), on 1, 2 and 4
 * threads, with several talent ranges (each worker's range prunes against its own platform
 * heaps before the merge). The bytes must equal the unpruned ranking's, written by the same
 * formatter, on a rich district and on a dense one with a minimum score above 0 and exact
 * duplicate platforms and talents (ties at the k-th score).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../adapters/cli/run.js';
import { fixtureFiles } from '../../src/synth/files.js';
import { loadDataset } from '../../src/adapters/files/dataset.js';
import { createEngine } from '../../src/engine/engine.js';
import { RowRanker } from '../../src/ranking/rows.js';
import { finalizeTopK } from '../../src/vector/topk.js';
import { recommendationLines } from '../../src/engine/format.js';
import { rng } from '../../src/util/rng.js';

const WORDS = ['data', 'chain', 'cloud', 'robot', 'finance', 'trade', 'export', 'design', 'sensor', 'battery', '数据', '物流', '电商', '芯片'];

/** 4,500 talents (three ranges of the default 2,000) x 40 platforms; dense: texts from 14 words, copies under other ids, a minimum score. */
function district(dense: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'tm-prune-'));
  const files = fixtureFiles({ seed: dense ? 8 : 3, talents: 4500, platforms: 40, words: [10, 30], curated: false });
  const policy = JSON.parse(files['policy.json']) as Record<string, unknown>;
  // the peers' benchmark runs with no minimum score (pruning then decides acceptability by room alone)
  files['policy.json'] = JSON.stringify({ ...policy, minScoreForReferral: dense ? 0.3 : 0 });
  if (dense) {
    const r = rng(17);
    const text = () => Array.from({ length: 5 + Math.floor(r() * 20) }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ');
    const redo = (jsonl: string, copies: number, copyId: (id: string) => string) => {
      const rows: Record<string, unknown>[] = jsonl.trim().split('\n').map((l) => ({ ...(JSON.parse(l) as Record<string, unknown>), description: text() }));
      return [...rows, ...rows.filter((x) => x.hostedBy === undefined).slice(0, copies).map((x) => ({ ...x, id: copyId(String(x.id)) }))].map((x) => JSON.stringify(x)).join('\n') + '\n';
    };
    files['talents.jsonl'] = redo(files['talents.jsonl'], 30, (id) => `${id}-copy`);
    files['platforms.jsonl'] = redo(files['platforms.jsonl'], 6, (id) => `${id}-copy`);
  }
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The unpruned two-way ranking of the same files, printed by the same formatter. */
async function unpruned(dir: string, k: number, kPlatform: number): Promise<{ text: string; pairs: number; scored: number }> {
  const loaded = await loadDataset({ data: dir }, { needTalents: true, needOutcomes: false, skipInvalid: false });
  const engine = createEngine(loaded.dataset, { trusted: true, topK: k, topKPlatform: kPlatform });
  const r = new RowRanker(engine.model, { kTalent: k, kPlatform }).rankAll();
  finalizeTopK(r.platformTop);
  const lines = [...recommendationLines(engine, { talent: r.talentTop, platform: r.platformTop, pairs: r.pairs })];
  const pruned = new RowRanker(engine.model, { kTalent: k, kPlatform, prune: true }).rankAll();
  expect(pruned.pairs).toBe(r.pairs);
  return { text: lines.join('\n') + '\n', pairs: r.pairs, scored: pruned.scored };
}

describe('recommend prunes exactly, on any thread count', () => {
  for (const dense of [false, true]) {
    it(`${dense ? 'dense district, minimum score 0.3, duplicates' : 'rich district'}: 1, 2 and 4 threads give the unpruned ranking's bytes`, async () => {
      const dir = district(dense);
      const oracle = await unpruned(dir, 3, 5);
      // the pruning does prune here: fewer pairs scored than acceptable (rich, no minimum
      // score), or than all pairs (dense: the minimum score leaves most blocks open)
      expect(oracle.scored).toBeLessThan(dense ? 4530 * 46 : oracle.pairs / 2);
      for (const t of ['1', '2', '4']) {
        const out = join(dir, `r${t}.jsonl`);
        const r = await run(['recommend', '--data', dir, '--top', '3', '--top-platform', '5', '--threads', t, '--out', out]);
        expect(r.code, r.err).toBe(0);
        expect(r.out + r.err).toContain(`${oracle.pairs} acceptable pairs`);
        expect(readFileSync(out, 'utf8')).toBe(oracle.text);
      }
    }, 300_000);
  }
});
