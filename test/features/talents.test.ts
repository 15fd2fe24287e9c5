/**
 * features/talents.ts buildTalentFeatures: the rows written into growing CSR buffers with
 * reused scratch (through the analyzer, `TokenSource.tokenizer`) equal the string path
 * (a token function without a tokenizer: vectorize, conceptIds + conceptVector,
 * chineseShare, one object per row), array for array and bit for bit; in shared memory the
 * same values; known vectors are taken as given.
 */
import { describe, expect, it } from 'vitest';
import { generateDistrict } from '../../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';
import { createEngine } from '../../src/engine/engine.js';
import { TalentFeatureBuilder, buildTalentFeatures } from '../../src/features/talents.js';
import type { TalentFeatures } from '../../src/features/build.js';
import { sharedBuffer } from '../../src/workers/pack.js';
import type { Talent } from '../../src/domain/schemas.js';
import { Tokenizer } from '../../src/text/tokenize.js';
import { TokenCache } from '../../src/text/cache.js';
import type { SparseVector } from '../../src/vector/sparse.js';

const d = generateDistrict({ seed: 5, talents: 300, platforms: 30, words: [10, 80], curated: false, outcomes: false });
d.talents[3] = { ...d.talents[3], excludePlatforms: [d.platforms[5].id, d.platforms[0].id] };
d.platforms[2] = { ...d.platforms[2], excludeTalents: [d.talents[7].id, d.talents[3].id] };
// texts around the scanner's branches: upper case, full-width, NFKC-changing, sigma, İ, astral Han, no token at all
const odd = ['ＦＩＮＴＥＣＨ Supply CHAIN', '\ufb01nance ① \u212aelvin İstanbul ΟΔΟΣ', '计算机视觉\u{20000}算法', '。，', 'e\u0301 cafe\u0301 ｶﾞ ㄱㅏ'];
d.talents = d.talents.map((t, i) => (i < odd.length ? { ...t, description: odd[i], profile: i % 2 === 0 ? odd[(i + 1) % odd.length] : undefined } : t)) as typeof d.talents;
// the description's parts (name, description, skills: added to the analyzer one by one, build.ts addTalentDescription) meeting at
// their boundaries: Han on both sides, a final sigma, a combining mark or a full-width letter starting a part, Greek across parts
const parts: [string, string, string[]][] = [
  ['计算', '机视觉 and ΟΔΟΣ', ['\u0301start', 'ＡＢ科技', 'ς']],
  ['ΑΣ', '\u0301e 计', ['算机', 'Σx', 'e\u0301']],
  ['cafe', '\u0301 ok', ['ｶ', 'ﾞ']],
];
d.talents = d.talents.map((t, i) => (i >= 10 && i < 10 + parts.length ? { ...t, name: parts[i - 10][0], description: parts[i - 10][1], skills: parts[i - 10][2] } : t)) as typeof d.talents;
const engine = createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: JIANGDONG_POLICY });
const talents: readonly Talent[] = engine.data.talents;
const S = engine.side;

const build = (tokens: Parameters<typeof buildTalentFeatures>[4], known?: Parameters<typeof buildTalentFeatures>[8], buffer?: Parameters<typeof buildTalentFeatures>[9]) =>
  buildTalentFeatures(talents, S.text, S.industry, S.concepts, tokens, S.weights, S.platformIndex, S.excludedBy, known, buffer);

const bytes = (a: ArrayBufferView) => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

function sameBits(a: TalentFeatures, b: TalentFeatures): void {
  expect(a.count).toBe(b.count);
  expect(a.ids).toEqual(b.ids);
  for (const key of ['desc', 'profile', 'concept'] as const) {
    expect([a[key].rows, a[key].cols], key).toEqual([b[key].rows, b[key].cols]);
    for (const f of ['indptr', 'indices', 'values'] as const) expect(bytes(a[key][f]), `${key}.${f}`).toEqual(bytes(b[key][f]));
  }
  for (const key of ['industry', 'needMask', 'seats', 'capital', 'stage', 'level', 'exclIndptr', 'exclIdx', 'zh'] as const) expect(bytes(a[key]), key).toEqual(bytes(b[key]));
}

describe('buildTalentFeatures', () => {
  const stringPath = build((t) => new Tokenizer().tokenize(t));

  it('the district covers what is compared: exclusions from both sides, declared industries, profiles, Chinese, empty texts', () => {
    expect(stringPath.exclIdx.length).toBeGreaterThanOrEqual(3);
    expect(talents.some((t) => (t.industries?.length ?? 0) > 0)).toBe(true);
    expect(stringPath.profile.indices.length).toBeGreaterThan(0);
    expect(Array.from(stringPath.zh).some((z) => z > 0)).toBe(true);
    expect(talents.some((t) => t.description === '。，')).toBe(true);
    expect(talents.some((t) => t.profile === undefined)).toBe(true);
  });

  it('through the analyzer (buffers, scratch, a warm analyzer) equals the string path, bit for bit', () => {
    const cache = new TokenCache(new Tokenizer(), 100);
    sameBits(build(cache.source()), stringPath);
    sameBits(build(cache.source()), stringPath); // the analyzer kept from the first call
    sameBits(engine.model.talents, stringPath);
  });

  it('into shared memory: the same bits, every array in a SharedArrayBuffer', () => {
    const T = build(new TokenCache(new Tokenizer(), 100).source(), undefined, sharedBuffer);
    sameBits(T, stringPath);
    for (const a of [T.desc.indices, T.desc.values, T.profile.indptr, T.concept.values, T.industry, T.needMask, T.seats, T.capital, T.stage, T.level, T.exclIndptr, T.exclIdx, T.zh]) expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('known vectors are used as given (and the industry blend reads them), others computed', () => {
    const marker: SparseVector = { indices: Int32Array.of(0, 3), values: Float32Array.of(0.6, 0.8) };
    const first = talents[0];
    const descOf = (t: Talent) => [t.name, t.description, ...(t.skills ?? [])].join('\n');
    const T = build(new TokenCache(new Tokenizer(), 100).source(), (text) => (text === descOf(first) ? marker : undefined));
    expect(Array.from(T.desc.indices.subarray(0, T.desc.indptr[1]))).toEqual([0, 3]);
    expect(Array.from(T.desc.values.subarray(0, T.desc.indptr[1]))).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    const withMarker = build((t) => new Tokenizer().tokenize(t), (text) => (text === descOf(first) ? marker : undefined));
    sameBits(T, withMarker);
    // the rest as without known vectors
    expect(bytes(T.desc.values.subarray(T.desc.indptr[1]))).toEqual(bytes(stringPath.desc.values.subarray(stringPath.desc.indptr[1])));
  });

  it('the industry blend and the exclusions equal one fresh computation per talent (the code before the buffers, as the oracle)', () => {
    const T = build(new TokenCache(new Tokenizer(), 100).source());
    const D = S.industry.dims;
    const w = S.weights;
    talents.forEach((t, i) => {
      // the industry vector as written before: fresh arrays per talent
      const doc = { indices: T.desc.indices.subarray(T.desc.indptr[i], T.desc.indptr[i + 1]), values: T.desc.values.subarray(T.desc.indptr[i], T.desc.indptr[i + 1]) };
      let declared: Float64Array | null = null;
      if (t.industries && t.industries.length > 0) {
        declared = new Float64Array(D);
        for (const idv of t.industries) if (S.industry.ids.indexOf(idv) >= 0) declared[S.industry.ids.indexOf(idv)] = 1;
      }
      const inferred = new Float64Array(D);
      for (let k = 0; k < doc.indices.length; k++) for (let x = 0; x < D; x++) inferred[x] += doc.values[k] * S.industry.termWeights[doc.indices[k] * D + x];
      let ni = 0;
      for (let x = 0; x < D; x++) {
        inferred[x] = Math.pow(Math.max(0, inferred[x]), w.industrySharpness);
        ni += inferred[x] * inferred[x];
      }
      ni = Math.sqrt(ni);
      let nd = 0;
      if (declared) for (let x = 0; x < D; x++) nd += declared[x] * declared[x];
      nd = Math.sqrt(nd);
      const s = nd > 0 ? w.industryInferredShare : 1;
      const v = new Float64Array(D);
      let nv = 0;
      for (let x = 0; x < D; x++) {
        v[x] = (1 - s) * (nd > 0 ? declared![x] / nd : 0) + s * (ni > 0 ? inferred[x] / ni : 0);
        nv += v[x] * v[x];
      }
      nv = Math.sqrt(nv);
      const want = Float32Array.from(v, (y) => (nv > 0 ? y / nv : 0));
      expect(bytes(T.industry.subarray(i * D, (i + 1) * D)), t.id).toEqual(bytes(want));
      // the excluded platforms: both sides' exclusions, each once, ascending
      const set = new Set<number>();
      for (const pid of t.excludePlatforms ?? []) if (S.platformIndex.has(pid)) set.add(S.platformIndex.get(pid)!);
      for (const p of S.excludedBy.get(t.id) ?? []) set.add(p);
      expect(Array.from(T.exclIdx.subarray(T.exclIndptr[i], T.exclIndptr[i + 1])), t.id).toEqual([...set].sort((a, b) => a - b));
    });
    // talent 3 excludes platforms 5 and 0 and is excluded by platform 2: [0, 2, 5]
    const i3 = talents.findIndex((t) => t.id === d.talents[3].id);
    expect(Array.from(T.exclIdx.subarray(T.exclIndptr[i3], T.exclIndptr[i3 + 1]))).toEqual([0, 2, 5].map((k) => S.platformIndex.get(d.platforms[k].id)!).sort((a, b) => a - b));
  });

  it('no talents: empty arrays of the right shapes', () => {
    const T = buildTalentFeatures([], S.text, S.industry, S.concepts, new TokenCache(new Tokenizer(), 10).source(), S.weights, S.platformIndex, S.excludedBy);
    expect([T.count, T.desc.rows, T.desc.indptr.length, T.exclIndptr.length, T.industry.length]).toEqual([0, 0, 1, 1, 0]);
  });
});

describe('TalentFeatureBuilder (arrays kept from list to list, a batch scorer\'s chunks)', () => {
  const stringRows = (list: readonly Talent[]) => buildTalentFeatures(list, S.text, S.industry, S.concepts, (t) => new Tokenizer().tokenize(t), S.weights, S.platformIndex, S.excludedBy);

  it('equals buildTalentFeatures over the string path, bit for bit, the parts of a description at their boundaries included', () => {
    expect(talents.filter((t) => parts.some((p) => p[0] === t.name))).toHaveLength(parts.length);
    sameBits(new TalentFeatureBuilder().build(talents, S, new TokenCache(new Tokenizer(), 100).source()), stringRows(talents));
  });

  it('a smaller list after a larger one carries none of its data; a larger one after grows the arrays', () => {
    const b = new TalentFeatureBuilder();
    const cache = new TokenCache(new Tokenizer(), 100);
    const large = talents.slice(0, 200);
    const small = talents.slice(250, 260); // other talents: anything left of the larger list would differ
    const withExcl = talents.slice(0, 10); // talent 3's exclusions among them
    sameBits(b.build(large, S, cache.source()), stringRows(large));
    const T = b.build(small, S, cache.source());
    sameBits(T, stringRows(small));
    expect([T.ids.length, T.desc.indptr.length, T.industry.length, T.zh.length, T.exclIndptr.length]).toEqual([10, 11, 10 * S.industry.dims, 10, 11]);
    sameBits(b.build(withExcl, S, cache.source()), stringRows(withExcl));
    sameBits(b.build(small.slice(0, 3), S, cache.source()), stringRows(small.slice(0, 3)));
    sameBits(b.build(talents, S, cache.source()), stringRows(talents));
    const empty = b.build([], S, cache.source());
    expect([empty.count, empty.ids.length, empty.desc.rows, empty.desc.indptr.length, empty.exclIndptr.length, empty.exclIdx.length, empty.industry.length]).toEqual([0, 0, 0, 1, 1, 0, 0]);
  });
});
