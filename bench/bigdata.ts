/**
 * Writes large seeded inputs for the batch benchmarks without holding them in memory:
 * the fixture generator is run block by block (seed + block) and ids are made unique.
 *   tsx bench/bigdata.ts DIR TALENTS PLATFORMS [MINWORDS MAXWORDS]
 */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { generateDistrict } from '../src/synth/generate.js';
import { JIANGDONG_INDUSTRIES, JIANGDONG_POLICY } from '../src/synth/taxonomy.js';

export async function writeBigData(dir: string, talents: number, platforms: number, words: [number, number] = [50, 200]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'industries.json'), JSON.stringify(JIANGDONG_INDUSTRIES));
  writeFileSync(join(dir, 'policy.json'), JSON.stringify({ ...JIANGDONG_POLICY, minScoreForReferral: 0 }));
  const plats = generateDistrict({ seed: 5, talents: 0, platforms, words, curated: false, outcomes: false }).platforms;
  writeFileSync(join(dir, 'platforms.jsonl'), plats.map((p) => JSON.stringify(p)).join('\n') + '\n');
  const out = createWriteStream(join(dir, 'talents.jsonl'));
  const block = 10_000;
  for (let b = 0; b * block < talents; b++) {
    const n = Math.min(block, talents - b * block);
    const d = generateDistrict({ seed: 1000 + b, talents: n, platforms: 1, words, curated: false, outcomes: false });
    let s = '';
    d.talents.forEach((t, i) => {
      const { excludePlatforms: _x, ...rest } = t; // the block's one platform is not in this file
      s += JSON.stringify({ ...rest, id: `t-${String(b * block + i).padStart(8, '0')}` }) + '\n';
    });
    if (!out.write(s)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

if (process.argv[1]?.endsWith('bigdata.ts')) {
  const [dir, t, p, lo, hi] = process.argv.slice(2);
  await writeBigData(dir, Number(t), Number(p), lo ? [Number(lo), Number(hi)] : [50, 200]);
}
