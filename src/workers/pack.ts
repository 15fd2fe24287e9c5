/**
 * The platform side as plain data for worker threads: typed arrays are copied once into
 * SharedArrayBuffers (workers read them in place, no per-task copy), the vocabulary travels
 * as an array of terms, everything else as small plain objects. Sent once per worker as
 * piscina's workerData.
 */
import type { Weights } from '../config/weights.js';
import type { PlatformSide } from '../engine/platformSide.js';
import type { TalentFeatures } from '../features/build.js';
import type { CsrMatrix } from '../vector/sparse.js';
import { lexiconForms, lexiconFromForms } from '../text/concepts.js';

type Typed = Int32Array | Float32Array | Float64Array | Uint8Array;

function shared<T extends Typed>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a; // already shared (features/concat.ts with sharedBuffer): no copy
  const C = a.constructor as { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };
  const sab = new SharedArrayBuffer(Math.max(1, a.length) * C.BYTES_PER_ELEMENT);
  const out = new C(sab);
  (out as unknown as { set(x: T): void }).set(a);
  return a.length === 0 ? (out.subarray(0, 0) as T) : out;
}

const sharedCsr = (m: CsrMatrix): CsrMatrix => ({ rows: m.rows, cols: m.cols, indptr: shared(m.indptr), indices: shared(m.indices), values: shared(m.values) });

/** A buffer of shared memory (features/concat.ts BufferOf): arrays built in it reach workers without a copy. */
export const sharedBuffer = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(bytes);

export interface PlatformPack {
  terms: string[];
  idf: Float32Array;
  documents: number;
  industry: PlatformSide['industry'];
  concepts: { forms: { tokens: string[]; concept: number }[]; names: string[]; idf: Float32Array; documents: number };
  platforms: PlatformSide['platforms'];
  ctx: PlatformSide['ctx'];
  weights: Weights;
  excludedBy: [string, number[]][];
}

export function packPlatformSide(side: PlatformSide): PlatformPack {
  const terms = new Array<string>(side.text.vocab.size);
  for (const [term, id] of side.text.vocab) terms[id] = term;
  const P = side.platforms;
  const C = side.concepts;
  return {
    terms,
    idf: shared(side.text.idf),
    documents: side.text.documents,
    industry: { ids: [...side.industry.ids], dims: side.industry.dims, termWeights: shared(side.industry.termWeights), priority: shared(side.industry.priority) },
    concepts: { forms: lexiconForms(C.lexicon), names: [...C.lexicon.concepts], idf: shared(C.idf), documents: C.documents },
    platforms: {
      count: P.count,
      ids: [...P.ids],
      doc: sharedCsr(P.doc),
      docIndex: sharedCsr(P.docIndex),
      industry: shared(P.industry),
      offerMask: shared(P.offerMask),
      slots: shared(P.slots),
      freeSlots: shared(P.freeSlots),
      seats: shared(P.seats),
      freeSeats: shared(P.freeSeats),
      capital: shared(P.capital),
      signing: shared(P.signing),
      stageFit: shared(P.stageFit),
      concept: sharedCsr(P.concept),
      conceptIndex: sharedCsr(P.conceptIndex),
      zh: shared(P.zh),
    },
    ctx: { ...side.ctx, priority: shared(side.ctx.priority), wTalent: shared(side.ctx.wTalent), wPlatform: shared(side.ctx.wPlatform) },
    weights: side.weights,
    excludedBy: [...side.excludedBy.entries()].map(([k, v]) => [k, [...v]]),
  };
}

export function unpackPlatformSide(pack: PlatformPack): PlatformSide {
  return {
    text: { vocab: new Map(pack.terms.map((t, i) => [t, i])), idf: pack.idf, documents: pack.documents },
    industry: pack.industry,
    concepts: { lexicon: lexiconFromForms(pack.concepts.forms, pack.concepts.names), idf: pack.concepts.idf, documents: pack.concepts.documents },
    platforms: pack.platforms,
    ctx: pack.ctx,
    weights: pack.weights,
    platformIndex: new Map(pack.platforms.ids.map((id, i) => [id, i])),
    excludedBy: new Map(pack.excludedBy),
  };
}

/**
 * Talent feature arrays as shared memory (the "packed buffer" form of the profiles): copied
 * once into SharedArrayBuffers, read in place by every worker; a task then names only a
 * range of rows. Ids stay behind (ranking needs indices only).
 */
export function packTalentFeatures(T: TalentFeatures): TalentFeatures {
  return {
    count: T.count,
    ids: [],
    desc: sharedCsr(T.desc),
    profile: sharedCsr(T.profile),
    industry: shared(T.industry),
    needMask: shared(T.needMask),
    seats: shared(T.seats),
    capital: shared(T.capital),
    stage: shared(T.stage),
    level: shared(T.level),
    exclIndptr: shared(T.exclIndptr),
    exclIdx: shared(T.exclIdx),
    concept: sharedCsr(T.concept),
    zh: shared(T.zh),
  };
}
