/**
 * Assignment defaults shared by the library, the CLI and the API. One time limit for the
 * optimal mode's MILP solver everywhere: 30 s (the documented figure; the CLI said 60 and
 * the server 5 before). The API bounds its work by instance size (`API_LIMITS.maxMatchTalents`
 * in src/config/api.ts) and gives the MILP a shorter limit and a smaller exact size
 * (`API_LIMITS.matchTimeLimitSec`, `matchMilpMaxPairs`) so one request stays inside its timeout;
 * past them the answer is the flow's, with its bound, as in the CLI.
 */
export const defaultAssignOptions = {
  mode: 'stable' as 'stable' | 'optimal',
  proposer: 'talent' as 'talent' | 'platform',
  /** each talent's best N platforms (0 = every acceptable pair) */
  maxPrefs: 0,
  /** optimal mode: the MILP solver's time limit, seconds */
  timeLimitSec: 30,
  /** optimal mode: largest instance (pairs) solved exactly by MILP */
  milpMaxPairs: 10_000,
  /** optimal mode, slots only: up to this many platforms the flow runs on the platform graph (an M x M table of 12 bytes a cell), beyond on the talent graph */
  platformGraphMax: 4000,
  /** optimal mode with seats (the Lagrangian seat prices): stop at this relative gap between the best assignment and the proven bound ... */
  lagrangianTargetGap: 0.005,
  /** ... or after this many iterations (each after the first: lagrangianDualSteps dual steps, then a repaired assignment) */
  lagrangianMaxIterations: 300,
  /** subgradient steps on the LP dual (slot and seat prices) between two repaired assignments */
  lagrangianDualSteps: 300,
  /** dual steps without a better bound before the step factor is halved (and the best point taken again) */
  lagrangianStallSteps: 20,
  /** each dual step's direction is the subgradient plus this times the last direction (0: plain subgradient). 0.9 measured: fixtures 34 -> 5 iterations to a 0.5% gap, 20k x 500 3 -> 2 */
  lagrangianDeflection: 0.9,
  /** optimal mode with assignment floors, at scale: subgradient iterations on the floor prices (each solves the floor-free problem once) ... */
  floorMaxIterations: 30,
  /** ... and, when seats bind, the seat-price iterations of each of those floor-free solves (their bound stays valid, only looser) */
  floorInnerIterations: 25,
};
