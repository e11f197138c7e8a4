/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic JSON bodies */
// MFA step-up on the sandbox platform (RFC 9470, sandbox/mfa.ts): plans, the challenge a protected call gets, the
// authorization endpoint's MFA step (auto-consent and the interactive TOTP page), acr/auth_time on tokens, the enterprise
// rebind window on the test clock, and RFC 6238 itself.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import { admin, api, boot, Browser, DESKTOP, followToCallback, insecure, login } from './helpers.ts';
import { ACR_MFA, base32, totpAtStep, stepAt } from '../../sandbox/mfa.ts';
import { now } from '../../sandbox/clock.ts';

const client: oauth.Client = { client_id: DESKTOP };
let ctx: Awaited<ReturnType<typeof boot>>;
let pro: string;
let ent: string;

before(async () => {
  ctx = await boot({ workspaces: 3 });
  [pro, ent] = [ctx.sb.workspaces[0]!.id, ctx.sb.workspaces[1]!.id];
  assert.equal((await admin(ctx.sb, 'POST', '/mfa', { workspace: pro, plan: 'pro' })).status, 200);
  assert.equal((await admin(ctx.sb, 'POST', '/mfa', { workspace: ent, plan: 'enterprise', rebind_seconds: 300 })).status, 200);
  assert.equal((await admin(ctx.sb, 'POST', '/mfa', { workspace: ctx.sb.workspaces[2]!.id, plan: 'starter' })).status, 200);
});
after(async () => { await ctx?.sb.close(); });

/** An authorization through auto-consent with the step-up parameters; returns the token response. */
async function stepUp(as: oauth.AuthorizationServer, workspace: string, extra: Record<string, string>, scope = 'openid credentials:read credentials:write') {
  const verifier = oauth.generateRandomCodeVerifier();
  const redirectUri = 'http://127.0.0.1:53123/callback';
  const state = oauth.generateRandomState();
  const u = new URL(as.authorization_endpoint!);
  u.search = new URLSearchParams({ client_id: DESKTOP, response_type: 'code', redirect_uri: redirectUri, scope, state, workspace, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra }).toString();
  const cb = await followToCallback(u.href, redirectUri);
  const params = oauth.validateAuthResponse(as, client, cb.url, state);
  return oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, insecure));
}
const introspect = async (token: string) => (await (await fetch(`${ctx.sb.issuer}/token/introspection`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: DESKTOP, token }) })).json()) as any;
const keyCount = async (ws: string) => ((await admin(ctx.sb, 'GET', `/state?workspace=${ws}`)).body.workspaces[0].credentials as any[]).filter((c) => c.type === 'api_key').length;
const challengeOf = (h: Headers) => h.get('www-authenticate') ?? '';

describe('RFC 6238', () => {
  test('the RFC test vector (secret "12345678901234567890", SHA-1) and base32', () => {
    const secret = base32(Buffer.from('12345678901234567890'));
    assert.equal(secret, 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    // RFC 6238 appendix B, 8 digits 94287082 at T=59 and 07081804 at T=1111111109: the last 6 digits
    assert.equal(totpAtStep(secret, stepAt(59_000)), '287082');
    assert.equal(totpAtStep(secret, stepAt(1_111_111_109_000)), '081804');
  });
});

describe('plans and the challenge', () => {
  test('GET /v1/workspace shows the plan; the admin API sets it and refuses an unknown plan or window', async () => {
    const t = await login(ctx.as, pro);
    assert.equal((await api(ctx.sb, t.access_token, 'GET', '/v1/workspace')).body.plan, 'pro');
    const bad = await admin(ctx.sb, 'POST', '/mfa', { workspace: pro, plan: 'platinum' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error_description, /plan must be one of free, starter, pro, enterprise/);
    for (const w of [-5, 10, 10 * 365 * 86400, 'soon']) assert.equal((await admin(ctx.sb, 'POST', '/mfa', { workspace: ent, rebind_seconds: w })).status, 400, String(w));
    assert.equal((await admin(ctx.sb, 'GET', `/mfa?workspace=${ent}`)).body.max_age, 300);
  });

  test('pro: creating a key with a password-only sign-in is refused with the RFC 9470 challenge, and nothing is created', async () => {
    const t = await login(ctx.as, pro);
    assert.equal((await introspect(t.access_token)).acr, 'urn:sabnode:pwd');
    const before = await keyCount(pro);
    const r = await api(ctx.sb, t.access_token, 'POST', '/v1/api-keys', { name: 'etl', scopes: ['contacts:read'] });
    assert.equal(r.status, 401);
    assert.equal(r.body.error, 'insufficient_user_authentication');
    assert.equal(r.body.acr_values, ACR_MFA);
    assert.equal(r.body.max_age, undefined, 'pro asks for MFA, not for a fresh one');
    assert.match(challengeOf(r.headers), /^Bearer error="insufficient_user_authentication", error_description="creating an API key in a pro workspace requires a multi-factor sign-in[^"]*", acr_values="urn:sabnode:mfa"$/);
    assert.equal(await keyCount(pro), before);
    // reads and unprotected writes are untouched on pro
    assert.equal((await api(ctx.sb, t.access_token, 'GET', '/v1/api-keys')).status, 200);
    assert.equal((await api(ctx.sb, t.access_token, 'POST', '/v1/service-tokens', { scopes: ['contacts:read'], ttl_minutes: 5 })).status, 201);
  });

  test('pro: the three protected calls go through with a step-up token; it acts as the same grant and has no refresh token', async () => {
    const main = await login(ctx.as, pro);
    const appsBefore = (await api(ctx.sb, main.access_token, 'GET', '/v1/apps')).body.data.length;
    const s = await stepUp(ctx.as, pro, { acr_values: ACR_MFA, prompt: 'login' });
    assert.equal(s.refresh_token, undefined, 'a step-up never yields a refresh token');
    const info = await introspect(s.access_token);
    assert.equal(info.acr, ACR_MFA);
    assert.ok(Math.abs(info.auth_time - Math.floor(now() / 1000)) <= 2, 'auth_time is the sign-in just made');
    const k = await api(ctx.sb, s.access_token, 'POST', '/v1/api-keys', { name: 'etl', scopes: ['contacts:read'] });
    assert.equal(k.status, 201);
    assert.equal((await api(ctx.sb, s.access_token, 'POST', `/v1/api-keys/${k.body.id}/rotate`, { grace_days: 1 })).status, 201);
    // no second app entry: the step-up signed the existing grant in again
    const apps = (await api(ctx.sb, main.access_token, 'GET', '/v1/apps')).body.data as any[];
    assert.equal(apps.length, appsBefore);
    const events = (await api(ctx.sb, main.access_token, 'GET', '/v1/audit-events?after_seq=0&limit=5000')).body.events as any[];
    const created = events.find((e) => e.endpoint === '/v1/api-keys' && e.method === 'POST' && e.status === 201);
    assert.equal(created.credential_id, info.credential_id);
    assert.ok(apps.some((a) => a.id === info.credential_id), 'the step-up token acts as a listed grant');
    const third = apps.find((a) => a.client_id !== DESKTOP && a.status === 'active');
    if (third) assert.equal((await api(ctx.sb, s.access_token, 'POST', `/v1/apps/${third.id}/revoke`)).status, 200);
  });

  test('a step-up token is bound to its one workspace: what it creates lands there and nowhere else', async () => {
    const s = await stepUp(ctx.as, pro, { acr_values: ACR_MFA, prompt: 'login' });
    const ws = (await api(ctx.sb, s.access_token, 'GET', '/v1/workspace')).body.id;
    assert.equal(ws, pro);
    const entKeys = await keyCount(ent);
    // the same token only ever reaches its own workspace's rows: a key created with it lands in A, never in B
    assert.equal((await api(ctx.sb, s.access_token, 'POST', '/v1/api-keys', { name: 'a-only', scopes: ['contacts:read'] })).status, 201);
    assert.equal(await keyCount(ent), entKeys);
  });

  test('enterprise: every credentials:write call asks, with max_age = the rebind window; past it the step-up token is asked again', async () => {
    const main = await login(ctx.as, ent);
    const r = await api(ctx.sb, main.access_token, 'POST', '/v1/scope-bundles', { name: 'x', scopes: ['contacts:read'] });
    assert.equal(r.status, 401);
    assert.match(challengeOf(r.headers), /acr_values="urn:sabnode:mfa", max_age="300"$/);
    const s = await stepUp(ctx.as, ent, { acr_values: ACR_MFA, max_age: '300', prompt: 'login' });
    assert.equal((await api(ctx.sb, s.access_token, 'POST', '/v1/scope-bundles', { name: 'x', scopes: ['contacts:read'] })).status, 201);
    await admin(ctx.sb, 'POST', '/clock', { advance_seconds: 301 });
    const late = await api(ctx.sb, s.access_token, 'POST', '/v1/scope-bundles', { name: 'y', scopes: ['contacts:read'] });
    assert.equal(late.status, 401);
    assert.match(late.body.error_description, /within the last 300 s; this token's was 30\d s ago/);
    // a shorter window set through the admin API is the next challenge's max_age
    await admin(ctx.sb, 'POST', '/mfa', { workspace: ent, rebind_seconds: 60 });
    const again = await api(ctx.sb, s.access_token, 'POST', '/v1/machine-clients', { name: 'mc', scopes: ['contacts:read'] });
    assert.match(challengeOf(again.headers), /max_age="60"$/);
    await admin(ctx.sb, 'POST', '/mfa', { workspace: ent, rebind_seconds: 300 });
  });

  test('free and starter protect nothing; machine credentials are no users and pass by their scopes', async () => {
    const starter = ctx.sb.workspaces[2]!.id;
    const t = await login(ctx.as, starter);
    assert.equal((await api(ctx.sb, t.access_token, 'POST', '/v1/api-keys', { name: 'k', scopes: ['contacts:read'] })).status, 201);
    const st = await admin(ctx.sb, 'POST', '/tokens', { workspace: pro, scopes: ['credentials:write'], ttl_minutes: 5 });
    assert.equal((await api(ctx.sb, st.body.token, 'POST', '/v1/api-keys', { name: 'by-token', scopes: ['contacts:read'] })).status, 201);
  });
});

describe('the interactive MFA step (no auto-consent)', () => {
  let sb: Awaited<ReturnType<typeof boot>>;
  before(async () => {
    sb = await boot({ autoConsent: false, workspaces: 1 });
    await admin(sb.sb, 'POST', '/mfa', { workspace: sb.sb.workspaces[0]!.id, plan: 'pro' });
  });
  after(async () => { await sb?.sb.close(); });

  async function start(b: Browser) {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const u = new URL(sb.as.authorization_endpoint!);
    u.search = new URLSearchParams({ client_id: DESKTOP, response_type: 'code', redirect_uri: 'http://127.0.0.1:53123/callback', scope: 'openid credentials:read credentials:write', state, workspace: sb.sb.workspaces[0]!.id, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', acr_values: ACR_MFA, prompt: 'login' }).toString();
    const page = await b.request(u.href);
    return { page, verifier, state };
  }
  const form = (code: string) => ({ login: 'admin@sandbox.test', password: 'sandbox', code });
  const action = (html: string) => /action="(\/interaction\/[^"]+\/mfa)"/.exec(html)?.[1];

  test('the page names the client and the workspace; the right code signs in with acr mfa; the same code again is refused', async () => {
    const ws = sb.sb.workspaces[0]!;
    const b = new Browser();
    const { page, verifier, state } = await start(b);
    assert.equal(page.status, 200);
    assert.match(page.body, /asks for a fresh multi-factor sign-in for the workspace <strong>/);
    assert.ok(page.body.includes(ws.name.replace(/&/g, '&amp;')));
    const code = sb.sb.mfa.totp(ws.id)!;
    const done = await b.request(sb.sb.issuer + action(page.body)!, { method: 'POST', form: form(code) });
    const cb = new URL(done.location!);
    const params = oauth.validateAuthResponse(sb.as, client, cb, state);
    const t = await oauth.processAuthorizationCodeResponse(sb.as, client, await oauth.authorizationCodeGrantRequest(sb.as, client, oauth.None(), params, 'http://127.0.0.1:53123/callback', verifier, insecure));
    const info = (await (await fetch(`${sb.sb.issuer}/token/introspection`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: DESKTOP, token: t.access_token }) })).json()) as any;
    assert.equal(info.acr, ACR_MFA);
    assert.equal((await api(sb.sb, t.access_token, 'POST', '/v1/api-keys', { name: 'k', scopes: ['contacts:read'] })).status, 201);
    // a replayed code (same 30 s step) is refused
    const b2 = new Browser();
    const again = await start(b2);
    const replay = await b2.request(sb.sb.issuer + action(again.page.body)!, { method: 'POST', form: form(code) });
    assert.equal(replay.status, 401);
    assert.match(replay.body, /Wrong email, password or authenticator code. 2 of 3 attempts left./);
  });

  test('three wrong codes end the sign-in with access_denied (no code is issued); Deny does too', async () => {
    const b = new Browser();
    const { page } = await start(b);
    let last: Awaited<ReturnType<Browser['request']>> | undefined;
    for (let i = 0; i < 3; i++) last = await b.request(sb.sb.issuer + action(page.body)!, { method: 'POST', form: form('000000') });
    const cb = new URL(last!.location!);
    assert.equal(cb.searchParams.get('error'), 'access_denied');
    assert.match(cb.searchParams.get('error_description') ?? '', /multi-factor sign-in failed 3 times/);
    assert.equal(cb.searchParams.get('code'), null);
    const b2 = new Browser();
    const second = await start(b2);
    const abort = /action="(\/interaction\/[^"]+\/abort)"/.exec(second.page.body)![1]!;
    const denied = await b2.request(sb.sb.issuer + abort, { method: 'POST', form: {} });
    assert.equal(new URL(denied.location!).searchParams.get('error'), 'access_denied');
  });
});
