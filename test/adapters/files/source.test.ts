import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
