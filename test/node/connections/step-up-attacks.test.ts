// MFA step-up against a hostile platform, at the seam where it is decided: the real platform client's WorkspaceApi
// (src-main/platform/workspace-api.ts) over the real step-up (services/connections/step-up.ts), with scripted HTTP
// answers, a spy browser and a scripted loopback callback. Attacks first: a challenge that names a foreign or non-https
// sign-in address, an absurd max_age, huge or odd acr_values, an oversized or ambiguous header, a body-only challenge, a
// challenge to a review grant, a platform that keeps challenging after the step-up, a step-up answered for another
// workspace — each refused with a sentence and no browser opened (or no second one). Then the rules that hold for a good
// platform: one retry, the window (min of expiry and auth_time + max_age), one-shot max_age 0, A's token never sent for B.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { createWorkspaceApi } from '../../../src-main/platform/workspace-api.ts';
import { createStepUp } from '../../../src-main/services/connections/step-up.ts';
import { createEventBus } from '../../../src-main/services/event-bus.ts';
import type { CallbackListenerFactory } from '../../../src-main/ports/callback.ts';
import type { HttpClient, HttpRequest, HttpResponse, LimitedFetch } from '../../../src-main/ports/http.ts';
import type { TokenSource } from '../../../src-main/ports/platform.ts';
import type { PlatformRow, WorkspaceRow } from '../../../src-main/services/connections/repo.ts';
import { AppError } from '../../../src-main/rpc/app-error.ts';

const ISSUER = 'https://platform.example';
const CHALLENGE = 'Bearer error="insufficient_user_authentication", error_description="MFA needed", acr_values="urn:sabnode:mfa"';

function rig(opts: { answers: (req: HttpRequest, bearer: string) => HttpResponse; stepUpToken?: (ws: string) => string; deny?: boolean; expiresIn?: number; noStepUp?: boolean; probeId?: (ws: string) => string }) {
  let t = 1_800_000_000_000;
  const clock = { now: () => t, advance: (ms: number) => (t += ms) };
  const sent: Array<{ method: string; url: string; bearer: string }> = [];
  const opened: string[] = [];
  let listeners = 0;
  let pending: ((u: URL) => void) | null = null;
  let accept: ((u: URL) => 'accept' | 'ignore') | null = null;
  const http: HttpClient = {
    async request(req) {
      const bearer = (req.headers?.authorization ?? '').replace(/^Bearer /, '');
      sent.push({ method: req.method, url: req.url, bearer });
      if (req.url.endsWith('/v1/workspace') && bearer.startsWith('stepup-')) return { status: 200, headers: {}, json: { id: opts.probeId ? opts.probeId(bearer.slice(7)) : bearer.slice(7), name: 'x' } };
      return opts.answers(req, bearer);
    },
  };
  const fetch: LimitedFetch = async (url, init) => {
    const form = new URLSearchParams(String(init.body ?? ''));
    assert.equal(url, `${ISSUER}/token`);
    assert.equal(form.get('grant_type'), 'authorization_code');
    const ws = form.get('code')!.replace(/^code-/, '');
    return new Response(JSON.stringify({ access_token: opts.stepUpToken ? opts.stepUpToken(ws) : `stepup-${ws}`, token_type: 'Bearer', expires_in: opts.expiresIn ?? 3600 }), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const callbackListener: CallbackListenerFactory = async (o) => {
    listeners++;
    accept = o.accept;
    const result = new Promise<URL>((resolve) => (pending = resolve));
    return { redirectUri: 'http://127.0.0.1:1/callback', result, close() {} };
  };
  const opener = async (url: string) => {
    opened.push(url);
    const u = new URL(url);
    const cb = new URL('http://127.0.0.1:1/callback');
    cb.searchParams.set('state', u.searchParams.get('state')!);
    cb.searchParams.set('iss', ISSUER);
    if (opts.deny) {
      cb.searchParams.set('error', 'access_denied');
      cb.searchParams.set('error_description', 'multi-factor sign-in failed 3 times');
    } else cb.searchParams.set('code', `code-${u.searchParams.get('workspace')}`);
    assert.equal(accept!(cb), 'accept');
    pending!(cb);
  };
  const platform: PlatformRow = {
    id: 'p',
    name: 'Hostile platform',
    issuer: ISSUER,
    client_id: 'grantdesk-desktop',
    api_base: ISSUER,
    reuse_leeway_seconds: 0,
    metadata: JSON.stringify({ issuer: ISSUER, authorization_endpoint: `${ISSUER}/auth`, token_endpoint: `${ISSUER}/token` }),
    added_at: '2026-01-01T00:00:00Z',
  };
  const patch: Partial<WorkspaceRow> = {};
  const row = (id: string): WorkspaceRow => ({
    id, name: `Workspace ${id.toUpperCase()}`, platform_id: 'p', status: 'connected', reason: null, role: 'operator', scopes: JSON.stringify(['credentials:read', 'credentials:write']),
    access_expires_at: null, last_refresh_at: null, last_refresh_error: null, cooldown_until: null, failures: 0, connected_at: 0, generation: 1, revocation: 'none', revocation_attempts: 0, revocation_error: null, updated_at: 0,
    connected_by_name: null, connected_by_email: null, connected_by_source: null,
    ...patch,
  });
  const bus = createEventBus();
  const events: Array<{ state: string; message: string }> = [];
  bus.subscribe((name, p) => {
    if (name === 'stepUp.status') events.push(p as { state: string; message: string });
  });
  const logs: string[] = [];
  const logger = { info: (e: string, f?: unknown) => logs.push(`${e} ${JSON.stringify(f)}`), warn: (e: string, f?: unknown) => logs.push(`${e} ${JSON.stringify(f)}`), error: () => {} };
  const stepUp = createStepUp({ workspace: (ws) => row(ws), platformFor: () => platform, http, fetch, opener, callbackListener, clock, bus, logger });
  const tokens: TokenSource = {
    accessToken: async (ws) => `grant-${ws}`,
    platformOf: () => ({ apiBase: ISSUER }),
    refused: (ws, what) => new AppError('platform_error', `${what} for ${ws} refused`),
    ...(opts.noStepUp ? {} : { stepUp: stepUp.port }),
  };
  const api = createWorkspaceApi({ http, tokens });
  const create = (ws = 'a') => api.call(ws, { method: 'POST', path: '/v1/api-keys', body: { name: 'k' }, schema: z.object({ id: z.string() }) });
  return { api, create, sent, opened, listeners: () => listeners, events, logs, clock, stepUp, patch };
}

const challenge = (header: string, json: unknown = { error: 'insufficient_user_authentication' }): HttpResponse => ({ status: 401, headers: { 'www-authenticate': header }, json });
const created: HttpResponse = { status: 201, headers: {}, json: { id: 'key_1' } };
/** a platform that challenges the grant and accepts a step-up token */
const mfaPlatform = (header = CHALLENGE) => (req: HttpRequest, bearer: string): HttpResponse =>
  req.method === 'GET' ? { status: 200, headers: {}, json: { data: [] } } : bearer.startsWith('stepup-') ? created : challenge(header);

async function refusedWithoutBrowser(header: string, pattern: RegExp, json?: unknown) {
  const r = rig({ answers: () => challenge(header, json) });
  await assert.rejects(r.create(), (e: AppError) => e.code === 'invalid_response' && pattern.test(e.message) && /no browser was opened and nothing was changed/.test(e.message));
  assert.equal(r.opened.length, 0, 'no browser opened');
  assert.equal(r.listeners(), 0, 'no loopback listener started');
  assert.equal(r.sent.length, 1, 'the write was not retried');
}

test('attack: a challenge naming a foreign or non-https sign-in address is refused with a sentence; no browser opens', async () => {
  const r = rig({ answers: () => challenge(`${CHALLENGE}, resource_metadata="https://evil.example/.well-known/oauth-protected-resource"`) });
  await assert.rejects(r.create(), (e: AppError) => e.code === 'invalid_response' && /names https:\/\/evil\.example as where to sign in, which is not Hostile platform's own sign-in address \(https:\/\/platform\.example\)/.test(e.message));
  assert.equal(r.opened.length + r.listeners(), 0);
  for (const bad of ['authorization_uri="http://evil.example/auth"', 'as_uri="javascript:alert(1)"', 'authorization_endpoint="file:///etc/passwd"', 'uri="https://user:pw@platform.example/auth"']) {
    const x = rig({ answers: () => challenge(`${CHALLENGE}, ${bad}`) });
    await assert.rejects(x.create(), (e: AppError) => e.code === 'invalid_response' && /Grantdesk only uses https URLs/.test(e.message), bad);
    assert.equal(x.opened.length + x.listeners(), 0, bad);
  }
  // the platform's own origin named in the challenge is fine (the stored endpoint is used either way)
  const ok = rig({ answers: mfaPlatform(`${CHALLENGE}, resource_metadata="${ISSUER}/.well-known/oauth-protected-resource"`) });
  assert.deepEqual((await ok.create()).data, { id: 'key_1' });
  assert.equal(new URL(ok.opened[0]!).origin, ISSUER);
});

test('attack: an absurd max_age (negative, ten years, a fraction, words) is refused; no browser opens', async () => {
  for (const v of ['-5', String(10 * 365 * 86400), '86401', '1.5', 'soon', '']) {
    await refusedWithoutBrowser(`${CHALLENGE}, max_age="${v}"`, /the sign-in age it allows \(max_age/);
  }
});

test('attack: huge, numerous or odd acr_values, an oversized header, a repeated parameter, a body-only challenge are refused', async () => {
  await refusedWithoutBrowser(`Bearer error="insufficient_user_authentication", acr_values="${'a'.repeat(3000)}"`, /3000 characters long \(at most 128\)/);
  await refusedWithoutBrowser(`Bearer error="insufficient_user_authentication", acr_values="${Array.from({ length: 20 }, (_, i) => `urn:x:${i}`).join(' ')}"`, /names 20 authentication levels/);
  await refusedWithoutBrowser('Bearer error="insufficient_user_authentication", acr_values="urn:x<script>"', /is not a plain identifier/);
  await refusedWithoutBrowser(`${CHALLENGE}, error_description="${'x'.repeat(5000)}"`, /characters long \(at most 4096\)/);
  await refusedWithoutBrowser(`${CHALLENGE}, max_age="60", max_age="999999"`, /repeats a parameter/);
  await refusedWithoutBrowser('Bearer error="invalid_token"', /without the WWW-Authenticate challenge RFC 9470 requires/, { error: 'insufficient_user_authentication', acr_values: 'urn:sabnode:mfa' });
});

test('attack: a challenge to a grant without a step-up (an auditor review) fails with step_up_required; nothing opens', async () => {
  const r = rig({ answers: () => challenge(CHALLENGE), noStepUp: true });
  await assert.rejects(r.create(), (e: AppError) => e.code === 'step_up_required' && /never starts; nothing was changed/.test(e.message));
  assert.equal(r.opened.length + r.listeners(), 0);
  assert.equal(r.sent.length, 1);
});

test('attack: a platform that still challenges after the step-up gets one retry, then step_up_refused (no loop, no second browser)', async () => {
  const r = rig({ answers: () => challenge(CHALLENGE) });
  await assert.rejects(r.create(), (e: AppError) => e.code === 'step_up_refused' && /still asks for a fresh multi-factor sign-in/.test(e.message));
  assert.equal(r.opened.length, 1);
  assert.deepEqual(r.sent.filter((s) => s.url.endsWith('/v1/api-keys')).map((s) => s.bearer), ['grant-a', 'stepup-a']);
  assert.equal(r.stepUp.held(), 0, 'the refused step-up token is forgotten');
});

test('attack: a step-up answered with a token for another workspace is not used', async () => {
  const r = rig({ answers: mfaPlatform(), probeId: () => 'b' });
  await assert.rejects(r.create('a'), (e: AppError) => e.code === 'invalid_response' && /came back for another workspace; it was not used/.test(e.message));
  assert.equal(r.sent.filter((s) => s.url.endsWith('/v1/api-keys')).length, 1, 'the write was not retried with it');
  assert.equal(r.stepUp.held(), 0);
});

test('a declined sign-in: step_up_refused with the platform\'s words, a failed event, and the write never retried', async () => {
  const r = rig({ answers: mfaPlatform(), deny: true });
  await assert.rejects(r.create(), (e: AppError) => e.code === 'step_up_refused' && e.message === 'Workspace A requires a fresh MFA sign-in for creating an API key, and it was declined or failed in the browser (the platform says: multi-factor sign-in failed 3 times); nothing was changed.');
  assert.deepEqual(r.events.map((e) => e.state), ['waiting', 'failed']);
  assert.equal(r.events[0]!.message, 'Workspace A requires a fresh MFA sign-in for creating an API key; finish it in your browser.');
  assert.equal(r.sent.filter((s) => s.url.endsWith('/v1/api-keys')).length, 1);
});

test('one step-up, one retry; the token is held for min(expiry, auth_time + max_age) and then asked for again', async () => {
  const r = rig({ answers: mfaPlatform(`${CHALLENGE}, max_age="60"`) });
  await r.create();
  const u = new URL(r.opened[0]!);
  assert.equal(u.searchParams.get('acr_values'), 'urn:sabnode:mfa');
  assert.equal(u.searchParams.get('max_age'), '60');
  assert.equal(u.searchParams.get('prompt'), 'login');
  assert.equal(u.searchParams.get('code_challenge_method'), 'S256');
  assert.equal(u.searchParams.get('scope'), 'credentials:read credentials:write');
  // inside the window: the write goes straight out with the step-up token
  r.clock.advance(50_000);
  await r.create();
  assert.equal(r.opened.length, 1);
  assert.equal(r.sent.at(-1)!.bearer, 'stepup-a');
  // past auth_time + max_age (less the margin): not reused, the grant goes first, the platform challenges, a new sign-in
  r.clock.advance(6_000);
  await r.create();
  assert.equal(r.opened.length, 2);
  assert.deepEqual(r.sent.filter((s) => s.url.endsWith('/v1/api-keys')).slice(-2).map((s) => s.bearer), ['grant-a', 'stepup-a']);
  // reads never use the step-up token
  await r.api.call('a', { method: 'GET', path: '/v1/api-keys', schema: z.unknown() });
  assert.equal(r.sent.at(-1)!.bearer, 'grant-a');
  assert.equal(r.opened.length, 2);
  // and no token in what the step-up logged or said
  assert.ok(![...r.logs, ...r.events.map((e) => e.message)].some((l) => l.includes('stepup-a')), 'a step-up token in a log line or event');
});

test('a short token expiry bounds the window too; max_age 0 is one-shot (used for the retry, never kept)', async () => {
  const short = rig({ answers: mfaPlatform(), expiresIn: 30 });
  await short.create();
  short.clock.advance(26_000);
  await short.create();
  assert.equal(short.opened.length, 2, 'expires_in 30 s: not reused after 25 s');
  const once = rig({ answers: mfaPlatform(`${CHALLENGE}, max_age="0"`) });
  await once.create();
  assert.equal(once.stepUp.held(), 0);
  await once.create();
  assert.equal(once.opened.length, 2);
});

test("workspace A's step-up token is never sent for workspace B", async () => {
  const r = rig({ answers: mfaPlatform() });
  await r.create('a');
  const before = r.sent.length;
  await r.create('b');
  const forB = r.sent.slice(before);
  assert.ok(forB.every((s) => s.bearer !== 'stepup-a'), JSON.stringify(forB));
  assert.equal(r.opened.length, 2);
  assert.equal(new URL(r.opened[1]!).searchParams.get('workspace'), 'b');
});

test('within one command scope a declined workspace is not asked again; a new command asks again', async () => {
  const r = rig({ answers: mfaPlatform(), deny: true });
  const h = r.stepUp.scoped({ bulk: async () => Promise.allSettled([r.create('a'), r.create('a')].map((p) => p)).then(async (x) => [...x, ...(await Promise.allSettled([r.create('a')]))]) });
  const results = await h.bulk();
  assert.deepEqual(results.map((x) => (x.status === 'rejected' ? (x.reason as AppError).code : 'fulfilled')), ['step_up_refused', 'step_up_refused', 'step_up_refused']);
  assert.equal(r.opened.length, 1, 'concurrent rows shared one sign-in and a later row did not ask again');
  assert.match(((results[2] as PromiseRejectedResult).reason as AppError).message, /declined earlier in this operation, so Grantdesk did not ask again/);
  await h.bulk();
  assert.equal(r.opened.length, 2, 'the next command asks again');
});

test('the one error mapping: a step-up challenge that reaches platformError (a caller without the WorkspaceApi) is step_up_required, in words', async () => {
  const { platformError } = await import('../../../src-main/platform/errors.ts');
  const e = platformError({ status: 401, headers: { 'www-authenticate': CHALLENGE }, json: { error: 'insufficient_user_authentication', error_description: 'x'.repeat(5000) } }, 'POST /v1/api-keys');
  assert.equal(e.code, 'step_up_required');
  assert.equal(e.message, 'POST /v1/api-keys: the platform asks for a fresh multi-factor sign-in first; nothing was changed');
});

test('a routine refresh of the grant keeps the step-up token; a reconnect or a disconnect ends it', async () => {
  const r = rig({ answers: mfaPlatform() });
  await r.create();
  r.patch.generation = 7; // the grant refreshed
  await r.create();
  assert.equal(r.opened.length, 1);
  r.patch.connected_at = 99; // reconnected
  await r.create();
  assert.equal(r.opened.length, 2);
  r.patch.status = 'disconnected';
  assert.equal(r.stepUp.port.current('a'), null);
});
