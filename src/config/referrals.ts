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
