import type { FlowResult } from '../../src/matching/flow.js';
import type { PairSet } from '../../src/matching/pairs.js';

/**
 * Largest violation of the optimality certificate: with the returned potentials (talents,
 * platforms, D; the sink's is 0) every residual edge must have reduced cost >= 0:
 * unrouted talent -> platform, routed platform -> talent, routed talent -> D, D -> sink,
 * free platform -> sink, sink -> full platform.
 */
export function certificateViolation(ps: PairSet, f: Pick<FlowResult, 'pairOf' | 'potentials'>): number {
  const N = ps.talents;
  const M = ps.platforms;
  const pi = f.potentials;
  const piD = pi[N + M];
  let worst = Math.max(0, -piD);
  const used = new Int32Array(M);
  for (let t = 0; t < N; t++) {
    const own = f.pairOf[t];
    if (own >= 0) {
      used[ps.plat[own]]++;
      worst = Math.max(worst, -(pi[t] - piD));
    }
    for (let e = ps.tPtr[t]; e < ps.tPtr[t + 1]; e++) {
      const rc = -ps.s[e] + pi[t] - pi[N + ps.plat[e]];
      worst = Math.max(worst, e === own ? Math.abs(rc) : -rc);
    }
  }
  // free platform -> sink needs pi(p) >= 0; sink -> full platform (flow on p -> sink) needs pi(p) <= 0
  for (let p = 0; p < M; p++) worst = Math.max(worst, used[p] < ps.freeSlots[p] ? -pi[N + p] : used[p] > 0 ? pi[N + p] : 0);
  return worst;
}

/**
 * LP duality gap of an assignment under the prices the potentials give, w(p) = max(0,
 * -pi(p)) (the sink's potential is 0; a used platform has pi <= 0, a free one pi >= 0): with v(u) = max(0, max_p s(u,p) - w(p)) the dual is feasible by
 * construction, and its value sum v + sum slots x w minus the assignment's total is >= 0
 * (weak duality) and 0 exactly when both are optimal. Independent of how the potentials
 * were found; rounding aside.
 */
export function dualGap(ps: PairSet, pairOf: Int32Array, potentials: Float64Array, cap: Int32Array = ps.freeSlots): number {
  const N = ps.talents;
  const M = ps.platforms;
  const w = Float64Array.from({ length: M }, (_, p) => Math.max(0, -potentials[N + p]));
  let dual = 0;
  for (let p = 0; p < M; p++) dual += cap[p] * w[p];
  let primal = 0;
  for (let t = 0; t < N; t++) {
    let v = 0;
    for (let e = ps.tPtr[t]; e < ps.tPtr[t + 1]; e++) v = Math.max(v, ps.s[e] - w[ps.plat[e]]);
    dual += v;
    if (pairOf[t] >= 0) primal += ps.s[pairOf[t]];
  }
  return dual - primal;
}
