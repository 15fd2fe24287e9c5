// The studio's calls to /v1/studio/* (schemas: src/api/studio.ts). With API keys configured
// on the server, the key typed into the page is sent as a bearer token; it is kept in
// sessionStorage (this tab only), never in localStorage.

export type Side = 'talent' | 'platform';
export type Weights = Record<string, number | string>;
export type Why = Record<string, number>;

export interface Item {
  id: string;
  name: string;
  rank: number;
  from?: number | null;
  score: number;
  forward: number;
  backward: number;
  why: Why;
}
export interface Focus {
  side: Side;
  id: string;
  name: string;
  top: Item[];
  listedBy: Item[];
}
export interface SideMetrics {
  ndcg: number | null;
  map: number | null;
  recall: number | null;
  mrr: number | null;
  queries: number;
}
export interface Metrics {
  k: number;
  talent: SideMetrics;
  platform: SideMetrics;
  coverage: { platforms: number; industries: number };
  exposureGini: number;
}
export interface SetResult {
  weights: Weights;
  metrics: Metrics;
  focus?: Focus;
}
export interface Mover {
  side: Side;
  id: string;
  name: string;
  entered: number;
  shift: number;
}
export interface Evaluation {
  k: number;
  a: SetResult;
  b?: SetResult;
  changes?: { changed: { talent: number; platform: number }; movers: Mover[] };
}
export interface Dataset {
  source: string;
  talents: number;
  platforms: number;
  relevantOutcomes: number;
  weights: Weights;
  terms: string[];
  sideTerms: { talent: string[]; platform: string[] };
  fusions: string[];
  limits: { maxK: number; defaultK: number; maxPairs: number };
}
export interface Hit {
  side: Side;
  id: string;
  name: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const KEY = 'talentmatch.studio.key';
export const apiKey = {
  get: (): string => sessionStorage.getItem(KEY) ?? '',
  set: (k: string) => (k ? sessionStorage.setItem(KEY, k) : sessionStorage.removeItem(KEY)),
};

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  const key = apiKey.get();
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError(res.status, `${res.status}: ${text.slice(0, 200)}`);
  }
  if (!res.ok) {
    const e = json as { message?: string; issues?: { path: string; expected: string; got: string }[] };
    const issues = (e.issues ?? []).map((i) => `${i.path}: expected ${i.expected}, got ${i.got}`).join('; ');
    throw new ApiError(res.status, `${e.message ?? res.statusText}${issues ? ` (${issues})` : ''}`);
  }
  return json as T;
}

export const api = {
  dataset: () => call<Dataset>('GET', '/v1/studio/dataset'),
  search: (q: string) => call<{ items: Hit[] }>('GET', `/v1/studio/entities?q=${encodeURIComponent(q)}`),
  evaluate: (body: { weights: Weights; compare?: Weights; k: number; focus?: { side: Side; id: string } }) => call<Evaluation>('POST', '/v1/studio/evaluate', body),
};
