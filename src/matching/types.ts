/** Types every matcher shares (stable, optimal, flow, blocking, why-not, assign): no logic. */

/** An assignment in progress or done: for each talent (by index) the pair it holds. */
export interface Matching {
  /** pair id held by each talent, or -1 */
  pairOf: Int32Array;
}
