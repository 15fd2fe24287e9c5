/**
 * Talents' links (domain/validate.ts TalentLinks: what the cross-record rules read) held in
 * columns, not as one object per talent. A reader that validates the talents file on worker
 * threads (adapters/cli/load.ts) keeps only the links, for the rules that span records; as
 * objects (links, record wrapper, source reference, the industry and platform names copied
 * per talent by the message) they took ~460 bytes a talent on the main thread's heap,
 * ~500 MB at 1M talents, whose pages the process kept after the load. In columns: the ids
 * as strings, the names (industry and platform ids) as codes into a table, the rest in
 * typed arrays. The rules read them as Located<TalentLinks>, one short-lived object at a
 * time (iteration), so they are written once for whole records and for columns. Pure.
 */
import type { Located, SourceRef, TalentLinks } from './validate.js';

/** The links of a range of talents, as a worker posts them (typed arrays and a small table of names). */
export interface LinkColumnsPart {
  ids: string[];
  /** each talent's 1-based line */
  lines: Int32Array;
  /** the industry and platform ids the range's talents name, each once */
  names: string[];
  /** per talent: where its industries end in `industries` (they start where the previous talent's end) */
  industryEnd: Int32Array;
  /** codes into `names` */
  industries: Int32Array;
  excludeEnd: Int32Array;
  excludes: Int32Array;
  /** a code into `names`, or -1: no hostedBy */
  host: Int32Array;
  /** NaN: absent (the schema's values are integers) */
  teamSize: Float64Array;
  seats: Float64Array;
  /** per talent: HAS_INDUSTRIES | HAS_EXCLUDES where the record has the field (an empty list included) */
  flags: Uint8Array;
}

const HAS_INDUSTRIES = 1;
const HAS_EXCLUDES = 2;

/** The links of `links` (in order, at `lines`) in columns. */
export function encodeLinks(links: readonly TalentLinks[], lines: ArrayLike<number>): LinkColumnsPart {
  const n = links.length;
  const codes = new Map<string, number>();
  const names: string[] = [];
  const code = (s: string): number => {
    let c = codes.get(s);
    if (c === undefined) codes.set(s, (c = names.push(s) - 1));
    return c;
  };
  const industries: number[] = [];
  const excludes: number[] = [];
  const part: LinkColumnsPart = {
    ids: new Array<string>(n),
    lines: Int32Array.from({ length: n }, (_, i) => lines[i]),
    names,
    industryEnd: new Int32Array(n),
    industries: new Int32Array(0),
    excludeEnd: new Int32Array(n),
    excludes: new Int32Array(0),
    host: new Int32Array(n).fill(-1),
    teamSize: new Float64Array(n).fill(NaN),
    seats: new Float64Array(n).fill(NaN),
    flags: new Uint8Array(n),
  };
  links.forEach((l, i) => {
    part.ids[i] = l.id;
    if (l.industries !== undefined) {
      part.flags[i] |= HAS_INDUSTRIES;
      for (const s of l.industries) industries.push(code(s));
    }
    if (l.excludePlatforms !== undefined) {
      part.flags[i] |= HAS_EXCLUDES;
      for (const s of l.excludePlatforms) excludes.push(code(s));
    }
    part.industryEnd[i] = industries.length;
    part.excludeEnd[i] = excludes.length;
    if (l.hostedBy !== undefined) part.host[i] = code(l.hostedBy);
    if (l.teamSize !== undefined) part.teamSize[i] = l.teamSize;
    if (l.needs?.seats !== undefined) part.seats[i] = l.needs.seats;
  });
  part.industries = Int32Array.from(industries);
  part.excludes = Int32Array.from(excludes);
  return part;
}

/** Talent `i` of a part as TalentLinks (only the fields its record has: domain/validate.ts talentLinks). */
function linksOf(p: LinkColumnsPart, i: number, id: string): TalentLinks {
  const out: TalentLinks = { id };
  const names = (codes: Int32Array, ends: Int32Array) => Array.from(codes.subarray(i === 0 ? 0 : ends[i - 1], ends[i]), (c) => p.names[c]);
  if (p.flags[i] & HAS_INDUSTRIES) out.industries = names(p.industries, p.industryEnd);
  if (p.flags[i] & HAS_EXCLUDES) out.excludePlatforms = names(p.excludes, p.excludeEnd);
  if (p.host[i] >= 0) out.hostedBy = p.names[p.host[i]];
  if (!Number.isNaN(p.teamSize[i])) out.teamSize = p.teamSize[i];
  if (!Number.isNaN(p.seats[i])) out.needs = { seats: p.seats[i] };
  return out;
}

/**
 * A talents file's links in columns, in the order its parts were added (a talent's row: its
 * index in that order), all of one file; iterated (in row order) as Located<TalentLinks>,
 * one object at a time. `filter` keeps the talents a predicate keeps, sharing the columns.
 */
export class TalentLinkColumns implements Iterable<Located<TalentLinks>> {
  private readonly parts: LinkColumnsPart[];
  /** the row of each part's first talent */
  private readonly starts: number[];
  /** every talent's id, in row order (the parts' `ids` are let go once appended) */
  readonly ids: string[];
  /** the rows kept, in increasing order; undefined: every row */
  private readonly kept: Int32Array | undefined;

  constructor(
    readonly file: string,
    from?: { parts: LinkColumnsPart[]; starts: number[]; ids: string[]; kept: Int32Array },
  ) {
    this.parts = from?.parts ?? [];
    this.starts = from?.starts ?? [];
    this.ids = from?.ids ?? [];
    this.kept = from?.kept;
  }

  /** Appends a part's talents (rows from the current count on); only before any filter. */
  add(part: LinkColumnsPart): void {
    this.starts.push(this.ids.length);
    for (const id of part.ids) this.ids.push(id);
    this.parts.push({ ...part, ids: [] });
  }

  /** Talents kept. */
  get length(): number {
    return this.kept ? this.kept.length : this.ids.length;
  }

  /** The rows kept, in increasing order. */
  rows(): Int32Array {
    return this.kept ?? Int32Array.from({ length: this.ids.length }, (_, i) => i);
  }

  *[Symbol.iterator](): Iterator<Located<TalentLinks>> {
    for (const [, r] of this.located()) yield r;
  }

  /** The talents `keep` keeps (each given as Located<TalentLinks>), sharing these columns. */
  filter(keep: (r: Located<TalentLinks>) => boolean): TalentLinkColumns {
    const rows: number[] = [];
    for (const [row, r] of this.located()) if (keep(r)) rows.push(row);
    return new TalentLinkColumns(this.file, { parts: this.parts, starts: this.starts, ids: this.ids, kept: Int32Array.from(rows) });
  }

  /** Each kept row with its talent, in row order (the parts walked once). */
  private *located(): Generator<[number, Located<TalentLinks>]> {
    let p = 0;
    for (const row of this.kept ?? range(this.ids.length)) {
      while (p + 1 < this.parts.length && this.starts[p + 1] <= row) p++;
      yield [row, this.at(p, row)];
    }
  }

  private at(p: number, row: number): Located<TalentLinks> {
    const part = this.parts[p];
    const i = row - this.starts[p];
    const at: SourceRef = { file: this.file, line: part.lines[i] };
    return { value: linksOf(part, i, this.ids[row]), at };
  }
}

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}
