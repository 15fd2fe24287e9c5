/** Public API of talentmatch. Named exports only. */
export { createEngine } from './engine/engine.js';
export type { Engine, Recommendations, ScoredPair } from './engine/engine.js';
export { validateDataset } from './engine/data.js';
export type { Dataset } from './engine/data.js';
export { recommendationLines, recommendationRecords, scoreCsvLines } from './engine/format.js';
export type { RecommendationItem, RecommendationRecord } from './engine/format.js';
export type { PairExplanation, Breakdown } from './scoring/explain.js';
export { defaultWeights, resolveWeights, WeightsSchema, TERMS, SIDE_TERMS, FUSIONS } from './config/weights.js';
export type { Weights, WeightsInput, Term, Fusion } from './config/weights.js';
export { defaultEngineOptions, resolveEngineOptions } from './config/options.js';
export type { EngineOptions, ResolvedEngineOptions } from './config/options.js';
export * from './domain/schemas.js';
export { TalentmatchError, ERROR_CODES, formatIssue, isTalentmatchError } from './errors.js';
export type { ErrorCode, InputIssue } from './errors.js';
export { Tokenizer } from './text/tokenize.js';
export { createEngineAsync, recommendAsync, ThreadedRanker } from './workers/threaded.js';
export type { ThreadedEngine } from './workers/threaded.js';
export type { ThreadOptions } from './config/workers.js';
