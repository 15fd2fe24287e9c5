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
export async function writeChunks(path: string, chunks: Iterable<string>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const out = createWriteStream(tmp, { encoding: 'utf8' });
  try {
    let buf = '';
    for (const c of chunks) {
      buf += c;
      if (buf.length >= 1 << 16) {
        if (!out.write(buf)) await once(out, 'drain');
        buf = '';
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
export async function writeLines(path: string, lines: Iterable<string>): Promise<number> {
  let n = 0;
  await writeChunks(path, (function* () {
    for (const line of lines) {
      n++;
      yield line + '\n';
    }
  })());
  return n;
}

/** Writes parts back to back, then one newline. */
export async function writeParts(path: string, parts: Iterable<string>): Promise<void> {
  await writeChunks(path, (function* () {
    yield* parts;
    yield '\n';
  })());
}
