/**
 * The batch's chunks sent as raw lines (issue 12 item 2), for a dispatcher that scores
 * lines (workers/chunkLines.ts: the local pool, or this thread with --threads 1) on a run
 * that reuses no base and does not skip invalid lines. The main thread only cuts the file
 * into ranges of `chunkSize` record lines (files/lines.ts readLineRanges with `records`);
 * a scorer parses and checks each line by the contract's one rule, scores the range's valid
 * records and returns their links in columns with the range's problems. The results are
 * taken in file order here: the rules that span records (duplicate ids, references, the
 * hosted projects' tally: domain/validate.ts TalentStreamRules) run on the links line by
 * line, and each problem is reported where the record-by-record stream reports it (the
 * scorer's own, a line's schema problems, merged by line with these), so the issues, their
 * order, cap and omitted count are the stream's.
 *
 * A range of valid records is the chunk the record-by-record Chunker gathers (chunkSize
 * accepted talents; blank lines are not counted), so the chunks, their keys and rows are
 * the same bytes. A chunk is written only while no line so far had a problem: one fails the
 * run (no --skip-invalid here), and the chunks after it are only parsed and checked (the
 * problems of every line are reported), as are the chunks done before a restart.
 */
import type { InputIssue } from '../../errors.js';
import { TalentmatchError } from '../../errors.js';
import type { TalentStreamRules } from '../../domain/validate.js';
import { TalentLinkColumns } from '../../domain/links.js';
import type { ChunkLinesResult, ChunkLinesTask } from '../../workers/chunkLines.js';
import type { LineRange } from '../files/lines.js';
import type { TalentLines } from './placed.js';
import type { ChunkCounts, ChunkerOptions } from './chunks.js';
import { floorField, newCounts, resumedChunk, storeScored } from './chunks.js';

export interface LineChunkerOptions extends Omit<ChunkerOptions, 'baseId' | 'halted'> {
  rules: TalentStreamRules;
  /** the file the user gave, as issues name it */
  file: string;
  maxLineBytes: number;
  /** issues listed per range by a scorer at most (the file's cap) */
  cap: number;
  /** each problem in file order (the caller caps and counts them) */
  report(issue: InputIssue): void;
  /** problems a scorer counted past its range's cap (all past the file's cap: they are after `cap` listed ones) */
  omitted(n: number): void;
  /** where each accepted talent's line is */
  talentLines: TalentLines;
}

interface Pending {
  id: number;
  range: LineRange;
  /** set once the scorer answered */
  out?: { ok: true; value: ChunkLinesResult } | { ok: false; error: unknown };
  settled: Promise<void>;
}

export class LineChunker {
  readonly counts: ChunkCounts = newCounts();
  /** the first chunk failure (a worker error, a write): the run stops reading and rethrows it */
  failure: unknown;
  /** the chunks sent, in file order, until their results are taken */
  private readonly queue: Pending[] = [];
  private readonly writes = new Set<Promise<void>>();
  /** problems reported so far (listed or counted): a chunk is written only while there are none */
  private problems = 0;
  private readonly runLines: NonNullable<ChunkerOptions['dispatcher']['runLines']>;

  constructor(private readonly o: LineChunkerOptions) {
    const run = o.dispatcher.runLines;
    if (!run) throw new TalentmatchError('E_INTERNAL', 'a chunk of lines needs a dispatcher that scores lines');
    this.runLines = run;
  }

  /** Sends a range of lines (readLineRanges with `records`: it has its offsets and blank marks) as the next chunk. */
  async add(range: LineRange): Promise<void> {
    const starts = range.starts;
    if (!starts) throw new TalentmatchError('E_INTERNAL', 'a chunk of lines needs its lines\' offsets (readLineRanges with records)');
    const id = this.counts.chunks++;
    const score = this.problems === 0 && !this.o.done.has(id);
    const o = this.o;
    const task: ChunkLinesTask = {
      lines: { bytes: range.bytes, firstLine: range.firstLine, lines: range.lines, tooLong: range.tooLong, file: o.file, maxLineBytes: o.maxLineBytes, cap: o.cap },
      chunk: { runId: o.runId, chunkId: id, startLine: range.firstLine, endLine: range.firstLine + range.lines - 1, startByte: starts[0], endByte: starts[range.lines], skipLines: [], ...o.task, ...(score ? floorField(o.early) : {}) },
      score,
    };
    this.counts.inFlight++;
    const p: Pending = { id, range, settled: Promise.resolve() };
    p.settled = this.runLines(task).then(
      (value) => void (p.out = { ok: true, value }),
      (error: unknown) => void (p.out = { ok: false, error }),
    );
    this.queue.push(p);
    this.takeReady();
    while (this.queue.length + this.writes.size >= o.dispatcher.concurrency * 2) {
      await Promise.race([...(this.queue.length > 0 ? [this.queue[0].settled] : []), ...this.writes]);
      this.takeReady();
    }
  }

  /** Waits for every chunk sent, takes their results in order, and waits for their writes. */
  async finish(): Promise<void> {
    while (this.queue.length > 0) {
      await this.queue[0].settled;
      this.takeReady();
    }
    await Promise.all(this.writes);
  }

  /** Takes the answered chunks at the head of the queue, in file order. */
  private takeReady(): void {
    while (this.queue.length > 0 && this.queue[0].out) {
      const p = this.queue.shift()!;
      const out = p.out!;
      if (!out.ok) {
        this.failure ??= out.error;
        this.counts.inFlight--;
        continue;
      }
      this.take(p, out.value);
    }
  }

  /** One chunk's lines in file order: its problems reported, its talents accepted, and its result written while the run has no problem. */
  private take(p: Pending, r: ChunkLinesResult): void {
    const o = this.o;
    const { starts } = p.range as Required<LineRange>;
    const cols = new TalentLinkColumns(o.file);
    cols.add(r.links);
    const report = (issue: InputIssue): void => {
      this.problems++;
      o.report(issue);
    };
    let j = 0;
    let firstLine = -1;
    let lastLine = -1;
    let accepted = 0;
    for (const t of cols) {
      const line = t.at.line!;
      // the lines before it that failed their schema (or were over the limit)
      while (j < r.issues.length && r.issues[j].line! < line) report(r.issues[j++]);
      const issues = o.rules.check(t.value, t.at);
      if (issues.length > 0) {
        for (const i of issues) report(i);
        continue;
      }
      const k = line - p.range.firstLine;
      o.talentLines.add(t.value.id, starts[k], starts[k + 1]);
      this.counts.talentsRead++;
      accepted++;
      if (firstLine < 0) firstLine = line;
      lastLine = line;
    }
    while (j < r.issues.length) report(r.issues[j++]);
    if (r.omitted > 0) {
      this.problems += r.omitted;
      o.omitted(r.omitted);
    }
    if (this.problems > 0) {
      this.counts.inFlight--; // the run fails: nothing more is written
      return;
    }
    let resumed: boolean;
    try {
      resumed = resumedChunk(o.done, o.runId, p.id, { startLine: firstLine, endLine: lastLine, talents: accepted });
    } catch (e) {
      this.failure ??= e; // the run stops reading, as after a failed chunk
      this.counts.inFlight--;
      return;
    }
    if (resumed) {
      o.early?.missed(); // its rows are in the store only
      this.counts.resumed++;
      this.counts.inFlight--;
      return;
    }
    const res = r.result;
    if (!res) throw new TalentmatchError('E_INTERNAL', `chunk ${p.id}: no problem in its lines, yet it came back unscored`);
    const row = { runId: o.runId, chunkId: p.id, startLine: firstLine, endLine: lastLine, talents: r.links.ids.length, reusedFrom: { runId: -1, talentIds: [] } };
    const w: Promise<void> = storeScored(o, this.counts, row, undefined, res, 0)
      .catch((e: unknown) => {
        this.failure ??= e;
      })
      .finally(() => {
        this.counts.inFlight--;
        this.writes.delete(w);
      });
    this.writes.add(w);
  }
}
