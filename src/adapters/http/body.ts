/**
 * The API's JSON body parser. Before parsing, one linear scan bounds the nesting depth (a
 * body of 5,000 nested arrays overflowed the stack while the error was rendered); after
 * parsing, keys that reach an object's prototype (`__proto__`, `constructor.prototype`) are
 * refused with their path rather than "Body is not valid JSON".
 */
import type { InputIssue } from '../../errors.js';

export class BodyError extends Error {
  constructor(
    readonly kind: 'bad_json' | 'too_deep' | 'forbidden_key',
    message: string,
    readonly issue?: InputIssue,
  ) {
    super(message);
  }
}

/** Deepest nesting of arrays and objects in JSON text, stopping as soon as it passes `max`. */
function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * Whether the text holds at most `max` opening brackets in all (inside strings too): then no
 * nesting can pass `max`, and jsonDepthExceeds need not read it character by character. The
 * native indexOf skips the rest: a new-profile body has about six of them.
 */
function fewOpenings(text: string, max: number): boolean {
  let n = 0;
  for (let i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) if (++n > max) return false;
  for (let i = text.indexOf('['); i >= 0; i = text.indexOf('[', i + 1)) if (++n > max) return false;
  return true;
}

function pathString(path: readonly (string | number)[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? key : `.${key}`;
  return out;
}

/**
 * The path of the first key that would reach a prototype, or undefined. Depth is already
 * bounded. `path` is the way down to `v` (pushed and popped: no array per node).
 */
function forbiddenKeyPath(v: unknown, path: (string | number)[]): string | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (x === null || typeof x !== 'object') continue;
      path.push(i);
      const p = forbiddenKeyPath(x, path);
      path.pop();
      if (p !== undefined) return p;
    }
    return undefined;
  }
  for (const key in v) {
    if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
    const x = (v as Record<string, unknown>)[key];
    if (key === '__proto__') return pathString([...path, key]);
    if (key === 'constructor' && x !== null && typeof x === 'object' && Object.prototype.hasOwnProperty.call(x, 'prototype')) return pathString([...path, key, 'prototype']);
    if (x === null || typeof x !== 'object') continue;
    path.push(key);
    const p = forbiddenKeyPath(x, path);
    path.pop();
    if (p !== undefined) return p;
  }
  return undefined;
}

/**
 * Whether the text can hold a key that reaches a prototype: it names `__proto__` or
 * `constructor`, or has a \u escape (which could spell either). Without any of them the
 * parsed value has no such key, and the walk is skipped.
 */
const mayHoldForbiddenKey = (text: string): boolean => text.includes('__proto__') || text.includes('constructor') || text.includes('\\u');

/** Parses a request body or throws a BodyError saying what is wrong and where. */
export function parseBody(text: string, maxDepth: number): unknown {
  if (!fewOpenings(text, maxDepth) && jsonDepthExceeds(text, maxDepth)) {
    throw new BodyError('too_deep', `body nested deeper than ${maxDepth} levels`, { file: 'request body', path: '', expected: `arrays and objects nested at most ${maxDepth} deep`, got: `deeper than ${maxDepth}` });
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new BodyError('bad_json', `malformed JSON body: ${(e as Error).message.slice(0, 200)}`);
  }
  const bad = mayHoldForbiddenKey(text) ? forbiddenKeyPath(v, []) : undefined;
  if (bad !== undefined) {
    throw new BodyError('forbidden_key', `invalid body: ${bad} is not allowed`, { file: 'request body', path: bad, expected: 'a field name other than __proto__ or constructor.prototype', got: JSON.stringify(bad.split('.').pop()) });
  }
  return v;
}
