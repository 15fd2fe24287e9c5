/**
 * Where the batch's chunk results go: `ChunkSink`. For a SQLite database the writes run on
 * a dedicated thread with its own connection (`SqliteWriterThread`): a chunk's ~12 MB of rows
 * (2,000 talents) and the WAL's checkpoints cost the main thread nothing but a post, so it
 * keeps reading, hashing and dispatching while the scoring threads work. The packed rows
 * (engine/rows.ts packRows) are moved to the writer, not copied, when they own their memory.
 * PostgreSQL writes are network round trips already off the thread (`storeSink`).
 *
 * Writes are answered in the order they were posted. A failed write rejects with a coded
 * error (E_STORE naming the database, chunk and run and SQLite's reason, or the store's own
 * code); a writer thread that dies rejects every write in flight and every later one with
 * E_STORE: never a hang. The run stays resumable (`--resume` once the cause is fixed).
 */
import { Worker, isMarkedAsUntransferable } from 'node:worker_threads';
import type { ErrorCode } from '../errors.js';
import { ERROR_CODES, TalentmatchError } from '../errors.js';
import type { ChunkRowIn, SnapshotStore } from './types.js';

export interface ChunkSink {
  /** Writes a chunk and its checkpoint in one transaction; false: the chunk was written before (idempotent). */
  write(c: ChunkRowIn): Promise<boolean>;
  /**
   * Optional: publishes the run as `SnapshotStore.complete` does (platform lines, artifacts,
   * the `complete` status last), after the chunk writes posted before it. The artifacts'
   * parts are consumed (formatted) on the caller's thread as the writer stores the ones
   * before: the writer thread's SQLite work runs while this thread formats (an asynchronous
   * body's parts as they come: the writer stores the earlier artifacts meanwhile). Absent:
   * the caller publishes with `SnapshotStore.complete`.
   */
  complete?(runId: number, platformLines: { id: string; line: string }[], artifacts: Record<string, Iterable<string> | AsyncIterable<string>>, finishedAt: string, summary: string): Promise<void>;
  /**
   * Optional: the chunk writes are over; the writer may copy the write-ahead log into the
   * database file now (SQLite: a checkpoint on the writer thread while the batch assembles,
   * instead of in the publication's commit, on the batch's thread). Never fails.
   */
  checkpoint?(): void;
  /** Waits for the writes posted so far, then releases the writer. Idempotent. */
  close(): Promise<void>;
}

/** Writes on the store's own connection (PostgreSQL; or SQLite when no thread is wanted). */
export function storeSink(store: SnapshotStore): ChunkSink {
  return { write: async (c) => store.writeChunk(c), close: () => Promise.resolve() };
}

/** The characters of artifact parts posted to the writer thread in one message (~1-2 MB of UTF-16): few messages, and the writer starts early. */
const PARTS_CHARS = 1 << 19;

export type WriterRequest =
  | { type: 'write'; id: number; chunk: ChunkRowIn }
  | { type: 'begin'; id: number; runId: number; platformLines: { id: string; line: string }[] }
  /** parts [from, from + ends.length) of an artifact, joined: part j is text[ends[j - 1], ends[j]) (one string crosses to the thread, not thousands) */
  | { type: 'parts'; id: number; runId: number; name: string; from: number; text: string; ends: Int32Array }
  | { type: 'end'; id: number; runId: number; finishedAt: string; summary: string }
  | { type: 'abort'; id: number; runId: number }
  | { type: 'checkpoint'; id: number }
  | { type: 'close' };
export type WriterReply =
  | { type: 'ready' }
  | { type: 'failed'; code: string; message: string }
  | { type: 'done'; id: number; wrote: boolean }
  | { type: 'error'; id: number; code: string; message: string };

const codeOf = (c: string): ErrorCode => (c in ERROR_CODES ? (c as ErrorCode) : 'E_STORE');

/** The buffer of `u` when `u` owns its whole memory (it can be moved to another thread); undefined: copy it. */
export function movable(u: Uint8Array): ArrayBuffer | undefined {
  const b = u.buffer;
  if (!(b instanceof ArrayBuffer) || u.byteOffset !== 0 || u.byteLength !== b.byteLength || isMarkedAsUntransferable(b)) return undefined;
  return b;
}

export class SqliteWriterThread implements ChunkSink {
  private readonly pending = new Map<number, { resolve: (wrote: boolean) => void; reject: (e: unknown) => void }>();
  private next = 0;
  /** set once the thread is gone or broken: every write from then on rejects with it */
  private broken: TalentmatchError | undefined;
  private closing: Promise<void> | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly path: string,
    private readonly worker: Worker,
  ) {
    worker.on('message', (m: WriterReply) => {
      if (m.type !== 'done' && m.type !== 'error') return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.type === 'done') p?.resolve(m.wrote);
      else p?.reject(new TalentmatchError(codeOf(m.code), m.message));
    });
    worker.on('error', (e) => this.fail(`${path}: the chunk writer thread failed (${e.message})`));
    this.exited = new Promise((done) =>
      worker.once('exit', (code) => {
        if (this.pending.size > 0 || !this.closing) this.fail(`${path}: the chunk writer thread stopped (exit code ${code})${this.pending.size > 0 ? ` with ${this.pending.size} chunk writes in flight` : ''}`);
        done();
      }),
    );
  }

  /** Starts the thread and waits until it has opened the database (an open error rejects here, coded). */
  static async open(path: string): Promise<SqliteWriterThread> {
    const isTs = import.meta.url.endsWith('.ts');
    const worker = new Worker(new URL(isTs ? './writerThread.ts' : './writerThread.js', import.meta.url), {
      workerData: { path },
      ...(isTs ? { execArgv: ['--import', import.meta.resolve('tsx')] } : {}),
    });
    const first = await new Promise<WriterReply | Error>((resolve) => {
      worker.once('message', resolve);
      worker.once('error', resolve);
      worker.once('exit', (code) => resolve(new Error(`exit code ${code}`)));
    });
    if (first instanceof Error || first.type !== 'ready') {
      await worker.terminate();
      if (first instanceof Error) throw new TalentmatchError('E_STORE', `${path}: the chunk writer thread did not start (${first.message})`);
      throw new TalentmatchError(first.type === 'failed' ? codeOf(first.code) : 'E_INTERNAL', first.type === 'failed' ? first.message : `${path}: the chunk writer thread answered ${first.type} before ready`);
    }
    return new SqliteWriterThread(path, worker);
  }

  write(c: ChunkRowIn): Promise<boolean> {
    const transfer = new Set<ArrayBuffer>();
    for (const u of [c.rows, c.candidates]) {
      const b = u instanceof Uint8Array ? movable(u) : undefined;
      if (b) transfer.add(b);
    }
    return this.request((id) => ({ type: 'write', id, chunk: c }), 'a chunk write', [...transfer]);
  }

  async complete(runId: number, platformLines: { id: string; line: string }[], artifacts: Record<string, Iterable<string> | AsyncIterable<string>>, finishedAt: string, summary: string): Promise<void> {
    const answers: Promise<boolean>[] = [];
    const ask = (make: (id: number) => WriterRequest): void => {
      const a = this.request(make, 'publishing');
      a.catch(() => undefined); // heard below, once every part is posted
      answers.push(a);
    };
    ask((id) => ({ type: 'begin', id, runId, platformLines }));
    try {
      for (const [name, body] of Object.entries(artifacts)) {
        let from = 0;
        let parts: string[] = [];
        let chars = 0;
        const send = (): void => {
          const at = from;
          const text = parts.join('');
          const ends = new Int32Array(parts.length);
          for (let j = 0, e = 0; j < parts.length; j++) ends[j] = e += parts[j].length;
          ask((id) => ({ type: 'parts', id, runId, name, from: at, text, ends }));
          from += parts.length;
          parts = [];
          chars = 0;
        };
        for await (const part of body) {
          parts.push(part);
          chars += part.length;
          if (chars >= PARTS_CHARS) send();
        }
        if (parts.length > 0) send();
      }
    } catch (e) {
      await this.abort(runId, answers);
      throw e;
    }
    ask((id) => ({ type: 'end', id, runId, finishedAt, summary }));
    try {
      await Promise.all(answers);
    } catch (e) {
      await this.abort(runId, answers);
      throw e;
    }
  }

  /** A publication that failed (formatting, or a step on the writer): what it stored is deleted, the run left running (resumable). */
  private async abort(runId: number, answers: Promise<boolean>[]): Promise<void> {
    await Promise.allSettled(answers);
    await this.request((id) => ({ type: 'abort', id, runId }), 'an abort').catch(() => undefined); // a writer gone: the rows are invisible, resume deletes them
  }

  checkpoint(): void {
    // answered in order like the rest; nothing waits for it, and a checkpoint that cannot run
    // (busy) leaves the work to a later commit, as before
    this.request((id) => ({ type: 'checkpoint', id }), 'a checkpoint').catch(() => undefined);
  }

  /** Posts one request; its answer (in the order posted) settles the promise. */
  private request(make: (id: number) => WriterRequest, what: string, transfer: ArrayBuffer[] = []): Promise<boolean> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.closing) return Promise.reject(new TalentmatchError('E_INTERNAL', `${this.path}: ${what} after the chunk writer was closed`));
    const id = this.next++;
    return new Promise<boolean>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(make(id), transfer);
    });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      // the thread answers the writes posted before the close, then closes its connection and exits
      if (!this.broken) this.worker.postMessage({ type: 'close' } satisfies WriterRequest);
      else await this.worker.terminate();
      await this.exited;
    })();
    return this.closing;
  }

  private fail(message: string): void {
    this.broken ??= new TalentmatchError('E_STORE', message);
    for (const p of this.pending.values()) p.reject(this.broken);
    this.pending.clear();
  }
}

/** The sink for a batch's store: a writer thread for a SQLite file, the store itself otherwise. */
export async function chunkSink(store: SnapshotStore, db: string, sqlite: boolean): Promise<ChunkSink> {
  return sqlite ? SqliteWriterThread.open(db) : storeSink(store);
}
