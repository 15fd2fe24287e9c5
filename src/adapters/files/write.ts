/**
 * Atomic file output: written into a temporary file beside the target and renamed into place
 * once complete, so a reader never sees half a result. Honours stream backpressure and
 * never joins the whole output into one string.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { TalentmatchError } from '../../errors.js';

/** Writes raw string chunks back to back. */
export async function writeChunks(path: string, chunks: Iterable<string> | AsyncIterable<string>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const out = createWriteStream(tmp, { encoding: 'utf8' });
  try {
    let buf = '';
    // returns a promise only when the stream asks to wait (no await per chunk otherwise)
    const add = (c: string): Promise<unknown> | undefined => {
      buf += c;
      if (buf.length < 1 << 16) return undefined;
      const ok = out.write(buf);
      buf = '';
      return ok ? undefined : once(out, 'drain');
    };
    if (Symbol.asyncIterator in chunks) {
      for await (const c of chunks) await add(c);
    } else {
      for (const c of chunks) {
        const wait = add(c);
        if (wait) await wait;
      }
    }
    if (buf) out.write(buf);
    out.end();
    await once(out, 'finish');
    await rename(tmp, path);
  } catch (e) {
    out.destroy();
    await rm(tmp, { force: true });
    throw new TalentmatchError('E_IO', `${path}: cannot write (${(e as Error).message})`);
  }
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
