/**
 * Turns zod failures and cross-record rule violations into the contract's issues
 * (file, line or index, field path, expectation, value found). Pure: no I/O.
 */
import type { z } from 'zod';
import type { InputIssue } from '../errors.js';
import type { Industry, Outcome, Platform, Policy, Talent } from './schemas.js';

/** Where a record came from. `line` is 1-based (JSON Lines / CSV); `index` is 0-based (JSON array). */
export interface SourceRef {
  file: string;
  line?: number;
  index?: number;
}

export interface Located<T> {
  value: T;
  at: SourceRef;
}

/** Renders a found value briefly for a message (non-finite numbers by name: JSON would say "null"). */
export function renderValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  let s: string;
  try {
    s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x)) ?? String(v);
  } catch {
    s = Array.isArray(v) ? 'an array' : typeof v === 'object' && v !== null ? 'an object' : String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = raw;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key as string];
  }
  return cur;
}

function pathString(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** One InputIssue per zod issue, with the value actually found at the path. */
export function issuesFromZod(error: z.ZodError, raw: unknown, at: SourceRef): InputIssue[] {
  const out: InputIssue[] = [];
  for (const iss of error.issues) {
    let expected = iss.message;
    let path = iss.path;
    let got: string;
    if (iss.code === 'unrecognized_keys') {
      // Reported per key, naming the key as the path.
      for (const key of iss.keys) {
        out.push({ ...at, path: pathString([...path, key]), expected: 'no such field (see docs/data-contract.md)', got: renderValue(valueAt(raw, [...path, key])) });
      }
      continue;
    }
    if (iss.code === 'invalid_key') {
      expected = `a valid key: ${iss.issues[0]?.message ?? 'string'}`;
      got = renderValue(path[path.length - 1]);
      path = path.slice(0, -1);
    } else if (iss.code === 'custom' && typeof iss.params?.got === 'string') {
      got = iss.params.got; // a rule over the whole record says what it measured
    } else {
      got = renderValue(valueAt(raw, path));
    }
    out.push({ ...at, path: pathString(path), expected, got });
  }
  return out;
}

/**
 * The fields of a talent that the cross-record rules read (its id, the industries, platforms
 * and host it names, the seats a hosted project takes): what a reader that never holds whole
 * records (the CLI's worker threads validate the lines) hands to checkCrossRecords.
 */
export type TalentLinks = Pick<Talent, 'id' | 'industries' | 'excludePlatforms' | 'hostedBy' | 'teamSize'> & { needs?: Pick<NonNullable<Talent['needs']>, 'seats'> };

/** A valid talent's links (TalentLinks): only the fields the record has. */
export function talentLinks(t: Talent): TalentLinks {
  const out: TalentLinks = { id: t.id };
  if (t.industries !== undefined) out.industries = t.industries;
  if (t.excludePlatforms !== undefined) out.excludePlatforms = t.excludePlatforms;
  if (t.hostedBy !== undefined) out.hostedBy = t.hostedBy;
  if (t.teamSize !== undefined) out.teamSize = t.teamSize;
  if (t.needs?.seats !== undefined) out.needs = { seats: t.needs.seats };
  return out;
}

const where = (at: SourceRef) => (at.line !== undefined ? `${at.file}:${at.line}` : at.index !== undefined ? `${at.file}[${at.index}]` : at.file);

/**
 * Hosted projects (`hostedBy`) per platform, checked against the platform's counts: a
 * hosted project is one of the `slotsUsed` and its `needs.seats` are among the
 * `seatsUsed`, so more hosted projects (or seats) than those counts is an input error,
 * reported on the platform's record and naming the projects (with where they are).
 * Fed one talent at a time, so the batch can tally while it streams.
 */
export class HostedTally {
  private readonly byPlatform = new Map<string, { count: number; seats: number; who: string[] }>();

  add(t: TalentLinks, at: SourceRef): void {
    if (t.hostedBy === undefined) return;
    const e = this.byPlatform.get(t.hostedBy) ?? { count: 0, seats: 0, who: [] };
    const seats = t.needs?.seats ?? t.teamSize ?? 1;
    e.count++;
    e.seats += seats;
    if (e.who.length < 5) e.who.push(`${t.id} (${where(at)}, ${seats} seats)`);
    this.byPlatform.set(t.hostedBy, e);
  }

  /** One issue per platform whose counts are below what its hosted projects take. */
  issues(platforms: readonly Located<Platform>[]): InputIssue[] {
    const out: InputIssue[] = [];
    for (const p of platforms) {
      const e = this.byPlatform.get(p.value.id);
      if (!e) continue;
      const named = `${e.who.join(', ')}${e.count > e.who.length ? `, and ${e.count - e.who.length} more` : ''}`;
      if (e.count > p.value.capacity.slotsUsed) {
        out.push({ ...p.at, path: 'capacity.slotsUsed', expected: `integer >= ${e.count}: ${e.count} projects name ${p.value.id} in hostedBy (${named})`, got: renderValue(p.value.capacity.slotsUsed) });
      }
      if (e.seats > p.value.capacity.seatsUsed) {
        out.push({ ...p.at, path: 'capacity.seatsUsed', expected: `integer >= ${e.seats}: the projects naming ${p.value.id} in hostedBy take ${e.seats} seats (${named})`, got: renderValue(p.value.capacity.seatsUsed) });
      }
    }
    return out;
  }
}

export interface CrossRecordInput {
  industries: readonly Located<Industry>[];
  platforms?: readonly Located<Platform>[];
  /** iterated three times, in the same order each time (whole records, or a reader's columns: domain/links.ts) */
  talents?: Iterable<Located<TalentLinks>>;
  policy?: Located<Policy>;
  outcomes?: readonly Located<Outcome>[];
  /**
   * Ids of records that failed their own schema (already reported). References to them are
   * follow-ons of that one problem: they are collapsed into one issue per file and field
   * ("62 outcomes refer to rejected platforms") instead of burying the real error.
   */
  rejected?: { platforms?: ReadonlySet<string>; talents?: ReadonlySet<string> };
}

/** Collapses references to rejected records: one issue per file and field, naming the first and the count. */
class FollowOns {
  private readonly groups = new Map<string, { first: InputIssue; count: number; what: string; target: string }>();
  add(at: SourceRef, path: string, field: string, what: string, target: string, id: string): void {
    const k = `${at.file}\u0000${field}`;
    const g = this.groups.get(k);
    if (g) g.count++;
    else this.groups.set(k, { first: { ...at, path, expected: `an existing ${target} id`, got: renderValue(id) }, count: 1, what, target });
  }
  issues(): InputIssue[] {
    return [...this.groups.values()].map((g) => ({
      ...g.first,
      got: `${g.first.got}, a ${g.target} rejected above (${g.count} ${g.what}${g.count === 1 ? ' refers' : 's refer'} to rejected ${g.target}s)`,
    }));
  }
}

/** The issue of a record whose id was already used earlier in its file (one rule for every reader). */
function duplicateIdIssue(at: SourceRef, first: SourceRef, id: string): InputIssue {
  const firstWhere = first.line !== undefined ? `line ${first.line}` : `index ${first.index}`;
  return { ...at, path: 'id', expected: `an id unique within the file (first used at ${firstWhere})`, got: renderValue(id) };
}

/**
 * Where each id first occurred, for the duplicate check (one rule for every reader): its line
 * number where the record has one (a number, not an object per record: ~40 MB less at 1M
 * talents), else its reference. The records checked together are those of one file.
 */
class FirstSeen {
  private readonly seen = new Map<string, number | SourceRef>();

  /** The issue of `id` at `at` when it was seen before, else undefined (and it is now seen). */
  check(id: string, at: SourceRef): InputIssue | undefined {
    const first = this.seen.get(id);
    if (first !== undefined) return duplicateIdIssue(at, typeof first === 'number' ? { file: at.file, line: first } : first, id);
    this.seen.set(id, at.line ?? at);
    return undefined;
  }

  has(id: string): boolean {
    return this.seen.has(id);
  }

  /** The ids seen, as a set. */
  ids(): Set<string> {
    return new Set(this.seen.keys());
  }

  clear(): void {
    this.seen.clear();
  }
}

/** The records' duplicate ids (issues to `out`); the ids seen. */
function duplicates<T extends { id: string }>(records: Iterable<Located<T>>, out: InputIssue[]): FirstSeen {
  const seen = new FirstSeen();
  for (const r of records) {
    const issue = seen.check(r.value.id, r.at);
    if (issue) out.push(issue);
  }
  return seen;
}

/** What a talent's references are checked against. */
export interface TalentRefs {
  industryIds: ReadonlySet<string>;
  /** absent: the platforms are not known (exclusions and hosts are not checked) */
  platformIds?: { has(id: string): boolean };
  /** platforms that failed their own schema: a reference to one is a follow-on, not a new issue */
  rejectedPlatforms?: ReadonlySet<string>;
}

/**
 * The contract's rules for one talent's references (written once; the whole-dataset check
 * and the streaming batch reader both call it): industry ids of the taxonomy, exclusions
 * and host naming existing platforms. Issues go to `out`; references to rejected platforms
 * go to `follow` when given.
 */
function talentReferenceIssues(t: TalentLinks, at: SourceRef, refs: TalentRefs, out: InputIssue[], follow?: FollowOns): void {
  t.industries?.forEach((ind, i) => {
    if (!refs.industryIds.has(ind)) out.push({ ...at, path: `industries[${i}]`, expected: `an industry id of the taxonomy (${[...refs.industryIds].join(', ')})`, got: renderValue(ind) });
  });
  const platformIds = refs.platformIds;
  if (!platformIds) return;
  t.excludePlatforms?.forEach((p, i) => {
    if (!platformIds.has(p) && follow && refs.rejectedPlatforms?.has(p)) follow.add(at, `excludePlatforms[${i}]`, 'excludePlatforms', 'talent exclusion', 'platform', p);
    else if (!platformIds.has(p)) out.push({ ...at, path: `excludePlatforms[${i}]`, expected: 'an existing platform id', got: renderValue(p) });
  });
  const host = t.hostedBy;
  if (host !== undefined && !platformIds.has(host)) out.push({ ...at, path: 'hostedBy', expected: 'an existing platform id', got: renderValue(host) });
}

/**
 * The talent rules for a stream (the batch reads talents line by line and never holds them
 * all): unique ids, references (talentReferenceIssues) and the hosted projects' tally
 * against their hosts' counts, which is known only once the stream ends (`hostedIssues`).
 * Same rules and messages as checkCrossRecords on a whole file.
 */
export class TalentStreamRules {
  private readonly seen = new FirstSeen();
  private readonly tally = new HostedTally();
  constructor(private readonly refs: TalentRefs) {}

  /**
   * The issues of one schema-valid talent (the record, or its links: domain/links.ts). Every
   * schema-valid talent counts, as in the whole-file check: its id for the duplicate check (first occurrence) and, if hosted, its
   * host's tally — also when it has issues of its own (then it is reported or skipped).
   */
  check(t: TalentLinks, at: SourceRef): InputIssue[] {
    const out: InputIssue[] = [];
    const dup = this.seen.check(t.id, at);
    if (dup) out.push(dup);
    talentReferenceIssues(t, at, this.refs, out);
    this.tally.add(t, at);
    return out;
  }

  /** Hosted projects against their hosts' counts (call once every talent is read). */
  hostedIssues(platforms: readonly Located<Platform>[]): InputIssue[] {
    return this.tally.issues(platforms);
  }

  /** Frees the ids seen (the duplicate check is over). */
  forget(): void {
    this.seen.clear();
  }
}

/**
 * Rules that span records: unique ids, industry ids that exist in the taxonomy,
 * exclusions and outcomes that name existing entities.
 */
export function checkCrossRecords(input: CrossRecordInput): InputIssue[] {
  const out: InputIssue[] = [];
  const follow = new FollowOns();
  const rejectedP = input.rejected?.platforms;
  const rejectedT = input.rejected?.talents;
  const industryIds = duplicates(input.industries, out).ids();
  const known = (idv: string) => industryIds.has(idv);
  const industryList = [...industryIds].join(', ');
  const platformIds = input.platforms ? duplicates(input.platforms, out).ids() : undefined;
  const talentIds = input.talents ? duplicates(input.talents, out) : undefined;

  for (const p of input.platforms ?? []) {
    for (const key of Object.keys(p.value.industries)) {
      if (!known(key)) out.push({ ...p.at, path: `industries.${key}`, expected: `an industry id of the taxonomy (${industryList})`, got: renderValue(key) });
    }
    if (talentIds) {
      p.value.excludeTalents?.forEach((t, i) => {
        if (!talentIds.has(t) && rejectedT?.has(t)) follow.add(p.at, `excludeTalents[${i}]`, 'excludeTalents', 'platform exclusion', 'talent', t);
        else if (!talentIds.has(t)) out.push({ ...p.at, path: `excludeTalents[${i}]`, expected: 'an existing talent id', got: renderValue(t) });
      });
    }
  }
  const refs: TalentRefs = { industryIds, ...(platformIds ? { platformIds } : {}), ...(rejectedP ? { rejectedPlatforms: rejectedP } : {}) };
  for (const t of input.talents ?? []) talentReferenceIssues(t.value, t.at, refs, out, follow);
  if (input.platforms && input.talents) {
    const tally = new HostedTally();
    for (const t of input.talents) tally.add(t.value, t.at);
    out.push(...tally.issues(input.platforms));
  }
  if (input.policy) {
    for (const key of Object.keys(input.policy.value.industryPriority)) {
      if (!known(key)) out.push({ ...input.policy.at, path: `industryPriority.${key}`, expected: `an industry id of the taxonomy (${industryList})`, got: renderValue(key) });
    }
    for (const key of Object.keys(input.policy.value.assignmentFloors ?? {})) {
      if (!known(key)) out.push({ ...input.policy.at, path: `assignmentFloors.${key}`, expected: `an industry id of the taxonomy (${industryList})`, got: renderValue(key) });
    }
  }
  for (const o of input.outcomes ?? []) {
    if (talentIds && !talentIds.has(o.value.talentId)) {
      if (rejectedT?.has(o.value.talentId)) follow.add(o.at, 'talentId', 'talentId', 'outcome', 'talent', o.value.talentId);
      else out.push({ ...o.at, path: 'talentId', expected: 'an existing talent id', got: renderValue(o.value.talentId) });
    }
    if (platformIds && !platformIds.has(o.value.platformId)) {
      if (rejectedP?.has(o.value.platformId)) follow.add(o.at, 'platformId', 'platformId', 'outcome', 'platform', o.value.platformId);
      else out.push({ ...o.at, path: 'platformId', expected: 'an existing platform id', got: renderValue(o.value.platformId) });
    }
  }
  out.push(...follow.issues());
  return out;
}
