/**
 * The final assembly's inputs, built while a batch's chunk results arrive instead of read
 * back from the store at the end: each scored chunk's candidates go into the platform
 * lines' merger and its preference lists into a gatherer of their own (the main thread is
 * mostly waiting on the scoring threads then). At the end the chunks' gatherers are merged
 * in the store's id order (PrefsGatherer.merge): the same inputs, entry for entry, as
 * reading every chunk's candidates and every talent's row from the store, since the merger
 * does not depend on the order chunks are added in (a top-k by a total order and a bound
 * that is a maximum).
 *
 * Only rows this run scored are here. A chunk with talents reused from an earlier snapshot
 * (copied by the store) or checkpointed before a restart has rows only the store holds:
 * `missed` then drops what was gathered and the caller reads everything from the store.
 *
 * The merger is kept for the floors alone then (`floor`, ChunkTask.platformFloor), fed with
 * the candidates of every chunk this run scores, reused talents or not: the final lists are
 * merged from a superset of them (every chunk's candidates in the store, and the reuse
 * base's reserve), so a platform's floor is never above its final list's last entry. A
 * talent a floor kept out of a chunk ranks below that entry: it could not enter the list,
 * and its bound only matters below it (CandidateMerger.exact, the reserve's canonical bound).
 */
import { CandidateMerger } from './candidates.js';
import { asBuffer, prefsCount, unpackAssemblyRows } from './rows.js';
import { PrefsGatherer } from './snapshot.js';

export interface AssemblyInputs {
  merger: CandidateMerger;
  gathered: PrefsGatherer;
}

export class EarlyAssembly {
  /** every scored chunk's candidates: the platform lines' inputs while `parts` is defined, else the floors' only */
  private merger: CandidateMerger | undefined;
  private parts: PrefsGatherer[] | undefined = [];

  constructor(platforms: number, depth: number) {
    this.merger = new CandidateMerger(platforms, depth);
  }

  /** True while every chunk so far was scored in full by this run. */
  get usable(): boolean {
    return this.parts !== undefined;
  }

  /**
   * A chunk this run scored: its candidates and rows (packed, engine/rows.ts), read before
   * they go to the writer. `full` false: the chunk also has talents reused from the base (the
   * assembly is unusable already; its candidates still raise the floors).
   */
  scored(res: { rows: Uint8Array; candidates: Uint8Array }, full = true): void {
    if (!this.merger) return;
    this.merger.add(asBuffer(res.candidates));
    if (!this.parts || !full) return;
    // sized from the rows first: no doubling of the columns (and their garbage) per chunk
    const rows = [...unpackAssemblyRows(res.rows)];
    let entries = 0;
    for (const r of rows) entries += prefsCount(r.prefs);
    const g = new PrefsGatherer({ talents: rows.length, entries });
    for (const r of rows) g.add({ talent_id: r.talentId, prefs: asBuffer(r.prefs), meta: r.meta });
    g.trim();
    this.parts.push(g);
  }

  /** Per platform, the floor of the lists merged so far (CandidateMerger.floor) for the next chunk sent; undefined once taken. */
  floor(): Float64Array | undefined {
    return this.merger?.floor();
  }

  /** A chunk whose rows only the store holds (reused talents, a chunk done before a restart): nothing gathered is used; the merger serves the floors. */
  missed(): void {
    this.parts = undefined;
  }

  /** The inputs, once every chunk has arrived; undefined when the store must be read. Releases them. */
  take(): AssemblyInputs | undefined {
    const { parts, merger } = this;
    this.parts = undefined;
    this.merger = undefined;
    if (!parts || !merger) return undefined;
    return { merger, gathered: PrefsGatherer.merge(parts) };
  }
}
