/**
 * The batch's last step, wired: the publish guard, the platform lines from the chunks'
 * candidates and the reuse base's reserve (engine/candidates.ts), the assignment and
 * referrals (engine/snapshot.ts), the placed pairs and the platform lines' items explained
 * from the talents file (placed.ts: the listed talents' while this thread assigns, the other
 * placed talents' while it formats), and the reserve stored for the next run.
 */
import type { Platform, Policy } from '../../domain/schemas.js';
import { TalentmatchError } from '../../errors.js';
import type { AssignOptions } from '../../matching/assign.js';
import { CandidateMerger } from '../../engine/candidates.js';
import type { PlatformSide } from '../../engine/platformSide.js';
import { publishRefusal } from '../../engine/publish.js';
import type { SnapshotAssignment } from '../../engine/snapshot.js';
import { PrefsGatherer, snapshotAssignmentJson, snapshotReferralLines, snapshotReferrals } from '../../engine/snapshot.js';
import type { Referrals } from '../../referrals/referrals.js';
import type { SnapshotStore } from '../../store/types.js';
import type { AssemblyInputs } from '../../engine/assembly.js';
import type { PlacedOn, TalentLines } from './placed.js';
import { listedItems, loopTurn, mayExplainOnThreads, placedExplanations, vectorizeLines } from './placed.js';
import type { PairExplanation } from '../../scoring/explain.js';
import { memMark } from '../../workers/memTrace.js';

/** talent ids per content-hash query when checking the reserve's talents (keeps each query's parameter small) */
const HASH_BATCH = 5000;

/** The artifact holding a snapshot's platform reserve (not exported: the next run's input). */
const RESERVE_ARTIFACT = 'platform-reserve';

/**
 * The publish guard: an empty or sharply smaller talent set than the snapshot served now
 * is far more often a truncated nightly file than a real change.
 */
export async function guardShrink(store: SnapshotStore, talents: number, allowShrink: boolean, file: string): Promise<void> {
  const previous = await store.latestComplete();
  const prevTalents = previous?.summary ? (JSON.parse(previous.summary) as { talents?: number }).talents : undefined;
  const refusal = publishRefusal({ previousTalents: prevTalents, previousRunId: previous?.id, talents, allowShrink });
  if (refusal) throw new TalentmatchError('E_INPUT', `${file}: ${refusal.message}`, [{ file, path: '', expected: refusal.expected, got: refusal.got }]);
}

export interface SnapshotInputs {
  store: SnapshotStore;
  runId: number;
  /** the complete run talents were reused from */
  baseId: number | undefined;
  side: PlatformSide;
  platforms: readonly Platform[];
  policy: Policy;
  kPlatform: number;
  /** reserve depth per platform */
  depth: number;
  assign: AssignOptions;
  /** the talents file the run streamed (its own copy of a pipe), its line limit and each accepted talent's line in it */
  talentsPath: string;
  maxLineBytes: number;
  talentLines: TalentLines;
  /** the platform lines' merger and the preference lists, gathered while chunks arrived (engine/assembly.ts); absent: read from the store */
  early?: AssemblyInputs;
  /**
   * where the listed and placed talents are validated, vectorized and explained (the local
   * pool's threads, while this thread assigns and formats); absent: the main thread. `warm`
   * starts its threads (called before the assignment, so that their start overlaps it)
   */
  vectorizeOn?: PlacedOn;
}

export interface Snapshot {
  platformLines: { id: string; line: string }[];
  snap: SnapshotAssignment;
  /**
   * The artifacts' parts, in order, made as they are read: assignment.json's formatted then,
   * referrals.jsonl's once the placed talents still on the threads are explained (the
   * publication stores the parts before meanwhile)
   */
  artifacts: Record<string, Iterable<string> | AsyncIterable<string>>;
  /** Settles once no run is left on a thread, whatever became of them: the caller releases the threads after it. */
  settled(): Promise<void>;
}

/** The artifacts with every part read (a store that publishes in one step takes them so). */
export async function readArtifacts(artifacts: Snapshot['artifacts']): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [name, body] of Object.entries(artifacts)) {
    const parts: string[] = [];
    for await (const part of body) parts.push(part);
    out[name] = parts;
  }
  return out;
}

/** The snapshot's contents, or undefined when the base's reserve cannot answer every platform line (score every talent then). */
export async function buildSnapshot(x: SnapshotInputs): Promise<Snapshot | undefined> {
  const { store, runId, baseId, side } = x;
  // the early inputs are taken out of `x`: the lists can be collected once assigned
  let early = x.early;
  x.early = undefined;
  const merger = early?.merger ?? new CandidateMerger(side.platforms.count, x.depth);
  if (!early) for await (const blob of store.candidateBlobs(runId)) merger.add(blob);
  if (baseId !== undefined) {
    const text = await store.artifact(baseId, RESERVE_ARTIFACT);
    if (text === undefined) return undefined;
    const reserve = Buffer.from(text, 'base64');
    // which of the reserve's talents are unchanged in this run, asked of the store first (it may answer asynchronously)
    const unchanged = new Set<string>();
    const ids = [...new Set(CandidateMerger.reserveIds(reserve))];
    for (let i = 0; i < ids.length; i += HASH_BATCH) {
      const some = ids.slice(i, i + HASH_BATCH);
      const [now, before] = [await store.talentHashes(runId, some), await store.talentHashes(baseId, some)];
      for (const id of some) if (now.has(id) && now.get(id) === before.get(id)) unchanged.add(id);
    }
    merger.addReserve(reserve, (id) => unchanged.has(id));
    if (merger.exhausted(x.kPlatform).length > 0) return undefined;
  }
  // each platform line's talents (the merged lists' first kPlatform): their pairs are explained and written as the lines' items where they are vectorized, before the assignment
  const listed = side.platforms.ids.map((_, p) => merger.top(p, x.kPlatform));
  let gathered = early?.gathered;
  early = undefined;
  if (!gathered) {
    gathered = new PrefsGatherer();
    for await (const row of store.talentPrefs(runId)) gathered.add(row);
  }
  memMark('main:gathered');
  // the threads start while the assignment runs, if the placed talents could go to them. The
  // listed and the hosted talents do not depend on the assignment: their lines go to the
  // threads now and are vectorized, and the listed pairs explained into the platform lines'
  // items, while this thread assigns (without threads, this thread does it first)
  if (mayExplainOnThreads(x.talentLines.size, x.vectorizeOn)) x.vectorizeOn?.warm?.();
  // each listed talent's platforms (ascending), and where each listed pair is among its talent's
  const listedBy = new Map<string, number[]>();
  const nth = listed.map((l, p) =>
    l.ids.map((id) => {
      let ps = listedBy.get(id);
      if (!ps) listedBy.set(id, (ps = []));
      return ps.push(p) - 1;
    }),
  );
  const ahead = new Set([...listedBy.keys(), ...gathered.hostedIds()]);
  const before = vectorizeLines(side, x.talentsPath, [...ahead], x.maxLineBytes, x.talentLines, x.vectorizeOn, { listed: listedBy });
  before.catch(() => undefined); // heard below, after the assignment; a failure meanwhile is no unhandled rejection
  let snap: SnapshotAssignment;
  try {
    snap = gathered.assign(side, x.assign);
  } catch (e) {
    await before.catch(() => undefined); // no run left on a thread when the caller releases them
    throw e;
  }
  gathered = undefined; // what the snapshot keeps of the lists is in `snap`
  memMark('main:assigned');
  const { talentIds, placed } = snap;
  const explained = new Map<string, PairExplanation>();
  const explain = (t: number) => explained.get(talentIds[t])!;
  // the other placed talents go to the threads, each placed pair explained there; this thread
  // meanwhile (once the threads have taken their runs: loopTurn) explains the placed talents
  // vectorized before, makes the platform lines, builds the referrals (they need the hosted
  // pairs' explanations only: hosted talents were vectorized before) and, as the caller
  // publishes, formats assignment.json. The referral lines wait for the threads
  const after = vectorizeLines(side, x.talentsPath, [...placed.keys()].filter((id) => !ahead.has(id)), x.maxLineBytes, x.talentLines, x.vectorizeOn, { placed });
  after.catch(() => undefined); // heard as the referral lines are read
  const settled = async (): Promise<void> => void (await Promise.allSettled([before, after]));
  let platformLines: { id: string; line: string }[];
  let referrals: Referrals;
  try {
    await loopTurn();
    const early = await before;
    // the first runs' lines checked, and their placed talents explained, before their items are read
    for (const [id, e] of placedExplanations(side, x.talentsPath, early, placed)) explained.set(id, e);
    const item = listedItems(early);
    platformLines = side.platforms.ids.map((id, p) => ({ id, line: platformLine(id, listed[p], (j) => item(listed[p].ids[j], nth[p][j])) }));
    referrals = snapshotReferrals(snap, x.policy, explain);
  } catch (e) {
    await settled();
    throw e;
  }
  const referralLines = async function* (): AsyncGenerator<string> {
    for (const [id, e] of placedExplanations(side, x.talentsPath, await after, placed)) explained.set(id, e);
    memMark('main:explained');
    yield* snapshotReferralLines(snap, side, x.platforms, referrals, explain);
  };
  const artifacts = {
    'assignment.json': snapshotAssignmentJson(snap, side, x.platforms),
    'referrals.jsonl': referralLines(),
    [RESERVE_ARTIFACT]: textParts(merger.encodeReserve().toString('base64')),
  };
  return { platformLines, snap, artifacts, settled };
}

/**
 * A platform line in the contract's format: its talents (best first) seen from the platform,
 * as engine/format.ts platformItem writes them, the JSON of the in-process output:
 * `JSON.stringify({ side, id, items })` with each item's JSON made where its talent was
 * vectorized (workers/explainLines.ts). An item's score is the one the talent was merged by
 * (kernel and explainer agree bit for bit): a difference would be a broken rule, not an
 * order to trust.
 */
function platformLine(platformId: string, top: { ids: string[]; scores: number[] }, item: (j: number) => { json: string; score: number }): string {
  const items = top.ids.map((id, j) => {
    const e = item(j);
    if (e.score !== top.scores[j]) {
      throw new TalentmatchError(
        'E_INTERNAL',
        `platform ${JSON.stringify(platformId)}: talent ${JSON.stringify(id)} was ranked by score ${top.scores[j]} but explains as ${e.score} here: the scores came from another build or Node version (queue workers, or the reserve of a snapshot another build wrote)? Run every worker on this build, or run once without the old snapshot (a fresh --db)`,
      );
    }
    return e.json;
  });
  // the object's JSON with its items left empty, then the items written in
  return JSON.stringify({ side: 'platform', id: platformId, items: [] }).slice(0, -2) + items.join(',') + ']}';
}

/** Artifacts are text, stored in parts of at most 1 MB. */
function* textParts(text: string): Generator<string> {
  for (let i = 0; i < text.length; i += 1 << 20) yield text.slice(i, i + (1 << 20));
}
