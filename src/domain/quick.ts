/**
 * A hand-written fast path for the talent schema (schemas.ts TalentSchema), for the hot
 * path of reading 100k-line talents files: `quickTalent(raw)` returns the record exactly
 * as `TalentSchema.safeParse(raw).data` would (the same fields, key order and values) when
 * it can tell cheaply that the record passes, and `undefined` otherwise. It never reports
 * a problem: a record it does not accept goes to zod, which stays the source of truth and
 * writes every error message (domain/lines.ts parseRecordLine). So it may decline a valid
 * record (an unknown key, a date-time, a long text: zod then decides), but it must never
 * accept one that zod rejects or return other data; test/domain/quick.test.ts checks both
 * against TalentSchema on generated valid and broken records, and that its fields are the
 * schema's. Pure: no I/O.
 */
import { MAX_ID_CHARS, MAX_INT, MAX_ITEM_CHARS, MAX_LIST_ITEMS, MAX_NAME_CHARS, MAX_RECORD_TEXT_CHARS, MAX_TEXT_CHARS, MAX_YUAN } from '../config/limits.js';
import { regexes } from 'zod/v4/core';
import type { Talent } from './schemas.js';
import { STAGES, TALENT_LEVELS, wellFormed } from './schemas.js';

/** The talent fields the fast path knows, in TalentSchema's order (zod's output order); a test holds it equal to the schema's keys. */
export const QUICK_TALENT_KEYS = ['id', 'name', 'description', 'profile', 'skills', 'industries', 'stage', 'teamSize', 'talentLevel', 'needs', 'excludePlatforms', 'hostedBy', 'updatedAt'] as const;
/** The fields of `needs`, in the schema's order. */
export const QUICK_NEEDS_KEYS = ['seats', 'capitalYuan', 'training', 'crossIndustry', 'housing'] as const;

/**
 * NFKC expands a UTF-16 string at most 18 times (Unicode UAX #15, "maximum expansion
 * factor"): text of at most MAX_RECORD_TEXT_CHARS / 18 code units is within the record's
 * text budget whatever it normalises to, without normalising it.
 */
const NFKC_MAX_EXPANSION = 18;

/** The pattern of `z.iso.date()` (zod's own): a date passes the schema's date-or-date-time union. */
const ISO_DATE = regexes.date;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is string => typeof v === 'string' && v.length >= 1 && v.length <= MAX_ID_CHARS && wellFormed(v);
const isText = (v: unknown, min: number, max: number): v is string => typeof v === 'string' && v.length >= min && v.length <= max;
const isInt = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= MAX_INT;
const isOneOf = (v: unknown, values: readonly string[]): v is string => typeof v === 'string' && values.includes(v);

/** A copy of a list of strings each passing `ok`, at most MAX_LIST_ITEMS; undefined when not. */
function strings(v: unknown, ok: (x: unknown) => boolean): string[] | undefined {
  if (!Array.isArray(v) || v.length > MAX_LIST_ITEMS) return undefined;
  for (let i = 0; i < v.length; i++) if (!ok(v[i])) return undefined;
  return v.slice() as string[];
}
const isItem = (x: unknown) => typeof x === 'string' && x.length <= MAX_ITEM_CHARS;

function quickNeeds(v: unknown): Talent['needs'] | undefined {
  if (!isObject(v)) return undefined;
  let known = 0;
  const out: NonNullable<Talent['needs']> = {};
  if (v.seats !== undefined) {
    if (!isInt(v.seats, 0)) return undefined;
    out.seats = v.seats;
    known++;
  }
  if (v.capitalYuan !== undefined) {
    const c = v.capitalYuan;
    if (typeof c !== 'number' || !Number.isFinite(c) || c < 0 || c > MAX_YUAN) return undefined;
    out.capitalYuan = c;
    known++;
  }
  for (const k of ['training', 'crossIndustry', 'housing'] as const) {
    if (v[k] === undefined) continue;
    if (typeof v[k] !== 'boolean') return undefined;
    out[k] = v[k];
    known++;
  }
  for (const k in v) if (Object.hasOwn(v, k)) known--;
  return known === 0 ? out : undefined; // an unknown key (or one holding undefined): zod decides
}

/** `TalentSchema.safeParse(raw).data` when the fast checks pass, else undefined (zod decides). */
export function quickTalent(raw: unknown): Talent | undefined {
  if (!isObject(raw)) return undefined;
  const { id, name, description, profile, skills, industries, stage, teamSize, talentLevel, needs, excludePlatforms, hostedBy, updatedAt } = raw;
  if (!isId(id) || !isText(name, 1, MAX_NAME_CHARS) || !isText(description, 1, MAX_TEXT_CHARS)) return undefined;
  const out: Talent = { id, name, description };
  let known = 3;
  let chars = name.length + description.length;
  if (profile !== undefined) {
    if (!isText(profile, 0, MAX_TEXT_CHARS)) return undefined;
    out.profile = profile;
    chars += profile.length;
    known++;
  }
  if (skills !== undefined) {
    const s = strings(skills, isItem);
    if (s === undefined) return undefined;
    out.skills = s;
    for (let i = 0; i < s.length; i++) chars += s[i].length;
    known++;
  }
  if (industries !== undefined) {
    const s = strings(industries, isId);
    if (s === undefined) return undefined;
    out.industries = s;
    known++;
  }
  if (stage !== undefined) {
    if (!isOneOf(stage, STAGES)) return undefined;
    out.stage = stage as Talent['stage'];
    known++;
  }
  if (teamSize !== undefined) {
    if (!isInt(teamSize, 1)) return undefined;
    out.teamSize = teamSize;
    known++;
  }
  if (talentLevel !== undefined) {
    if (!isOneOf(talentLevel, TALENT_LEVELS)) return undefined;
    out.talentLevel = talentLevel as Talent['talentLevel'];
    known++;
  }
  if (needs !== undefined) {
    const n = quickNeeds(needs);
    if (n === undefined) return undefined;
    out.needs = n;
    known++;
  }
  if (excludePlatforms !== undefined) {
    const s = strings(excludePlatforms, isId);
    if (s === undefined) return undefined;
    out.excludePlatforms = s;
    known++;
  }
  if (hostedBy !== undefined) {
    if (!isId(hostedBy)) return undefined;
    out.hostedBy = hostedBy;
    known++;
  }
  if (updatedAt !== undefined) {
    if (typeof updatedAt !== 'string' || !ISO_DATE.test(updatedAt)) return undefined; // a date-time: zod decides
    out.updatedAt = updatedAt;
    known++;
  }
  for (const k in raw) if (Object.hasOwn(raw, k)) known--;
  if (known !== 0) return undefined; // an unknown key: zod strips it (or decides)
  // the record's text budget (schemas.ts textBudget), exact only when it could matter
  if (chars * NFKC_MAX_EXPANSION > MAX_RECORD_TEXT_CHARS && nfkcChars(out) > MAX_RECORD_TEXT_CHARS) return undefined;
  return out;
}

/** The text budget's count: name, description, profile and skills in NFKC characters. */
function nfkcChars(t: Talent): number {
  let total = t.name.normalize('NFKC').length + t.description.normalize('NFKC').length;
  if (t.profile !== undefined) total += t.profile.normalize('NFKC').length;
  if (t.skills) for (const s of t.skills) total += s.normalize('NFKC').length;
  return total;
}
