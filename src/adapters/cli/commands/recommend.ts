/** recommend, score, explain: the two-way lists, every pair's scores, one pair's terms. */
import type { Command } from 'commander';
import { z } from 'zod';
import { recommendationLines, scoreCsvLines, scoreCsvLinesFrom } from '../../../engine/format.js';
import { applyListControls, hasListControls } from '../../../engine/lists.js';
import { writeChunks, writeLines } from '../../files/write.js';
import { listControlsNote } from '../render.js';
import { EXIT_OK } from '../common.js';
import type { Cli } from '../common.js';
import { engineFor, load, loadForRanking, withEngine } from '../load.js';
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
    // the workers vectorize the talents while the file is still being read (same output)
    const loaded = await loadForRanking(o, io, o.threads, o);
    const { engine, rec } = await withEngine(loaded, o, o.threads, async (engine, r) => {
      const policy = engine.data.policy;
      if (hasListControls(policy)) {
        // policy.lists: the talents' lists are chosen after ranking (engine/lists.ts), then written
        const ranked = await r.recommend(engine.options.topK, engine.options.topKPlatform);
        const controlled = applyListControls(engine.model, policy, ranked);
        await writeLines(o.out, recommendationLines(engine, controlled.rec));
        io.err(listControlsNote(policy, controlled.report, engine.model.platforms.ids));
        return { engine, rec: controlled.rec };
      }
      // the ranker streams the lines: workers format their ranges' talent lines (same bytes for any thread count)
      const { chunks, result } = r.recommendLines(engine.options.topK, engine.options.topKPlatform);
      await writeChunks(o.out, chunks, { consume: true });
      return { engine, rec: await result };
    });
    const n = engine.model.talents.count + engine.model.platforms.count;
    io.err(`wrote ${n} lines (${engine.model.talents.count} talents, ${engine.model.platforms.count} platforms, ${rec.pairs} acceptable pairs) to ${o.out}\n`);
    done(EXIT_OK);
  });
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
