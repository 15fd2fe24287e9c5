/**
 * The SQLite chunk writer's thread (store/writer.ts starts it): its own connection to the
 * batch's database, one transaction per chunk (Store.writeChunk), answers in order. A
 * chunk that fails to write is answered with a coded error; the thread goes on (the failed
 * transaction is rolled back) and the batch decides.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Store } from './store.js';
import type { ChunkRowIn } from './types.js';
import { TalentmatchError, errorMessage } from '../errors.js';
import type { WriterReply, WriterRequest } from './writer.js';
import { memTrace } from '../workers/memTrace.js';

const { path } = workerData as { path: string };
const port = parentPort!;
const stopTrace = memTrace('writer'); // TALENTMATCH_MEM_TRACE=<ms>, for memory debugging
const post = (m: WriterReply): void => port.postMessage(m);
const coded = (e: unknown, what: string): { code: string; message: string } =>
  e instanceof TalentmatchError ? { code: e.code, message: e.message } : { code: 'E_STORE', message: `${path}: ${what} (${errorMessage(e)})` };

let store: Store | undefined;
try {
  store = new Store(path, { bulk: true });
  post({ type: 'ready' });
} catch (e) {
  post({ type: 'failed', ...coded(e, 'the chunk writer cannot open the database') });
  port.close();
}

port.on('message', (m: WriterRequest) => {
  if (m.type === 'close') {
    store?.close();
    store = undefined;
    stopTrace();
    port.close();
    return;
  }
  const c: ChunkRowIn = m.chunk;
  try {
    if (!store) throw new TalentmatchError('E_INTERNAL', 'the chunk writer is closed');
    post({ type: 'done', id: m.id, wrote: store.writeChunk(c) });
  } catch (e) {
    post({ type: 'error', id: m.id, ...coded(e, `cannot write chunk ${c.chunkId} of run ${c.runId}`) });
  }
});
