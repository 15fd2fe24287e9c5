/**
 * Typed client of the talentmatch HTTP API, for TypeScript services:
 *   import { TalentmatchClient } from 'talentmatch/client';
 *   const tm = new TalentmatchClient('http://127.0.0.1:8080');
 *   const line = await tm.talentRecommendations('t-1', { k: 5 });
 * Non-2xx answers reject with a TalentmatchApiError carrying the server's error body.
 * Uses the global fetch (Node 20).
 */
import type { RecommendationLineT, ScoreRequestT, ScoreResponseT, ErrorBodyT } from '../api/schemas.js';
import type { AssignmentRecord } from '../engine/formatAssignment.js';
import type { Talent } from '../domain/schemas.js';

export type { RecommendationLineT as RecommendationLine, ScoreRequestT as ScoreRequest, ScoreResponseT as ScoreResponse, ErrorBodyT as ErrorBody };

export class TalentmatchApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBodyT,
  ) {
    super(`${status} ${body.error}: ${body.message}`);
    this.name = 'TalentmatchApiError';
  }
}

export interface ReferralsResponse {
  runId: number;
  referrals: { direction: 'platform-to-government' | 'government-to-platform'; platformId: string; items: Record<string, unknown>[] }[];
}

export class TalentmatchClient {
  constructor(
    private readonly baseUrl: string,
    private readonly init: { headers?: Record<string, string>; timeoutMs?: number } = {},
  ) {}

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...this.init.headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(this.init.timeoutMs ?? 15_000),
    });
    const json = (await res.json()) as unknown;
    if (!res.ok) throw new TalentmatchApiError(res.status, json as ErrorBodyT);
    return json as T;
  }

  score(req: ScoreRequestT): Promise<ScoreResponseT> {
    return this.call('POST', '/v1/score', req);
  }
  recommendForProfile(talent: Talent, k = 10): Promise<RecommendationLineT> {
    return this.call('POST', '/v1/talents/recommendations', { talent, k });
  }
  talentRecommendations(id: string, o: { k?: number } = {}): Promise<RecommendationLineT> {
    return this.call('GET', `/v1/talents/${encodeURIComponent(id)}/recommendations${o.k ? `?k=${o.k}` : ''}`);
  }
  platformRecommendations(id: string, o: { k?: number } = {}): Promise<RecommendationLineT> {
    return this.call('GET', `/v1/platforms/${encodeURIComponent(id)}/recommendations${o.k ? `?k=${o.k}` : ''}`);
  }
  assignment(): Promise<AssignmentRecord> {
    return this.call('GET', '/v1/assignment');
  }
  referrals(direction?: 'platform-to-government' | 'government-to-platform'): Promise<ReferralsResponse> {
    return this.call('GET', `/v1/referrals${direction ? `?direction=${direction}` : ''}`);
  }
  match(instance: { platforms: unknown[]; talents: unknown[]; industries?: unknown[]; policy?: unknown; weights?: unknown; mode?: 'stable' | 'optimal'; proposer?: 'talent' | 'platform' }): Promise<AssignmentRecord> {
    return this.call('POST', '/v1/match', instance);
  }
  ready(): Promise<{ status: string; snapshot: number | null; model: boolean }> {
    return this.call('GET', '/readyz');
  }
}
