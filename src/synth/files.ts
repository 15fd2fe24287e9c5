/** Serialises a generated district into the contract's file formats (pure: returns strings). */
import { defaultWeights } from '../config/weights.js';
import type { GenerateOptions } from './generate.js';
import { generateDistrict } from './generate.js';
import { JIANGDONG_POLICY, JIANGDONG_SUPPORT_BUDGET_YUAN } from './taxonomy.js';

const jsonl = (rows: readonly unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** The fixtures' district: 5% of the generated projects are hosted already; the policy has a support budget. */
export function fixtureFiles(o: GenerateOptions): Record<string, string> {
  const d = generateDistrict({ hostedShare: 0.05, ...o });
  return {
    'industries.json': JSON.stringify(d.industries, null, 2) + '\n',
    'policy.json': JSON.stringify({ ...JIANGDONG_POLICY, supportBudgetYuan: JIANGDONG_SUPPORT_BUDGET_YUAN }, null, 2) + '\n',
    'weights.json': JSON.stringify(defaultWeights, null, 2) + '\n',
    'platforms.jsonl': jsonl(d.platforms),
    'talents.jsonl': jsonl(d.talents),
    'outcomes.jsonl': jsonl(d.outcomes),
    ...(d.truth ? { 'truth.jsonl': jsonl([...d.truth.platforms.map((x) => ({ side: 'platform', ...x })), ...d.truth.talents.map((x) => ({ side: 'talent', ...x }))]) } : {}),
  };
}
