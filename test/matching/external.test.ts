import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pairSetFromRankLists } from '../../src/matching/external.js';
import type { RankLists } from '../../src/matching/external.js';
import { platformProposing, talentProposing } from '../../src/matching/stable.js';
import { countBlockingPairs } from '../../src/matching/blocking.js';

/** Random rank lists: talents T0.., platforms P0.., each listing a random subset in random order. */
const listsArb = fc
  .record({ N: fc.integer({ min: 1, max: 7 }), M: fc.integer({ min: 1, max: 4 }) })
  .chain(({ N, M }) =>
    fc.record({
      talents: fc.tuple(...Array.from({ length: N }, (_, i) => fc.shuffledSubarray(Array.from({ length: M }, (_, p) => `P${p}`)).map((prefs) => ({ id: `T${i}`, prefs })))),
      platforms: fc.tuple(
        ...Array.from({ length: M }, (_, p) =>
          fc.record({ slots: fc.integer({ min: 0, max: 3 }), prefs: fc.shuffledSubarray(Array.from({ length: N }, (_, t) => `T${t}`)) }).map((x) => ({ id: `P${p}`, ...x })),
        ),
      ),
    }),
  )
  .map((r): RankLists => ({ talents: r.talents, platforms: r.platforms }));

/** Textbook resident-proposing deferred acceptance (Gale-Shapley, hospitals with quotas), on ids. */
function textbookTalentOptimal(r: RankLists): Map<string, string> {
  const rank = new Map(r.platforms.map((p) => [p.id, new Map(p.prefs.map((t, k) => [t, k]))]));
  const cap = new Map(r.platforms.map((p) => [p.id, p.slots]));
  const held = new Map<string, string[]>(r.platforms.map((p) => [p.id, []]));
  const next = new Map<string, number>();
  const free = r.talents.map((t) => t.id);
  const prefs = new Map(r.talents.map((t) => [t.id, t.prefs]));
  while (free.length) {
    const t = free.shift()!;
    const k = next.get(t) ?? 0;
    const list = prefs.get(t)!;
    if (k >= list.length) continue;
    next.set(t, k + 1);
    const p = list[k];
    const rk = rank.get(p)!;
    if (!rk.has(t)) {
      free.push(t);
      continue;
    }
    const h = held.get(p)!;
    h.push(t);
    h.sort((a, b) => rk.get(a)! - rk.get(b)!);
    if (h.length > cap.get(p)!) free.push(h.pop()!);
  }
  const out = new Map<string, string>();
  for (const [p, h] of held) for (const t of h) out.set(t, p);
  return out;
}

/** Textbook hospital-proposing deferred acceptance. */
function textbookPlatformOptimal(r: RankLists): Map<string, string> {
  const trank = new Map(r.talents.map((t) => [t.id, new Map(t.prefs.map((p, k) => [p, k]))]));
  const holds = new Map<string, string>();
  const count = new Map(r.platforms.map((p) => [p.id, 0]));
  const next = new Map(r.platforms.map((p) => [p.id, 0]));
  for (;;) {
    let moved = false;
    for (const p of r.platforms) {
      while (count.get(p.id)! < p.slots && next.get(p.id)! < p.prefs.length) {
        const t = p.prefs[next.get(p.id)!];
        next.set(p.id, next.get(p.id)! + 1);
        const tr = trank.get(t)!;
        if (!tr.has(p.id)) continue;
        const cur = holds.get(t);
        if (cur !== undefined && tr.get(cur)! < tr.get(p.id)!) continue;
        if (cur !== undefined) count.set(cur, count.get(cur)! - 1);
        holds.set(t, p.id);
        count.set(p.id, count.get(p.id)! + 1);
        moved = true;
      }
    }
    if (!moved) break;
  }
  return holds;
}

const asMap = (talentIds: string[], platformIds: string[], ps: ReturnType<typeof pairSetFromRankLists>['ps'], pairOf: Int32Array) => {
  const m = new Map<string, string>();
  talentIds.forEach((id, t) => pairOf[t] >= 0 && m.set(id, platformIds[ps.plat[pairOf[t]]]));
  return m;
};

describe('rank lists (--preferences)', () => {
  it('talent-proposing gives the textbook talent-optimal stable matching; platform-proposing the platform-optimal one', () => {
    fc.assert(
      fc.property(listsArb, (r) => {
        const { ps, talentIds, platformIds } = pairSetFromRankLists(r);
        const tp = talentProposing(ps);
        const pp = platformProposing(ps);
        expect(asMap(talentIds, platformIds, ps, tp.pairOf)).toEqual(textbookTalentOptimal(r));
        expect(asMap(talentIds, platformIds, ps, pp.pairOf)).toEqual(textbookPlatformOptimal(r));
        expect(countBlockingPairs(ps, tp)).toBe(0);
        expect(countBlockingPairs(ps, pp)).toBe(0);
      }),
      { numRuns: 400 },
    );
  });

  it('a pair is acceptable only when each side lists the other; lists keep their order', () => {
    const { ps, talentIds, platformIds } = pairSetFromRankLists({
      talents: [{ id: 'B', prefs: ['Y', 'X'] }, { id: 'A', prefs: ['X', 'Z'], seats: 2 }],
      platforms: [{ id: 'Z', slots: 1, prefs: ['B'] }, { id: 'Y', slots: 1, prefs: ['B'] }, { id: 'X', slots: 2, seats: 3, prefs: ['A', 'B'] }],
    });
    expect(talentIds).toEqual(['A', 'B']);
    expect(platformIds).toEqual(['X', 'Y', 'Z']);
    const list = (t: number) => Array.from(ps.plat.subarray(ps.tPtr[t], ps.tPtr[t + 1]), (p) => platformIds[p]);
    expect(list(0)).toEqual(['X']); // Z does not list A
    expect(list(1)).toEqual(['Y', 'X']);
    expect(Array.from(ps.seats)).toEqual([2, 1]);
    // seats given; else slots x largest need (never binding)
    expect(Array.from(ps.freeSeats)).toEqual([3, 2, 2]);
  });
});
