/**
 * The platform side of a pair as the kernel reads it (kernel.ts scoreSpan): every platform
 * input one slot per platform in a given order, with the capacity term's platform-only
 * arithmetic done once per platform instead of once per pair. The pruned ranker's side is in
 * the blocks' order (bounds.ts PlatformBlocks.side), so a block's pairs read their inputs as
 * contiguous spans, at the same positions as their cosines; the unpruned kernel's is in
 * platform order (sideOf). Each hoisted value is the same operation on the same operands as
 * the kernel did per pair, so the same bits.
 */
import type { PlatformFeatures } from '../features/build.js';
import { STAGE_COLUMNS } from '../features/build.js';

export interface PairSide {
  /** the platform at each slot (slot = platform in platform order; the blocks' `order` otherwise) */
  order: Int32Array;
  dims: number;
  /** per slot: the industry vector (dims values at slot * dims) and the stage fits (STAGE_COLUMNS at slot * STAGE_COLUMNS) */
  industry: Float32Array;
  stageFit: Float64Array;
  offerMask: Uint8Array;
  freeSlots: Int32Array;
  freeSeats: Int32Array;
  /** 0.5 * (freeSlots / slots): the capacity term's slot half (terms.ts capacityTerm; read only for a platform with a free slot, so slots > 0) */
  slotHalf: Float64Array;
  /** max(1, seats): the denominator of the capacity term's seat half */
  seatDen: Float64Array;
  capital: Float64Array;
  signing: Float64Array;
  zh: Float64Array;
}

/** P's pair inputs with slot j holding platform order[j] (O(platforms x (dims + stage columns))). */
export function pairSide(P: PlatformFeatures, dims: number, order: Int32Array): PairSide {
  const M = order.length;
  const D = dims;
  const S = STAGE_COLUMNS;
  const side: PairSide = {
    order,
    dims: D,
    industry: new Float32Array(M * D),
    stageFit: new Float64Array(M * S),
    offerMask: new Uint8Array(M),
    freeSlots: new Int32Array(M),
    freeSeats: new Int32Array(M),
    slotHalf: new Float64Array(M),
    seatDen: new Float64Array(M),
    capital: new Float64Array(M),
    signing: new Float64Array(M),
    zh: new Float64Array(M),
  };
  for (let j = 0; j < M; j++) {
    const p = order[j];
    side.industry.set(P.industry.subarray(p * D, p * D + D), j * D);
    side.stageFit.set(P.stageFit.subarray(p * S, p * S + S), j * S);
    side.offerMask[j] = P.offerMask[p];
    side.freeSlots[j] = P.freeSlots[p];
    side.freeSeats[j] = P.freeSeats[p];
    side.slotHalf[j] = 0.5 * (P.freeSlots[p] / P.slots[p]);
    side.seatDen[j] = Math.max(1, P.seats[p]);
    side.capital[j] = P.capital[p];
    side.signing[j] = P.signing[p];
    side.zh[j] = P.zh[p];
  }
  return side;
}

/**
 * P's pair inputs in platform order, built once per platform features and dims (the
 * unpruned kernel reads them for every row). A side's platform features are never changed
 * once built (what a matching changes, it copies: ranking/blockScan.ts blocksOf).
 */
const platformOrder = new WeakMap<PlatformFeatures, PairSide>();
export function sideOf(P: PlatformFeatures, dims: number): PairSide {
  let s = platformOrder.get(P);
  if (s === undefined || s.dims !== dims) platformOrder.set(P, (s = pairSide(P, dims, Int32Array.from({ length: P.count }, (_, i) => i))));
  return s;
}
