import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { talentsSource } from '../../../src/adapters/files/source.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tm-source-'));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('talentsSource: the up-front hash of a regular file', () => {
  it('is the SHA-256 of every byte, whatever the file size against the 1 MB reads (empty, one byte, exactly 1 MB, 2.5 MB)', async () => {
    const d = tmp();
    for (const size of [0, 1, 1 << 20, (1 << 20) + 1, 2.5 * (1 << 20)]) {
      const f = join(d, `t${size}.jsonl`);
      writeFileSync(f, randomBytes(size));
      const s = await talentsSource(f);
      expect(s.path).toBe(f);
      expect(s.bytes).toBe(size);
      expect(s.hash).toBe(sha(readFileSync(f)));
      s.cleanup();
    }
  });

  it('a file that cannot be read is E_IO naming it', async () => {
    const missing = join(tmp(), 'none.jsonl');
    await expect(talentsSource(missing)).rejects.toMatchObject({ code: 'E_IO', message: `${missing}: cannot read (no such file)` });
  });
});

describe('talentsSource: the private copy of a pipe', () => {
  it('goes when a signal ends the process (a killed batch left the whole talents file in the temporary folder), and the process still ends by the signal', async () => {
    const fifo = join(tmp(), 'talents.pipe');
    execFileSync('mkfifo', [fifo]);
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', `import('${join(process.cwd(), 'src/adapters/files/source.ts')}').then(async ({ talentsSource }) => {
      const s = await talentsSource(${JSON.stringify(fifo)});
      console.log(s.path);
      setInterval(() => undefined, 1000);
    })`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await writeFile(fifo, '{"id":"t-1"}\n');
    let said = '';
    const copied = new Promise<string>((resolve) => child.stdout.on('data', (b: Buffer) => (said += b.toString()).endsWith('\n') && resolve(said.trim())));
    const path = await copied;
    expect(readFileSync(path, 'utf8')).toBe('{"id":"t-1"}\n');
    child.kill('SIGTERM');
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    expect([code, signal]).toEqual([null, 'SIGTERM']);
    expect(existsSync(path)).toBe(false);
  }, 60_000);
});
