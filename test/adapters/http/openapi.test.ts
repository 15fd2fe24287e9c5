/**
 * The OpenAPI document clients rely on: Redocly's recommended rules find no error (the one
 * warning allowed: the health probes declare no 4xx, having none), every scoped route
 * declares the key scheme and its 401/403/429, inline profiles are the contract's schemas,
 * and types generated from it by openapi-typescript match the typed client (checked by tsc).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { buildServer } from '../../../src/adapters/http/server.js';
import { Store } from '../../../src/store/store.js';
import { ROUTES } from '../../../src/adapters/http/access.js';

type Op = { operationId?: string; summary?: string; security?: Record<string, string[]>[]; responses: Record<string, unknown>; requestBody?: unknown };
type Doc = { servers: { url: string }[]; paths: Record<string, Record<string, Op>>; components: { securitySchemes: Record<string, { type: string; scheme: string }>; schemas: Record<string, unknown> } };

async function document(): Promise<{ text: string; doc: Doc }> {
  const db = join(mkdtempSync(join(tmpdir(), 'tm-openapi-')), 'db.sqlite');
  new Store(db).close();
  const app = await buildServer({ db });
  try {
    const text = (await app.inject('/openapi.json')).body;
    return { text, doc: JSON.parse(text) as Doc };
  } finally {
    await app.close();
  }
}

describe('OpenAPI document', () => {
  it("passes Redocly's recommended rules: no errors, no warnings but the probes' missing 4xx", async () => {
    const { text } = await document();
    const problems = await lintFromString({ source: text, absoluteRef: 'openapi.json', config: await createConfig({ extends: ['recommended'] }) });
    const shown = problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ''}`);
    expect(shown).toEqual(['warn operation-4xx-response #/paths/~1healthz/get/responses', 'warn operation-4xx-response #/paths/~1readyz/get/responses']);
  });

  it('declares the key scheme, servers, every route of the access table with its errors, and typed profiles', async () => {
    const { doc } = await document();
    expect(doc.servers.length).toBeGreaterThan(0);
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    const listed = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([m, op]) => ({ key: `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, op })));
    const routes = Object.entries(ROUTES);
    expect(listed.map((l) => l.key).sort()).toEqual(routes.map(([k]) => k).sort());
    for (const { key, op } of listed) {
      const policy = ROUTES[key]!;
      expect(op.operationId, key).toBe(policy.operationId);
      expect(op.summary, key).toBe(policy.summary);
      const codes = Object.keys(op.responses);
      expect(codes, key).toContain('200');
      if (policy.scope) {
        expect(op.security, key).toEqual([{ apiKey: [] }]);
        for (const c of ['401', '403', '429']) expect(codes, key).toContain(c);
      } else expect(op.security ?? [], key).toEqual([]);
      for (const c of policy.errors) expect(codes, key).toContain(String(c));
    }
    const body = (p: string) => JSON.stringify(doc.paths[p]!.post!.requestBody);
    expect(body('/v1/score')).toContain('#/components/schemas/Talent');
    expect(body('/v1/score')).toContain('#/components/schemas/Platform');
    expect(body('/v1/match')).toContain('#/components/schemas/Policy');
    expect(JSON.stringify(doc)).not.toContain('"additionalProperties":{}');
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Talent', 'Platform', 'Industry', 'Policy']));
    expect((doc.components.schemas.Talent as { properties: Record<string, unknown> }).properties).toHaveProperty('description');
  });

  it('types generated from it with openapi-typescript match the typed client (tsc)', async () => {
    const { doc } = await document();
    const dir = mkdtempSync(join(tmpdir(), 'tm-openapi-ts-'));
    writeFileSync(join(dir, 'api.ts'), astToString(await openapiTS(doc as never)));
    const client = resolve('src/client/index.js');
    writeFileSync(
      join(dir, 'check.ts'),
      `import type { paths } from './api.js';
import type { TalentmatchClient } from ${JSON.stringify(client)};
type Ok<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: { 200: { content: { 'application/json': infer B } } } } ? B : never;
type Body<P extends keyof paths> = paths[P]['post'] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type Ret<K extends keyof TalentmatchClient> = TalentmatchClient[K] extends (...a: never[]) => Promise<infer R> ? R : never;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// what the server sends is what the client promises, both ways
export const t: Same<Ret<'talentRecommendations'>, Ok<'/v1/talents/{id}/recommendations', 'get'>> = true;
export const p: Same<Ret<'platformRecommendations'>, Ok<'/v1/platforms/{id}/recommendations', 'get'>> = true;
export const i: Same<Ret<'recommendForProfile'>, Ok<'/v1/talents/recommendations', 'post'>> = true;
export const s: Same<Ret<'score'>, Ok<'/v1/score', 'post'>> = true;
export const a: Same<Ret<'assignment'>, Ok<'/v1/assignment', 'get'>> = true;
export const m: Same<Ret<'match'>, Ok<'/v1/match', 'post'>> = true;
export const r: Same<Ret<'referrals'>, Ok<'/v1/referrals', 'get'>> = true;
export const st: Same<Ret<'status'>, Ok<'/v1/admin/status', 'get'>> = true;
export const rd: Same<Ret<'ready'>, Ok<'/readyz', 'get'>> = true;
// every body the document allows, the client accepts
export const sb = (b: Body<'/v1/score'>, c: TalentmatchClient) => c.score(b);
export const mb = (b: Body<'/v1/match'>, c: TalentmatchClient) => c.match(b);
export const ib = (b: Body<'/v1/talents/recommendations'>, c: TalentmatchClient) => c.recommendForProfile(b.talent, b.k);
`,
    );
    // the project's own compiler options and ambient declarations (src/types), plus the check file
    const config = ts.getParsedCommandLineOfConfigFile(resolve('tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
    const program = ts.createProgram([join(dir, 'check.ts'), ...config.fileNames.filter((f) => f.endsWith('.d.ts'))], { ...config.options, noEmit: true });
    const diags = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(diags).toEqual([]);
  }, 120_000);
});
