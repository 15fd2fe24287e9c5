/**
 * The batch's read-back talents vectorized (workers/lines.ts lineRangeTask) and explained
 * where their features are: a thread of the assembly's pool, or the main thread itself
 * (adapters/batch/placed.ts). For the platform lines, each listed pair is explained and
 * written as its item's JSON: their talents are known before the assignment, so this runs
 * while the main thread assigns and takes none of its time after. For the referral lines,
 * each placed talent not listed has its placed pair explained, returned as the explanation
 * (while the main thread formats assignment.json). Pure: runs in a worker or in process.
 */
import type { PairExplanation } from '../scoring/explain.js';
import { createExplainBuffer, explainPair } from '../scoring/explain.js';
import { platformItemOf } from '../engine/format.js';
import type { PlatformSide } from '../engine/platformSide.js';
import type { TokenSource } from '../features/build.js';
import type { LineRangeResult, LineRangeTask } from './lines.js';
import { lineRangeTask } from './lines.js';

/**
 * The pairs whose platform-line items a run's talents are to give: talent i's (in the run's
 * order) are pairs [ends[i - 1], ends[i]) (from 0 for the first), each a platform index.
 */
export interface ListedPairs {
  ends: Int32Array;
  platform: Int32Array;
}

/**
 * A run of talents' raw lines (lineRangeTask's), and optionally the listed pairs whose items
 * to make, and (`placed`) one pair per talent of the run, a platform index, to explain.
 */
export type ExplainLinesTask = LineRangeTask & { listed?: ListedPairs; placed?: Int32Array };

/**
 * Each listed pair's platform-line item (engine/format.ts platformItemOf) as compact JSON,
 * the items one after another in `text` (item k is text[ends[k - 1], ends[k])), and the
 * score each pair explained as (the caller compares it with the score it was listed by).
 */
export interface ListedItems {
  text: string;
  ends: Int32Array;
  scores: Float64Array;
}

/** The run's features and links (lineRangeTask's), its listed pairs' items, and its `placed` pairs' explanations, talent by talent. */
export type ExplainLinesResult = LineRangeResult & { items?: ListedItems; explained?: PairExplanation[] };

/**
 * The run's features (lineRangeTask), with `listed` its listed pairs' items, with `placed`
 * its talents' placed pairs explained. Neither when a line failed or the run's talents are
 * not as many as asked for (the file changed under the batch: the caller, checking the
 * run's ids, names it).
 */
export function explainLinesTask(side: PlatformSide, task: ExplainLinesTask, tokens: TokenSource): ExplainLinesResult {
  const { listed, placed, ...lines } = task;
  const r: ExplainLinesResult = lineRangeTask(side, lines, tokens);
  const ids = r.links.ids;
  if (r.bad.length > 0) return r;
  const m = { ctx: side.ctx, talents: r.features, platforms: side.platforms };
  const buf = createExplainBuffer();
  if (placed && ids.length === placed.length) r.explained = ids.map((_, i) => explainPair(m, i, placed[i], buf));
  if (!listed || ids.length !== listed.ends.length) return r;
  const pairs = listed.platform.length;
  const parts: string[] = [];
  const ends = new Int32Array(pairs);
  const scores = new Float64Array(pairs);
  let chars = 0;
  for (let i = 0, k = 0; i < ids.length; i++) {
    for (; k < listed.ends[i]; k++) {
      const e = explainPair(m, i, listed.platform[k], buf);
      const json = JSON.stringify(platformItemOf(ids[i], e));
      parts.push(json);
      ends[k] = chars += json.length;
      scores[k] = e.score;
    }
  }
  r.items = { text: parts.join(''), ends, scores };
  return r;
}
