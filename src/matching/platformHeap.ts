/**
 * An indexed binary min-heap over platform ids keyed by a distance array owned by the
 * caller (decrease-key in place): the priority queue of the sparse Dijkstra in
 * ./transport.ts. Ties go to the lower platform id, so the search order, and with it
 * the assignment, is the same on every run.
 */
export class PlatformHeap {
  readonly items: Int32Array;
  /** position of each platform in items, -1 when absent */
  readonly pos: Int32Array;
  size = 0;

  constructor(M: number, private readonly key: Float64Array) {
    this.items = new Int32Array(M);
    this.pos = new Int32Array(M).fill(-1);
  }

  clear(): void {
    for (let i = 0; i < this.size; i++) this.pos[this.items[i]] = -1;
    this.size = 0;
  }

  /** inserts p, or moves it up after its key fell */
  push(p: number): void {
    let i = this.pos[p];
    if (i < 0) {
      i = this.size++;
      this.items[i] = p;
      this.pos[p] = i;
    }
    this.up(i);
  }

  /** the platform with the smallest key (lowest id on a tie), removed; -1 when empty */
  pop(): number {
    if (this.size === 0) return -1;
    const { items, pos } = this;
    const top = items[0];
    pos[top] = -1;
    const last = items[--this.size];
    if (this.size > 0) {
      items[0] = last;
      pos[last] = 0;
      this.down(0);
    }
    return top;
  }

  /** the smallest key, Infinity when empty */
  peekKey(): number {
    return this.size > 0 ? this.key[this.items[0]] : Infinity;
  }

  private less(a: number, b: number): boolean {
    const ka = this.key[a];
    const kb = this.key[b];
    return ka < kb || (ka === kb && a < b);
  }

  private up(i: number): void {
    const { items, pos } = this;
    const p = items[i];
    while (i > 0) {
      const j = (i - 1) >> 1;
      const q = items[j];
      if (!this.less(p, q)) break;
      items[i] = q;
      pos[q] = i;
      i = j;
    }
    items[i] = p;
    pos[p] = i;
  }

  private down(i: number): void {
    const { items, pos } = this;
    const n = this.size;
    const p = items[i];
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.less(items[c + 1], items[c])) c++;
      if (!this.less(items[c], p)) break;
      items[i] = items[c];
      pos[items[i]] = i;
      i = c;
    }
    items[i] = p;
    pos[p] = i;
  }
}
