/**
 * policy.lists on engine data: the controls hold on every talent's list, kept items keep
 * their score and `why`, the platform side is untouched, outputs without the field are
 * unchanged, and the batch's chunk kernel writes the same talent lines.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { recommendationLines, recommendationRecords } from '../../src/engine/format.js';
import { applyListControls, assertBatchLists, industryView, talentRowList } from '../../src/engine/lists.js';
import { candidateListsOf, exposureFloor } from '../../src/ranking/controls.js';
import { shareCap } from '../../src/ranking/diversity.js';
import type { ListControls } from '../../src/domain/schemas.js';
import { validateDataset } from '../../src/engine/data.js';
import { scoreChunk } from '../../src/engine/chunk.js';
import { unpackRows } from '../../src/engine/rows.js';
import { generateDistrict } from '../../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';
import { isTalentmatchError } from '../../src/errors.js';
import { LiveScorer } from '../../src/engine/live.js';

const d = generateDistrict({ seed: 7, talents: 160, platforms: 14, curated: false });
const make = (lists?: ListControls): Engine =>
  createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0.2, ...(lists ? { lists } : {}) } });
const k = 5;
const plain = make();
const plainLines = [...recommendationLines(plain, plain.recommend({ k }))];

describe('policy.lists', () => {
  it('without a control that changes lists, the output is byte-identical', () => {
    for (const lists of [{}, { diversity: 0 }]) {
      const e = make(lists);
      expect([...recommendationLines(e, e.recommend({ k }))]).toEqual(plainLines);
    }
  });

  it('industry share + diversity: cap holds on every list, items keep score and why, platform side unchanged', () => {
    const lists = { industryShare: 0.4, diversity: 0.3 };
    const e = make(lists);
    const rec = e.recommend({ k });
    const lines = [...recommendationLines(e, rec)];
    const records = [...recommendationRecords(e, rec)];
    const main = industryView(e.model.platforms, e.model.ctx.dims).main;
    const c = candidateListsOf(e.model);
    let changed = 0;
    for (let t = 0; t < e.model.talents.count; t++) {
      const r = records[t];
      const n = new Map<number, number>();
      for (const item of r.items) {
        const p = e.platformIndex(item.id);
        n.set(main[p], (n.get(main[p]) ?? 0) + 1);
        const x = e.explain(r.id, item.id);
        expect(item.score).toBe(x.score);
        expect(item.why).toEqual(x.why);
      }
      for (const x of n.values()) expect(x).toBeLessThanOrEqual(shareCap(0.4, k));
      expect(new Set(r.items.map((i) => i.id)).size).toBe(r.items.length);
      // every shown platform is acceptable to the talent
      const acc = new Set(Array.from(c.plat.subarray(c.ptr[t], c.ptr[t + 1]), (p) => e.model.platforms.ids[p]));
      for (const item of r.items) expect(acc.has(item.id)).toBe(true);
      if (lines[t] !== plainLines[t]) changed++;
    }
    expect(changed).toBeGreaterThan(10);
    // the platform side is not a talent list: unchanged
    const T = e.model.talents.count;
    expect(lines.slice(T)).toEqual(plainLines.slice(T));
    // the API's live route (an inline profile) applies the same per-talent controls
    const live = new LiveScorer(e);
    for (const t of [0, 1, 2]) {
      const id = e.model.talents.ids[t];
      const profile = d.talents.find((x) => x.id === id)!;
      expect(live.recommend({ ...profile, id: 'inline' }, k).items).toEqual(records[t].items);
    }
  });

  it('exposure floor: the lists are those of exposureFloor on the candidate lists; the report carries loss and unmet floors', () => {
    const e = make({ exposureFloor: 40 });
    const base = plain.recommend({ k });
    const { rec, report } = applyListControls(e.model, e.data.policy, base);
    const c = candidateListsOf(e.model);
    const P = e.model.platforms;
    const f = exposureFloor(c, k, 40, Array.from({ length: P.count }, (_, p) => P.freeSlots[p] > 0));
    expect(f.loss).toBeGreaterThan(0); // the floor binds on this data: the check is not vacuous
    for (let t = 0; t < c.talents; t++) {
      expect(Array.from(rec.talent.ids.subarray(t * k, t * k + rec.talent.sizes[t]))).toEqual(Array.from(f.shown[t], (x) => c.plat[x]));
    }
    expect(report.exposureFloor?.loss).toBe(f.loss);
    expect(report.exposureFloor?.unmet).toEqual(f.unmet);
    // every met floor holds in the output
    const shown = new Int32Array(P.count);
    for (let t = 0; t < c.talents; t++) for (let j = 0; j < rec.talent.sizes[t]; j++) shown[rec.talent.ids[t * k + j]]++;
    for (let p = 0; p < P.count; p++) if (!f.unmet.some((u) => u.platform === p)) expect(shown[p]).toBeGreaterThanOrEqual(f.floor[p]);
    expect(rec.platform).toBe(base.platform);
  });

  it("the batch's chunk kernel writes the same talent lines as recommend", () => {
    const lists = { industryShare: 0.5, diversity: 0.5 };
    const e = make(lists);
    const expected = [...recommendationLines(e, e.recommend({ k }))].slice(0, e.model.talents.count);
    const r = scoreChunk(e.side, { runId: 1, chunkId: 0, startLine: 1, endLine: d.talents.length, startByte: 0, endByte: 0, key: '', skipLines: [], talents: d.talents, k, kPlatform: k, maxPrefs: 0, lists }, (t) => e.tokens(t));
    expect([...unpackRows(r.rows)].map((x) => x.line)).toEqual(expected);
    // and the per-row function is the engine's list
    const view = industryView(e.model.platforms, e.model.ctx.dims);
    expect(talentRowList(new Float64Array([0.5, -1, 0.5, 0.7]), { ...view, main: Int32Array.from([0, 0, 1, 0]), vectors: new Float32Array(4 * view.dims) }, { industryShare: 0.5 }, 2)).toEqual(Int32Array.from([3, 2]));
  });

  it('the batch refuses the global controls with E_UNSUPPORTED; the schema refuses mixing the floor with per-talent controls', () => {
    const code = (f: () => void) => {
      try {
        f();
      } catch (e) {
        return isTalentmatchError(e) ? e.code : 'other';
      }
      return 'none';
    };
    expect(code(() => assertBatchLists({ lists: { exposureFloor: 2 } }, 'stable'))).toBe('E_UNSUPPORTED');
    expect(code(() => assertBatchLists({ assignmentFloors: { x: 1 } }, 'optimal'))).toBe('E_UNSUPPORTED');
    expect(code(() => assertBatchLists({ assignmentFloors: { x: 1 } }, 'stable'))).toBe('none');
    expect(code(() => assertBatchLists({ lists: { industryShare: 0.5, diversity: 0.2 } }, 'optimal'))).toBe('none');
    const bad = (lists: unknown) => {
      try {
        validateDataset({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, lists } as never });
      } catch (e) {
        return isTalentmatchError(e) ? e.issues.map((i) => `${i.path}: ${i.expected}`) : ['other'];
      }
      return [];
    };
    expect(bad({ exposureFloor: 3, industryShare: 0.5 })[0]).toMatch(/^lists\.exposureFloor: exposureFloor alone/);
    expect(bad({ industryShare: 0 })).toEqual(['lists.industryShare: number in (0, 1]']);
    expect(bad({ industryShare: 1 })).toEqual([]);
    expect(bad({ diversity: 1.01 })).toEqual(['lists.diversity: number in [0, 1]']);
    expect(bad({ exposureFloor: 0 })).toEqual(['lists.exposureFloor: integer >= 1']);
  });
});
