/**
 * Recall@k of planted fits per language group on generated language worlds (issue 16,
 * docs/CROSSLINGUAL.md). Quality, not timing: every number is deterministic.
 *   tsx scripts/crosslingual.ts [--k 5] [--weights FILE] [--json]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createEngine } from '../src/engine/engine.js';
import { plantedRecall } from '../src/evaluation/planted.js';
import type { TruthRecord } from '../src/domain/truth.js';
import { generateDistrict } from '../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../src/synth/taxonomy.js';

const { values } = parseArgs({ options: { k: { type: 'string', default: '5' }, weights: { type: 'string' }, json: { type: 'boolean', default: false } } });
const k = Number(values.k);
const weights = values.weights ? JSON.parse(readFileSync(values.weights, 'utf8')) : {};

/** The worlds of the acceptance check, plus the asymmetric and single-language ones. */
export const WORLDS = [
  { name: '30% zh', seed: 301, platforms: 120, talents: 2000, talentZh: 0.3, platformZh: 0.3 },
  { name: '50% zh', seed: 501, platforms: 200, talents: 2500, talentZh: 0.5, platformZh: 0.5 },
  { name: '70% zh', seed: 701, platforms: 300, talents: 3000, talentZh: 0.7, platformZh: 0.7 },
  { name: 'talents 30% / platforms 70% zh', seed: 3701, platforms: 150, talents: 2500, talentZh: 0.3, platformZh: 0.7 },
  { name: 'talents 70% / platforms 30% zh', seed: 7301, platforms: 150, talents: 2500, talentZh: 0.7, platformZh: 0.3 },
  { name: 'talents 10% / platforms 90% zh', seed: 1901, platforms: 100, talents: 2000, talentZh: 0.1, platformZh: 0.9 },
  { name: 'talents 90% / platforms 10% zh', seed: 9101, platforms: 100, talents: 2000, talentZh: 0.9, platformZh: 0.1 },
  { name: 'all English', seed: 1, platforms: 200, talents: 2500, talentZh: 0, platformZh: 0 },
  { name: 'all Chinese', seed: 2, platforms: 200, talents: 2500, talentZh: 1, platformZh: 1 },
];

const rows: unknown[] = [];
const f = (x: number) => (Number.isNaN(x) ? '  -  ' : x.toFixed(3));
if (!values.json) console.log(`recall@${k} of planted fits  | talents en | talents zh | platforms en | platforms zh | gap`);
for (const w of WORLDS) {
  const d = generateDistrict({ seed: w.seed, platforms: w.platforms, talents: w.talents, planted: true, outcomes: false, languages: { talentZh: w.talentZh, platformZh: w.platformZh } });
  const engine = createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: JIANGDONG_POLICY, weights }, { trusted: true });
  const rec = engine.recommend({ k, kPlatform: k });
  const truth: TruthRecord[] = [...d.truth!.platforms.map((x) => ({ side: 'platform' as const, ...x })), ...d.truth!.talents.map((x) => ({ side: 'talent' as const, ...x }))];
  const r = plantedRecall({ talentIds: engine.model.talents.ids, platformIds: engine.model.platforms.ids, talent: rec.talent, platform: rec.platform }, truth, k);
  const g = (s: typeof r.talent, l: string) => s.groups.find((x) => x.language === l)?.recall ?? Number.NaN;
  rows.push({ world: w, recall: r });
  if (!values.json) console.log(`${w.name.padEnd(30)} | ${f(g(r.talent, 'en')).padStart(10)} | ${f(g(r.talent, 'zh')).padStart(10)} | ${f(g(r.platform, 'en')).padStart(12)} | ${f(g(r.platform, 'zh')).padStart(12)} | ${f(r.gap)}`);
}
if (values.json) console.log(JSON.stringify(rows, null, 2));
