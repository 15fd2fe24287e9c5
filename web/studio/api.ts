// The studio's calls to /v1/studio/* (schemas: src/api/studio.ts). With API keys configured
// on the server, the key typed into the page is sent as a bearer token; it is kept in
// sessionStorage (this tab only), never in localStorage.

import type { z } from 'zod';
import type { StudioDataset, StudioEvaluateRequest, StudioEvaluateResponse, StudioSearchResponse } from '../../src/api/studio.js';

// The bodies' types come from the server's schemas (type-only imports: nothing of zod or
// src/ is bundled into app.js), so the page and the API cannot drift apart.
export type Evaluation = z.infer<typeof StudioEvaluateResponse>;
export type SetResult = Evaluation['a'];
export type Metrics = SetResult['metrics'];
export type SideMetrics = Metrics['talent'];
export type Focus = NonNullable<SetResult['focus']>;
/** An item of a list; the page reads `why` by the dataset's term names (Dataset['terms'], strings). */
export type Item = Omit<Focus['top'][number], 'why'> & { why: Why };
export type Why = Record<string, number>;
export type Side = Focus['side'];
export type Mover = NonNullable<Evaluation['changes']>['movers'][number];
export type Dataset = z.infer<typeof StudioDataset>;
export type Weights = Dataset['weights'];
export type Hit = z.infer<typeof StudioSearchResponse>['items'][number];
type EvaluateBody = Omit<z.input<typeof StudioEvaluateRequest>, 'weights' | 'compare'> & { weights: Weights; compare?: Weights };

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
  evaluate: (body: EvaluateBody) => call<Evaluation>('POST', '/v1/studio/evaluate', body),
};
