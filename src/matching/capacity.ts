/**
 * The slot and seat ledger: the one place that says whether a talent fits a platform.
 * Every matcher, repair, blocking-pair count and why-not reason asks it.
 *
 * The rule (contract, Assignment): a platform can take a talent when it has at least one
 * free slot and at least as many free seats as the talent's team needs. A team needing
 * exactly the free seats fits; a platform with exactly one free slot takes one more.
 */

/**
 * The seats a platform can still give one more talent, from its free slots/seats after its
 * current holders: its free seats when a slot is free, else -Infinity (nobody fits). A talent
 * fits exactly when its seat need is at most this (`fits`; the stable matchers keep it per
 * platform: refusals.ts Refusals).
 */
export function roomFor(slotsFree: number, seatsFree: number): number {
  return slotsFree > 0 ? seatsFree : -Infinity;
}

/** free slots/seats of a platform after its current holders, and the talent's seat need */
export function fits(slotsFree: number, seatsFree: number, need: number): boolean {
  return roomFor(slotsFree, seatsFree) >= need;
}

/** Slots and seats a platform has; seats each talent needs. PairSet satisfies it. */
export interface Capacities {
  readonly platforms: number;
  readonly freeSlots: Int32Array;
  readonly freeSeats: Int32Array;
  /** seats each talent needs */
  readonly seats: Int32Array;
}

/** What is left at each platform as talents join and leave. */
export class CapacityLedger {
  readonly slotsLeft: Int32Array;
  readonly seatsLeft: Int32Array;
  /** talents and seats taken at each platform through this ledger */
  readonly count: Int32Array;
  readonly seatsUsed: Int32Array;

  constructor(private readonly cap: Capacities) {
    this.slotsLeft = cap.freeSlots.slice();
    this.seatsLeft = cap.freeSeats.slice();
    this.count = new Int32Array(cap.platforms);
    this.seatsUsed = new Int32Array(cap.platforms);
  }

  /** A ledger holding a matching's pairs (pairOf: pair per talent or -1; platformOf: pair -> platform). */
  static of(cap: Capacities, pairOf: ArrayLike<number>, platformOf: ArrayLike<number>): CapacityLedger {
    const l = new CapacityLedger(cap);
    for (let t = 0; t < pairOf.length; t++) if (pairOf[t] >= 0) l.join(platformOf[pairOf[t]], t);
    return l;
  }

  need(t: number): number {
    return this.cap.seats[t];
  }

  /** p can take t as things stand */
  fits(p: number, t: number): boolean {
    return fits(this.slotsLeft[p], this.seatsLeft[p], this.cap.seats[t]);
  }

  /** p could take t if talent u (held at p) left */
  fitsInstead(p: number, t: number, u: number): boolean {
    return fits(this.slotsLeft[p] + 1, this.seatsLeft[p] + this.cap.seats[u], this.cap.seats[t]);
  }

  join(p: number, t: number): void {
    this.slotsLeft[p]--;
    this.seatsLeft[p] -= this.cap.seats[t];
    this.count[p]++;
    this.seatsUsed[p] += this.cap.seats[t];
  }

  leave(p: number, t: number): void {
    this.slotsLeft[p]++;
    this.seatsLeft[p] += this.cap.seats[t];
    this.count[p]--;
    this.seatsUsed[p] -= this.cap.seats[t];
  }

  /** no platform holds more talents than slots or more seats than it has */
  withinLimits(): boolean {
    for (let p = 0; p < this.cap.platforms; p++) if (this.slotsLeft[p] < 0 || this.seatsLeft[p] < 0) return false;
    return true;
  }
}
