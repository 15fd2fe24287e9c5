/**
 * The batch's last step, wired: the publish guard, the platform lines from the chunks'
 * candidates and the reuse base's reserve (engine/candidates.ts), the assignment and
 * referrals (engine/snapshot.ts), the placed pairs and the platform lines' items explained
 * from the talents file in one pass, and the reserve stored for the next run.
 */
import type { Platform, Policy } from '../../domain/schemas.js';
import { TalentmatchError } from '../../errors.js';
import type { AssignOptions } from '../../matching/assign.js';
import { CandidateMerger } from '../../engine/candidates.js';
import type { PlatformSide } from '../../engine/platformSide.js';
import { publishRefusal } from '../../engine/publish.js';
import { platformItemOf } from '../../engine/format.js';
import type { SnapshotAssignment } from '../../engine/snapshot.js';
import { PrefsGatherer, snapshotArtifacts } from '../../engine/snapshot.js';
import type { SnapshotStore } from '../../store/types.js';
import type { AssemblyInputs } from '../../engine/assembly.js';
import type { PlacedOn, TalentLines } from './placed.js';
import { explainRuns, mayExplainOnThreads, vectorizeLines } from './placed.js';
import type { PairExplanation } from '../../scoring/explain.js';
import { allSettledOrThrow } from '../../util/settle.js';
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
   * where the placed talents are validated and vectorized for their explanations (the local
   * pool, and with `here` this thread too); absent: the main thread. `warm` starts its
   * threads (called before the assignment, so that their start overlaps it)
   */
  vectorizeOn?: PlacedOn;
}

export interface Snapshot {
  platformLines: { id: string; line: string }[];
  snap: SnapshotAssignment;
  artifacts: Record<string, Iterable<string>>;
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
  // each platform line's talents (the merged lists' first kPlatform): explained after the assignment, with the placed pairs (vectorized during it)
  const listed = side.platforms.ids.map((_, p) => merger.top(p, x.kPlatform));
  let gathered = early?.gathered;
  early = undefined;
  if (!gathered) {
    gathered = new PrefsGatherer();
    for await (const row of store.talentPrefs(runId)) gathered.add(row);
  }
  memMark('main:gathered');
  // the threads start while the assignment runs, if the placed talents could go to them; the
  // listed talents do not depend on the assignment: their lines go to the threads now and are
  // vectorized while this thread assigns (only the placed talents not listed are left for after)
  const threads = mayExplainOnThreads(x.talentLines.size, x.vectorizeOn);
  if (threads) x.vectorizeOn?.warm?.();
  const listedIds = threads ? [...new Set(listed.flatMap((l) => l.ids))] : [];
  const before = vectorizeLines(side, x.talentsPath, listedIds, x.maxLineBytes, x.talentLines, x.vectorizeOn, true);
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
  // one pass over the placed and the listed talents: talent id -> its pairs to explain, the placed one first
  const wanted = new Map<string, number[]>();
  for (const [id, p] of snap.placed) wanted.set(id, [p]);
  // where each listed pair's explanation will be: its talent's, at this index (a platform lists a talent once: only its placed pair may be there already)
  const at = listed.map((l, p) =>
    l.ids.map((id) => {
      let pairs = wanted.get(id);
      if (!pairs) wanted.set(id, (pairs = []));
      return snap.placed.get(id) === p ? 0 : pairs.push(p) - 1;
    }),
  );
  const vectorized = new Set(listedIds);
  const after = vectorizeLines(side, x.talentsPath, [...wanted.keys()].filter((id) => !vectorized.has(id)), x.maxLineBytes, x.talentLines, x.vectorizeOn);
  // both settle before a failure is passed on: the caller releases the threads, none may still hold a run
  const runs = (await allSettledOrThrow([before, after])).flat();
  const explanations = explainRuns(side, x.talentsPath, runs, wanted);
  memMark('main:explained');
  const explained = new Map<string, PairExplanation>();
  for (const [id] of snap.placed) explained.set(id, explanations.get(id)![0]);
  const platformLines = side.platforms.ids.map((id, p) => ({ id, line: platformLine(id, listed[p], (j) => explanations.get(listed[p].ids[j])![at[p][j]]) }));
  const artifacts = { ...snapshotArtifacts(snap, side, x.platforms, x.policy, explained), [RESERVE_ARTIFACT]: textParts(merger.encodeReserve().toString('base64')) };
  return { platformLines, snap, artifacts };
}

/**
 * A platform line in the contract's format: its talents (best first) seen from the platform,
 * as engine/format.ts platformItem writes them, the JSON of the in-process output. An
 * explanation's score is the one the talent was merged by (kernel and explainer agree bit
 * for bit): a difference would be a broken rule, not an order to trust.
 */
function platformLine(platformId: string, top: { ids: string[]; scores: number[] }, explanation: (j: number) => PairExplanation): string {
  const items = top.ids.map((id, j) => {
    const e = explanation(j);
    if (e.score !== top.scores[j]) {
      throw new TalentmatchError(
        'E_INTERNAL',
        `platform ${JSON.stringify(platformId)}: talent ${JSON.stringify(id)} was ranked by score ${top.scores[j]} but explains as ${e.score} here: the scores came from another build or Node version (queue workers, or the reserve of a snapshot another build wrote)? Run every worker on this build, or run once without the old snapshot (a fresh --db)`,
      );
    }
    return platformItemOf(id, e);
  });
  return JSON.stringify({ side: 'platform', id: platformId, items });
}

/** Artifacts are text, stored in parts of at most 1 MB. */
function* textParts(text: string): Generator<string> {
  for (let i = 0; i < text.length; i += 1 << 20) yield text.slice(i, i + (1 << 20));
}
