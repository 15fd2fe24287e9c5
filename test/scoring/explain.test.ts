/**
 * explainScattered (a talent's rows scattered by column, one pass over each platform's rows)
 * gives explainInto's numbers bit for bit, whatever the order of talents and models it is
 * called with on one buffer, and leaves no state behind after releaseScattered.
 */
import { describe, expect, it } from 'vitest';
import { generateDistrict } from '../../src/synth/generate.js';
import { createEngine } from '../../src/engine/engine.js';
import { EXPLAIN_SIZE, EXPLAIN_TERMS, createExplainBuffer, denseDots, explainInto, explainScattered, releaseScattered } from '../../src/scoring/explain.js';
import { denseDot } from '../../src/vector/sparse.js';
import type { CsrMatrix } from '../../src/vector/sparse.js';
import type { ExplainBuffer } from '../../src/scoring/explain.js';
import type { ScoringModel } from '../../src/scoring/kernel.js';
import { T_CONCEPT, T_TEXT } from '../../src/scoring/context.js';
import { rng } from '../../src/util/rng.js';
import { JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';

const engineOf = (seed: number) => {
  const d = generateDistrict({ seed, talents: 80, platforms: 25, words: [15, 40], curated: false, outcomes: false });
  return createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: JIANGDONG_POLICY });
};
const a = engineOf(21).model;
const b = engineOf(22).model;

function expectSame(m: ScoringModel, ti: number, pi: number, buf: ExplainBuffer, ref: ExplainBuffer): void {
  const got = explainScattered(m, ti, pi, buf).slice();
  const want = explainInto(m, ti, pi, ref);
  for (let k = 0; k < EXPLAIN_SIZE; k++) if (!Object.is(got[k], want[k])) expect([ti, pi, k, got[k]]).toEqual([ti, pi, k, want[k]]);
}

describe('explainScattered', () => {
  it('equals explainInto for every pair, talent by talent (as a talent line lists them)', () => {
    const buf = createExplainBuffer();
    const ref = createExplainBuffer();
    let text = 0;
    let concept = 0;
    for (let ti = 0; ti < a.talents.count; ti++) {
      for (let pi = 0; pi < a.platforms.count; pi++) {
        expectSame(a, ti, pi, buf, ref);
        if (ref.out[EXPLAIN_TERMS + T_TEXT] > 0) text++;
        if (ref.out[EXPLAIN_TERMS + T_CONCEPT] > 0) concept++;
      }
      releaseScattered(buf);
    }
    // the cosines are exercised, not zero everywhere
    expect(text).toBeGreaterThan(a.talents.count * a.platforms.count * 0.5);
    expect(concept).toBeGreaterThan(100);
  });

  it('equals explainInto in any order of talents and across two models on one buffer, and releases to all zeros', () => {
    const buf = createExplainBuffer();
    const ref = createExplainBuffer();
    const r = rng(5);
    for (let i = 0; i < 3000; i++) {
      const m = r() < 0.5 ? a : b;
      expectSame(m, Math.floor(r() * m.talents.count), Math.floor(r() * m.platforms.count), buf, ref);
      if (r() < 0.1) releaseScattered(buf);
    }
    releaseScattered(buf);
    const { desc, profile, concept } = buf.rows;
    expect(desc.length).toBeGreaterThan(0);
    expect([...desc, ...profile, ...concept].every((v) => v === 0)).toBe(true);
    expect(buf.rows.of).toBeUndefined();
  });
});

describe('denseDots', () => {
  it('gives the two denseDot sums over one row, bit for bit (signs, zeros, empty rows, a row of one entry)', () => {
    const r = rng(12);
    const cols = 50;
    // rows of 0 .. 40 entries over ascending columns, values of both signs (Float32 as the matrices hold)
    const indptr = [0];
    const indices: number[] = [];
    const values: number[] = [];
    for (let row = 0; row < 300; row++) {
      const n = row % 41;
      const picked = [...new Set(Array.from({ length: n }, () => Math.floor(r() * cols)))].sort((x, y) => x - y);
      for (const c of picked) {
        indices.push(c);
        values.push((r() - 0.5) * 10 ** Math.floor(r() * 6 - 3));
      }
      indptr.push(indices.length);
    }
    const M: CsrMatrix = { rows: 300, cols, indptr: Int32Array.from(indptr), indices: Int32Array.from(indices), values: Float32Array.from(values) };
    const dense = (zeros: number) => Float64Array.from({ length: cols }, () => (r() < zeros ? (r() < 0.5 ? 0 : -0) : (r() - 0.5) * 3));
    const out = new Float64Array(2);
    for (let t = 0; t < 40; t++) {
      const a = dense(t % 4 === 0 ? 1 : 0.5);
      const b = dense(t % 4 === 1 ? 1 : 0.7);
      for (let row = 0; row < 300; row++) {
        denseDots(a, b, M, row, out);
        expect(Object.is(out[0], denseDot(a, M, row)) && Object.is(out[1], denseDot(b, M, row))).toBe(true);
      }
    }
  });
});
