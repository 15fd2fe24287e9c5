/**
 * One catalogue of error codes. Every error the engine raises is a TalentmatchError with
 * one of these codes; adapters map codes to exit statuses and HTTP statuses.
 */
export const ERROR_CODES = {
  E_INPUT: 'input data failed validation',
  E_IO: 'a file could not be read',
  E_OPTION: 'an option has an invalid value',
  E_UNKNOWN_ID: 'an id does not exist in the loaded data',
  E_UNAVAILABLE: 'a service the command needs (Redis, PostgreSQL) could not be reached',
  E_STORE: 'the snapshot database refused a write (disk full, read-only file, a constraint or trigger)',
  E_SCHEMA: 'the snapshot database has a schema version this talentmatch does not know',
  E_INTERNAL: 'internal invariant violated',
  E_UNSUPPORTED: 'a policy field or option is not available on this path (e.g. a global list control in batch)',
  E_INFEASIBLE: 'the policy asks for what the data cannot give (e.g. assignment floors no assignment meets)',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One problem found in an input record: where it is and what was expected. */
export interface InputIssue {
  /** File name (or a logical source such as "request body"). */
  file: string;
  /** 1-based line for JSON Lines / CSV, 0-based index for a JSON array, absent for single objects. */
  line?: number;
  /** Set when `line` is an array index rather than a line number. */
  index?: number;
  /** Dotted field path, e.g. "needs.seats"; empty for the record itself. */
  path: string;
  /** What the contract expects, e.g. "integer >= 0". */
  expected: string;
  /** The value found, rendered short; "missing" when absent. */
  got: string;
}

/**
 * Escapes control characters (C0, DEL, C1) and the invisible byte-order mark as `\uXXXX`, so
 * bytes from a bad input line can never drive the terminal or hide in a message.
 */
export function escapeControl(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Renders an issue in the contract's style: `talents.jsonl:17 needs.seats: expected integer >= 0, got -2`. */
export function formatIssue(issue: InputIssue): string {
  let where = issue.file;
  if (issue.line !== undefined) where += `:${issue.line}`;
  else if (issue.index !== undefined) where += `[${issue.index}]`;
  const path = issue.path === '' ? '(record)' : issue.path;
  return escapeControl(`${where} ${path}: expected ${issue.expected}, got ${issue.got}`);
}

export class TalentmatchError extends Error {
  readonly code: ErrorCode;
  readonly issues: readonly InputIssue[];
  /** Issues beyond the reporting cap that were counted but not listed. */
  readonly omitted: number;

  constructor(code: ErrorCode, message: string, issues: readonly InputIssue[] = [], omitted = 0) {
    super(message);
    this.name = 'TalentmatchError';
    this.code = code;
    this.issues = issues;
    this.omitted = omitted;
  }
}

/** Builds the E_INPUT error for a list of issues, with a one-line summary message. */
export function inputError(issues: readonly InputIssue[], omitted = 0): TalentmatchError {
  const total = issues.length + omitted;
  const first = issues[0];
  const head = first ? formatIssue(first) : 'invalid input';
  return new TalentmatchError(
    'E_INPUT',
    total > 1 ? `${head} (and ${total - 1} more problem${total > 2 ? 's' : ''})` : head,
    issues,
    omitted,
  );
}

export function optionError(message: string): TalentmatchError {
  return new TalentmatchError('E_OPTION', message);
}

/** The message of anything thrown: an Error's (or an error-like object's) message, anything else as a string. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null && 'message' in e && typeof e.message === 'string') return e.message;
  return String(e);
}

export function isTalentmatchError(e: unknown): e is TalentmatchError {
  return e instanceof TalentmatchError;
}
