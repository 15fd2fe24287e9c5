/**
 * simulate: a policy what-if. Runs the baseline and each scenario of a scenario file on
 * the same data and assignment options, prints them side by side, and with --out writes
 * each side's assignment.json / referrals.jsonl (the bytes `match` / `refer` write for the
 * patched data) and the diff.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { parseScenarios } from '../../../domain/scenario.js';
import { assignmentJsonParts, referralRecords } from '../../../engine/formatAssignment.js';
import type { SimSide } from '../../../simulation/simulate.js';
import { simulateBaseline, simulateScenario } from '../../../simulation/simulate.js';
import type { SimulationDiff } from '../../../simulation/diff.js';
import { readJson } from '../../files/read.js';
import { writeLines, writeParts } from '../../files/write.js';
import { renderSimulationHtml } from '../../report/simulation.js';
import { EXIT_OK, parsePositiveInt } from '../common.js';
import type { Cli } from '../common.js';
import { engineFor, load } from '../load.js';
import { addAssignOptions, addDataOptions, assignOptions, assignSchema, dataOptionsSchema, parseOptions } from '../options.js';
import { simulationReport } from '../render.js';

const schema = dataOptionsSchema.extend(assignSchema.shape).extend({
  scenario: z.string(),
  out: z.string().optional(),
  report: z.string().optional(),
  top: z.number().int().min(1),
  json: z.boolean(),
});

/** A folder name for a scenario: its position and a slug of its name. */
function scenarioFolder(i: number, name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return `${String(i + 1).padStart(2, '0')}-${slug || 'scenario'}`;
}

async function writeSide(dir: string, s: SimSide): Promise<void> {
  await writeParts(join(dir, 'assignment.json'), assignmentJsonParts(s.context, s.assignment));
  await writeLines(join(dir, 'referrals.jsonl'), (function* () {
    for (const r of referralRecords(s.context, s.referrals)) yield JSON.stringify(r);
  })());
}

export function simulateCommand(program: Command, { io, done }: Cli): void {
  addDataOptions(
    addAssignOptions(
      program
        .command('simulate')
        .description('policy what-if: baseline vs scenario(s) given as JSON Patch on the dataset; side by side, with the moves and the referral changes')
        .requiredOption('--scenario <file>', 'scenario file (.json): {"name", "patch": [RFC 6902 operations]}, an array of them, or {"scenarios": [...]}')
        .option('--out <dir>', 'write baseline/ and scenario/ (assignment.json, referrals.jsonl) and diff.json; several scenarios: NN-name/ folders each with its diff.json')
        .option('--report <file>', 'write an HTML report of the diff')
        .option('--top <k>', 'top-k for coverage and exposure (1..1000)', parsePositiveInt('--top', 1000), 10)
        .option('--json', 'print the diff(s) as JSON instead of the table', false),
    ),
  ).action(async (raw: unknown) => {
    const o = parseOptions(schema, raw);
    const scenarios = parseScenarios(await readJson(o.scenario), o.scenario);
    // wall and CPU time (this process, all threads): on a shared machine the CPU time is the steadier figure
    const cpu = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    const t0 = performance.now();
    const c0 = cpu();
    const engine = engineFor(await load(o, true, io), {});
    const opts = { assign: await assignOptions(o), topK: o.top };
    const baseline = simulateBaseline(engine, opts);
    const timings: { baselineMs: number; baselineCpuMs: number; scenarioMs: number[]; scenarioCpuMs: number[] } = { baselineMs: performance.now() - t0, baselineCpuMs: cpu() - c0, scenarioMs: [], scenarioCpuMs: [] };
    const runs = [];
    for (const s of scenarios) {
      const t = performance.now();
      const c = cpu();
      runs.push(simulateScenario(engine, baseline, s, opts));
      timings.scenarioMs.push(performance.now() - t);
      timings.scenarioCpuMs.push(cpu() - c);
    }
    const diffs: SimulationDiff[] = runs.map((r) => r.diff);
    if (o.out) {
      await writeSide(join(o.out, 'baseline'), baseline);
      if (runs.length === 1) {
        await writeSide(join(o.out, 'scenario'), runs[0].side);
        await writeLines(join(o.out, 'diff.json'), [JSON.stringify(diffs[0], null, 2)]);
      } else {
        for (const [i, r] of runs.entries()) {
          const dir = join(o.out, scenarioFolder(i, r.name));
          await writeSide(dir, r.side);
          await writeLines(join(dir, 'diff.json'), [JSON.stringify(r.diff, null, 2)]);
        }
      }
    }
    if (o.report) await writeLines(o.report, [await renderSimulationHtml(diffs, new Date().toISOString())]);
    io.out(o.json ? JSON.stringify(diffs.length === 1 ? diffs[0] : diffs, null, 2) + '\n' : simulationReport(diffs, timings));
    if (o.out) io.err(`wrote ${o.out}/baseline, ${runs.length === 1 ? `${o.out}/scenario, ${o.out}/diff.json` : `${runs.length} scenario folders`}\n`);
    if (o.report) io.err(`wrote ${o.report}\n`);
    done(EXIT_OK);
  });
}
