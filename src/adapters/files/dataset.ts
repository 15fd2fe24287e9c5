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
import type { Located, SourceRef } from '../../domain/validate.js';
import { checkCrossRecords } from '../../domain/validate.js';
import type { Dataset } from '../../engine/data.js';
import { weightIssues } from '../../engine/data.js';
import type { WeightsInput } from '../../config/weights.js';
import { readJson, readObject, readRecords } from './read.js';
import type { OnRecord } from './read.js';
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
  /**
   * Early views for a caller that starts work while the talents are still being read
   * (adapters/cli/load.ts): `references` once the reference files are read (their
   * schema-valid records, before any cross-record rule), then `talent` for each
   * schema-valid talent line (read.ts OnRecord). Nothing here changes what is loaded or
   * reported; the caller must check that the final dataset holds the same records.
   */
  early?: EarlyViews;
}

/** The reference inputs as read, before the cross-record rules (LoadOptions.early). */
export interface ReferenceInputs {
  industries: readonly Industry[];
  platforms: readonly Platform[];
  policy?: Policy;
  weights?: WeightsInput;
  /** problems found so far (any: the load will fail or skip records) */
  issues: number;
}

export interface EarlyViews {
  references(r: ReferenceInputs): void;
  talent: OnRecord<Talent>;
}

export interface LoadedDataset {
  dataset: Dataset;
  /** with skipInvalid: every problem that caused a record to be skipped */
  skipped: InputIssue[];
  files: Partial<Record<FileRole, string>>;
}

/** Resolves each role to a path: an explicit flag wins, else DIR/standard-name (if present or required). */
function resolvePaths(p: DataPaths, o: Pick<LoadOptions, 'needTalents' | 'needOutcomes'>): Partial<Record<FileRole, string>> {
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

export async function loadDataset(paths: DataPaths, o: LoadOptions): Promise<LoadedDataset> {
  const files = resolvePaths(paths, o);
  for (const role of o.omit ?? []) delete files[role];
  const cap = o.cap ?? ISSUE_CAP;
  const limits = o.limits ?? readerLimits(process.env);
  const issues: InputIssue[] = [];
  let omitted = 0;
  const fatal: InputIssue[] = []; // problems that cannot be skipped (taxonomy, policy, weights)

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
  o.early?.references({
    industries: industriesRaw.records.map((r) => r.value),
    platforms: platformsRaw.records.map((r) => r.value),
    ...(policyRes.value ? { policy: policyRes.value } : {}),
    ...(weights ? { weights } : {}),
    issues: fatal.length + platformsRaw.issues.length + platformsRaw.omitted,
  });
  const talentsRaw = files.talents ? await readRecords<Talent>(files.talents, TalentSchema, cap, limits, o.early?.talent) : undefined;
  const outcomesRaw = files.outcomes ? await readRecords<Outcome>(files.outcomes, OutcomeSchema, cap, limits) : undefined;
  for (const r of [platformsRaw, talentsRaw, outcomesRaw]) {
    if (!r) continue;
    issues.push(...r.issues);
    omitted += r.omitted;
  }
  omitted += industriesRaw.omitted;

  let platforms: Located<Platform>[] = platformsRaw.records;
  let talents: Located<Talent>[] | undefined = talentsRaw?.records;
  let outcomes: Located<Outcome>[] | undefined = outcomesRaw?.records;
  const policy: Located<Policy> | undefined = policyRes.value ? { value: policyRes.value, at: { file: files.policy! } } : undefined;

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
      talents: (talents ?? []).map((r) => r.value),
      policy: policy!.value,
      ...(weights ? { weights } : {}),
      ...(outcomes ? { outcomes: outcomes.map((r) => r.value) } : {}),
    },
    skipped,
    files,
  };
}
