/**
 * features/liveTalent.ts LiveTalentBuilder (the live scorer's inline talents, through the
 * one-pass analyzer into kept buffers): each profile's one row equals the string-token path's
 * (buildTalentFeatures([t]) with a token function naming no tokenizer, what the live route
 * ran before) array for array and bit for bit, in any order; a row built earlier is never
 * changed by the next (no aliasing of the kept buffers); and the live scorer's answers equal
 * those of a scorer on the string path, byte for byte, a profile seen twice included.
 */
import { describe, expect, it } from 'vitest';
import { generateDistrict } from '../../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { buildTalentFeatures } from '../../src/features/talents.js';
import { LiveTalentBuilder } from '../../src/features/liveTalent.js';
import type { TalentFeatures } from '../../src/features/build.js';
import type { Talent } from '../../src/domain/schemas.js';
import { Tokenizer } from '../../src/text/tokenize.js';
import type { TokenFn } from '../../src/text/cache.js';
import { LiveScorer } from '../../src/engine/live.js';

const d = generateDistrict({ seed: 8, talents: 200, platforms: 30, words: [10, 80], curated: false, outcomes: false });
d.talents[3] = { ...d.talents[3], excludePlatforms: [d.platforms[5].id, d.platforms[0].id] };
d.platforms[2] = { ...d.platforms[2], excludeTalents: [d.talents[7].id, d.talents[3].id] };
// Han, latin, full-width, NFKC-changing, astral Han, punctuation only; #6: no token anywhere (an empty profile text)
const odd = ['人工智能 与 智能制造 的 结合', 'Supply chain finance for SMEs', 'ＦＩＮＴＥＣＨ Ｓｕｐｐｌｙ ＣＨＡＩＮ ３Ｄ', '\ufb01nance ① \u212aelvin İstanbul ΟΔΟΣ', '计算机视觉\u{20000}算法', '。，', '——', 'e\u0301 cafe\u0301 ｶﾞ ㄱㅏ'];
d.talents = d.talents.map((t, i) => (i < odd.length ? { ...t, name: i === 6 ? '·' : t.name, skills: i === 6 ? undefined : t.skills, description: odd[i], profile: i === 6 ? '' : i % 2 === 0 ? odd[(i + 3) % odd.length] : undefined } : t)) as typeof d.talents;
const engine = createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: { ...JIANGDONG_POLICY, minScoreForReferral: 0.2 } });
const S = engine.side;
const talents: readonly Talent[] = engine.data.talents;
const tokenizer = new Tokenizer();
/** the path the live route took before: string tokens, no tokenizer named */
const stringRow = (t: Talent) => buildTalentFeatures([t], S.text, S.industry, S.concepts, (x) => tokenizer.tokenize(x), S.weights, S.platformIndex, S.excludedBy);

const bytes = (a: ArrayBufferView) => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

function sameBits(a: TalentFeatures, b: TalentFeatures, at: string): void {
  expect(a.count, at).toBe(1);
  expect(a.ids, at).toEqual(b.ids);
  for (const key of ['desc', 'profile', 'concept'] as const) {
    expect([a[key].rows, a[key].cols], `${at} ${key}`).toEqual([b[key].rows, b[key].cols]);
    for (const f of ['indptr', 'indices', 'values'] as const) expect(bytes(a[key][f]), `${at} ${key}.${f}`).toEqual(bytes(b[key][f]));
  }
  for (const key of ['industry', 'needMask', 'seats', 'capital', 'stage', 'level', 'exclIndptr', 'exclIdx', 'zh'] as const) expect(bytes(a[key]), `${at} ${key}`).toEqual(bytes(b[key]));
}

describe('LiveTalentBuilder', () => {
  it('covers what is compared: exclusions from both sides, Chinese, an empty text, declared industries', () => {
    // the engine's token function names its tokenizer: the builder takes the analyzer's path
    expect((engine.tokens as TokenFn).tokenizer).toBeInstanceOf(Tokenizer);
    const rows = talents.map(stringRow);
    expect(rows[talents.findIndex((t) => t.id === d.talents[3].id)].exclIdx.length).toBeGreaterThanOrEqual(2);
    expect(rows[talents.findIndex((t) => t.id === d.talents[7].id)].exclIdx.length).toBe(1);
    expect(rows.some((r) => r.zh[0] > 0 && r.zh[0] < 1)).toBe(true);
    expect(rows.some((r) => r.desc.indices.length === 0 && r.concept.indices.length === 0)).toBe(true);
    expect(talents.some((t) => (t.industries?.length ?? 0) > 0)).toBe(true);
  });

  it("every profile's row equals the string path's, bit for bit, forward then backward, and earlier rows stay unchanged", () => {
    const b = new LiveTalentBuilder(S, engine.tokens);
    const order = [...talents.keys()].concat([...talents.keys()].reverse());
    const built = order.map((i) => b.build(talents[i]));
    // checked after all were built: a later build never writes into an earlier row
    order.forEach((i, j) => sameBits(built[j], stringRow(talents[i]), `${talents[i].id} (#${j})`));
    // the two builds of one profile share no memory
    expect(built[0].desc.indices.buffer).not.toBe(built[built.length - 1].desc.indices.buffer);
  });

  it('without a tokenizer named, the string path itself', () => {
    const b = new LiveTalentBuilder(S, (x) => engine.tokens(x));
    for (const t of talents.slice(0, 20)) sameBits(b.build(t), stringRow(t), t.id);
    for (const t of talents.slice(0, 20)) {
      const r = b.transient(t);
      sameBits(r, stringRow(t), `${t.id} transient`);
      expect(b.keep(r)).toBe(r); // already a row of its own
    }
  });

  it("a transient row equals the string path's bit for bit while it is the last; keep() copies it out, unchanged by the rows after it", () => {
    const b = new LiveTalentBuilder(S, engine.tokens);
    const order = [...talents.keys()].concat([...talents.keys()].reverse());
    const kept: TalentFeatures[] = [];
    for (const [j, i] of order.entries()) {
      const r = b.transient(talents[i]);
      sameBits(r, stringRow(talents[i]), `${talents[i].id} (#${j}) transient`);
      // views of the builder's buffers: no copy made
      expect(r.desc.indices.buffer).toBe(b.transient(talents[i]).desc.indices.buffer);
      const again = b.transient(talents[i]);
      kept.push(b.keep(again));
      expect(kept[j]).not.toBe(again);
      expect(kept[j].desc.indices.buffer).not.toBe(again.desc.indices.buffer);
      // build() after a transient row: a row of its own, which keep() leaves as it is
      if (j % 50 === 0) expect(b.keep(b.build(talents[i]))).not.toBe(again);
    }
    order.forEach((i, j) => sameBits(kept[j], stringRow(talents[i]), `${talents[i].id} (#${j}) kept`));
  });
});

describe('LiveScorer through LiveTalentBuilder', () => {
  // the same engine with a token function naming no tokenizer: the string path the route took before
  const before: Engine = { ...engine, tokens: (x: string) => engine.tokens(x) };
  for (const k of [1, 10]) {
    it(`k = ${k}: answers equal the string path's byte for byte, new profiles and profiles seen twice`, () => {
      const now = new LiveScorer(engine);
      const old = new LiveScorer(before);
      let nonEmpty = 0;
      // round 0 vectorizes each profile, round 1 vectorizes it again and caches it, round 2 reads the cache
      for (const round of [0, 1, 2]) {
        for (const [i, t] of talents.entries()) {
          // a stored talent's id keeps the platforms' exclusions of it; a new id has none
          const profile = i % 2 === 0 ? t : { ...t, id: `inline-${t.id}` };
          const a = now.recommendJson(profile, k);
          expect(a, `${t.id} round ${round}`).toBe(old.recommendJson(profile, k));
          expect(Buffer.from(now.recommendBytes(profile, k)).toString('utf8')).toBe(a);
          if ((JSON.parse(a) as { items: unknown[] }).items.length > 0) nonEmpty++;
        }
      }
      expect(nonEmpty).toBeGreaterThan(2 * talents.length);
    });
  }
});
