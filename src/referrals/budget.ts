/**
 * Allocating the support budget (pure). Each referred case i has a suggested amount a_i
 * (<= maxSupportYuan, the per-case cap) and a merit m_i in [0, 1]; the government funds a
 * set S of cases in full, maximising  sum_{i in S} m_i * a_i  subject to
 * sum_{i in S} a_i <= budget  (a 0/1 knapsack whose value density is the merit itself).
 *
 *  - every case fits: all funded (`method: "all-fit"`);
 *  - cases x budget units <= MAX_BUDGET_DP_CELLS: exact dynamic programme over budget units
 *    of `unit` yuan (amounts are multiples of it; one that is not is rounded up, so the
 *    budget still holds) (`method: "dp"`, gap 0);
 *  - otherwise: greedy by merit (each case funded when it still fits), with the LP
 *    relaxation's value as `bound` and the relative `gap` (`method: "greedy"`).
 *
 * Ties: cases come in a fixed order (merit desc, then talent); the programme takes a case
 * only when strictly better, so the result is deterministic.
 */
import { MAX_BUDGET_DP_CELLS } from '../config/referrals.js';

export interface BudgetAllocation {
  method: 'all-fit' | 'dp' | 'greedy';
  budgetYuan: number;
  /** sum of the suggested amounts of all cases */
  requestedYuan: number;
  allocatedYuan: number;
  leftYuan: number;
  /** sum of merit x amount over the funded cases */
  objective: number;
  /** an upper bound on the best objective (equal to it unless greedy) */
  bound: number;
  /** (bound - objective) / bound, 0 when exact */
  gap: number;
  /** 1 = funded, per case in the order given */
  funded: Uint8Array;
}

/** `amounts` and `merits` per case, in the order ties should prefer (merit desc, then id). */
export function allocateBudget(amounts: ArrayLike<number>, merits: ArrayLike<number>, budgetYuan: number, unit: number, maxCells = MAX_BUDGET_DP_CELLS): BudgetAllocation {
  const n = amounts.length;
  const funded = new Uint8Array(n);
  let requested = 0;
  for (let i = 0; i < n; i++) requested += amounts[i];
  // only cases with a positive value can add to the objective
  const cand: number[] = [];
  for (let i = 0; i < n; i++) if (amounts[i] > 0 && merits[i] > 0) cand.push(i);
  const w = cand.map((i) => Math.ceil(amounts[i] / unit));
  const v = cand.map((i) => merits[i] * amounts[i]);
  const W0 = Math.floor(budgetYuan / unit);
  const sumW = w.reduce((s, x) => s + x, 0);
  const bound = lpBound(cand.map((i) => amounts[i]), cand.map((i) => merits[i]), budgetYuan);
  let method: BudgetAllocation['method'];
  if (sumW <= W0) {
    method = 'all-fit';
    for (const i of cand) funded[i] = 1;
  } else if (cand.length * (Math.min(W0, sumW) + 1) <= maxCells) {
    method = 'dp';
    const W = Math.min(W0, sumW);
    const stride = W + 1;
    const best = new Float64Array(stride);
    const keep = new Uint8Array(Math.ceil((cand.length * stride) / 8));
    for (let k = 0; k < cand.length; k++) {
      const wk = w[k];
      const vk = v[k];
      const base = k * stride;
      for (let c = W; c >= wk; c--) {
        const with_ = best[c - wk] + vk;
        if (with_ > best[c]) {
          best[c] = with_;
          const bit = base + c;
          keep[bit >> 3] |= 1 << (bit & 7);
        }
      }
    }
    let c = W;
    for (let k = cand.length - 1; k >= 0; k--) {
      const bit = k * stride + c;
      if (keep[bit >> 3] & (1 << (bit & 7))) {
        funded[cand[k]] = 1;
        c -= w[k];
      }
    }
  } else {
    method = 'greedy';
    let left = budgetYuan;
    for (const i of cand) {
      if (amounts[i] <= left) {
        funded[i] = 1;
        left -= amounts[i];
      }
    }
  }
  let allocated = 0;
  let objective = 0;
  for (let i = 0; i < n; i++) {
    if (!funded[i]) continue;
    allocated += amounts[i];
    objective += merits[i] * amounts[i];
  }
  const exact = method !== 'greedy';
  const b = exact ? objective : Math.max(bound, objective);
  return {
    method,
    budgetYuan,
    requestedYuan: requested,
    allocatedYuan: allocated,
    leftYuan: budgetYuan - allocated,
    objective,
    bound: b,
    gap: exact || b <= 0 ? 0 : (b - objective) / b,
    funded,
  };
}

/** The LP relaxation (fractional cases allowed): fill by merit, the last case in part. */
function lpBound(amounts: number[], merits: number[], budget: number): number {
  const order = amounts.map((_, k) => k).sort((x, y) => merits[y] - merits[x] || x - y);
  let left = budget;
  let value = 0;
  for (const k of order) {
    if (left <= 0) break;
    const take = Math.min(amounts[k], left);
    value += merits[k] * take;
    left -= take;
  }
  return value;
}
