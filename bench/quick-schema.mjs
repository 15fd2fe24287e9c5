// The talent schema's two paths on a talents file's first 10k records, in process: zod's
// TalentSchema.safeParse against the hand-written fast path (domain/quick.ts quickTalent),
// CPU medians of 9 alternating rounds.   node bench/quick-schema.mjs DATA_DIR   (after npm run build)
import { readFileSync } from 'node:fs';
const { TalentSchema } = await import('../dist/domain/schemas.js');
const { quickTalent } = await import('../dist/domain/quick.js');
const dir = process.argv[2];
const raws = readFileSync(`${dir}/talents.jsonl`, 'utf8').split('\n').slice(0, 10000).filter(Boolean).map((l) => JSON.parse(l));
const cpu = (f) => {
  const c = process.cpuUsage();
  f();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
};
const zod = [];
const quick = [];
let taken = 0;
for (let r = 0; r < 9; r++) {
  zod.push(cpu(() => raws.forEach((x) => (taken += TalentSchema.safeParse(x).success ? 1 : 0))));
  quick.push(cpu(() => raws.forEach((x) => (taken += quickTalent(x) ? 1 : 0))));
}
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1].toFixed(0);
console.log(`${dir}: ${raws.length} talents, zod ${med(zod)} ms, quickTalent ${med(quick)} ms (CPU medians of 9; ${taken / 18} taken per pass)`);
