/**
 * A scenario's JSON Patch (RFC 6902, applied by the `rfc6902` package) on the dataset
 * seen as one document:
 *
 *   { "platforms": {ID: record}, "talents": {ID: record}, "industries": {ID: record},
 *     "policy": {...}, "weights": {...} }
 *
 * Records are keyed by id (a record added without `id` takes its key; an `id` other than
 * its key is an error). Industries keep the taxonomy's order (an added one comes last):
 * it is the order of the industry dimensions. The patched document is validated exactly as input files are
 * (zod schemas and the cross-record rules); every problem names the patch operation(s)
 * that touched the record and the field path. Patches are atomic: the first failing
 * operation rejects the scenario. Pure: the input dataset is never modified.
 */
import { applyPatch } from 'rfc6902';
import type { Operation } from 'rfc6902';
import type { InputIssue } from '../errors.js';
import { inputError, isTalentmatchError } from '../errors.js';
import type { PatchOperation, Scenario } from '../domain/scenario.js';
import { renderValue } from '../domain/validate.js';
import type { Dataset } from '../engine/data.js';
import { validateDataset } from '../engine/data.js';

export interface DatasetView {
  platforms: Record<string, unknown>;
  talents: Record<string, unknown>;
  industries: Record<string, unknown>;
  policy: unknown;
  weights: Record<string, unknown>;
}

const COLLECTIONS = ['platforms', 'talents', 'industries'] as const;
type Collection = (typeof COLLECTIONS)[number];

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The dataset as one JSON document, records keyed by id in id order; `record` copies or
 * shares each record (the policy and weights are always copied).
 */
function viewOf(d: Dataset, record: <T>(x: T) => T): DatasetView {
  const keyed = <T extends { id: string }>(xs: readonly T[]) => Object.fromEntries(xs.map((x) => [x.id, record(x)]));
  return {
    platforms: keyed([...d.platforms].sort(byId)),
    talents: keyed([...d.talents].sort(byId)),
    // the taxonomy keeps its order: it is the order of the industry dimensions
    industries: keyed(d.industries),
    policy: structuredClone(d.policy),
    weights: structuredClone((d.weights ?? {}) as Record<string, unknown>),
  };
}

/** The dataset as one JSON document (a deep copy; records keyed by id, in id order). */
export function datasetView(d: Dataset): DatasetView {
  return viewOf(d, (x) => structuredClone(x));
}

/**
 * The view with the base's records shared (not copied): the patch copies a record only
 * before an operation changes something inside it (copy on write), so a scenario costs
 * what it touches, and untouched records keep their identity (they need no re-validation
 * and their features are reused).
 */
function sharedView(d: Dataset): DatasetView {
  return viewOf(d, (x) => x);
}

/** The reference tokens of a JSON Pointer (RFC 6901 unescaped). */
const tokens = (pointer: string) => (pointer === '' ? [] : pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~')));

/** Copies a collection's record before an operation writes inside it (once per key). */
class CopyOnWrite {
  private readonly owned = new Map<string, Set<string>>(COLLECTIONS.map((c) => [c, new Set<string>()]));
  constructor(private readonly doc: Record<string, unknown>) {}
  /** before: records the operation writes inside get their own copy */
  before(op: PatchOperation): void {
    const writes = op.op === 'test' ? [] : op.op === 'move' ? [op.path, op.from] : [op.path];
    for (const ptr of writes) {
      const [c, key, ...rest] = tokens(ptr);
      const coll = this.doc[c];
      const owned = this.owned.get(c);
      if (!owned || key === undefined || rest.length === 0 || !isObject(coll) || !(key in coll) || owned.has(key)) continue;
      coll[key] = structuredClone(coll[key]);
      owned.add(key);
    }
  }
  /** after: a record put in place by add / replace / copy is the library's own copy; anything moved may be shared */
  after(op: PatchOperation): void {
    const [c, key, ...rest] = tokens(op.path);
    const owned = this.owned.get(c);
    if (op.op === 'move' && (key === undefined || rest.length === 0)) {
      for (const set of this.owned.values()) set.clear(); // conservative: copy again before the next write
      return;
    }
    if (!owned || key === undefined || rest.length > 0) return;
    if (op.op === 'remove') owned.delete(key);
    else if (op.op !== 'test') owned.add(key);
  }
}

/** RFC 6901 escaping of one reference token. */
const pointerToken = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

const opLabel = (ops: readonly PatchOperation[], i: number) => `patch[${i}] (${ops[i].op} ${ops[i].path || '""'})`;

/** Operations whose path (or from) lies on, above or below `pointer`. */
function touching(ops: readonly PatchOperation[], pointer: string): number[] {
  const out: number[] = [];
  const related = (p: string) => p === pointer || p.startsWith(pointer + '/') || pointer.startsWith(p + '/') || p === '';
  ops.forEach((op, i) => {
    if (related(op.path) || ('from' in op && related(op.from))) out.push(i);
  });
  return out;
}

function where(scenario: Scenario, pointer: string): string {
  const ops = touching(scenario.patch, pointer);
  const by = ops.length > 0 ? ops.map((i) => opLabel(scenario.patch, i)).join(', ') : 'no operation touched it';
  return `scenario ${JSON.stringify(scenario.name)} ${pointer} [${by}]`;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Applies the scenario's patch to the dataset's view and validates the result. Throws an
 * E_INPUT error whose issues name the operation index and path (a failing operation) or
 * the record's pointer and the operations that touched it (a record the contract rejects).
 */
export function applyScenario(base: Dataset, scenario: Scenario): Dataset {
  const doc: unknown = sharedView(base);
  const cow = new CopyOnWrite(doc as Record<string, unknown>);
  const label = `scenario ${JSON.stringify(scenario.name)}`;
  scenario.patch.forEach((op, i) => {
    cow.before(op);
    const [err] = applyPatch(doc, [op as Operation]);
    cow.after(op);
    if (!err) return;
    const name = (err as Error).name;
    const issue: InputIssue =
      name === 'TestError'
        ? { file: label, path: opLabel(scenario.patch, i), expected: `test value ${renderValue((op as { value?: unknown }).value)}`, got: renderValue((err as { actual?: unknown }).actual) }
        : { file: label, path: opLabel(scenario.patch, i), expected: `an existing value at ${(err as { path?: string }).path ?? op.path}`, got: 'missing' };
    throw inputError([issue]);
  });
  const issues: InputIssue[] = [];
  if (!isObject(doc)) throw inputError([{ file: label, path: '""', expected: 'object {platforms, talents, industries, policy, weights}', got: renderValue(doc) }]);
  const lists = {} as Record<Collection, unknown[]>;
  const keys = {} as Record<Collection, string[]>;
  for (const c of COLLECTIONS) {
    const coll = doc[c];
    lists[c] = [];
    keys[c] = [];
    if (!isObject(coll)) {
      issues.push({ file: where(scenario, `/${c}`), path: c, expected: 'object: id -> record', got: renderValue(coll) });
      continue;
    }
    // entities in id order; industries in the document's key order (taxonomy order, an added industry last)
    const ordered = c === 'industries' ? Object.keys(coll) : Object.keys(coll).sort();
    for (const key of ordered) {
      let rec = coll[key];
      if (isObject(rec)) {
        if (rec.id === undefined) rec = { ...rec, id: key };
        else if (rec.id !== key) issues.push({ file: where(scenario, `/${c}/${pointerToken(key)}`), path: 'id', expected: `the record's key ${JSON.stringify(key)}`, got: renderValue(rec.id) });
      }
      lists[c].push(rec);
      keys[c].push(key);
    }
  }
  const weights = doc.weights;
  if (weights !== undefined && !isObject(weights)) issues.push({ file: where(scenario, '/weights'), path: 'weights', expected: 'object', got: renderValue(weights) });
  for (const k of Object.keys(doc)) {
    if (k !== 'policy' && k !== 'weights' && !(COLLECTIONS as readonly string[]).includes(k)) issues.push({ file: where(scenario, `/${pointerToken(k)}`), path: k, expected: 'one of platforms, talents, industries, policy, weights', got: 'an unknown key' });
  }
  if (issues.length > 0) throw inputError(issues);
  const keepWeights = base.weights !== undefined || Object.keys((weights ?? {}) as object).length > 0;
  // records still shared with the (validated) base skip their schema, not the cross-record rules
  const valid = new Set<unknown>([...base.industries, ...base.platforms, ...base.talents]);
  try {
    return validateDataset(
      {
        industries: lists.industries,
        platforms: lists.platforms,
        talents: lists.talents,
        policy: doc.policy,
        ...(keepWeights ? { weights } : {}),
      },
      valid,
    );
  } catch (e) {
    if (!isTalentmatchError(e) || e.code !== 'E_INPUT') throw e;
    // name the record by its pointer in the view and the operations that touched it
    const renamed = e.issues.map((iss): InputIssue => {
      const c = COLLECTIONS.find((x) => x === iss.file);
      const pointer = c !== undefined && iss.index !== undefined ? `/${c}/${pointerToken(keys[c][iss.index])}` : `/${iss.file}`;
      return { file: where(scenario, pointer), path: iss.path, expected: iss.expected, got: iss.got };
    });
    throw inputError(renamed, e.omitted);
  }
}
