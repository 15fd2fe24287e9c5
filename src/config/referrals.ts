/**
 * The suggested policy support of a referred project (platform-to-government):
 *
 *   priority = sum_d t_d * prio_d / sum_d t_d      (the talent's industry mix, government weights)
 *   merit    = score * priority                      (reciprocal score of its assigned pair), in [0, 1]
 *   base     = min(needs.capitalYuan, maxSupportYuan) if the project seeks capital,
 *              else settlementShare * maxSupportYuan (settling-in support)
 *   support  = min(maxSupportYuan, floor(base * merit / roundToYuan) * roundToYuan)
 */
export interface SupportRule {
  /** share of maxSupportYuan offered to projects that seek no capital, [0, 1]. Default 0.2. */
  settlementShare: number;
  /** amounts are rounded down to this many yuan. Default 1,000. */
  roundToYuan: number;
}

export const defaultSupportRule: SupportRule = { settlementShare: 0.2, roundToYuan: 1000 };

/** Length of each platform's talent reserve when the policy gives no `reserveLength`. */
export const DEFAULT_RESERVE_LENGTH = 10;

/**
 * The support budget's allocation is solved exactly (0/1 knapsack by dynamic programming
 * over budget units of `roundToYuan`) while cases x budget units stays within this many
 * cells (one bit each: 128 Mbit = 16 MiB; ~12 ns a cell measured here, so at most ~1.5 s);
 * beyond, greedy by merit with the LP bound reported.
 */
export const MAX_BUDGET_DP_CELLS = 128 * 1024 * 1024;
