/**
 * The quick refusal both stable passes (stable.ts talentProposing, repair.ts resolveBlocking)
 * make on every pair they look at, from flat per-platform numbers (cache-resident, no call, no
 * read of the holders' pair arrays): a platform can take pair e of talent t only when t fits (a
 * free slot and enough free seats) or e ranks above the platform's lowest-ranked holder.
 * room[p] is capacity.ts roomFor (t fits exactly when room[p] >= its seats); barB / barT are
 * the lowest holder's platform score and talent (+Infinity / -1 with no holder: no pair ranks
 * above it), compared as pairs.ts platformPrefers compares. The owner calls `sync` whenever
 * p's holders or ledger change.
 */
import type { PairSet } from './pairs.js';
import { ranksAbove } from './pairs.js';
import type { CapacityLedger } from './capacity.js';
import { roomFor } from './capacity.js';

export class Refusals {
  readonly room: Float64Array;
  readonly barB: Float64Array;
  readonly barT: Int32Array;
  constructor(
    private readonly ps: PairSet,
    private readonly ledger: CapacityLedger,
  ) {
    const M = ps.platforms;
    this.room = new Float64Array(M);
    this.barB = new Float64Array(M);
    this.barT = new Int32Array(M);
  }
  /** p's ledger as it stands and its lowest-ranked holder `w` (-1: none) */
  sync(p: number, w: number): void {
    this.room[p] = roomFor(this.ledger.slotsLeft[p], this.ledger.seatsLeft[p]);
    this.barB[p] = w < 0 ? Infinity : this.ps.b[w];
    this.barT[p] = w < 0 ? -1 : this.ps.talentOf[w];
  }
  /**
   * The first of talent t's pairs from..end-1 whose platform is not known to refuse it (`end`
   * when every one does): a platform refuses pair e when it has no room for t (needing `need`
   * seats) and ranks e below its lowest holder. One tight loop over the list (the passes
   * spend most of their time here: ~4M pairs a scan at 100k x 1k).
   */
  firstUnrefused(t: number, from: number, end: number, need: number): number {
    const { room, barB, barT } = this;
    const { plat, b } = this.ps;
    for (let e = from; e < end; e++) {
      const p = plat[e];
      if (room[p] >= need) return e;
      if (ranksAbove(b[e], t, barB[p], barT[p])) return e;
    }
    return end;
  }
}
