/**
 * Loads a whole dataset from a folder (`--data DIR`, standard file names) or from files
 * named one by one, validates every record and the cross-record rules, and either rejects
 * the input as a whole (default: one E_INPUT error listing every problem) or, with
 * `skipInvalid`, drops the bad records and reports each one skipped.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { InputIssue } from '../../errors.js';
import { TalentmatchError, inputError } from '../../errors.js';
import type { Industry, Outcome, Platform, Policy, Talent } from '../../domain/schemas.js';
import { IndustrySchema, OutcomeSchema, PlatformSchema, PolicySchema, TalentSchema } from '../../domain/schemas.js';
import type { Located, SourceRef, TalentLinks } from '../../domain/validate.js';
import { checkCrossRecords } from '../../domain/validate.js';
import type { Dataset } from '../../engine/data.js';
import { weightIssues } from '../../engine/data.js';
import type { WeightsInput } from '../../config/weights.js';
import { readJson, readObject, readRecords } from './read.js';
import { protectInput } from './write.js';
import type { ReadResult } from './read.js';
import type { ReaderLimits } from '../../config/limits.js';
import { ISSUE_CAP, readerLimits } from '../../config/limits.js';

const STANDARD_FILES = {
  industries: 'industries.json',
  policy: 'policy.json',
  weights: 'weights.json',
  platforms: 'platforms.jsonl',
  talents: 'talents.jsonl',
  outcomes: 'outcomes.jsonl',
} as const;

export type FileRole = keyof typeof STANDARD_FILES;

export interface DataPaths {
  data?: string;
  industries?: string;
  policy?: string;
  weights?: string;
  platforms?: string;
  talents?: string;
  outcomes?: string;
}

export interface LoadOptions {
  /** which optional files this command needs: talents and outcomes may be optional */
  needTalents: boolean;
  needOutcomes: boolean;
  skipInvalid: boolean;
  /** per-file cap on listed issues */
  cap?: number;
  /** files not to read at all (the batch streams talents itself) */
  omit?: FileRole[];
  /** line and file size limits (default: from TALENTMATCH_MAX_LINE_BYTES / TALENTMATCH_MAX_JSON_BYTES, else the documented defaults) */
  limits?: ReaderLimits;
}

export interface LoadedDataset {
  dataset: Dataset;
  /** with skipInvalid: every problem that caused a record to be skipped */
  skipped: InputIssue[];
  files: Partial<Record<FileRole, string>>;
}

/** Resolves each role to a path: an explicit flag wins, else DIR/standard-name (if present or required). */
export function resolvePaths(p: DataPaths, o: Pick<LoadOptions, 'needTalents' | 'needOutcomes'>): Partial<Record<FileRole, string>> {
  const out: Partial<Record<FileRole, string>> = {};
  const required: Record<FileRole, boolean> = {
    industries: true,
    policy: true,
    platforms: true,
    weights: false,
    talents: o.needTalents,
    outcomes: o.needOutcomes,
  };
  for (const role of Object.keys(STANDARD_FILES) as FileRole[]) {
    const explicit = p[role];
    if (explicit) {
      out[role] = explicit;
      continue;
    }
    if (p.data) {
      const candidate = join(p.data, STANDARD_FILES[role]);
      // a .json array is accepted where .jsonl is standard, and vice versa
      const alt = candidate.endsWith('.jsonl') ? candidate.slice(0, -1) : `${candidate}l`;
      if (existsSync(candidate)) out[role] = candidate;
      else if (existsSync(alt)) out[role] = alt;
      else if (required[role]) out[role] = candidate; // reading it reports the missing file
    } else if (required[role]) {
      throw new TalentmatchError('E_OPTION', `no ${role} file: give --data DIR or --${role} FILE`);
    }
  }
  return out;
}

const key = (r: SourceRef) => `${r.file}\u0000${r.line ?? ''}\u0000${r.index ?? ''}`;

/**
 * The reference files read and each record checked against its schema (industries, policy,
 * weights, platforms): what every load starts with, before the talents (readReferences).
 */
export interface References {
  files: Partial<Record<FileRole, string>>;
  cap: number;
  limits: ReaderLimits;
  industries: ReadResult<Industry>;
  policy?: Policy;
  weights?: WeightsInput;
  platforms: ReadResult<Platform>;
  /** problems that cannot be skipped (taxonomy, policy, weights) */
  fatal: InputIssue[];
}

export async function readReferences(paths: DataPaths, o: LoadOptions): Promise<References> {
  const files = resolvePaths(paths, o);
  for (const role of o.omit ?? []) delete files[role];
  for (const role of ['industries', 'policy', 'platforms', 'talents', 'outcomes'] as const) {
    const f = files[role];
    if (f !== undefined) protectInput(f, role);
  }
  const cap = o.cap ?? ISSUE_CAP;
  const limits = o.limits ?? readerLimits(process.env);
  const fatal: InputIssue[] = [];
  const industriesRaw = await readRecords<Industry>(files.industries!, IndustrySchema, cap, limits);
  fatal.push(...industriesRaw.issues);
  if (industriesRaw.records.length === 0 && industriesRaw.issues.length === 0) fatal.push({ file: files.industries!, path: '', expected: 'at least one industry', got: '[]' });
  const policyRes = await readObject<Policy>(files.policy!, PolicySchema, limits);
  fatal.push(...policyRes.issues);
  let weights: WeightsInput | undefined;
  if (files.weights) {
    const w = weightIssues(await readJson(files.weights, limits), files.weights);
    fatal.push(...w.issues);
    weights = w.weights;
  }
  const platformsRaw = await readRecords<Platform>(files.platforms!, PlatformSchema, cap, limits);
  return { files, cap, limits, industries: industriesRaw, ...(policyRes.value ? { policy: policyRes.value } : {}), ...(weights ? { weights } : {}), platforms: platformsRaw, fatal };
}

/**
 * The talents as a reader hands them to finishLoad, in file order: whole records (an array),
 * or a reader's columns (domain/links.ts TalentLinkColumns, what the workers' reader keeps).
 * The cross-record rules iterate them; --skip-invalid filters them (the same kind back).
 */
export interface TalentList<L> extends Iterable<Located<TalentLinks>> {
  filter(keep: (r: Located<TalentLinks>) => boolean): L;
}

/** A talents file read: its talents (`L`) and, as readRecords lists them, its problems. */
export type TalentsRead<L> = Omit<ReadResult<never>, 'records'> & { records: L };

/**
 * Reads the talents file (its path given) with every record checked against its schema: the
 * main thread's readRecords, or a reader that validates on worker threads and keeps only
 * each talent's links, in columns (adapters/cli/load.ts). Records in file order, issues in line order.
 */
export type TalentsReader<L extends TalentList<L>> = (path: string) => Promise<TalentsRead<L>>;

/** The main thread's reader of the talents file: whole records (readRecords), under the references' cap and limits. */
export function talentRecords(refs: References): TalentsReader<Located<Talent>[]> {
  return (path) => readRecords<Talent>(path, TalentSchema, refs.cap, refs.limits);
}

/** A loaded dataset whose talents are `L` (whole records, or their links in columns), undefined without a talents file. */
export interface LoadedOf<L> {
  dataset: Omit<Dataset, 'talents'> & { talents: L | undefined };
  skipped: InputIssue[];
  files: Partial<Record<FileRole, string>>;
}

export async function loadDataset(paths: DataPaths, o: LoadOptions): Promise<LoadedDataset> {
  return loadRecords(await readReferences(paths, o), o);
}

/** The rest of a load with the talents read whole on this thread (talentRecords). */
export async function loadRecords(refs: References, o: LoadOptions): Promise<LoadedDataset> {
  const loaded = await finishLoad(refs, o, talentRecords(refs));
  return { ...loaded, dataset: { ...loaded.dataset, talents: (loaded.dataset.talents ?? []).map((r) => r.value) } };
}

/**
 * The rest of a load once the reference files are read: the talents (by `readTalents`) and
 * outcomes, then the cross-record rules; rejects the input as a whole or, with skipInvalid,
 * drops the records named by a problem. Same problems, same order, whatever the reader.
 */
export async function finishLoad<L extends TalentList<L>>(refs: References, o: LoadOptions, readTalents: TalentsReader<L>): Promise<LoadedOf<L>> {
  const { files, cap, limits, fatal, policy: policyValue, weights } = refs;
  const industriesRaw = refs.industries;
  const platformsRaw = refs.platforms;
  const issues: InputIssue[] = [];
  let omitted = 0;
  const talentsRaw = files.talents ? await readTalents(files.talents) : undefined;
  const outcomesRaw = files.outcomes ? await readRecords<Outcome>(files.outcomes, OutcomeSchema, cap, limits) : undefined;
  for (const r of [platformsRaw, talentsRaw, outcomesRaw]) {
    if (!r) continue;
    issues.push(...r.issues);
    omitted += r.omitted;
  }
  omitted += industriesRaw.omitted;

  let platforms: Located<Platform>[] = platformsRaw.records;
  let talents: L | undefined = talentsRaw?.records;
  let outcomes: Located<Outcome>[] | undefined = outcomesRaw?.records;
  const policy: Located<Policy> | undefined = policyValue ? { value: policyValue, at: { file: files.policy! } } : undefined;

  // Cross-record rules. With skipInvalid, records named by a problem are dropped and the
  // rules re-checked (dropping a platform can orphan an exclusion), a few rounds at most.
  const skipped: InputIssue[] = [];
  for (let round = 0; round < 5; round++) {
    const cross = checkCrossRecords({
      industries: industriesRaw.records,
      platforms,
      ...(talents ? { talents } : {}),
      ...(policy ? { policy } : {}),
      ...(outcomes ? { outcomes } : {}),
      // rejecting: references to a rejected record are collapsed (its own problem is listed);
      // skipping: each record skipped is listed, so nothing is collapsed
      ...(o.skipInvalid ? {} : { rejected: { platforms: platformsRaw.rejectedIds, ...(talentsRaw ? { talents: talentsRaw.rejectedIds } : {}) } }),
    });
    const entityFiles = new Set([files.platforms, files.talents, files.outcomes]);
    for (const c of cross) {
      if (!entityFiles.has(c.file)) fatal.push(c);
      else if (!o.skipInvalid || round === 0) issues.push(c);
      else skipped.push(c);
    }
    if (!o.skipInvalid || cross.length === 0) break;
    const bad = new Set(cross.map(key));
    platforms = platforms.filter((r) => !bad.has(key(r.at)));
    talents = talents?.filter((r) => !bad.has(key(r.at)));
    outcomes = outcomes?.filter((r) => !bad.has(key(r.at)));
  }

  if (fatal.length > 0 || (!o.skipInvalid && issues.length > 0)) {
    // cross-record problems come on top of each file's capped list: cap them per file too
    const perFile = new Map<string, number>();
    const all: InputIssue[] = [];
    for (const i of [...fatal, ...issues]) {
      const n = perFile.get(i.file) ?? 0;
      perFile.set(i.file, n + 1);
      if (n < cap) all.push(i);
      else omitted++;
    }
    throw inputError(all, omitted);
  }
  if (o.skipInvalid) skipped.unshift(...issues);

  return {
    dataset: {
      industries: industriesRaw.records.map((r) => r.value),
      platforms: platforms.map((r) => r.value),
      talents,
      policy: policy!.value,
      ...(weights ? { weights } : {}),
      ...(outcomes ? { outcomes: outcomes.map((r) => r.value) } : {}),
    },
    skipped,
    files,
  };
}
