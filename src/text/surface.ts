/**
 * The analyzer's surface table (text/analyzer.ts): surface words and Han runs, as
 * normalised, -> what the analyzer made of them, looked up by a text's own code units
 * without a substring. Open addressing over FNV-1a hashes of the folded units, four ints
 * per cell (one cache line per probe): the hash, where the key's units start in `pool`,
 * how many (-1: an empty cell), and the value: a latin word's slot (-1 when the tokenizer
 * drops the word), or for a Han run -2 - p, its slots at `runs[p + 1 ..]` after their count
 * at `runs[p]`. A word has no Han unit and a run nothing else: their keys never clash.
 * Bounded: cleared when it holds `max` keys (words and runs together). Pure computation.
 */
import { FOLDED } from './fold.js';

/** What `find` answers for a key that is not there (no value is this low: a run pool of 2^30 ints would be 4 GiB); a small integer, as every value. */
export const MISSING = -0x40000000;

/** FNV-1a's offset basis; a key's hash is h = imul(h ^ unit, FNV_PRIME) over its units from here. */
export const FNV_BASIS = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** The FNV-1a hash of a string's units (as the analyzer's scan computes it while it reads them). */
export function hashUnits(s: string): number {
  let h = FNV_BASIS;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

function emptyCells(size: number): Int32Array {
  const cells = new Int32Array(size * 4);
  for (let at = 2; at < cells.length; at += 4) cells[at] = -1;
  return cells;
}

export class SurfaceTable {
  private cells = emptyCells(4096);
  private size = 0;
  private pool = new Uint16Array(1 << 15);
  private poolSize = 0;
  /** Han runs' slots: a count, then the slots (read them at `-2 - value`) */
  runs = new Int32Array(1 << 14);
  private runsSize = 0;

  constructor(private readonly max: number) {}

  /**
   * The value of the units s[a, b) (hash h of their folded forms), or MISSING: compared unit
   * by unit, folded unless `same` (every unit is its own folded form).
   */
  find(s: string, a: number, b: number, h: number, same: boolean): number {
    const { cells, pool } = this;
    const mask = cells.length - 4;
    const n = b - a;
    for (let at = (h << 2) & mask; ; at = (at + 4) & mask) {
      const len = cells[at + 2];
      if (len < 0) return MISSING;
      if (cells[at] !== h || len !== n) continue;
      let p = cells[at + 1];
      let j = a;
      if (same) {
        while (j < b && pool[p] === s.charCodeAt(j)) {
          p++;
          j++;
        }
      } else {
        while (j < b && pool[p] === FOLDED[s.charCodeAt(j)]) {
          p++;
          j++;
        }
      }
      if (j === b) return cells[at + 3];
    }
  }

  /** Enters word w (hash h) with its slot, or -1 when dropped. */
  addWord(w: string, h: number, id: number): void {
    this.enter(w, h, id);
  }

  /** Enters Han run `run` (hash h) with its `n` slots at src[from ..]. */
  addRun(run: string, h: number, src: Int32Array, from: number, n: number): void {
    if (this.size >= this.max) this.reset(this.cells.length >> 2);
    if (this.runsSize + n + 1 > this.runs.length) {
      const next = new Int32Array(Math.max(this.runsSize + n + 1, this.runs.length * 2));
      next.set(this.runs.subarray(0, this.runsSize));
      this.runs = next;
    }
    const p = this.runsSize;
    this.runs[p] = n;
    this.runs.set(src.subarray(from, from + n), p + 1);
    this.runsSize += n + 1;
    this.enter(run, h, -2 - p);
  }

  /** Enters key w (hash h): the table cleared first when it holds `max` keys, doubled when half full. */
  private enter(w: string, h: number, value: number): void {
    const cellCount = this.cells.length >> 2;
    if (this.size >= this.max) this.reset(cellCount);
    else if ((this.size + 1) * 2 > cellCount) this.reset(cellCount * 2, true);
    if (this.poolSize + w.length > this.pool.length) {
      const pool = new Uint16Array(Math.max(this.poolSize + w.length, this.pool.length * 2));
      pool.set(this.pool.subarray(0, this.poolSize));
      this.pool = pool;
    }
    const start = this.poolSize;
    for (let j = 0; j < w.length; j++) this.pool[start + j] = w.charCodeAt(j);
    this.poolSize += w.length;
    this.insert(h, start, w.length, value);
  }

  private insert(h: number, start: number, len: number, value: number): void {
    const cells = this.cells;
    const mask = cells.length - 4;
    let at = (h << 2) & mask;
    while (cells[at + 2] >= 0) at = (at + 4) & mask;
    cells[at] = h;
    cells[at + 1] = start;
    cells[at + 2] = len;
    cells[at + 3] = value;
    this.size++;
  }

  /** A table of `cellCount` cells: empty (the pools forgotten), or holding the current entries (`keep`). */
  private reset(cellCount: number, keep = false): void {
    const old = this.cells;
    this.cells = emptyCells(cellCount);
    this.size = 0;
    if (keep) {
      for (let at = 0; at < old.length; at += 4) if (old[at + 2] >= 0) this.insert(old[at], old[at + 1], old[at + 2], old[at + 3]);
    } else {
      this.poolSize = 0;
      this.runsSize = 0;
    }
  }
}
