import { describe, expect, it } from 'vitest';
import { generateDistrict } from '../../src/synth/generate.js';
import { fixtureFiles } from '../../src/synth/files.js';

const HAN = /\p{Script=Han}/u;

describe('language worlds with planted truth', () => {
  const d = generateDistrict({ seed: 11, platforms: 120, talents: 1500, planted: true, languages: { talentZh: 0.2, platformZh: 0.8 } });
  const t = d.truth!;

  it('draws each side\'s language with the asked share, independently of industry', () => {
    const zhT = t.talents.filter((x) => x.language === 'zh').length / t.talents.length;
    const zhP = t.platforms.filter((x) => x.language === 'zh').length / t.platforms.length;
    expect(zhT).toBeGreaterThan(0.15);
    expect(zhT).toBeLessThan(0.25);
    expect(zhP).toBeGreaterThan(0.7);
    expect(zhP).toBeLessThan(0.9);
    // the label is the text's language: Chinese descriptions are Chinese, English ones have no Han
    const byId = new Map(d.talents.map((x) => [x.id, x]));
    for (const x of t.talents) expect(HAN.test(byId.get(x.id)!.description), x.id).toBe(x.language === 'zh');
    const pById = new Map(d.platforms.map((x) => [x.id, x]));
    for (const x of t.platforms) expect(HAN.test(pById.get(x.id)!.description), x.id).toBe(x.language === 'zh');
    // both languages occur in every industry (language is not a proxy for industry)
    for (const ind of new Set(t.talents.map((x) => x.industry))) {
      const langs = new Set(t.talents.filter((x) => x.industry === ind).map((x) => x.language));
      expect(langs.size, ind).toBe(2);
    }
  });

  it('a talent\'s fits are exactly the platforms of its main industry that offer its mode and have room', () => {
    const mainOf = new Map(t.platforms.map((x) => [x.id, x.industry]));
    const need = (x: (typeof d.talents)[number]) =>
      (x.needs?.capitalYuan ?? 0) > 0 ? 'capital' : x.needs?.training ? 'training' : x.needs?.crossIndustry ? 'boundary-crossing' : 'none';
    const tById = new Map(d.talents.map((x) => [x.id, x]));
    let fits = 0;
    for (const x of t.talents) {
      const tal = tById.get(x.id)!;
      expect(need(tal)).toBe(x.mode);
      expect(tal.industries ?? [x.industry]).toEqual([x.industry]);
      expect(tal.needs?.housing).toBeUndefined();
      const oracle = d.platforms
        .filter((p) => mainOf.get(p.id) === x.industry && p.industries[x.industry] === 1 && p.modes.includes(x.mode as never) && p.capacity.slotsUsed < p.capacity.slots && p.capacity.seats - p.capacity.seatsUsed >= tal.needs!.seats!)
        .map((p) => p.id);
      expect(x.fits).toEqual(oracle);
      fits += x.fits.length;
    }
    expect(fits / t.talents.length).toBeGreaterThan(3);
  });

  it('writes truth.jsonl only for planted worlds; the defaults keep the shipped district', () => {
    const files = fixtureFiles({ seed: 11, platforms: 30, talents: 100, planted: true, outcomes: false });
    const lines = files['truth.jsonl'].trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.side === 'platform')).toHaveLength(30);
    expect(lines.filter((l) => l.side === 'talent')).toHaveLength(100);
    expect(fixtureFiles({ seed: 11, platforms: 30, talents: 100 })['truth.jsonl']).toBeUndefined();
    expect(() => generateDistrict({ seed: 1, platforms: 5, talents: 5, languages: { talentZh: 1.5 } })).toThrow(expect.objectContaining({ code: 'E_OPTION', message: expect.stringMatching(/talentZh must be a number in \[0, 1\], got 1.5/) }));
  });
});
