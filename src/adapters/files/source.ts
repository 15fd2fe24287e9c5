/**
 * The talents input of a batch, read once. A regular file is hashed up front (the run's
 * fingerprint, for --resume) and hashed again as it streams; the two must agree. Anything
 * else (a pipe, `<(cat f)`, a FIFO) can only be read once: it is copied into a private
 * temporary file while being hashed, and the run reads that copy. Before this a pipe was
 * drained by the hash and the run saw an empty file (and published a snapshot of 0 talents).
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ioError } from './lines.js';
import { removedOnSignal } from './write.js';

export interface TalentsSource {
  /** the path to read (the file itself, or the private copy of a pipe) */
  path: string;
  /** SHA-256 of the content, hex */
  hash: string;
  /** size in bytes */
  bytes: number;
  cleanup(): void;
}

/**
 * Read size of the up-front hash. It reads synchronously: nothing else is to be done before
 * the fingerprint, and 1 MB reads without an event-loop turn between them hashed the 116 MB of
 * 100k talents in ~0.1 s where the stream's 64 KB reads took 0.17-0.45 s (the batch's scorer
 * threads waited on it).
 */
const HASH_READ_BYTES = 1 << 20;

function fileHash(path: string): string {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(HASH_READ_BYTES);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) h.update(buf.subarray(0, n));
  } catch (e) {
    throw ioError(path, e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return h.digest('hex');
}

export async function talentsSource(path: string): Promise<TalentsSource> {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw ioError(path, e);
  }
  if (st.isDirectory()) throw ioError(path, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
  if (st.isFile()) return { path, hash: fileHash(path), bytes: st.size, cleanup: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'talentmatch-input-'));
  // a batch killed by a signal runs no cleanup: the copy (the whole talents file) was left in the temporary folder
  const release = removedOnSignal(dir);
  const drop = () => {
    rmSync(dir, { recursive: true, force: true });
    release();
  };
  const copy = join(dir, 'talents.jsonl');
  const h = createHash('sha256');
  const out = createWriteStream(copy);
  const input = createReadStream(path);
  try {
    for await (const chunk of input) {
      h.update(chunk as Buffer);
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  } catch (e) {
    out.destroy();
    drop();
    throw ioError(path, e);
  } finally {
    input.destroy();
  }
  return { path: copy, hash: h.digest('hex'), bytes: statSync(copy).size, cleanup: drop };
}

/** A running SHA-256 of what the batch streamed, to compare with the source's hash at the end. */
export function streamHash() {
  return createHash('sha256');
}
