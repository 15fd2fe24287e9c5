/**
 * The server side of the `api` benchmark, in its own process (so the load generator does not
 * share its event loop): builds the API over the given snapshot and dataset, with or without
 * keys, prints its address, and answers "cpu" messages with its own CPU time (microseconds).
 * argv: <dataDir> <db> <auth: 0|1> <keys file JSON>
 * Logs as `talentmatch serve` does (pino at info, one audit line per request on stdout), so
 * the figures include the log's cost; the benchmark sends stdout to a file.
 */
import { loadDataset } from '../src/adapters/files/dataset.js';
import { createEngine } from '../src/engine/engine.js';
import { buildServer } from '../src/adapters/http/server.js';
import { KeyRing } from '../src/adapters/http/keys.js';
import type { KeysFile } from '../src/adapters/http/keys.js';
import { serveBenchChild } from './serverChild.js';

const [dir, db, auth, keysJson] = process.argv.slice(2) as [string, string, string, string];
const { dataset } = await loadDataset({ data: dir }, { needTalents: false, needOutcomes: false, skipInvalid: false, omit: ['outcomes'] });
const keys = auth === '1' ? new KeyRing(JSON.parse(keysJson) as KeysFile) : undefined;
// quotas on and counting, with budgets the benchmark does not reach
const app = await buildServer({ db, logger: { level: process.env.TALENTMATCH_LOG_LEVEL ?? 'info' }, engine: createEngine(dataset, { trusted: true }), ...(keys ? { keys } : {}), quotas: { max: 1e9, expensiveMax: 1e9, windowMs: 60_000 }, auditSync: process.env.TM_BENCH_AUDIT_SYNC === '1' });
await serveBenchChild(app);
