/** recommend, score, explain: the two-way lists, every pair's scores, one pair's terms. */
import type { Command } from 'commander';
import { z } from 'zod';
import { scoreCsvLines, scoreCsvLinesFrom } from '../../../engine/format.js';
import type { ScoringModel } from '../../../scoring/kernel.js';
import type { Policy } from '../../../domain/schemas.js';
import type { ResolvedEngineOptions } from '../../../config/options.js';
import { defaultWorkerOptions, resolveThreadOptions } from '../../../config/workers.js';
import type { ThreadedRanker } from '../../../workers/threaded.js';
import { recommendationChunks } from '../../../workers/threaded.js';
import { applyListControls, hasListControls } from '../../../engine/lists.js';
import { writeChunks, writeLines } from '../../files/write.js';
import { listControlsNote } from '../render.js';
import { EXIT_OK } from '../common.js';
import type { Cli, Io } from '../common.js';
import { engineFor, load, loadOnWorkers, withEngine, withWorkerRanker, workerRanker } from '../load.js';
import type { WorkerLoad } from '../load.js';
import { memMark, memTrace } from '../../../workers/memTrace.js';
import { addDataOptions, addThreadsOption, addTopOptions, dataOptionsSchema, parseOptions, threadsSchema, topSchema } from '../options.js';

const recommendSchema = dataOptionsSchema.extend(topSchema.shape).extend(threadsSchema.shape).extend({ out: z.string() });

export function recommendCommand(program: Command, { io, done }: Cli): void {
  addDataOptions(
    addThreadsOption(
      addTopOptions(
        program
          .command('recommend')
          .description('two-way top-k recommendations (JSON Lines: talents, then platforms)')
          .requiredOption('--out <file>', 'output file (.jsonl)'),
      ),
    ),
  ).action(async (raw: unknown) => {
    const o = parseOptions(recommendSchema, raw);
    const stopTrace = memTrace('main'); // TALENTMATCH_MEM_TRACE=<ms>: the main thread's heap, for memory debugging
    const threads = resolveThreadOptions(o.threads !== undefined ? { threads: o.threads } : {}).threads;
    // on two threads or more the workers read the talents file: they validate and vectorize its
    // lines (load.ts loadOnWorkers); same output, same problems reported. The usual file (every
    // line valid, ids in order): the workers start ranking while this thread runs the
    // cross-record rules; nothing is written before those pass
    let early: { load: WorkerLoad; ranker: ThreadedRanker; ranking: Ranking } | undefined;
    const startEarly = (w: WorkerLoad): void => {
      const ranker = workerRanker(w);
      early = { load: w, ranker, ranking: startRecommendations(w, ranker) };
    };
    const input = threads > 1 ? await loadOnWorkers(o, io, threads, o, undefined, startEarly) : await load(o, true, io);
    memMark('main:loaded');
    // a load that did not resolve to the early one (--skip-invalid dropped a talent): what was started is dropped (its ranges finish on the pool, unread)
    const started = early && early.load === input ? early : undefined;
    const { model, pairs } =
      'model' in input
        ? await withWorkerRanker(input, (r) => (started?.ranking ?? startRecommendations(input, r)).write(o.out, io), started?.ranker)
        : await withEngine(input, o, o.threads, (engine, r) => startRecommendations({ model: engine.model, policy: engine.data.policy, options: engine.options }, r).write(o.out, io));
    const n = model.talents.count + model.platforms.count;
    stopTrace();
    io.err(`wrote ${n} lines (${model.talents.count} talents, ${model.platforms.count} platforms, ${pairs} acceptable pairs) to ${o.out}\n`);
    done(EXIT_OK);
  });
}

/** `recommend`'s ranking, started on a ranker: `write` writes its lines to `out` (and nothing is written before). */
interface Ranking {
  write(out: string, io: Io): Promise<{ model: ScoringModel; pairs: number }>;
}

/**
 * Starts ranking both ways (the workers take their first ranges now); `write` writes
 * `recommend`'s lines, the policy's list controls applied (engine/lists.ts), and counts the
 * acceptable pairs. A ranking never written fails quietly (its pool stopped under it).
 */
function startRecommendations(x: { model: ScoringModel; policy: Policy; options: Pick<ResolvedEngineOptions, 'topK' | 'topKPlatform'> }, r: ThreadedRanker): Ranking {
  const { model, policy } = x;
  if (hasListControls(policy)) {
    // the talents' lists are chosen after ranking, then written
    const ranked = r.recommend(x.options.topK, x.options.topKPlatform);
    ranked.catch(() => undefined); // surfaces in write
    return {
      async write(out, io) {
        const controlled = applyListControls(model, policy, await ranked);
        await writeChunks(out, toAsync(recommendationChunks(model, controlled.rec, defaultWorkerOptions.rangeSize)), { consume: true });
        io.err(listControlsNote(policy, controlled.report, model.platforms.ids));
        return { model, pairs: controlled.rec.pairs };
      },
    };
  }
  // the ranker streams the lines: workers format their ranges' talent lines (same bytes for
  // any thread count); the talents' lists are let go once written (only the count is kept).
  // The first chunk is asked for now: that posts the first ranges (threaded.ts rankedRanges)
  const { chunks, result } = r.recommendLines(x.options.topK, x.options.topKPlatform);
  const it = chunks[Symbol.asyncIterator]();
  const first = it.next();
  first.catch(() => undefined); // surfaces in write
  return {
    async write(out) {
      await writeChunks(out, resumed(it, first), { consume: true });
      return { model, pairs: (await result).pairs };
    },
  };
}

/** The rest of an iteration whose next result was already asked for (`first`). */
async function* resumed<T>(it: AsyncIterator<T>, first: Promise<IteratorResult<T>>): AsyncGenerator<T> {
  for (let r = await first; !r.done; r = await it.next()) yield r.value;
}

async function* toAsync<T>(it: Iterable<T>): AsyncGenerator<T> {
  yield* it;
}

const scoreSchema = dataOptionsSchema.extend(threadsSchema.shape).extend({ out: z.string() });

export function scoreCommand(program: Command, { io, done }: Cli): void {
  addDataOptions(
    addThreadsOption(
      program
        .command('score')
        .description('every acceptable pair as CSV: talentId,platformId,talentScore,platformScore,score')
        .requiredOption('--out <file>', 'output file (.csv)'),
    ),
  ).action(async (raw: unknown) => {
    const o = parseOptions(scoreSchema, raw);
    const n = await withEngine(await load(o, true, io), {}, o.threads, (engine, r) => writeLines(o.out, r.threads === 1 ? scoreCsvLines(engine) : scoreCsvLinesFrom(engine, r.pairs())));
    io.err(`wrote ${n - 1} pairs to ${o.out}\n`);
    done(EXIT_OK);
  });
}

const explainSchema = dataOptionsSchema.extend({ talent: z.string(), platform: z.string() });

export function explainCommand(program: Command, { io, done }: Cli): void {
  addDataOptions(
    program
      .command('explain')
      .description('every term, both one-sided scores and the contributions of one pair')
      .requiredOption('--talent <id>', 'talent id')
      .requiredOption('--platform <id>', 'platform id'),
  ).action(async (raw: unknown) => {
    const o = parseOptions(explainSchema, raw);
    const engine = engineFor(await load(o, true, io), {});
    io.out(JSON.stringify({ talentId: o.talent, platformId: o.platform, ...engine.explain(o.talent, o.platform) }, null, 2) + '\n');
    done(EXIT_OK);
  });
}
