// The one mapping from a platform answer to an AppError (src-main/platform/errors.ts), and the WorkspaceApi that applies
// it to every response (src-main/platform/workspace-api.ts) over a TokenSource: 401 refreshes once and retries once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimitedError, type HttpRequest, type HttpResponse } from '../../../src-main/ports/http.ts';
import type { TokenSource } from '../../../src-main/ports/platform.ts';
import { platformError, tokenEndpointError } from '../../../src-main/platform/errors.ts';
import { createWorkspaceApi } from '../../../src-main/platform/workspace-api.ts';
import { createPlatformClient } from '../../../src-main/platform/index.ts';
import { AppError } from '../../../src-main/rpc/app-error.ts';

const res = (status: number, json: unknown, headers: Record<string, string> = {}): HttpResponse => ({ status, json, headers });
const NOW = Date.UTC(2026, 0, 5, 12, 0, 0);

test('403 with required_scope names the scope; without it the platform answer is kept', () => {
  const a = platformError(res(403, { error: 'insufficient_scope', required_scope: 'keys:write' }), 'POST /v1/api-keys');
  assert.equal(a.code, 'insufficient_scope');
  assert.equal(a.message, 'POST /v1/api-keys needs the scope keys:write');
  const b = platformError(res(403, { error: 'forbidden', error_description: 'no' }), 'GET /v1/apps');
  assert.equal(b.code, 'insufficient_scope');
  assert.equal(b.message, 'GET /v1/apps answered 403 forbidden: no');
  // a required_scope that is not a scope name is not repeated as one
  const c = platformError(res(403, { required_scope: 'x'.repeat(150) + ' <script>' }), 'GET /v1/apps');
  assert.equal(c.code, 'insufficient_scope');
  assert.doesNotMatch(c.message, /needs the scope/);
});

test('404, 409, 400 and 422 map to not_found, conflict and invalid_input; 500 to platform_error', () => {
  assert.equal(platformError(res(404, { error: 'not_found' }), 'GET /v1/reviews/rev_1').code, 'not_found');
  const conflict = platformError(res(409, { error: 'conflict', error_description: 'already rotating' }), 'POST /v1/api-keys/k/rotate');
  assert.equal(conflict.code, 'conflict');
  assert.equal(conflict.message, 'POST /v1/api-keys/k/rotate answered 409 conflict: already rotating');
  assert.equal(platformError(res(422, { error: 'invalid_request' }), 'PATCH /v1/api-keys/k').code, 'invalid_input');
  assert.equal(platformError(res(400, null), 'PATCH /v1/api-keys/k').code, 'invalid_input');
  const five = platformError(res(500, { error: 'server_error' }), 'GET /v1/apps');
  assert.equal(five.code, 'platform_error');
  assert.equal(five.message, 'GET /v1/apps answered 500 server_error');
});

test('429 is the typed rate limit: Retry-After in seconds and as an HTTP-date', () => {
  const s = platformError(res(429, { error: 'rate_limited' }, { 'retry-after': '120' }), 'GET /v1/audit-events', NOW);
  assert.ok(s instanceof RateLimitedError);
  assert.equal(s.code, 'rate_limited');
  assert.equal(s.retryAfterMs, 120_000);
  assert.equal(s.retryAt, NOW + 120_000);
  const d = platformError(res(429, null, { 'retry-after': 'Mon, 05 Jan 2026 12:05:00 GMT' }), 'GET /v1/audit-events', NOW);
  assert.ok(d instanceof RateLimitedError);
  assert.equal(d.retryAfterMs, 5 * 60_000);
  const none = platformError(res(429, null, { 'retry-after': 'soon' }), 'GET /v1/audit-events', NOW);
  assert.ok(none instanceof RateLimitedError);
  assert.equal(none.retryAfterMs, null);
});

test('a malformed or hostile error body (not JSON, an array, non-string fields) still maps by status', () => {
  for (const body of [null, '<html>oops</html>', ['error'], { error: 42, error_description: { x: 1 } }, Object.assign(Object.create(null), { error: 'x'.repeat(5000) })]) {
    const e = platformError(res(500, body), 'GET /v1/workspace');
    assert.equal(e.code, 'platform_error');
    assert.ok(e.message.length < 400, 'the platform cannot make the message arbitrarily long');
    assert.equal(platformError(res(409, body), 'GET /v1/workspace').code, 'conflict');
  }
});

test('token endpoint errors are OAuth errors: invalid_grant ends the grant, 429 is typed, others are platform_error', () => {
  assert.equal(tokenEndpointError(res(400, { error: 'invalid_grant' }), 'the review grant').code, 'needs_reconsent');
  assert.equal(tokenEndpointError(res(401, { error: 'invalid_client' }), 'the review grant').code, 'platform_error');
  assert.equal(tokenEndpointError(res(500, null), 'the review grant').code, 'platform_error');
  assert.ok(tokenEndpointError(res(429, null, { 'retry-after': '3' }), 'the review grant') instanceof RateLimitedError);
});

/** A fake HttpClient answering from a queue, recording what it was asked. */
function fakeHttp(answers: HttpResponse[]) {
  const seen: HttpRequest[] = [];
  return { seen, http: { request: async (r: HttpRequest) => (seen.push(r), answers.shift() ?? res(599, null)) } };
}
function source(log: string[]): TokenSource {
  let n = 0;
  return {
    accessToken: async (_ws, o) => (log.push(o?.rejected ? `refresh(${o.rejected})` : 'get'), o?.rejected ? `tok${++n}` : `tok${n}`),
    platformOf: () => ({ apiBase: 'https://api.example.test/' }),
    refused: (ws, what, code) => new AppError('needs_reconsent', `${what} ${ws} ${code}`),
  };
}

test('WorkspaceApi: 401 refreshes once and retries once; a second 401 is the source refusal; 401/403 responses map', async () => {
  const log: string[] = [];
  const f = fakeHttp([res(401, { error: 'invalid_token' }), res(200, { id: 'ws_1', name: 'One' })]);
  const platform = createPlatformClient(createWorkspaceApi({ http: f.http, tokens: source(log) }));
  assert.deepEqual(await platform.workspace.get('ws_1'), { id: 'ws_1', name: 'One' });
  assert.deepEqual(log, ['get', 'refresh(tok0)']);
  assert.deepEqual(f.seen.map((r) => [r.url, r.headers?.authorization]), [['https://api.example.test/v1/workspace', 'Bearer tok0'], ['https://api.example.test/v1/workspace', 'Bearer tok1']]);

  const log2: string[] = [];
  const f2 = fakeHttp([res(401, null), res(401, { error: 'invalid_token' })]);
  const p2 = createPlatformClient(createWorkspaceApi({ http: f2.http, tokens: source(log2) }));
  await assert.rejects(p2.workspace.get('ws_1'), (e: AppError) => e.code === 'needs_reconsent' && e.message === 'GET /v1/workspace ws_1 invalid_token');
  assert.equal(f2.seen.length, 2, 'one retry, no more');

  const f3 = fakeHttp([res(403, { error: 'insufficient_scope', required_scope: 'reviews:write' })]);
  const p3 = createPlatformClient(createWorkspaceApi({ http: f3.http, tokens: source([]) }));
  await assert.rejects(p3.reviews.revoke('ws_1', 'rev_1'), (e: AppError) => e.code === 'insufficient_scope' && /needs the scope reviews:write/.test(e.message));
});

test('WorkspaceApi: a 2xx body that does not match the schema is invalid_response', async () => {
  const f = fakeHttp([res(200, { id: 'ws_1' })]);
  const platform = createPlatformClient(createWorkspaceApi({ http: f.http, tokens: source([]) }));
  await assert.rejects(platform.workspace.get('ws_1'), (e: AppError) => e.code === 'invalid_response' && /name/.test(e.message));
});
