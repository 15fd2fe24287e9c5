/**
 * HiGHS (MILP/LP solver, compiled to WebAssembly; npm `highs`) behind the small
 * MilpSolver interface the matching core takes. Loading the wasm reads a file, so it lives
 * here, outside the compute folders; callers pass the solver in.
 */
import type { MilpSolver } from '../matching/optimal.js';

export async function loadHighsSolver(): Promise<MilpSolver> {
  // highs ships ESM at runtime but CommonJS-style typings; type the loader by hand.
  type Loader = () => Promise<{ solve(lp: string, o: Record<string, unknown>): { Status: string; ObjectiveValue: number; Columns: Record<string, unknown> } }>;
  const loader = (await import('highs')).default as unknown as Loader;
  const highs = await loader();
  return {
    name: 'HiGHS',
    solve(lp, o) {
      let r: ReturnType<typeof highs.solve>;
      try {
        r = highs.solve(lp, { output_flag: false, time_limit: o.timeLimitSec, mip_rel_gap: 0, presolve: 'on' });
      } catch (e) {
        // The wasm build aborts on some large models (memory); callers fall back.
        return { status: `solver error: ${(e as Error).message}`, objective: Number.NaN, values: new Map() };
      }
      const values = new Map<string, number>();
      for (const [name, col] of Object.entries(r.Columns)) values.set(name, (col as { Primal: number }).Primal);
      return { status: r.Status, objective: r.ObjectiveValue, values };
    },
  };
}
