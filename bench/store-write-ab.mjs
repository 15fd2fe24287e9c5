// The batch's SQLite writer alone: a complete batch database's chunks, packed as the scorers pack
// them, written again by Store.writeChunk on one thread (as store/writerThread.ts does), with the
// writer's CPU (process.threadCpuUsage) and wall time. Each tree's dist/ must be built.
//   node bench/store-write-ab.mjs dump TREE BATCH_DB DIR        writes DIR/<chunk>.bin and DIR/meta.json
//   node bench/store-write-ab.mjs write TREE NEW_DB DIR [N [CAND_BYTES]]   writes the first N chunks (all) into a new NEW_DB
// Each chunk gets a CAND_BYTES candidates blob (the stored ones are emptied at publish): default 360,000, a 100k x 1k
// chunk's after cand15 (3,300,000 before it, what the sql15 figures in docs/PERFORMANCE.md used).
// For instruction counts: valgrind --tool=callgrind --smc-check=all-non-file node bench/store-write-ab.mjs write ... N
// at two N (e.g. 5 and 15), per chunk = the difference / 10.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const [mode, tree, db, dir, n, candBytes] = process.argv.slice(2);
if (mode === 'dump') {
  const Database = createRequire(`${tree}/package.json`)('better-sqlite3');
  const { packRows } = await import(`${tree}/dist/engine/rows.js`);
  const x = new Database(db, { readonly: true });
  const chunks = x.prepare('SELECT run_id, chunk_id, chunk_key, start_line, end_line, talents, pairs, reused FROM chunks ORDER BY run_id, chunk_id').all();
  const rows = x.prepare('SELECT r.talent_id AS talentId, w.hash, w.prefs, w.meta, l.line FROM talent_recs r JOIN talent_rows w ON w.id = r.row_id JOIN talent_lines l ON l.id = r.row_id WHERE r.run_id = ? AND r.chunk_id = ? ORDER BY r.row_id');
  for (const c of chunks) writeFileSync(`${dir}/${c.chunk_id}.bin`, packRows(rows.all(c.run_id, c.chunk_id)));
  writeFileSync(`${dir}/meta.json`, JSON.stringify(chunks));
  console.log(`${chunks.length} chunks in ${dir}`);
} else if (mode === 'write') {
  const { Store } = await import(`${tree}/dist/store/store.js`);
  const meta = JSON.parse(readFileSync(`${dir}/meta.json`, 'utf8')).slice(0, n === undefined || n === 'all' ? undefined : Number(n));
  const bufs = meta.map((c) => readFileSync(`${dir}/${c.chunk_id}.bin`));
  const candidates = Buffer.alloc(Number(candBytes ?? 360_000));
  for (let i = 0; i < candidates.length; i++) candidates[i] = (i * 2654435761) >>> 24;
  for (const s of ['', '-wal', '-shm']) rmSync(db + s, { force: true });
  const main = new Store(db); // the batch's main connection stays open meanwhile
  const runId = main.createRun({ startedAt: 'x', fingerprint: 'f', platformFingerprint: 'p', options: '{}', weights: '{}' });
  const w = new Store(db, { bulk: true });
  const t0 = process.threadCpuUsage();
  const w0 = performance.now();
  meta.forEach((c, i) => w.writeChunk({ runId, chunkId: c.chunk_id, key: c.chunk_key, startLine: c.start_line, endLine: c.end_line, talents: c.talents, pairs: c.pairs, reused: !!c.reused, candidates, rows: bufs[i] }));
  w.close();
  const t = process.threadCpuUsage(t0);
  console.log(`${meta.length} chunks: writer ${(t.user / 1e6).toFixed(2)}+${(t.system / 1e6).toFixed(2)} s cpu, ${((performance.now() - w0) / 1e3).toFixed(2)} s wall`);
  main.close();
} else {
  console.error('usage: node bench/store-write-ab.mjs dump TREE BATCH_DB DIR | write TREE NEW_DB DIR [N|all [CAND_BYTES]]');
  process.exit(2);
}
