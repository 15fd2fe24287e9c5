// CPU of the batch snapshot's assignment on a stored run's preference lists, one build at a time
// (run it for each build, alternating): the whole step (PrefsGatherer.assign: pair set, talent-
// proposing, blocking pass, hosted split, why-not reasons) and talent-proposing and the blocking
// pass alone, with a hash of the matching (equal across builds).
//   node bench/assign-ab.mjs BUILD_DIR DATA_DIR DB [rounds=3]
// BUILD_DIR: a tree with dist/ (absolute); DB: a batch database holding a complete run of DATA_DIR.
import { join } from 'node:path';
const [build, data, db, rounds = '3'] = process.argv.slice(2);
if (!db) {
  console.error('usage: node bench/assign-ab.mjs BUILD_DIR DATA_DIR DB [rounds]');
  process.exit(2);
}
const imp = (p) => import(join(build, 'dist', p));
const { loadDataset } = await imp('adapters/files/dataset.js');
const { batchPlatformSide } = await imp('engine/platformSide.js');
const { openStore } = await imp('store/open.js');
const { PrefsGatherer } = await imp('engine/snapshot.js');
const { finishPairSet } = await imp('matching/pairs.js');
const { talentProposing } = await imp('matching/stable.js');
// the repair lives in matching/repair.js since the fourteenth pass, in stable.js before
const { resolveBlocking } = await imp('matching/repair.js').catch(() => imp('matching/stable.js'));
const { defaultAssignOptions } = await imp('config/assignment.js');
const loaded = await loadDataset({ data }, { needTalents: false, needOutcomes: false, skipInvalid: false, omit: ['talents', 'outcomes'] });
const { side } = batchPlatformSide({ industries: loaded.dataset.industries, platforms: loaded.dataset.platforms, policy: loaded.dataset.policy });
const store = await openStore(db);
const run = await store.latestComplete();
const g = new PrefsGatherer();
for await (const row of store.talentPrefs(run.id)) g.add(row);
g.trim();
const c = g.columns();
const ps = finishPairSet(c.talentIds.length, side.platforms.count, c.tPtr, c.plat, c.f, c.b, c.s, c.seats, side.platforms.freeSlots, side.platforms.freeSeats);
const cpu = (f) => {
  const c0 = process.cpuUsage();
  const r = f();
  const d = process.cpuUsage(c0);
  return [r, ((d.user + d.system) / 1000).toFixed(0)];
};
const opts = { mode: defaultAssignOptions.mode, proposer: defaultAssignOptions.proposer, maxPrefs: 50 };
const whole = [], da = [], rep = [];
let sig = '';
for (let r = 0; r < Number(rounds); r++) {
  const [a, t0] = cpu(() => g.assign(side, opts));
  const [m, t1] = cpu(() => talentProposing(ps));
  const [x, t2] = cpu(() => resolveBlocking(ps, m));
  whole.push(t0), da.push(t1), rep.push(t2);
  let h = 0;
  for (let i = 0; i < x.pairOf.length; i++) h = (h * 31 + x.pairOf[i]) | 0;
  sig = `assigned ${a.assigned}, blocking ${a.assignment.blockingPairs}, matching hash ${h}, settled ${x.settled}`;
}
console.log(`${build}: ms CPU: assign ${whole.join(' ')} | proposing ${da.join(' ')} | blocking pass ${rep.join(' ')} | ${sig}`);
await store.close();
