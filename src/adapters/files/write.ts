/**
 * Atomic file output: written into a temporary file beside the target and renamed into place
 * once complete, so a reader never sees half a result. Honours stream backpressure and
 * never joins the whole output into one string.
 */
import { createWriteStream, rmSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { TalentmatchError } from '../../errors.js';
import { releaseNow } from '../../util/release.js';
import { ioReason } from './lines.js';

/**
 * The input files of the command running (a dataset's taxonomy, policy, platforms, talents and
 * outcomes; readReferences registers them), by device and inode: an output never replaces
 * one. `recommend --out DATA/talents.jsonl` replaced the talents with the recommendations,
 * without a word. Weights are left out: `tune --out DATA/weights.json` replaces them on purpose.
 */
const inputs = new Map<string, string>();
const fileKey = (s: Stats) => `${s.dev}:${s.ino}`;
export function protectInput(path: string, role: string): void {
  try {
    inputs.set(fileKey(statSync(path)), role);
  } catch {
    /* not there: reading it reports that */
  }
}
/** Forgets the inputs (main() calls it when a command ends). */
export function forgetInputs(): void {
  inputs.clear();
}

async function statOf(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

/**
 * Whether `path` is written as it is rather than replaced: something that exists and is
 * neither a regular file nor a folder (a FIFO, `/dev/stdout`, `/dev/null`, or a link to one).
 * Renaming a finished file onto it replaced the pipe, device or link itself with a regular
 * file: as root, `--out /dev/stdout` turned /dev/stdout into a file for every process.
 */
function writtenInPlace(s: Stats | undefined): boolean {
  return s !== undefined && !s.isFile() && !s.isDirectory();
}

/**
 * Temporary files and folders of outputs being written, removed when SIGINT, SIGTERM or
 * SIGHUP ends the process: a kill runs no `finally`, and `FILE.PID.tmp` (or the `.partial-*`
 * folder of a set of files, writeFolder) was left beside the target. The handler is installed
 * only for a signal nothing else handles (serve and worker close gracefully on their own) and raises the signal
 * again once the files are gone, so the process still ends by it (exit 130, 143, 129).
 */
const pending = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
function removePending(sig: NodeJS.Signals): void {
  for (const p of pending) rmSync(p, { recursive: true, force: true });
  pending.clear();
  for (const s of SIGNALS) process.removeListener(s, removePending);
  process.kill(process.pid, sig);
}

/** Registers a temporary path to be removed if a signal ends the process; returns its release. */
export function removedOnSignal(path: string): () => void {
  if (pending.size === 0) for (const s of SIGNALS) if (process.listenerCount(s) === 0) process.on(s, removePending);
  pending.add(path);
  return () => {
    pending.delete(path);
    if (pending.size === 0) for (const s of SIGNALS) process.removeListener(s, removePending);
  };
}

/**
 * The checks of a file output, made before anything is written (and by a long command up
 * front, `checkOutput`): not one of the command's inputs, not a folder, its folder created.
 * Returns the target's stats (undefined: not there yet).
 */
async function outputFile(path: string): Promise<Stats | undefined> {
  const target = await statOf(path);
  const role = target?.isFile() ? inputs.get(fileKey(target)) : undefined;
  if (role !== undefined) throw new TalentmatchError('E_IO', `${path}: cannot write (it is this command's ${role} input; choose another output file)`);
  if (target?.isDirectory()) throw new TalentmatchError('E_IO', `${path}: cannot write (is a directory)`);
  if (!writtenInPlace(target)) {
    try {
      await mkdir(dirname(path), { recursive: true });
    } catch (e) {
      throw new TalentmatchError('E_IO', `${path}: cannot write (${mkdirReason(e)})`);
    }
  }
  return target;
}

/** The checks of a folder output (writeFolder): created, or an E_IO naming what is in the way. */
async function outputFolder(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new TalentmatchError('E_IO', `${dir}: cannot create the output folder (${mkdirReason(e)})`);
  }
}

/**
 * An output checked up front, as writeChunks (a file) or writeFolder (`folder`) will check it,
 * by a command that writes it only after a long run (batch --out / --report failed after the
 * whole batch).
 */
export async function checkOutput(path: string, o: { folder?: boolean } = {}): Promise<void> {
  if (o.folder) await outputFolder(path);
  else await outputFile(path);
}

function writeError(path: string, e: unknown): TalentmatchError {
  return new TalentmatchError('E_IO', `${path}: cannot write (${ioReason(e)})`);
}

/** A recursive mkdir's failure in words: EEXIST (the folder's own path) and ENOTDIR (a parent's) mean a file stands where a folder should be. */
const mkdirReason = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way of a folder' : ioReason(e);
};

/**
 * Writes raw chunks back to back (strings as UTF-8, byte arrays as they are). With
 * `consume`, byte chunks are handed over with their buffers: each is freed once written (the
 * caller keeps no reference to it, nor to the rest of its buffer: a chunk may be the head of
 * a larger one, engine/jsonBytes.ts take).
 */
export async function writeChunks(path: string, chunks: Iterable<string> | AsyncIterable<string | Uint8Array>, o: { consume?: boolean } = {}): Promise<void> {
  const inPlace = writtenInPlace(await outputFile(path));
  const tmp = inPlace ? path : `${path}.${process.pid}.tmp`;
  const release = inPlace ? () => undefined : removedOnSignal(tmp);
  const out = createWriteStream(tmp, { encoding: 'utf8' });
  // A write fails after write() returned (a full disk, a pipe whose reader left), often while
  // the producer is being awaited and nothing waits on the stream: kept here, it fails the
  // next step (once emitted with no listener, it crashed the process with a stack trace).
  let failed: { e: unknown } | undefined;
  out.on('error', (e) => void (failed ??= { e }));
  const check = (): void => {
    if (failed) throw failed.e;
  };
  try {
    let buf = '';
    // returns a promise only when the stream asks to wait (no await per chunk otherwise)
    const add = (c: string | Uint8Array): Promise<unknown> | undefined => {
      check();
      if (typeof c !== 'string') {
        if (buf) out.write(buf);
        buf = '';
        // freed now, not at the next collection (util/release.ts): a process that only writes what
        // workers made allocates almost nothing itself, so collections are rare and received
        // buffers piled up (350 MB at 100k x 1k recommend, docs/PERFORMANCE.md)
        const done = o.consume ? () => void releaseNow(c, true) : undefined;
        return out.write(c, done) ? undefined : once(out, 'drain');
      }
      buf += c;
      if (buf.length < 1 << 16) return undefined;
      const ok = out.write(buf);
      buf = '';
      return ok ? undefined : once(out, 'drain');
    };
    if (Symbol.asyncIterator in chunks) {
      const it = chunks[Symbol.asyncIterator]();
      for (;;) {
        let r: IteratorResult<string | Uint8Array>;
        try {
          r = await it.next();
        } catch (e) {
          throw new SourceError(e);
        }
        if (r.done) break;
        await add(r.value);
      }
    } else {
      const it = chunks[Symbol.iterator]();
      for (;;) {
        let r: IteratorResult<string>;
        try {
          r = it.next();
        } catch (e) {
          throw new SourceError(e);
        }
        if (r.done) break;
        const wait = add(r.value);
        if (wait) await wait;
      }
    }
    check();
    if (buf) out.write(buf);
    out.end();
    await once(out, 'finish');
    if (!inPlace) await rename(tmp, path);
  } catch (e) {
    // the stream opens its file asynchronously: removed before that open completes, the file
    // would be created after the removal and left behind, so the stream is closed first
    out.destroy();
    if (!out.closed) await once(out, 'close').catch(() => undefined);
    if (!inPlace) await rm(tmp, { force: true });
    // a failure of whatever produces the chunks is its own error, not a write error
    if (e instanceof SourceError) throw e.cause;
    throw writeError(path, e);
  } finally {
    release();
  }
}

/** An error thrown by the chunks' producer (passed on as it is). */
class SourceError {
  constructor(readonly cause: unknown) {}
}

/** Writes lines, each followed by a newline; returns how many. */
export async function writeLines(path: string, lines: Iterable<string> | AsyncIterable<string>): Promise<number> {
  let n = 0;
  if (Symbol.asyncIterator in lines) {
    await writeChunks(path, (async function* () {
      for await (const line of lines) {
        n++;
        yield line + '\n';
      }
    })());
    return n;
  }
  await writeChunks(path, (function* () {
    for (const line of lines) {
      n++;
      yield line + '\n';
    }
  })());
  return n;
}

/** Writes parts back to back, then one newline. */
export async function writeParts(path: string, parts: Iterable<string> | AsyncIterable<string>): Promise<void> {
  if (Symbol.asyncIterator in parts) {
    await writeChunks(path, (async function* () {
      yield* parts;
      yield '\n';
    })());
    return;
  }
  await writeChunks(path, (function* () {
    yield* parts;
    yield '\n';
  })());
}

/**
 * Writes a set of files into `dir` together: `write` puts them into a temporary folder inside
 * `dir` (its argument), and they are renamed into place only once every one is complete, so a
 * command failing midway leaves the previous files as they were and none of its own (`run`
 * left this run's recommendations and scores beside the last run's assignment when its
 * assignment failed). The temporary folder goes in every case, and on a signal.
 */
export async function writeFolder<T>(dir: string, write: (tmp: string) => Promise<T>): Promise<T> {
  await outputFolder(dir);
  const tmp = await mkdtemp(join(dir, '.partial-'));
  const release = removedOnSignal(tmp);
  try {
    const out = await write(tmp);
    for (const n of await readdir(tmp)) {
      try {
        await rename(join(tmp, n), join(dir, n));
      } catch (e) {
        throw writeError(join(dir, n), e);
      }
    }
    return out;
  } finally {
    await rm(tmp, { recursive: true, force: true });
    release();
  }
}
