/**
 * The batch's chunk kernel: rows in id order whatever the input order, each carrying its
 * talent's content hash — computed, or the sender's (the batch hashes every talent for
 * reuse already) matched to the right talent.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import type { ChunkTask } from '../../src/engine/chunk.js';
import { scoreChunk, talentHash } from '../../src/engine/chunk.js';
import { unpackRows } from '../../src/engine/rows.js';
import { generateDistrict } from '../../src/synth/generate.js';
import { JIANGDONG_POLICY } from '../../src/synth/taxonomy.js';

const d = generateDistrict({ seed: 11, talents: 60, platforms: 9, curated: false });
const e = createEngine({ industries: d.industries, platforms: d.platforms, talents: d.talents, policy: JIANGDONG_POLICY });
// not in id order: the kernel sorts, the hashes must follow their talents
const talents = [...d.talents].reverse();
const task = (hashes?: string[]): ChunkTask => ({ runId: 1, chunkId: 0, startLine: 1, endLine: talents.length, startByte: 0, endByte: 0, key: '', skipLines: [], talents, ...(hashes ? { hashes } : {}), k: 5, kPlatform: 5, maxPrefs: 10 });
const rows = (hashes?: string[]) => [...unpackRows(scoreChunk(e.side, task(hashes), (t) => e.tokens(t)).rows)];

describe('scoreChunk', () => {
  it('rows come in id order with each talent\'s content hash; given hashes follow their talents and change nothing else', () => {
    const computed = rows();
    const ids = computed.map((r) => r.talentId);
    expect(ids).toEqual([...ids].sort());
    const byId = new Map(talents.map((t) => [t.id, t]));
    for (const r of computed) expect(r.hash).toBe(talentHash(byId.get(r.talentId)!));
    // the sender's hashes (tagged so their source shows) land on the talent they belong to
    const given = rows(talents.map((t) => `given-${t.id}`));
    expect(given.map((r) => r.hash)).toEqual(ids.map((id) => `given-${id}`));
    expect(given.map((r) => ({ ...r, hash: '', prefs: [...r.prefs] }))).toEqual(computed.map((r) => ({ ...r, hash: '', prefs: [...r.prefs] })));
  });
});
