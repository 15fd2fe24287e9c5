/**
 * Limits of the analyst studio's API (/v1/studio/*): they bound what one request costs.
 * An evaluation rescores every talent-platform pair of the server's dataset once per
 * weight set (two with a comparison), so the dataset, not the body, sets its cost: a
 * dataset above `maxPairs` is refused (503 naming the limit) instead of stalling the
 * API's single thread. The Jiangdong fixtures are 2,400 x 72 = 172,800 pairs.
 */
export const STUDIO_LIMITS = {
  /** talents x platforms the studio rescores per weight set */
  maxPairs: 2_000_000,
  /** list length k of an evaluation */
  maxK: 50,
  defaultK: 10,
  /** hits of one search */
  searchLimit: 20,
  /** characters of a search query */
  queryChars: 100,
  /** weight sets kept evaluated (an unchanged set A is not rescored while B moves) */
  cachedRuns: 8,
  /** largest movers listed per side in a comparison */
  movers: 10,
} as const;

/** Where `studio` listens unless --port / --host say otherwise: any free port, loopback only. */
export const STUDIO_LISTEN = { port: 0, host: '127.0.0.1' } as const;
