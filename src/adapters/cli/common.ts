/** Shared CLI plumbing: the io seam, exit codes, error rendering. */
import { errorMessage, escapeControl, formatIssue, isTalentmatchError, optionError } from '../../errors.js';

export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** What every command's action gets: where to write, and how to report its exit code. */
export interface Cli {
  io: Io;
  done: (code: number) => void;
}

/** An integer option in [min, max] (min 1 unless given, 0 where 0 means "none" or "off"), decimal digits only; the message names the range. */
export function parsePositiveInt(name: string, max: number, min = 1) {
  return (v: string): number => {
    // decimal digits only: Number() would also take "0x10", "1e3", " 7" and "0b11"
    const n = /^[0-9]{1,16}$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) {
      throw optionError(`${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
    }
    return n;
  };
}

/** Renders any error for a person and returns the exit code. No stack traces unless TALENTMATCH_DEBUG is set. */
export function reportError(e: unknown, io: Io): number {
  if (isTalentmatchError(e)) {
    if (e.code === 'E_INPUT' && e.issues.length > 0) {
      const total = e.issues.length + e.omitted;
      io.err(`error: input rejected, ${total} problem${total === 1 ? '' : 's'}:\n`);
      for (const i of e.issues) io.err(`  ${formatIssue(i)}\n`);
      if (e.omitted > 0) io.err(`  ... and ${e.omitted} more\n`);
      io.err('  (every field and its expectation: docs/data-contract.md)\n');
    } else {
      io.err(`error [${e.code}]: ${escapeControl(e.message)}\n`);
    }
    return e.code === 'E_OPTION' || e.code === 'E_UNSUPPORTED' ? EXIT_USAGE : e.code === 'E_INTERNAL' ? EXIT_INTERNAL : EXIT_INPUT;
  }
  io.err(`internal error: ${escapeControl(errorMessage(e))}\n`);
  if (process.env.TALENTMATCH_DEBUG) io.err(`${e instanceof Error ? (e.stack ?? '') : ''}\n`);
  return EXIT_INTERNAL;
}

export function reportSkipped(skipped: readonly import('../../errors.js').InputIssue[], io: Io): void {
  if (skipped.length === 0) return;
  io.err(`warning: skipped ${skipped.length} problem record${skipped.length === 1 ? '' : 's'} (--skip-invalid):\n`);
  for (const i of skipped) io.err(`  skipped ${formatIssue(i)}\n`);
}
