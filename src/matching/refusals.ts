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
  /** p has no room for t (needing `need` seats) and ranks pair e below its lowest holder */
  refuses(p: number, e: number, t: number, need: number): boolean {
    if (this.room[p] >= need) return false;
    const be = this.ps.b[e];
    const bar = this.barB[p];
    return !(be > bar || (be === bar && t < this.barT[p]));
  }
}
