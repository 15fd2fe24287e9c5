/**
 * Typed client of the talentmatch HTTP API, for TypeScript services:
 *   import { TalentmatchClient } from 'talentmatch/client';
 *   const tm = new TalentmatchClient('https://tm.example.gov', { apiKey: process.env.TALENTMATCH_API_KEY });
 *   const line = await tm.talentRecommendations('t-1', { k: 5 });
 * The key goes in `Authorization: Bearer <key>` (README "API keys"); without one, only
 * /healthz and /readyz answer on a server that has keys. Non-2xx answers reject with a TalentmatchApiError carrying the server's error body.
 * Uses the global fetch (Node 20).
 */
import type { AdminStatusT, ReadinessT, RecommendationLineT, ScoreRequestT, ScoreResponseT, ErrorBodyT } from '../api/schemas.js';
import type { AssignmentRecord, BudgetLine, IntroductionLine, ReferralLine, SupportLine } from '../engine/formatAssignment.js';
import type { Talent } from '../domain/schemas.js';
import { CLIENT_TIMEOUT_MS } from '../config/api.js';

export type { AdminStatusT as AdminStatus, ReadinessT as Readiness, RecommendationLineT as RecommendationLine, ScoreRequestT as ScoreRequest, ScoreResponseT as ScoreResponse, ErrorBodyT as ErrorBody };

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
  referrals: ReferralLine[];
}

export interface PlatformReferralsResponse {
  runId: number;
  platformId: string;
  toGovernment: SupportLine;
  toPlatform: IntroductionLine;
}

export type { BudgetLine, IntroductionLine, ReferralLine, SupportLine };

export class TalentmatchClient {
  constructor(
    private readonly baseUrl: string,
    private readonly init: { apiKey?: string | undefined; headers?: Record<string, string>; timeoutMs?: number } = {},
  ) {}

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(this.init.apiKey ? { authorization: `Bearer ${this.init.apiKey}` } : {}), ...this.init.headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(this.init.timeoutMs ?? CLIENT_TIMEOUT_MS),
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
  referrals(direction?: ReferralLine['direction']): Promise<ReferralsResponse> {
    return this.call('GET', `/v1/referrals${direction ? `?direction=${direction}` : ''}`);
  }
  /** One platform's two referral lines (404 for an unknown platform). */
  platformReferrals(id: string): Promise<PlatformReferralsResponse> {
    return this.call('GET', `/v1/platforms/${encodeURIComponent(id)}/referrals`);
  }
  /** The support budget's allocation (404 when the snapshot's policy has no budget). */
  referralBudget(): Promise<BudgetLine & { runId: number }> {
    return this.call('GET', '/v1/referrals/budget');
  }
  match(instance: { platforms: unknown[]; talents: unknown[]; industries?: unknown[]; policy?: unknown; weights?: unknown; mode?: 'stable' | 'optimal'; proposer?: 'talent' | 'platform' }): Promise<AssignmentRecord> {
    return this.call('POST', '/v1/match', instance);
  }
  /** Readiness; a 503 (not ready) resolves too, with status "not_ready". */
  async ready(): Promise<ReadinessT> {
    try {
      return await this.call<ReadinessT>('GET', '/readyz');
    } catch (e) {
      if (e instanceof TalentmatchApiError && e.status === 503) return e.body as unknown as ReadinessT;
      throw e;
    }
  }
  /** Server status (scope admin). */
  status(): Promise<AdminStatusT> {
    return this.call('GET', '/v1/admin/status');
  }
}
