/**
 * The batch's chunking: accepted talents are gathered in input order into chunks of
 * `chunkSize`; each chunk's talents unchanged since the reuse base (same id, same content
 * hash, same platform side and options) are copied from it, the others are sent to the
 * dispatcher, and the chunk's rows and checkpoint are written in one transaction when its
 * result comes back (by the sink: for SQLite, a writer thread; the main thread only posts).
 * At most 2 x the dispatcher's concurrency chunks are in flight.
 */
import type { Talent } from '../../domain/schemas.js';
import type { ChunkResult, ChunkTask } from '../../engine/chunk.js';
import { chunkKeyOf, talentHash } from '../../engine/chunk.js';
import { noCandidates } from '../../engine/candidates.js';
import { asBuffer, packedRowCount } from '../../engine/rows.js';
import type { ChunkRowIn, DoneChunk, SnapshotStore } from '../../store/types.js';
import { TalentmatchError } from '../../errors.js';
import type { ChunkSink } from '../../store/writer.js';
import type { ChunkDispatcher } from '../../workers/dispatch.js';
import type { EarlyAssembly } from '../../engine/assembly.js';

export interface ChunkerOptions {
  runId: number;
  /** reads (the reuse base's hashes) */
  store: SnapshotStore;
  /** where chunk results are written (store/writer.ts: a writer thread for SQLite) */
  sink: ChunkSink;
  dispatcher: ChunkDispatcher;
  chunkSize: number;
  /** platforms: sizes the empty candidates of a chunk with nothing to score */
  platforms: number;
  /** chunks checkpointed before a restart (skipped once `resumedChunk` finds them the same) */
  done: ReadonlyMap<number, DoneChunk>;
  /** the complete run talents are reused from (undefined: score every talent) */
  baseId: number | undefined;
  task: Pick<ChunkTask, 'k' | 'kPlatform' | 'maxPrefs' | 'lists'>;
  /** the final assembly's inputs, gathered from results as they arrive (engine/assembly.ts) */
  early?: EarlyAssembly;
  /** true once the run is bound to fail (invalid input without --skip-invalid): nothing more is scored */
  halted: () => boolean;
}

interface Item {
  talent: Talent;
  line: number;
  start: number;
  end: number;
}

/** Counters for the progress lines and the summary. */
export interface ChunkCounts {
  chunks: number;
  scored: number;
  /** chunks whose every talent was reused */
  reused: number;
  resumed: number;
  talentsRead: number;
  talentsScored: number;
  talentsReused: number;
  inFlight: number;
}

/** A chunk's row as written, less what its result brings. */
export type ChunkRowHead = Omit<ChunkRowIn, 'key' | 'pairs' | 'reused' | 'candidates' | 'rows'>;

/**
 * Writes a scored chunk (its rows and checkpoint, one transaction) and counts it: `key` the
 * chunk's, else the result's (the scorer hashed the talents); `reused` talents of the chunk
 * copied from the reuse base. The one write of a scored chunk, whether its task carried
 * records (Chunker) or lines (lineChunks.ts).
 */
export async function storeScored(o: Pick<ChunkerOptions, 'sink' | 'early' | 'dispatcher'>, counts: ChunkCounts, row: ChunkRowHead, key: string | undefined, res: ChunkResult, reused: number): Promise<void> {
  const scored = packedRowCount(res.rows);
  // read before the rows move to the writer thread
  if (o.early) {
    o.early.scored(res, reused === 0);
    // the floors raised by this chunk, for chunks sent already but not yet taken by a scorer (the queue)
    const f = o.dispatcher.mergedFloor && o.early.floor();
    if (f) o.dispatcher.mergedFloor!(f);
  }
  // the packed rows go on to the writer as they came (moved, not copied, to its thread)
  const chunkKey = key ?? res.key;
  if (chunkKey === undefined) throw new TalentmatchError('E_INTERNAL', `chunk ${row.chunkId}: its result came without the chunk's key, and the task carried none`);
  await o.sink.write({ ...row, key: chunkKey, pairs: res.pairs, reused: false, candidates: asBuffer(res.candidates), rows: res.rows });
  counts.scored++;
  counts.talentsScored += scored;
  counts.talentsReused += reused;
}

/**
 * The floors a chunk sent now is scored against (ChunkTask.platformFloor): those of the
 * chunks this run merged so far (EarlyAssembly.floor), also in a run that reuses talents or
 * resumes. One rule for the record and the line chunks.
 */
export function floorField(early: EarlyAssembly | undefined): Pick<ChunkTask, 'platformFloor'> {
  const floor = early?.floor();
  return floor ? { platformFloor: floor } : {};
}

/**
 * Whether chunk `id` was checkpointed before a restart (--resume skips it). Its checkpoint
 * must cover the lines and talents this run's chunking gives the chunk: one that does not
 * (a chunk checkpointed short by a faulty build, a database edited by hand) would make the
 * resumed snapshot lose or repeat talents, so the run stops with E_INTERNAL instead. One
 * rule for the record and the line chunks.
 */
export function resumedChunk(done: ReadonlyMap<number, DoneChunk>, runId: number, id: number, now: DoneChunk): boolean {
  const was = done.get(id);
  if (was === undefined) return false;
  if (was.startLine !== now.startLine || was.endLine !== now.endLine || was.talents !== now.talents) {
    throw new TalentmatchError(
      'E_INTERNAL',
      `chunk ${id} of run ${runId} was checkpointed with lines ${was.startLine}-${was.endLine} (${was.talents} talents), but this run's chunking gives it lines ${now.startLine}-${now.endLine} (${now.talents} talents): resuming would lose or repeat talents. Run the batch again without --resume`,
    );
  }
  return true;
}

/** Counters at zero. */
export function newCounts(): ChunkCounts {
  return { chunks: 0, scored: 0, reused: 0, resumed: 0, talentsRead: 0, talentsScored: 0, talentsReused: 0, inFlight: 0 };
}

export class Chunker {
  readonly counts: ChunkCounts = newCounts();
  /** the first chunk failure (a worker error): the run stops reading and rethrows it */
  failure: unknown;
  private buf: Item[] = [];
  /** invalid lines skipped (--skip-invalid) inside the chunk being gathered */
  private bufSkipped: number[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly o: ChunkerOptions) {}

  async add(talent: Talent, line: number, start: number, end: number): Promise<void> {
    this.buf.push({ talent, line, start, end });
    this.counts.talentsRead++;
    if (this.buf.length >= this.o.chunkSize) await this.flush();
  }

  /** An invalid line skipped with --skip-invalid (a queue worker reading the range skips it too). */
  skip(line: number): void {
    if (this.buf.length > 0) this.bufSkipped.push(line);
  }

  async flush(): Promise<void> {
    const items = this.buf;
    if (items.length === 0) return;
    // after a chunk failed the run stops: the talents gathered since are no chunk (sent whole at
    // the end they were a short one, checkpointed done, and --resume skipped the rest of its lines)
    if (this.failure !== undefined) {
      this.buf = [];
      this.bufSkipped = [];
      return;
    }
    const id = this.counts.chunks++;
    const skipped = this.bufSkipped;
    this.buf = [];
    this.bufSkipped = [];
    if (this.o.halted()) return;
    const first = items[0];
    const last = items[items.length - 1];
    let resumed: boolean;
    try {
      resumed = resumedChunk(this.o.done, this.o.runId, id, { startLine: first.line, endLine: last.line, talents: items.length });
    } catch (e) {
      this.failure ??= e; // the run stops reading, as after a failed chunk
      return;
    }
    if (resumed) {
      this.o.early?.missed(); // its rows are in the store only
      this.counts.resumed++;
      return;
    }
    // per-talent reuse: the chunk's hashes in the base run, one query per chunk. With no base,
    // a dispatcher whose scorers hash the talents gets none: the hashes leave the main thread
    const base = this.o.baseId;
    const hashes = base === undefined && this.o.dispatcher.hashesTalents === true ? undefined : items.map((x) => talentHash(x.talent));
    const before = base === undefined || !hashes ? undefined : await this.o.store.talentHashes(base, items.map((x) => x.talent.id));
    const reused = items.map((x, i) => before !== undefined && hashes !== undefined && before.get(x.talent.id) === hashes[i]);
    const talents = items.filter((_, i) => !reused[i]).map((x) => x.talent);
    const reusedIds = items.filter((_, i) => reused[i]).map((x) => x.talent.id);
    const skipLines = [...skipped.filter((l) => l < last.line), ...items.filter((_, i) => reused[i]).map((x) => x.line)].sort((a, b) => a - b);
    const key = hashes && chunkKeyOf(hashes.filter((_, i) => !reused[i]));
    const row = { runId: this.o.runId, chunkId: id, key, startLine: first.line, endLine: last.line, talents: items.length, reusedFrom: { runId: this.o.baseId ?? -1, talentIds: reusedIds } };
    if (reusedIds.length > 0) this.o.early?.missed(); // reused rows are copied by the store
    if (talents.length === 0) {
      // nothing to score: the chunk is its reused rows and an empty candidate list
      const M = this.o.platforms;
      await this.o.sink.write({ ...row, key: key!, pairs: 0, reused: true, candidates: noCandidates(M), rows: [] });
      this.counts.reused++;
      this.counts.talentsReused += reusedIds.length;
      return;
    }
    const task: ChunkTask = { runId: this.o.runId, chunkId: id, startLine: first.line, endLine: last.line, startByte: first.start, endByte: last.end, skipLines, talents, ...(hashes && key ? { key, hashes: hashes.filter((_, i) => !reused[i]) } : {}), ...this.o.task, ...floorField(this.o.early) };
    this.counts.inFlight++;
    const p = this.o.dispatcher
      .run(task)
      .then((res) => storeScored(this.o, this.counts, row, key, res, reusedIds.length))
      .catch((e: unknown) => {
        this.failure ??= e;
      })
      .finally(() => {
        this.counts.inFlight--;
        this.inFlight.delete(p);
      });
    this.inFlight.add(p);
    while (this.inFlight.size >= this.o.dispatcher.concurrency * 2) await Promise.race(this.inFlight);
  }

  /** Sends the last chunk and waits for every chunk in flight. */
  async finish(): Promise<void> {
    await this.flush();
    await Promise.all(this.inFlight);
  }
}
