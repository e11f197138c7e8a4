/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic JSON bodies and the untyped oidc-provider API */
// Management API conformance: scopes enforced, one error shape, secrets shown once and stored hashed, allowlists, rotation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { admin, api, boot, login, pinPlans } from './helpers.ts';

let ctx: Awaited<ReturnType<typeof boot>>;
let token: string; // credentials:read/write + audit:read
let ws: string;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const errorShape = (b: any) => {
  assert.equal(typeof b.error, 'string');
  assert.equal(typeof b.error_description, 'string');
  for (const k of Object.keys(b)) assert.ok(['error', 'error_description', 'required_scope', 'retry_after', 'caller_ip'].includes(k), `unexpected error field ${k}`);
};

before(async () => {
  ctx = await boot();
  await pinPlans(ctx.sb); // key management itself, without MFA step-up (that is mfa.test.ts)
  ws = ctx.sb.workspaces[0]!.id;
  token = (await login(ctx.as, ws)).access_token;
});
after(async () => { await ctx.sb.close(); });

describe('pinned shapes', () => {
  test('GET /v1/workspace and /v1/scopes', async () => {
    const w = await api(ctx.sb, token, 'GET', '/v1/workspace');
    assert.deepEqual(Object.keys(w.body).sort(), ['created_at', 'id', 'name', 'plan', 'region']);
    assert.match(w.body.id, /^ws_/);
    const s = await api(ctx.sb, token, 'GET', '/v1/scopes');
    assert.ok(s.body.scopes.length >= 30);
    for (const sc of s.body.scopes) {
      assert.deepEqual(Object.keys(sc).sort(), ['action', 'description', 'name', 'resource']);
      assert.equal(sc.name, `${sc.resource}:${sc.action}`);
      assert.ok(!sc.name.includes('*'));
    }
  });

  test('list endpoints return { data: [...] } with pinned item shapes', async () => {
    const keys = await api(ctx.sb, token, 'GET', '/v1/api-keys');
    assert.ok(keys.body.data.length > 0);
    for (const k of keys.body.data) {
      assert.deepEqual(Object.keys(k).sort(), ['created_at', 'expires_at', 'grace_ends_at', 'id', 'ip_allowlist', 'last_four', 'last_used_at', 'name', 'prefix', 'rate_limit_per_minute', 'rotated_from', 'scopes', 'status'].sort());
      assert.match(k.id, /^key_/);
      assert.ok(['sk_live_', 'sk_test_'].includes(k.prefix));
      assert.ok(['active', 'rotating', 'revoked', 'expired'].includes(k.status));
    }
    const apps = await api(ctx.sb, token, 'GET', '/v1/apps');
    for (const a of apps.body.data) assert.deepEqual(Object.keys(a).sort(), ['client_id', 'granted_at', 'id', 'last_used_at', 'name', 'scopes', 'status']);
    const mcs = await api(ctx.sb, token, 'GET', '/v1/machine-clients');
    for (const m of mcs.body.data) assert.deepEqual(Object.keys(m).sort(), ['client_id', 'created_at', 'daily_quota', 'grace_ends_at', 'id', 'ip_allowlist', 'last_used_at', 'name', 'scopes', 'secret_created_at', 'status']);
    const sts = await api(ctx.sb, token, 'GET', '/v1/service-tokens');
    for (const m of sts.body.data) assert.deepEqual(Object.keys(m).sort(), ['created_at', 'expires_at', 'id', 'scopes']);
  });
});

describe('scopes and errors', () => {
  test('403 names the missing scope in required_scope', async () => {
    const r = await api(ctx.sb, token, 'GET', '/v1/contacts');
    assert.equal(r.status, 403);
    assert.equal(r.body.error, 'insufficient_scope');
    assert.equal(r.body.required_scope, 'contacts:read');
    errorShape(r.body);
    const ro = (await login(ctx.as, ws, 'credentials:read')).access_token;
    const w = await api(ctx.sb, ro, 'POST', '/v1/api-keys', { name: 'x', scopes: ['contacts:read'] });
    assert.equal(w.status, 403);
    assert.equal(w.body.required_scope, 'credentials:write');
    const a = await api(ctx.sb, ro, 'GET', '/v1/audit-events');
    assert.equal(a.body.required_scope, 'audit:read');
  });

  test('401 codes and validation errors share one shape', async () => {
    const none = await fetch(`${ctx.sb.issuer}/v1/workspace`);
    assert.equal(none.status, 401);
    errorShape(await none.json());
    const bad = await api(ctx.sb, token, 'POST', '/v1/api-keys', { name: 'x', scopes: ['contacts:*'] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 'invalid_scope');
    errorShape(bad.body);
    const nf = await api(ctx.sb, token, 'POST', '/v1/api-keys/key_doesnotexist/revoke');
    assert.equal(nf.status, 404);
    errorShape(nf.body);
    const lim = await api(ctx.sb, token, 'GET', '/v1/audit-events?limit=5001');
    assert.equal(lim.status, 400);
  });
});

describe('API keys', () => {
  test('secret returned exactly once; store holds only its hash', async () => {
    const c = await api(ctx.sb, token, 'POST', '/v1/api-keys', { name: 'ci key', scopes: ['contacts:read'], ip_allowlist: ['127.0.0.0/8'] });
    assert.equal(c.status, 201);
    const secret: string = c.body.secret;
    assert.match(secret, /^sk_live_[A-Za-z0-9]{40}$/);
    assert.equal(c.body.last_four, secret.slice(-4));
    const list = await api(ctx.sb, token, 'GET', '/v1/api-keys');
    assert.ok(!list.text.includes(secret));
    const one = list.body.data.find((k: any) => k.id === c.body.id);
    assert.equal(one.secret, undefined);
    const patched = await api(ctx.sb, token, 'PATCH', `/v1/api-keys/${c.body.id}`, { name: 'renamed' });
    assert.equal(patched.body.secret, undefined);
    const st = await admin(ctx.sb, 'GET', `/state?workspace=${ws}`);
    const raw = JSON.stringify(st.body);
    assert.ok(!raw.includes(secret), 'plaintext secret in the store');
    assert.equal(st.body.workspaces[0]!.credentials.find((x: any) => x.id === c.body.id).secret_sha256, sha(secret));
    // the key works
    const r = await api(ctx.sb, secret, 'GET', '/v1/contacts');
    assert.equal(r.status, 200);
    assert.ok(r.body.data[0].email);
  });

  test('IP allowlist: callers outside get a structured 401', async () => {
    const c = await api(ctx.sb, token, 'POST', '/v1/api-keys', { name: 'office only', scopes: ['contacts:read'], ip_allowlist: ['198.51.100.0/24', '2001:db8::/32'] });
    const inside = await api(ctx.sb, c.body.secret, 'GET', '/v1/contacts', undefined, { 'x-sandbox-caller-ip': '198.51.100.7' });
    assert.equal(inside.status, 200);
    const v6 = await api(ctx.sb, c.body.secret, 'GET', '/v1/contacts', undefined, { 'x-sandbox-caller-ip': '2001:db8::5' });
    assert.equal(v6.status, 200);
    const out = await api(ctx.sb, c.body.secret, 'GET', '/v1/contacts');
    assert.equal(out.status, 401);
    assert.equal(out.body.error, 'ip_not_allowed');
    assert.equal(out.body.caller_ip, '127.0.0.1');
    const bad = await api(ctx.sb, token, 'POST', '/v1/api-keys', { name: 'x', scopes: ['contacts:read'], ip_allowlist: ['300.1.1.1/8'] });
    assert.equal(bad.status, 400);
  });

  test('rotation keeps the old secret for the grace period; revoke and expiry codes', async () => {
    const c = await api(ctx.sb, token, 'POST', '/v1/api-keys', { name: 'rotating', scopes: ['contacts:read'], expires_in_days: 30 });
    const rot = await api(ctx.sb, token, 'POST', `/v1/api-keys/${c.body.id}/rotate`, { grace_days: 2 });
    assert.equal(rot.status, 201);
    assert.notEqual(rot.body.secret, c.body.secret);
    assert.equal(rot.body.rotated_from, c.body.id);
    assert.equal(rot.body.previous.status, 'rotating');
    assert.ok(rot.body.previous.grace_ends_at);
    assert.equal((await api(ctx.sb, c.body.secret, 'GET', '/v1/contacts')).status, 200);
    assert.equal((await api(ctx.sb, rot.body.secret, 'GET', '/v1/contacts')).status, 200);
    const bad = await api(ctx.sb, token, 'POST', `/v1/api-keys/${c.body.id}/rotate`, { grace_days: 31 });
    assert.equal(bad.status, 400);
    const again = await api(ctx.sb, token, 'POST', `/v1/api-keys/${c.body.id}/rotate`, {});
    assert.equal(again.status, 409);
    assert.equal(again.body.error, 'conflict');
    await admin(ctx.sb, 'POST', '/clock', { advance_seconds: 2 * 86400 + 1 });
    const token2 = (await login(ctx.as, ws)).access_token;
    const old = await api(ctx.sb, c.body.secret, 'GET', '/v1/contacts');
    assert.equal(old.status, 401);
    assert.equal(old.body.error, 'token_expired');
    const listed = (await api(ctx.sb, token2, 'GET', '/v1/api-keys')).body.data.find((k: any) => k.id === c.body.id);
    assert.equal(listed.status, 'expired');
    const rv = await api(ctx.sb, token2, 'POST', `/v1/api-keys/${rot.body.id}/revoke`);
    assert.equal(rv.body.status, 'revoked');
    const gone = await api(ctx.sb, rot.body.secret, 'GET', '/v1/contacts');
    assert.equal(gone.body.error, 'token_revoked');
    await admin(ctx.sb, 'POST', '/clock', { advance_seconds: 30 * 86400 });
  });

  test('rate limit per minute gives 429 with retry_after', async () => {
    const token3 = (await login(ctx.as, ws)).access_token;
    const c = await api(ctx.sb, token3, 'POST', '/v1/api-keys', { name: 'slow', scopes: ['contacts:read'], rate_limit_per_minute: 2 });
    const codes: number[] = [];
    let last: any;
    for (let i = 0; i < 3; i++) { last = await api(ctx.sb, c.body.secret, 'GET', '/v1/contacts'); codes.push(last.status); }
    assert.deepEqual(codes, [200, 200, 429]);
    assert.equal(last.body.error, 'rate_limited');
    assert.ok(last.body.retry_after >= 1);
    assert.equal(last.headers.get('retry-after'), String(last.body.retry_after));
  });
});

describe('service tokens, scope bundles, apps', () => {
  test('service tokens: ttl 5-60 minutes, never stored in plaintext, expire', async () => {
    const t = (await login(ctx.as, ws)).access_token;
    assert.equal((await api(ctx.sb, t, 'POST', '/v1/service-tokens', { scopes: ['contacts:read'], ttl_minutes: 4 })).status, 400);
    assert.equal((await api(ctx.sb, t, 'POST', '/v1/service-tokens', { scopes: ['contacts:read'], ttl_minutes: 61 })).status, 400);
    const s = await api(ctx.sb, t, 'POST', '/v1/service-tokens', { scopes: ['contacts:read'], ttl_minutes: 5 });
    assert.equal(s.status, 201);
    assert.match(s.body.id, /^st_/);
    assert.equal((await api(ctx.sb, s.body.token, 'GET', '/v1/contacts')).status, 200);
    const st = await admin(ctx.sb, 'GET', `/state?workspace=${ws}`);
    assert.ok(!JSON.stringify(st.body).includes(s.body.token));
    await admin(ctx.sb, 'POST', '/clock', { advance_seconds: 301 });
    assert.equal((await api(ctx.sb, s.body.token, 'GET', '/v1/contacts')).body.error, 'token_expired');
  });

  test('scope bundles CRUD', async () => {
    const t = (await login(ctx.as, ws)).access_token;
    const b = await api(ctx.sb, t, 'POST', '/v1/scope-bundles', { name: 'read-only CRM', scopes: ['contacts:read', 'deals:read'] });
    assert.equal(b.status, 201);
    assert.match(b.body.id, /^sb_/);
    const p = await api(ctx.sb, t, 'PATCH', `/v1/scope-bundles/${b.body.id}`, { scopes: ['contacts:read'] });
    assert.deepEqual(p.body.scopes, ['contacts:read']);
    assert.equal((await api(ctx.sb, t, 'GET', '/v1/scope-bundles')).body.data.length, 1);
    assert.equal((await api(ctx.sb, t, 'DELETE', `/v1/scope-bundles/${b.body.id}`)).status, 204);
    assert.equal((await api(ctx.sb, t, 'GET', '/v1/scope-bundles')).body.data.length, 0);
  });

  test('revoking an app kills its refresh token at once; its access token works until its exp (the revocation tail)', async () => {
    const victim = await login(ctx.as, ws);
    const t = (await login(ctx.as, ws)).access_token;
    const apps = (await api(ctx.sb, t, 'GET', '/v1/apps')).body.data;
    const intro = await fetch(`${ctx.sb.issuer}/token/introspection`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: 'grantdesk-desktop', token: victim.access_token }) });
    const credId = ((await intro.json()) as any).credential_id;
    assert.ok(apps.some((a: any) => a.id === credId));
    const rv = await api(ctx.sb, t, 'POST', `/v1/apps/${credId}/revoke`);
    assert.equal(rv.body.status, 'revoked');
    assert.equal(typeof rv.body.access_tokens_valid_until, 'string', 'the answer says until when issued access tokens work');
    assert.equal((await api(ctx.sb, victim.access_token, 'GET', '/v1/workspace')).status, 200, 'the tail: still working');
    const r = await fetch(ctx.as.token_endpoint!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'grantdesk-desktop', refresh_token: victim.refresh_token! }) });
    assert.equal(r.status, 400);
    const body = await r.json() as any;
    assert.equal(body.error, 'invalid_grant');
    assert.deepEqual(Object.keys(body).sort(), ['error', 'error_description']);
    // past its exp the access token is dead
    await admin(ctx.sb, 'POST', '/clock', { advance_seconds: Math.ceil((Date.parse(rv.body.access_tokens_valid_until) - Date.now()) / 1000) + 1 });
    assert.equal((await api(ctx.sb, victim.access_token, 'GET', '/v1/workspace')).body.error, 'token_expired');
  });
});
