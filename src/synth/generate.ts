/**
 * Seeded generator of a realistic district: platforms, talent projects and an outcomes
 * history, about a third of the texts in Chinese. Pure (no I/O, no clock, no global
 * randomness): the same options give the same records, which the fixture script writes
 * byte for byte and the benchmarks reuse at scale.
 *
 * Outcomes follow a hidden "true" affinity (industry overlap, needs met, stage, capital)
 * with noise, so that evaluation and tuning have a signal to find.
 */
import type { Industry, Outcome, Platform, Stage, Talent } from '../domain/schemas.js';
import { MODES, STAGES } from '../domain/schemas.js';
import { CURATED_PLATFORMS, CURATED_TALENTS } from './curated.js';
import { GENERIC_EN, GENERIC_ZH, PHRASES_EN, PHRASES_ZH, PLATFORM_KINDS_EN, PLATFORM_KINDS_ZH, PROFILE_EN, PROFILE_ZH } from './phrases.js';
import { JIANGDONG_INDUSTRIES } from './taxonomy.js';
import { rng } from '../util/rng.js';
import { optionError } from '../errors.js';


export interface GenerateOptions {
  seed: number;
  talents: number;
  platforms: number;
  /** words of English description per talent, [min, max]; Chinese texts scale alike */
  words?: [number, number];
  /** include the article's named platforms and teams (counted in the totals). Default true. */
  curated?: boolean;
  /** generate an outcomes history. Default true. */
  outcomes?: boolean;
  /**
   * Share of Chinese-writing entities on each side, in [0, 1], drawn for each entity
   * independently of its industry. Defaults 0.33 / 0.33 (the shipped district).
   */
  languages?: { talentZh?: number; platformZh?: number };
  /**
   * A planted-truth world (docs/CROSSLINGUAL.md): every generated talent has one industry
   * (its texts and declared industries name no second one) and needs exactly one mode (capital, boundary crossing or training; no housing, no
   * exclusions, no mixed-language texts), and `District.truth` lists its fits: the
   * platforms whose main industry is the talent's, which offer that mode and have room
   * (a free slot and enough free seats). Curated records are off unless asked for. Default false.
   */
  planted?: boolean;
  /**
   * share of generated talents already hosted by a platform of their primary industry
   * (`hostedBy`, within the host's slotsUsed / seatsUsed). Default 0. Drawn from a
   * separate seeded stream, so the rest of the district does not change with it.
   */
  hostedShare?: number;
}

/** One talent's planted truth. */
export interface PlantedTalent {
  id: string;
  /** "zh" or "en": the language its texts are written in */
  language: string;
  industry: string;
  mode: string;
  /** platform ids, ascending */
  fits: string[];
}

/** One platform's planted truth. */
export interface PlantedPlatform {
  id: string;
  language: string;
  /** its main industry (weight 1) */
  industry: string;
  modes: string[];
}

export interface PlantedTruth {
  talents: PlantedTalent[];
  platforms: PlantedPlatform[];
}

export interface District {
  industries: Industry[];
  platforms: Platform[];
  talents: Talent[];
  outcomes: Outcome[];
  /** with `planted`: the planted fits and every generated entity's language */
  truth?: PlantedTruth;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

export function generateDistrict(o: GenerateOptions): District {
  const r = rng(o.seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const industries = JIANGDONG_INDUSTRIES;
  const ids = industries.map((i) => i.id);
  const [wMin, wMax] = o.words ?? [25, 70];
  const planted = o.planted ?? false;
  const curated = o.curated ?? !planted;
  const share = (x: number | undefined, name: string): number => {
    if (x === undefined) return 0.33;
    if (!(x >= 0 && x <= 1)) throw optionError(`languages.${name} must be a number in [0, 1], got ${x}`);
    return x;
  };
  const talentZh = share(o.languages?.talentZh, 'talentZh');
  const platformZh = share(o.languages?.platformZh, 'platformZh');
  const truth: PlantedTruth = { talents: [], platforms: [] };

  const text = (zh: boolean, primary: string, secondary: string | undefined, words: number): string => {
    const parts: string[] = [];
    let count = 0;
    while (count < words) {
      const x = r();
      const ind = x < 0.55 ? primary : x < 0.75 && secondary ? secondary : undefined;
      const phrase = ind ? pick(zh ? PHRASES_ZH[ind] : PHRASES_EN[ind]) : pick(zh ? GENERIC_ZH : GENERIC_EN);
      parts.push(phrase);
      count += zh ? Math.ceil(phrase.length / 2) : phrase.split(' ').length;
    }
    return zh ? parts.join('，') + '。' : parts.join(', ') + '.';
  };

  // ---------------- platforms ----------------
  const platforms: Platform[] = curated ? CURATED_PLATFORMS.slice(0, o.platforms).map((p) => structuredClone(p)) : [];
  const nPlat = o.platforms - platforms.length;
  for (let i = 0; i < nPlat; i++) {
    const zh = r() < platformZh;
    const primary = pick(ids);
    const secondary = r() < 0.6 ? pick(ids.filter((x) => x !== primary)) : undefined;
    const nModes = r() < 0.7 ? 1 : 2;
    const modes = [...new Set(Array.from({ length: nModes }, () => pick(MODES)))];
    const slots = int(5, 60);
    const full = r() < 0.06;
    const slotsUsed = full ? slots : int(0, Math.floor(slots * 0.8));
    const seats = slots * int(4, 9);
    const seatsUsed = Math.min(seats, Math.floor((seats * slotsUsed) / slots) + int(0, 10));
    const industriesW: Record<string, number> = { [primary]: 1 };
    if (secondary) industriesW[secondary] = Math.round((0.3 + 0.5 * r()) * 100) / 100;
    const kind = zh ? pick(PLATFORM_KINDS_ZH) : pick(PLATFORM_KINDS_EN);
    const indName = industries.find((x) => x.id === primary)!;
    const name = zh ? `江东${indName.nameZh}${kind}${pad(i + 1, 3)}` : `Jiangdong ${indName.name} ${kind} ${pad(i + 1, 3)}`;
    const p: Platform = {
      id: `p-${pad(i + 1, 4)}`,
      name,
      description: text(zh, primary, secondary, int(wMin, wMax)),
      modes,
      industries: industriesW,
      capacity: { slots, slotsUsed, seats, seatsUsed, capitalYuan: modes.includes('capital') ? int(5, 100) * 1_000_000 : int(0, 20) * 100_000 },
    };
    if (r() < 0.3) p.housing = true;
    if (r() < 0.8) p.signingRate = Math.round((0.4 + 0.5 * r()) * 100) / 100;
    platforms.push(p);
    if (planted) truth.platforms.push({ id: p.id, language: zh ? 'zh' : 'en', industry: primary, modes: [...modes] });
  }

  // ---------------- talents ----------------
  const plantedById = new Map(truth.platforms.map((x) => [x.id, x]));
  const truthOf = (p: Platform) => plantedById.get(p.id);
  const talents: Talent[] = curated ? CURATED_TALENTS.slice(0, o.talents).map((t) => structuredClone(t)) : [];
  const primaries: string[] = talents.map((t) => t.industries?.[0] ?? 'human-resources');
  const nTal = o.talents - talents.length;
  const width = Math.max(5, String(nTal).length);
  for (let i = 0; i < nTal; i++) {
    const zh = r() < talentZh;
    const mixed = !planted && !zh && r() < 0.1;
    const primary = pick(ids);
    // a planted talent has exactly one industry: its text and declared industries name no other
    const secondary = r() < 0.4 && !planted ? pick(ids.filter((x) => x !== primary)) : undefined;
    const stage = pick(STAGES) as Stage;
    const teamSize = int(1, 15);
    const words = int(wMin, wMax);
    let description = text(zh, primary, secondary, words);
    if (mixed) description += ' ' + text(true, primary, undefined, 8);
    const t: Talent = {
      id: `t-${pad(i + 1, width)}`,
      name: zh
        ? `${pick(['甬', '江', '东', '明', '港', '新'])}${pick(['创', '智', '锐', '远', '达'])}${(industries.find((x) => x.id === primary)!.nameZh ?? '').slice(0, 2)}${pad(i + 1, width)}`
        : `${pick(['Blue', 'East', 'Harbour', 'Bright', 'Yong', 'Delta'])} ${industries.find((x) => x.id === primary)!.name.split(' ')[0]} team ${pad(i + 1, width)}`,
      description,
      stage,
      teamSize,
    };
    if (r() < 0.5) t.profile = zh ? `${pick(PROFILE_ZH)}，${pick(PROFILE_ZH)}。` : `${pick(PROFILE_EN)} ${pick(PROFILE_EN)}`;
    if (r() < 0.6) t.industries = secondary && r() < 0.5 ? [primary, secondary] : [primary];
    const lv = r();
    t.talentLevel = lv < 0.05 ? 'national' : lv < 0.15 ? 'provincial' : lv < 0.35 ? 'municipal' : 'none';
    const needs: NonNullable<Talent['needs']> = { seats: teamSize };
    if (planted) {
      const mode = pick(MODES);
      if (mode === 'capital') needs.capitalYuan = int(5, 200) * 100_000;
      else if (mode === 'training') needs.training = true;
      else needs.crossIndustry = true;
      const fits = platforms
        .filter((p) => truthOf(p)?.industry === primary && p.modes.includes(mode) && p.capacity.slots > p.capacity.slotsUsed && p.capacity.seats - p.capacity.seatsUsed >= teamSize)
        .map((p) => p.id);
      truth.talents.push({ id: `t-${pad(i + 1, width)}`, language: zh ? 'zh' : 'en', industry: primary, mode, fits });
    } else {
      if (r() < (stage === 'idea' ? 0.2 : 0.5)) needs.capitalYuan = int(5, 200) * 100_000;
      if (r() < (stage === 'idea' ? 0.6 : 0.2)) needs.training = true;
      if (r() < 0.25) needs.crossIndustry = true;
      if (r() < 0.3) needs.housing = true;
    }
    t.needs = needs;
    if (!planted && r() < 0.01) t.excludePlatforms = [pick(platforms).id];
    t.updatedAt = `2026-${pad(int(1, 10), 2)}-${pad(int(1, 28), 2)}`;
    talents.push(t);
    primaries.push(primary);
  }

  // ---------------- outcomes ----------------
  const outcomes: Outcome[] = [];
  if (o.outcomes ?? true) {
    const stageAff: Record<string, Record<Stage, number>> = {
      capital: { idea: 0.2, prototype: 0.5, 'early-revenue': 0.9, growth: 1 },
      'boundary-crossing': { idea: 0.5, prototype: 0.8, 'early-revenue': 1, growth: 0.7 },
      training: { idea: 1, prototype: 0.8, 'early-revenue': 0.5, growth: 0.3 },
    };
    const affinity = (t: Talent, primary: string, p: Platform): number => {
      const ind = p.industries[primary] ?? 0;
      const needs = t.needs ?? {};
      let met = 0;
      let asked = 0;
      const ask = (need: boolean, has: boolean) => {
        if (!need) return;
        asked++;
        if (has) met++;
      };
      ask((needs.capitalYuan ?? 0) > 0, p.modes.includes('capital'));
      ask(needs.training === true, p.modes.includes('training'));
      ask(needs.crossIndustry === true, p.modes.includes('boundary-crossing'));
      ask(needs.housing === true, p.housing === true);
      const mode = asked === 0 ? 0.7 : met / asked;
      const st = t.stage ? Math.max(...p.modes.map((m) => stageAff[m][t.stage!])) : 0.5;
      return 0.5 * ind + 0.25 * mode + 0.15 * st + 0.1 * (p.signingRate ?? 0.5);
    };
    talents.forEach((t, ti) => {
      if (r() >= 0.4) return;
      const n = int(1, 3);
      const seen = new Set<string>();
      for (let j = 0; j < n; j++) {
        // introductions favour the talent's industry, as referrals would
        const same = platforms.filter((p) => (p.industries[primaries[ti]] ?? 0) > 0);
        const p = r() < 0.6 && same.length > 0 ? pick(same) : pick(platforms);
        if (seen.has(p.id)) continue;
        seen.add(p.id);
        const u = affinity(t, primaries[ti], p) + 0.25 * (r() - 0.5);
        const outcome = u > 0.62 ? ((t.needs?.capitalYuan ?? 0) > 0 && p.modes.includes('capital') && r() < 0.5 ? 'financed' : 'signed') : 'declined';
        outcomes.push({ talentId: t.id, platformId: p.id, outcome, at: `2026-${pad(int(1, 10), 2)}-${pad(int(1, 28), 2)}` });
      }
    });
  }
  if ((o.hostedShare ?? 0) > 0) hostSome(talents, primaries, platforms, o.hostedShare!, rng(o.seed ^ 0x5eed));
  return { industries, platforms, talents, outcomes, ...(planted ? { truth } : {}) };
}

/**
 * Marks about `share` of the generated talents as hosted (`hostedBy`) by a platform of
 * their primary industry, never more per platform than its slotsUsed and seatsUsed hold.
 * Curated talents (the article's teams) are left as they are.
 */
function hostSome(talents: Talent[], primaries: string[], platforms: Platform[], share: number, h: () => number): void {
  const slots = new Map(platforms.map((p) => [p.id, p.capacity.slotsUsed]));
  const seats = new Map(platforms.map((p) => [p.id, p.capacity.seatsUsed]));
  const curated = new Set(CURATED_TALENTS.map((t) => t.id));
  talents.forEach((t, ti) => {
    if (curated.has(t.id) || h() >= share) return;
    const need = t.needs?.seats ?? t.teamSize ?? 1;
    const hosts = platforms.filter((p) => (p.industries[primaries[ti]] ?? 0) > 0 && slots.get(p.id)! > 0 && seats.get(p.id)! >= need);
    if (hosts.length === 0) return;
    const p = hosts[Math.floor(h() * hosts.length)];
    t.hostedBy = p.id;
    slots.set(p.id, slots.get(p.id)! - 1);
    seats.set(p.id, seats.get(p.id)! - need);
  });
}
