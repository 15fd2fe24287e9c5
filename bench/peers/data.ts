/**
 * Datasets for the side-by-side peer benchmark, written as the files a user would have
 * (industries.json, policy.json, platforms.jsonl, talents.jsonl).
 *
 * - `rich`: the fixture generator at scale (phrases from seven industries, a third of the
 *   texts in Chinese), as in bench/bigdata.ts.
 * - `dense`: a district whose texts share a small vocabulary — a few hundred distinct words
 *   across the seven industries — so every talent shares many terms with every platform of
 *   its industry (the inverted index's postings are long; pruning by text is hard). The
 *   records' structure (needs, modes, capacity, stages) comes from the same generator; only
 *   the texts are re-drawn from the small vocabulary.
 *
 *   tsx bench/peers/data.ts DIR rich|dense TALENTS PLATFORMS
 */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { generateDistrict } from '../../src/synth/generate.js';
import { rng } from '../../src/util/rng.js';
import { PHRASES_EN, PHRASES_ZH, GENERIC_EN } from '../../src/synth/phrases.js';
import { JIANGDONG_INDUSTRIES, JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';
import { writeBigData } from '../bigdata.js';

export type PeerKind = 'rich' | 'dense';

/** Each industry's word bag (its phrases split into words, at most 40) and a shared bag. */
function denseVocabulary(): { byIndustry: Record<string, string[]>; generic: string[] } {
  const byIndustry: Record<string, string[]> = {};
  for (const ind of JIANGDONG_INDUSTRIES) {
    const en = [...new Set(PHRASES_EN[ind.id].flatMap((p) => p.toLowerCase().split(/[^a-z]+/)).filter((w) => w.length > 3))].slice(0, 28);
    const zh = [...new Set(PHRASES_ZH[ind.id].flatMap((p) => p.match(/[\u4e00-\u9fff]{2}/g) ?? []))].slice(0, 12);
    byIndustry[ind.id] = [...en, ...zh];
  }
  const generic = [...new Set(GENERIC_EN.flatMap((p) => p.toLowerCase().split(/[^a-z]+/)).filter((w) => w.length > 3))].slice(0, 60);
  return { byIndustry, generic };
}

function denseText(r: () => number, bag: string[], generic: string[], words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    const from = r() < 0.75 ? bag : generic;
    out.push(from[Math.floor(r() * from.length)]);
  }
  return out.join(' ') + '.';
}

async function writeDense(dir: string, talents: number, platforms: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const { byIndustry, generic } = denseVocabulary();
  const r = rng(4242);
  writeFileSync(join(dir, 'industries.json'), JSON.stringify(JIANGDONG_INDUSTRIES));
  writeFileSync(join(dir, 'policy.json'), JSON.stringify({ ...JIANGDONG_POLICY, minScoreForReferral: 0 }));
  const plats = generateDistrict({ seed: 5, talents: 0, platforms, curated: false, outcomes: false }).platforms;
  const pl = plats.map((p) => {
    const primary = Object.entries(p.industries).sort((a, b) => b[1] - a[1])[0][0];
    return JSON.stringify({ ...p, description: denseText(r, byIndustry[primary], generic, 60 + Math.floor(r() * 60)) });
  });
  writeFileSync(join(dir, 'platforms.jsonl'), pl.join('\n') + '\n');
  const ids = JIANGDONG_INDUSTRIES.map((i) => i.id);
  const out = createWriteStream(join(dir, 'talents.jsonl'));
  const block = 10_000;
  for (let b = 0; b * block < talents; b++) {
    const n = Math.min(block, talents - b * block);
    const d = generateDistrict({ seed: 1000 + b, talents: n, platforms: 1, curated: false, outcomes: false });
    let s = '';
    d.talents.forEach((t, i) => {
      const { excludePlatforms: _x, profile: _p, ...rest } = t;
      const primary = t.industries?.[0] ?? ids[Math.floor(r() * ids.length)];
      const words = 50 + Math.floor(r() * 151);
      s += JSON.stringify({ ...rest, id: `t-${String(b * block + i).padStart(8, '0')}`, description: denseText(r, byIndustry[primary], generic, words) }) + '\n';
    });
    if (!out.write(s)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export async function writePeerData(dir: string, kind: PeerKind, talents: number, platforms: number): Promise<void> {
  if (kind === 'rich') await writeBigData(dir, talents, platforms);
  else await writeDense(dir, talents, platforms);
}

if (process.argv[1]?.endsWith('data.ts')) {
  const [dir, kind, t, p] = process.argv.slice(2);
  if (kind !== 'rich' && kind !== 'dense') throw new Error(`kind: expected rich or dense, got ${kind}`);
  await writePeerData(dir, kind, Number(t), Number(p));
}
