/**
 * Writes fixtures/jiangdong from the seeded generator. `npm run fixtures` reproduces the
 * committed files byte for byte (checked by test/synth/fixtures.test.ts).
 *   tsx scripts/generate-fixtures.ts [--out DIR] [--seed N] [--talents N] [--platforms N]
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
  },
});
const files = fixtureFiles({ seed: Number(values.seed), talents: Number(values.talents), platforms: Number(values.platforms) });
mkdirSync(values.out!, { recursive: true });
for (const [name, content] of Object.entries(files)) {
  writeFileSync(join(values.out!, name), content);
  console.log(`wrote ${join(values.out!, name)} (${content.length} bytes)`);
}
