/**
 * The merged lists' floors on their way to queue workers (ChunkTask.platformFloor): a chunk's
 * talents frame carries them as they were when it was sent (frames.ts), and the coordinator
 * keeps the run's latest under `floorKey` as chunks merge (queue.ts, `mergedFloor`), so a
 * worker scores a chunk against floors as they stand when it takes it, not `inFlight` chunks
 * earlier. A floor only saves work (a chunk's heaps take nothing strictly below it; the stored
 * reserve's bound is canonical): a chunk scored with a lower one, or none, gives the same
 * snapshot; one scored with a floor not of this run would not, so a value that is not an
 * intact frame of the run's platforms is read as none.
 */
import { TalentmatchError } from '../../errors.js';
import { hashInto } from './frames.js';

/**
 * Where the coordinator keeps the merged lists' latest floors for a run (`encodeFloorFrame`, updated
 * as chunks merge): a worker reads them just before it scores a chunk, fresher than those the
 * chunk's talents frame carries (sent `inFlight` chunks earlier). Named by the run's key
 * (DispatchContext.runKey), like its jobs.
 */
export const floorKey = (runKey: string): string => `tm:floor:${runKey}`;

const FLOOR_MAGIC = 0x544d4631; // "TMF1"
const FLOOR_HEADER = 40; // magic u32, platforms u32, SHA-256 of the floors (32 bytes)

/** Per platform floors as one value: a 40-byte header (count and SHA-256) and the doubles, little-endian. */
export function encodeFloorFrame(floor: Float64Array): Buffer {
  const out = Buffer.allocUnsafe(FLOOR_HEADER + floor.length * 8);
  out.writeUInt32LE(FLOOR_MAGIC, 0);
  out.writeUInt32LE(floor.length, 4);
  for (let p = 0; p < floor.length; p++) out.writeDoubleLE(floor[p], FLOOR_HEADER + p * 8);
  hashInto(out.subarray(FLOOR_HEADER), out, 8);
  return out;
}

/**
 * Floors read back for `platforms` platforms; undefined when the value is not a whole, intact
 * frame of that many (a floor only saves work: a chunk scored without it gives the same bytes,
 * one scored with a wrong one would not).
 */
export function decodeFloorFrame(b: Buffer | null, platforms: number): Float64Array | undefined {
  if (!b || b.length !== FLOOR_HEADER + platforms * 8 || b.readUInt32LE(0) !== FLOOR_MAGIC || b.readUInt32LE(4) !== platforms) return undefined;
  const sum = Buffer.allocUnsafe(32);
  hashInto(b.subarray(FLOOR_HEADER), sum, 0);
  if (!sum.equals(b.subarray(8, FLOOR_HEADER))) return undefined;
  const out = new Float64Array(platforms);
  for (let p = 0; p < platforms; p++) out[p] = b.readDoubleLE(FLOOR_HEADER + p * 8);
  return out;
}

/**
 * Per platform, the higher of two floors (either may be absent): each is a score some merged
 * list of the run already holds its depth of talents at or above, so the higher one is too.
 */
export function higherFloor(a: Float64Array | undefined, b: Float64Array | undefined): Float64Array | undefined {
  if (!a || !b) return a ?? b;
  if (a.length !== b.length) throw new TalentmatchError('E_INTERNAL', `floors for ${a.length} and ${b.length} platforms`);
  const out = new Float64Array(a.length);
  for (let p = 0; p < a.length; p++) out[p] = a[p] >= b[p] ? a[p] : b[p];
  return out;
}

/**
 * Sends values one at a time, only the latest: a value given while one is on its way waits,
 * and replaces any other waiting (a send of a value no longer the latest is never started).
 * `idle` resolves once nothing is on its way or waiting. A failed send is reported and dropped.
 */
export function latestOnly<T>(sendOne: (v: T) => Promise<unknown>, onError: (e: unknown) => void): { send(v: T): void; idle(): Promise<void> } {
  let next: { v: T } | undefined;
  let running: Promise<void> | undefined;
  const drain = async () => {
    while (next) {
      const { v } = next;
      next = undefined;
      await sendOne(v).catch(onError);
    }
    running = undefined;
  };
  return {
    send(v: T) {
      next = { v };
      running ??= drain();
    },
    idle: () => running ?? Promise.resolve(),
  };
}
