/**
 * Whether a new snapshot may replace the one served now. A nightly file that arrives empty
 * or truncated validates fine record by record; publishing it would make the API serve
 * nothing (or a fraction). The rule, shared by every adapter that publishes (local and
 * queued batch): refuse an empty talent set, and one below `minShare` of the previous
 * complete snapshot's talents, unless the caller allows the shrink explicitly.
 */
import { DEFAULT_MIN_TALENT_SHARE } from '../config/limits.js';

export interface PublishCheck {
  /** talents of the newest complete snapshot; undefined when there is none */
  previousTalents: number | undefined;
  previousRunId?: number | undefined;
  /** talents of the snapshot about to be published */
  talents: number;
  allowShrink: boolean;
  /** default DEFAULT_MIN_TALENT_SHARE (0.5) */
  minShare?: number;
}

export interface PublishRefusal {
  message: string;
  expected: string;
  got: string;
}

/** undefined when the snapshot may be published; else why not, in the contract's issue terms. */
export function publishRefusal(c: PublishCheck): PublishRefusal | undefined {
  if (c.allowShrink) return undefined;
  const share = c.minShare ?? DEFAULT_MIN_TALENT_SHARE;
  if (c.talents === 0) {
    const expected = 'at least one valid talent (pass --allow-shrink to publish an empty snapshot)';
    return { message: `refusing to publish a snapshot with 0 talents: expected ${expected}`, expected, got: '0 talents' };
  }
  const prev = c.previousTalents;
  if (prev !== undefined && prev > 0 && c.talents < share * prev) {
    const run = c.previousRunId !== undefined ? ` (run ${c.previousRunId})` : '';
    const expected = `at least ${Math.round(share * 100)}% of the ${prev} talents of the snapshot served now${run} (pass --allow-shrink if the shrink is intended)`;
    return { message: `refusing to publish ${c.talents} talents: expected ${expected}`, expected, got: `${c.talents} talents` };
  }
  return undefined;
}
