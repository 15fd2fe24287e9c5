/**
 * The SQLite chunk writer's thread (store/writer.ts starts it): its own connection to the
 * batch's database, one transaction per chunk (Store.writeChunk), answers in order. A
 * chunk that fails to write is answered with a coded error; the thread goes on (the failed
 * transaction is rolled back) and the batch decides. At the end it publishes the run in
 * steps, each request its own transaction (begin, parts..., end: Store.beginComplete,
 * completeParts, endComplete; the status last), the parts stored while the batch formats
 * the next ones.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Store } from './store.js';
import { TalentmatchError, errorMessage } from '../errors.js';
import type { WriterReply, WriterRequest } from './writer.js';
import { memTrace } from '../workers/memTrace.js';
import { releaseNow } from '../util/release.js';

/** A publication's parts are checkpointed every this many characters (~4-8 MB of pages: what is left for the last close to copy; each checkpoint syncs the file). */
const PUBLISH_CHECKPOINT_CHARS = 4 << 20;

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

/** A message's parts, split again. */
function* splitParts(text: string, ends: Int32Array): Generator<string> {
  for (let j = 0, a = 0; j < ends.length; a = ends[j++]) yield text.slice(a, ends[j]);
}

/** a publication's characters stored since its last checkpoint, and its first failed step */
let unsaved = 0;
let failed: unknown;

port.on('message', (m: WriterRequest) => {
  if (m.type === 'close') {
    store?.close();
    store = undefined;
    stopTrace();
    port.close();
    return;
  }
  try {
    if (!store) throw new TalentmatchError('E_INTERNAL', 'the chunk writer is closed');
    const s = store;
    switch (m.type) {
      case 'write': {
        const wrote = s.writeChunk(m.chunk);
        // the chunk's moved buffers (~10 MB a 5,000-talent chunk) are this thread's, and SQLite
        // copied them: freed now, not at a later collection (84 MB of them were still held here
        // when the 1M x 2k stream's assembly began)
        for (const b of [m.chunk.rows, m.chunk.candidates]) if (b instanceof Uint8Array) releaseNow(b);
        post({ type: 'done', id: m.id, wrote });
        return;
      }
      // a publication (Store.beginComplete): the run turns complete at `end`; the parts'
      // pages are checkpointed as they come, while the batch formats the next ones (its last
      // commit then leaves little to copy). A failed step fails the steps after it, up to the
      // abort: a publication with a part missing never completes
      case 'begin':
        failed = undefined;
        unsaved = 0;
        s.beginComplete(m.runId, m.platformLines);
        break;
      case 'parts':
        if (failed) throw failed;
        s.completeParts(m.runId, m.name, m.from, splitParts(m.text, m.ends));
        unsaved += m.text.length;
        if (unsaved >= PUBLISH_CHECKPOINT_CHARS) {
          s.checkpoint();
          unsaved = 0;
        }
        break;
      case 'end':
        if (failed) throw failed;
        s.endComplete(m.runId, m.finishedAt, m.summary);
        break;
      case 'abort':
        failed = undefined;
        s.abortComplete(m.runId);
        break;
      case 'checkpoint':
        s.checkpoint();
        break;
    }
    post({ type: 'done', id: m.id, wrote: true });
  } catch (e) {
    if (m.type === 'begin' || m.type === 'parts') failed ??= e;
    post({ type: 'error', id: m.id, ...coded(e, m.type === 'write' ? `cannot write chunk ${m.chunk.chunkId} of run ${m.chunk.runId}` : `cannot publish (${m.type})`) });
  }
});
