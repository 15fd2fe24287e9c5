/**
 * A batch chunk given as its raw lines, not as records (issue 12 item 2): the main thread
 * only cuts the talents file into ranges of lines (adapters/files/lines.ts readLineRanges,
 * counting record lines, so that a range of valid records is the chunk the batch would have
 * gathered), and the scorer parses and checks each line by the contract's one rule
 * (workers/lines.ts parseLineRange), scores the chunk's valid records and returns their
 * links in columns (domain/links.ts) with the range's problems, for the main thread to run
 * the rules that span records (duplicates across chunks, hosted projects) in file order.
 * Nothing is structured-cloned per talent either way. Pure: runs in a worker or in process.
 *
 * Every valid record of the range is scored: the main thread writes the chunk only when
 * none of its lines had a problem (a run with one fails without --skip-invalid, and a run
 * that skips invalid lines or reuses a base does not use this path: adapters/batch/lineChunks.ts).
 */
import type { InputIssue } from '../errors.js';
import type { ChunkResult, ChunkTask } from '../engine/chunk.js';
import { scoreChunk } from '../engine/chunk.js';
import type { PlatformSide } from '../engine/platformSide.js';
import type { TokenSource } from '../features/build.js';
import type { LinkColumnsPart } from '../domain/links.js';
import { encodeLinks } from '../domain/links.js';
import type { LineRangeTask, ParsedRange } from './lines.js';
import { parseLineRange } from './lines.js';

export interface ChunkLinesTask {
  /** the chunk's lines as read (their bytes travel by transfer) */
  lines: LineRangeTask;
  /** the chunk's task less its talents (the range's valid records), their hashes and key (the scorer's) */
  chunk: Omit<ChunkTask, 'talents' | 'hashes' | 'key'>;
  /** false: parse and check only (a chunk done before a restart, or a run bound to fail) */
  score: boolean;
}

export interface ChunkLinesResult {
  /** the scored chunk: absent when not asked for, or when no line was a valid record */
  result?: ChunkResult;
  /** each valid record's links and line, in line order */
  links: LinkColumnsPart;
  /** the range's problems in line order, the first `cap`; `omitted` counts the rest */
  issues: InputIssue[];
  omitted: number;
}

export function chunkLinesTask(side: PlatformSide, task: ChunkLinesTask, tokens: TokenSource): ChunkLinesResult {
  const p = parseLineRange(task.lines);
  const result = task.score && p.records.length > 0 ? scoreChunk(side, { ...task.chunk, talents: p.records }, tokens) : undefined;
  return linesResult(p, result);
}

/**
 * A chunk's lines parsed and checked, not scored (ChunkLinesTask.score false): needs no
 * platform side, so a dispatcher whose scorers are elsewhere (the queue) does it where it is.
 */
export function checkChunkLines(lines: LineRangeTask): ChunkLinesResult {
  return linesResult(parseLineRange(lines));
}

const linesResult = (p: ParsedRange, result?: ChunkResult): ChunkLinesResult => ({ ...(result ? { result } : {}), links: encodeLinks(p.links, p.lines), issues: p.issues, omitted: p.omitted });
