/**
 * Prints the README's performance table from a results file written by `npm run bench`:
 *   npx tsx bench/table.ts bench/results/<date>-<machine>.json
 */
import { readFileSync } from 'node:fs';
import type { CaseResult } from './harness.js';
import { markdownTable } from './targets.js';

const file = process.argv[2];
if (!file) throw new Error('usage: bench/table.ts bench/results/<date>-<machine>.json');
const r = JSON.parse(readFileSync(file, 'utf8')) as { machine: { cpu: string; cores: number; node: string }; results: CaseResult[] };
console.log(markdownTable(r.results, `${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}`));
