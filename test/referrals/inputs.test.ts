import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/adapters/files/dataset.js';
import { runBatch } from '../../src/adapters/batch/run.js';
import { TalentmatchError } from '../../src/errors.js';
import { Store } from '../../src/store/store.js';
import type { InputIssue } from '../../src/errors.js';
import { JIANGDONG_INDUSTRIES, JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';

/** A folder with two platforms and three talents, two of them hosted by p-a (which counts one). */
function folder(): string {
  const d = mkdtempSync(join(tmpdir(), 'tm-hosted-'));
  const plat = (id: string, slotsUsed: number, seatsUsed: number) => ({ id, name: id, description: 'Fintech venture capital.', modes: ['capital'], industries: { 'financial-services': 1 }, capacity: { slots: 5, slotsUsed, seats: 50, seatsUsed } });
  const tal = (id: string, hostedBy?: string) => ({ id, name: id, description: 'Fintech payment startup.', needs: { seats: 2 }, ...(hostedBy ? { hostedBy } : {}) });
  writeFileSync(join(d, 'industries.json'), JSON.stringify(JIANGDONG_INDUSTRIES));
  writeFileSync(join(d, 'policy.json'), JSON.stringify(JIANGDONG_POLICY));
  writeFileSync(join(d, 'platforms.jsonl'), [plat('p-a', 1, 4), plat('p-b', 0, 0)].map((x) => JSON.stringify(x)).join('\n') + '\n');
  writeFileSync(join(d, 'talents.jsonl'), [tal('t-1', 'p-a'), tal('t-2'), tal('t-3', 'p-a')].map((x) => JSON.stringify(x)).join('\n') + '\n');
  return d;
}

const issuesOf = async (p: Promise<unknown>): Promise<InputIssue[]> => {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(TalentmatchError);
    expect((e as TalentmatchError).code).toBe('E_INPUT');
    return (e as TalentmatchError & { issues: InputIssue[] }).issues;
  }
  throw new Error('expected an input error');
};

describe('hosted projects beyond their host\'s counts, read from files', () => {
  it('loading names the platform\'s line and the talents\' lines', async () => {
    const d = folder();
    const issues = await issuesOf(loadDataset({ data: d }, { needTalents: true, needOutcomes: false, skipInvalid: false }));
    expect(issues).toEqual([expect.objectContaining({ file: join(d, 'platforms.jsonl'), line: 1, path: 'capacity.slotsUsed', got: '1' })]);
    expect(issues[0].expected).toBe(`integer >= 2: 2 projects name p-a in hostedBy (t-1 (${join(d, 'talents.jsonl')}:1, 2 seats), t-3 (${join(d, 'talents.jsonl')}:3, 2 seats))`);
  });

  it('the batch, which streams the talents, reports the same and publishes nothing', async () => {
    const d = folder();
    const { dataset } = await loadDataset({ data: d }, { needTalents: false, needOutcomes: false, skipInvalid: false, omit: ['talents', 'outcomes'] });
    const inputs = { industries: dataset.industries, platforms: dataset.platforms, policy: dataset.policy, talentsPath: join(d, 'talents.jsonl'), platformsFile: join(d, 'platforms.jsonl') };
    const issues = await issuesOf(runBatch(inputs, { db: join(d, 'db.sqlite'), threads: 1, skipInvalid: true }));
    expect(issues).toEqual([expect.objectContaining({ file: join(d, 'platforms.jsonl'), path: 'capacity.slotsUsed', got: '1' })]);
    expect(issues[0].expected).toContain(`t-3 (${join(d, 'talents.jsonl')}:3, 2 seats)`);
    const store = new Store(join(d, 'db.sqlite'), { readonly: true });
    expect(store.latestComplete()).toBeUndefined();
    store.close();
    // fixed counts: the run completes and the hosted projects are put forward, never assigned
    const platforms = readFileSync(join(d, 'platforms.jsonl'), 'utf8').replace('"slotsUsed":1,"seats":50,"seatsUsed":4', '"slotsUsed":2,"seats":50,"seatsUsed":4');
    writeFileSync(join(d, 'platforms.jsonl'), platforms);
    const ok = await loadDataset({ data: d }, { needTalents: false, needOutcomes: false, skipInvalid: false, omit: ['talents', 'outcomes'] });
    const s = await runBatch({ ...inputs, platforms: ok.dataset.platforms }, { db: join(d, 'db2.sqlite'), threads: 1 });
    expect(s.assigned).toBe(1);
  });
});
