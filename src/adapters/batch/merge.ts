/**
 * Exact merge of the chunks' platform-side candidates: per platform, the best kPlatform
 * of all chunks by (score desc, talent id asc), with their explanations.
 */
import { deserialize, serialize } from 'node:v8';
import { TERMS } from '../../config/weights.js';
import { CANDIDATE_WIDTH } from '../../workers/chunk.js';
import type { ChunkResult } from '../../workers/chunk.js';

export function encodeCandidates(r: Pick<ChunkResult, 'candCount' | 'candIds' | 'candValues'>): Buffer {
  return serialize({ count: r.candCount, ids: r.candIds, values: r.candValues });
}

interface Cand {
  id: string;
  v: Float64Array;
}

export class CandidateMerger {
  private readonly lists: Cand[][];
  constructor(
    platforms: number,
    private readonly k: number,
  ) {
    this.lists = Array.from({ length: platforms }, () => []);
  }

  add(blob: Buffer): void {
    const { count, ids, values } = deserialize(blob) as { count: Int32Array; ids: string[]; values: Float64Array };
    let c = 0;
    for (let p = 0; p < count.length; p++) {
      const list = this.lists[p];
      for (let j = 0; j < count[p]; j++, c++) {
        const v = values.subarray(c * CANDIDATE_WIDTH, (c + 1) * CANDIDATE_WIDTH);
        const id = ids[c];
        // insertion into a short sorted list (k is small): score desc, id asc
        let at = list.length;
        while (at > 0 && (list[at - 1].v[0] < v[0] || (list[at - 1].v[0] === v[0] && list[at - 1].id > id))) at--;
        if (at >= this.k) continue;
        list.splice(at, 0, { id, v: v.slice() });
        if (list.length > this.k) list.pop();
      }
    }
  }

  /** The platform's line, in the contract's format (same bytes as the in-process output). */
  line(platformId: string, p: number): string {
    const items = this.lists[p].map((c) => ({
      id: c.id,
      score: c.v[0],
      forward: c.v[1],
      backward: c.v[2],
      why: Object.fromEntries(TERMS.map((t, i) => [t, c.v[3 + i]])),
    }));
    return JSON.stringify({ side: 'platform', id: platformId, items });
  }
}
