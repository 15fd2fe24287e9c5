/**
 * Writes lines to a file atomically: into a temporary file beside it, renamed into place
 * once complete, so a reader never sees half a result. Honours stream backpressure.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { TalentmatchError } from '../../errors.js';

export async function writeLines(path: string, lines: Iterable<string>): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const out = createWriteStream(tmp, { encoding: 'utf8' });
  let n = 0;
  try {
    let buf = '';
    for (const line of lines) {
      buf += line + '\n';
      n++;
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
  return n;
}

export async function writeText(path: string, text: string): Promise<void> {
  await writeLines(path, [text.endsWith('\n') ? text.slice(0, -1) : text]);
}
