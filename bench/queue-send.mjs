// A worker's result send, two ways, against a private redis-server: CPU of this client and of
// Redis for 60 sends of an 8.7 MB result (docs/PERFORMANCE.md, "Distributed, ninth pass").
//   frame: the assembled frame with one SET (what adapters/queue/worker.ts does)
//   parts: SET header on a part key, APPEND rows, APPEND candidates, RENAME (same bytes; tried, not kept)
// Needs a build (npm run build).   node bench/queue-send.mjs PORT REDIS_PID frame|parts
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { encodeResultFrame, resultKey } from '../dist/adapters/queue/frames.js';

const [port, rpid, mode] = process.argv.slice(2);
if (!rpid || !['frame', 'parts'].includes(mode)) {
  console.error('usage: node bench/queue-send.mjs PORT REDIS_PID frame|parts');
  process.exit(2);
}
const r = new Redis(`redis://127.0.0.1:${port}`);
const redisCpuMs = () => {
  const f = readFileSync(`/proc/${rpid}/stat`, 'utf8');
  const x = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(x[11]) + Number(x[12])) * 10;
};
const results = Array.from({ length: 20 }, (_, i) => ({ chunkId: i, pairs: 1e6, rows: Buffer.alloc(7.5e6, i), candidates: Buffer.alloc(1.2e6, i + 1), key: 'ab'.repeat(32) }));
const head = (x) => encodeResultFrame({ ...x, rows: new Uint8Array(0), candidates: new Uint8Array(0) }).subarray(0, 56);
const parts = async (id, x) => {
  const h = Buffer.from(head(x));
  h.writeUInt32LE(x.rows.byteLength, 16);
  h.writeUInt32LE(x.candidates.byteLength, 20);
  const part = `${resultKey(id)}:part:bench`;
  await Promise.all([r.set(part, h, 'EX', 60), r.append(part, x.rows), r.append(part, x.candidates)]);
  await r.rename(part, resultKey(id));
};
await r.ping();
const c0 = process.cpuUsage();
const r0 = redisCpuMs();
for (let k = 0; k < 3; k++) {
  for (const x of results) {
    const id = `bench-${x.chunkId}`;
    if (mode === 'frame') await r.set(resultKey(id), encodeResultFrame(x), 'EX', 60);
    else await parts(id, x);
  }
}
const c = process.cpuUsage(c0);
const same = (await r.getBuffer(resultKey('bench-3'))).equals(encodeResultFrame(results[3]));
console.log(`${mode}: client ${((c.user + c.system) / 1000).toFixed(0)} ms, redis ${redisCpuMs() - r0} ms, frame bytes as encodeResultFrame: ${same}`);
r.disconnect();
