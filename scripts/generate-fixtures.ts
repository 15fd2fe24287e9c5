/**
 * Writes fixtures/jiangdong from the seeded generator. `npm run fixtures` reproduces the
 * committed files byte for byte (checked by test/synth/fixtures.test.ts).
 *   tsx scripts/generate-fixtures.ts [--out DIR] [--seed N] [--talents N] [--platforms N]
 *     [--talent-zh X] [--platform-zh X] [--planted]
 * --talent-zh / --platform-zh: share of Chinese-writing talents / platforms in [0, 1]
 * (default 0.33 each); --planted: a planted-truth world, also writing truth.jsonl
 * (for `talentmatch evaluate --truth`, docs/CROSSLINGUAL.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fixtureFiles } from '../src/synth/files.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'fixtures/jiangdong' },
    seed: { type: 'string', default: '20161017' },
    talents: { type: 'string', default: '2400' },
    platforms: { type: 'string', default: '72' },
    'talent-zh': { type: 'string' },
    'platform-zh': { type: 'string' },
    planted: { type: 'boolean', default: false },
  },
});
const languages = {
  ...(values['talent-zh'] !== undefined ? { talentZh: Number(values['talent-zh']) } : {}),
  ...(values['platform-zh'] !== undefined ? { platformZh: Number(values['platform-zh']) } : {}),
};
const files = fixtureFiles({ seed: Number(values.seed), talents: Number(values.talents), platforms: Number(values.platforms), languages, planted: values.planted });
mkdirSync(values.out!, { recursive: true });
for (const [name, content] of Object.entries(files)) {
  writeFileSync(join(values.out!, name), content);
  console.log(`wrote ${join(values.out!, name)} (${content.length} bytes)`);
}
