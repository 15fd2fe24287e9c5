import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { assignmentJsonParts, assignmentRecord, recordContext, referralRecords } from '../../src/engine/formatAssignment.js';
import { supportYuan } from '../../src/referrals/referrals.js';
import { defaultSupportRule } from '../../src/config/referrals.js';
import { loadDataset } from '../../src/adapters/files/dataset.js';
import { dataset, platform, talent } from '../helpers.js';

const fin = { description: 'Venture capital for fintech payment startups.', industries: { 'financial-services': 1 }, modes: ['capital' as const] };

describe('assignment and referrals on a known instance', () => {
  // one slot at p-a; two fintech teams want it; t-far is excluded everywhere; t-big needs more seats than any platform has
  const data = dataset(
    [
      platform('p-a', { ...fin, capacity: { slots: 2, slotsUsed: 1, seats: 40, seatsUsed: 0, capitalYuan: 9_000_000 } }),
      platform('p-b', { description: 'Port logistics and freight forwarding.', industries: { 'shipping-logistics': 1 }, capacity: { slots: 3, slotsUsed: 0, seats: 12, seatsUsed: 0 } }),
    ],
    [
      talent('t-1', { description: 'Fintech payment startup seeking venture capital.', industries: ['financial-services'], talentLevel: 'national', needs: { seats: 3, capitalYuan: 2_000_000 } }),
      talent('t-2', { description: 'Fintech payment startup seeking venture capital.', industries: ['financial-services'], needs: { seats: 3, capitalYuan: 2_000_000 } }),
      talent('t-big', { description: 'Freight forwarding and port logistics team.', industries: ['shipping-logistics'], needs: { seats: 50 } }),
      talent('t-far', { description: 'Freight forwarding and port logistics.', excludePlatforms: ['p-a', 'p-b'] }),
    ],
  );
  data.policy = { ...data.policy, minScoreForReferral: 0.3 }; // t-2 at the logistics park scores ~0.1: unacceptable
  const engine = createEngine(data);

  for (const mode of ['stable', 'optimal'] as const) {
    it(`${mode}: gives every unassigned talent an actionable reason`, () => {
      const a = engine.match({ mode });
      const rec = assignmentRecord(recordContext(engine), a);
      const un = new Map(rec.unassigned.map((u) => [u.talentId, u]));
      expect(un.get('t-far')).toMatchObject({ code: 'no-acceptable-platform' });
      expect(un.get('t-far')!.reason).toContain('2 excluded');
      expect(un.get('t-big')).toMatchObject({ code: 'no-acceptable-platform' });
      expect(un.get('t-big')!.reason).toMatch(/2 have fewer free seats than the 50 needed/);
      // t-1 (national level) beats t-2 for p-a's one slot; t-2 is told who turned it down and by how much
      const t2 = un.get('t-2')!;
      expect(rec.assignments.map((x) => x.talentId)).toContain('t-1');
      expect(t2.code).toBe('outranked');
      expect(t2.platformId).toBe('p-a');
      expect(t2.margin!).toBeGreaterThan(0);
      expect(rec.platforms.find((p) => p.id === 'p-a')).toMatchObject({ slotsUsed: 2, seatsUsed: 3, assigned: 1 });
      expect(rec.blockingPairs).toBe(0);
    });
  }

  it('refers assigned projects to the government with capped support; introduces them to the platform and keeps the runner-up in reserve', () => {
    const a = engine.match();
    const lines = [...referralRecords(recordContext(engine), engine.refer(a))] as any[];
    const toGov = lines.filter((l) => l.direction === 'platform-to-government');
    expect(toGov.find((l) => l.platformId === 'p-a').items.map((i: any) => [i.talentId, i.hosted])).toEqual([['t-1', false]]);
    for (const l of toGov) for (const i of l.items) expect(i.supportYuan).toBeLessThanOrEqual(data.policy.maxSupportYuan);
    const toPlat = lines.filter((l) => l.direction === 'government-to-platform');
    const pa = toPlat.find((l) => l.platformId === 'p-a');
    // one free slot: t-1 introduced; t-2 (acceptable, outranked) is the reserve, unplaced, below the weakest introduced
    expect(pa).toMatchObject({ freeSlots: 1, slotsLeft: 0, acceptable: 2 });
    expect(pa.introduced.map((i: any) => i.talentId)).toEqual(['t-1']);
    expect(pa.reserve.map((i: any) => [i.talentId, i.status])).toEqual([['t-2', 'unplaced']]);
    expect(pa.reserve[0].margin).toBeLessThan(0);
    expect(pa.reserve[0].margin).toBeCloseTo(pa.reserve[0].platformScore - pa.introduced[0].platformScore, 12);
  });

  it('support rule: capital need, priority and score, capped, rounded down to 1,000 yuan', () => {
    expect(supportYuan(0.8, 0.9, 5_000_000, 1_000_000, defaultSupportRule)).toBe(720_000);
    expect(supportYuan(0.8, 0.9, 300_000, 1_000_000, defaultSupportRule)).toBe(216_000);
    expect(supportYuan(0.8, 0.9, 0, 1_000_000, defaultSupportRule)).toBe(144_000);
    expect(supportYuan(1, 1, 9e9, 1_000_000, defaultSupportRule)).toBe(1_000_000);
  });
});

async function fixtureEngine() {
  const { dataset: d } = await loadDataset({ data: 'fixtures/jiangdong' }, { needTalents: true, needOutcomes: false, skipInvalid: false });
  return createEngine(d, { trusted: true });
}

describe('assignment on the Jiangdong fixtures', () => {
  let engine: Awaited<ReturnType<typeof fixtureEngine>>;
  beforeAll(async () => {
    engine = await fixtureEngine();
  });

  it('uses exactly the pairs `score` lists as acceptable (less the hosted projects\', which are never re-assigned), and never exceeds capacity', () => {
    const acceptable = new Set<string>();
    let hostedPairs = 0;
    for (const p of engine.pairs()) {
      if (engine.hostOf[p.talent] >= 0) hostedPairs++;
      else acceptable.add(`${p.talent}:${p.platform}`);
    }
    const hosted = [...engine.hostOf].filter((p) => p >= 0).length;
    expect(hosted).toBe(125);
    expect(hostedPairs).toBeGreaterThan(0);
    for (const mode of ['stable', 'optimal'] as const) {
      const a = engine.match({ mode, milpMaxPairs: 0, maxIterations: 4 });
      expect(a.pairs.plat.length).toBe(acceptable.size);
      for (let t = 0; t < a.pairs.talents; t++) {
        const e = a.matching.pairOf[t];
        if (e >= 0) expect(acceptable.has(`${t}:${a.pairs.plat[e]}`)).toBe(true);
      }
      const rec = assignmentRecord(recordContext(engine), a);
      for (const p of rec.platforms) {
        expect(p.slotsUsed).toBeLessThanOrEqual(p.slots);
        expect(p.seatsUsed).toBeLessThanOrEqual(p.seats);
      }
      expect(rec.assignments.length + rec.unassigned.length + hosted).toBe(engine.model.talents.count);
    }
  });

  it('the referral introductions never exceed any platform free capacity', () => {
    const a = engine.match();
    const r = engine.refer(a);
    r.toPlatform.forEach((g) => {
      expect(g.introduced.length).toBeLessThanOrEqual(Math.max(0, g.freeSlots));
      const seats = g.introduced.reduce((n, i) => n + a.pairs.seats[i.talent], 0);
      expect(seats).toBeLessThanOrEqual(Math.max(0, g.freeSeats));
      expect(g.slotsLeft).toBe(g.freeSlots - g.introduced.length);
      expect(g.seatsLeft).toBe(g.freeSeats - seats);
    });
  });
});

describe('why-not reasons are consistent with the final assignment (fixtures)', () => {
  let engine: Awaited<ReturnType<typeof fixtureEngine>>;
  beforeAll(async () => {
    engine = await fixtureEngine();
  });
  it('an outranked talent really ranks below the weakest talent kept at the named platform (margin >= 0)', () => {
    const checked = new Map<string, number>();
    for (const mode of ['stable', 'optimal'] as const) {
      const a = engine.match({ mode, milpMaxPairs: 0, maxIterations: 4 });
      expect(a.unassigned.length).toBeGreaterThan(0);
      for (const u of a.unassigned) {
        expect(u.reason.length).toBeGreaterThan(20);
        // serialises as its fields and text only (the shared context stays out)
        expect(Object.keys(JSON.parse(JSON.stringify(u))).sort()).toEqual(['code', 'reason', 'talent', ...(u.margin !== undefined ? ['margin'] : []), ...(u.platform !== undefined ? ['platform'] : [])].sort());
        if (u.code === 'outranked') {
          expect(u.platform).toBeDefined();
          expect(u.margin!).toBeGreaterThanOrEqual(0);
          // the margin (computed on read) is the one the text names, which reasonText computes on its own
          const named = /\(margin (-?\d+\.\d{3})\)/.exec(u.reason)?.[1] ?? (u.reason.startsWith('left out to maximise') ? '0.000' : undefined);
          expect(named).toBeDefined();
          expect(u.margin!.toFixed(3)).toBe(named);
          checked.set(mode, (checked.get(mode) ?? 0) + 1);
        } else expect(u.margin).toBeUndefined();
      }
    }
    expect(checked.get('stable')).toBeGreaterThan(0);
    expect(checked.get('optimal')).toBeGreaterThan(0);
  });
});

describe('assignment JSON in parts', () => {
  let engine: Awaited<ReturnType<typeof fixtureEngine>>;
  beforeAll(async () => {
    engine = await fixtureEngine();
  });
  it('concatenates to exactly JSON.stringify of the record, for every mode', () => {
    for (const o of [{ mode: 'stable' as const }, { mode: 'stable' as const, proposer: 'platform' as const }, { mode: 'optimal' as const, milpMaxPairs: 0, maxIterations: 4 }]) {
      const a = engine.match(o);
      const c = recordContext(engine);
      expect([...assignmentJsonParts(c, a, 100)].join('')).toBe(JSON.stringify(assignmentRecord(c, a)));
    }
  });
});
