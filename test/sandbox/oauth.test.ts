/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic JSON bodies and the untyped oidc-provider API */
// Conformance of the sandbox's OAuth authorization server, driven with oauth4webapi as the standard client.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import { admin, api, authorize, boot, Browser, DESKTOP, expectOAuthError, hidden, insecure, login, pinPlans, refresh } from './helpers.ts';

let ctx: Awaited<ReturnType<typeof boot>>;
const client: oauth.Client = { client_id: DESKTOP };

before(async () => {
  ctx = await boot({ accessTokenTtl: 600 });
  await pinPlans(ctx.sb); // OAuth conformance, without MFA step-up (that is mfa.test.ts)
});
after(async () => { await ctx.sb.close(); });

describe('discovery', () => {
  test('RFC 8414 and OIDC discovery documents', async () => {
    const { sb } = ctx;
    for (const p of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const r = await fetch(sb.issuer + p);
      assert.equal(r.status, 200, p);
      const m = await r.json() as any;
      assert.equal(m.issuer, sb.issuer);
      assert.deepEqual(m.code_challenge_methods_supported, ['S256']);
      assert.equal(m.authorization_response_iss_parameter_supported, true);
      for (const g of ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code']) assert.ok(m.grant_types_supported.includes(g), g);
      assert.ok(m.revocation_endpoint && m.introspection_endpoint && m.device_authorization_endpoint);
    }
  });
});

describe('authorization code + PKCE', () => {
  test('missing PKCE challenge is rejected', async () => {
    const a = await authorize(ctx.as, { workspace: ctx.sb.workspaces[0]!.id, pkce: 'none' });
    assert.equal(a.url.searchParams.get('error'), 'invalid_request');
    assert.match(a.url.searchParams.get('error_description') ?? '', /PKCE/);
    assert.equal(a.url.searchParams.get('code'), null);
  });

  test('plain PKCE is rejected, only S256', async () => {
    const a = await authorize(ctx.as, { workspace: ctx.sb.workspaces[0]!.id, pkce: 'plain' });
    assert.equal(a.url.searchParams.get('error'), 'invalid_request');
    assert.equal(a.url.searchParams.get('code'), null);
  });

  test('a wrong code_verifier fails at the token endpoint', async () => {
    const a = await authorize(ctx.as, { workspace: ctx.sb.workspaces[0]!.id });
    const params = oauth.validateAuthResponse(ctx.as, client, a.url, a.state);
    const resp = await oauth.authorizationCodeGrantRequest(ctx.as, client, oauth.None(), params, a.redirectUri, oauth.generateRandomCodeVerifier(), insecure);
    // asserts-in: expectOAuthError
    await expectOAuthError(oauth.processAuthorizationCodeResponse(ctx.as, client, resp), 'invalid_grant');
  });

  test('redirect URI mismatch is rejected without redirecting', async () => {
    for (const bad of ['/other', '/callback/extra']) {
      const a = await authorize(ctx.as, { workspace: ctx.sb.workspaces[0]!.id, redirectPath: bad });
      assert.equal(a.status, 400, bad);
      assert.match(a.body ?? '', /redirect_uri/);
    }
    const u = new URL(ctx.as.authorization_endpoint!);
    u.search = new URLSearchParams({ client_id: DESKTOP, response_type: 'code', redirect_uri: 'http://localhost:5000/callback', scope: 'audit:read', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }).toString();
    const r = await fetch(u, { redirect: 'manual' });
    assert.equal(r.status, 400);
  });

  test('loopback redirect port may vary; iss is present (RFC 9207)', async () => {
    for (const port of [40001, 61999]) {
      const a = await authorize(ctx.as, { workspace: ctx.sb.workspaces[0]!.id, port });
      assert.equal(a.url.port, String(port));
      assert.equal(a.url.searchParams.get('iss'), ctx.sb.issuer);
      assert.ok(a.url.searchParams.get('code'));
      assert.equal(a.url.searchParams.get('state'), a.state);
      oauth.validateAuthResponse(ctx.as, client, a.url, a.state); // also validates iss
    }
  });

  test('each grant is bound to the workspace chosen at consent', async () => {
    const w0 = ctx.sb.workspaces[0]!; const w1 = ctx.sb.workspaces[1]!;
    const t0 = await login(ctx.as, w0.id);
    const t1 = await login(ctx.as, w1.id);
    assert.equal((await api(ctx.sb, t0.access_token, 'GET', '/v1/workspace')).body.id, w0.id);
    assert.equal((await api(ctx.sb, t1.access_token, 'GET', '/v1/workspace')).body.id, w1.id);
    const apps = await api(ctx.sb, t1.access_token, 'GET', '/v1/apps');
    assert.ok(apps.body.data.some((a: any) => a.client_id === DESKTOP && a.status === 'active'));
  });

  test('authorization code is single use', async () => {
    const a = await authorize(ctx.as, { workspace: ctx.sb.workspaces[0]!.id });
    const params = oauth.validateAuthResponse(ctx.as, client, a.url, a.state);
    await oauth.processAuthorizationCodeResponse(ctx.as, client, await oauth.authorizationCodeGrantRequest(ctx.as, client, oauth.None(), params, a.redirectUri, a.verifier, insecure));
    const again = await oauth.authorizationCodeGrantRequest(ctx.as, client, oauth.None(), params, a.redirectUri, a.verifier, insecure);
    // asserts-in: expectOAuthError
    await expectOAuthError(oauth.processAuthorizationCodeResponse(ctx.as, client, again), 'invalid_grant');
  });
});

describe('refresh tokens', () => {
  test('rotate on every use; reuse of a spent token revokes the whole grant (its access tokens live out their exp)', async () => {
    await admin(ctx.sb, 'POST', '/config', { reuse_leeway_seconds: 0 });
    const t = await login(ctx.as, ctx.sb.workspaces[0]!.id);
    const r1 = await refresh(ctx.as, t.refresh_token!);
    assert.ok(r1.refresh_token && r1.refresh_token !== t.refresh_token);
    assert.equal((await api(ctx.sb, r1.access_token, 'GET', '/v1/workspace')).status, 200);
    const e = await expectOAuthError(refresh(ctx.as, t.refresh_token!), 'invalid_grant');
    assert.equal(e.status, 400);
    await expectOAuthError(refresh(ctx.as, r1.refresh_token!), 'invalid_grant');
    // the revocation tail (docs §4.5): the grant is revoked, but its issued access token works until its own exp
    assert.equal((await api(ctx.sb, r1.access_token, 'GET', '/v1/workspace')).status, 200);
    await admin(ctx.sb, 'POST', '/clock', { advance_seconds: r1.expires_in! + 1 });
    const after = await api(ctx.sb, r1.access_token, 'GET', '/v1/workspace');
    assert.equal(after.status, 401);
    assert.equal(after.body.error, 'token_expired');
  });

  test('leeway: the immediately previous refresh token still works inside the window, not after', async () => {
    await admin(ctx.sb, 'POST', '/config', { reuse_leeway_seconds: 10 });
    try {
      const t = await login(ctx.as, ctx.sb.workspaces[1]!.id);
      const r1 = await refresh(ctx.as, t.refresh_token!);
      // Simulates a crash before r1 was persisted: the old token is replayed inside the leeway.
      const r2 = await refresh(ctx.as, t.refresh_token!);
      assert.ok(r2.refresh_token && r2.refresh_token !== r1.refresh_token);
      await expectOAuthError(refresh(ctx.as, r1.refresh_token!), 'invalid_grant'); // sibling retired, grant intact
      const r3 = await refresh(ctx.as, r2.refresh_token!);
      assert.equal((await api(ctx.sb, r3.access_token, 'GET', '/v1/workspace')).status, 200);
      // Outside the leeway, reuse is theft: the grant dies.
      await admin(ctx.sb, 'POST', '/clock', { advance_seconds: 11 });
      await expectOAuthError(refresh(ctx.as, r2.refresh_token!), 'invalid_grant');
      await expectOAuthError(refresh(ctx.as, r3.refresh_token!), 'invalid_grant');
      // its issued access token lives out its exp (the revocation tail), then dies
      assert.equal((await api(ctx.sb, r3.access_token, 'GET', '/v1/workspace')).status, 200);
      await admin(ctx.sb, 'POST', '/clock', { advance_seconds: r3.expires_in! + 1 });
      assert.equal((await api(ctx.sb, r3.access_token, 'GET', '/v1/workspace')).body.error, 'token_expired');
    } finally {
      await admin(ctx.sb, 'POST', '/config', { reuse_leeway_seconds: 0 });
    }
  });
});

describe('revocation, introspection, expiry', () => {
  test('introspection (RFC 7662) reports active tokens with scope and workspace', async () => {
    const t = await login(ctx.as, ctx.sb.workspaces[0]!.id);
    const r = await oauth.processIntrospectionResponse(ctx.as, client, await oauth.introspectionRequest(ctx.as, client, oauth.None(), t.access_token, insecure));
    assert.equal(r.active, true);
    assert.equal(r.client_id, DESKTOP);
    assert.match(String(r.scope), /audit:read/);
    assert.equal(r.workspace_id, ctx.sb.workspaces[0]!.id);
    const bogus = await oauth.processIntrospectionResponse(ctx.as, client, await oauth.introspectionRequest(ctx.as, client, oauth.None(), 'not-a-token', insecure));
    assert.equal(bogus.active, false);
  });

  test('revocation (RFC 7009) of access and refresh tokens', async () => {
    const t = await login(ctx.as, ctx.sb.workspaces[0]!.id);
    await oauth.processRevocationResponse(await oauth.revocationRequest(ctx.as, client, oauth.None(), t.access_token, insecure));
    const r = await api(ctx.sb, t.access_token, 'GET', '/v1/workspace');
    assert.equal(r.status, 401);
    assert.equal(r.body.error, 'token_revoked');
    const intro = await oauth.processIntrospectionResponse(ctx.as, client, await oauth.introspectionRequest(ctx.as, client, oauth.None(), t.access_token, insecure));
    assert.equal(intro.active, false);
    await oauth.processRevocationResponse(await oauth.revocationRequest(ctx.as, client, oauth.None(), t.refresh_token!, insecure));
    await expectOAuthError(refresh(ctx.as, t.refresh_token!), 'invalid_grant');
    // revoking an unknown token is not an error (RFC 7009 §2.2)
    await oauth.processRevocationResponse(await oauth.revocationRequest(ctx.as, client, oauth.None(), 'unknown-token', insecure));
  });

  test('RFC 7009 revocation shows on the platform: the grant app entry reads revoked in /v1/apps and the true state', async () => {
    const ws = ctx.sb.workspaces.at(-1)!.id;
    const victim = await login(ctx.as, ws);
    const observer = await login(ctx.as, ws);
    const desktopApps = async () => ((await api(ctx.sb, observer.access_token, 'GET', '/v1/apps')).body.data as Array<{ id: string; client_id: string; status: string }>).filter((a) => a.client_id === DESKTOP);
    const before = await desktopApps();
    await oauth.processRevocationResponse(await oauth.revocationRequest(ctx.as, client, oauth.None(), victim.refresh_token!, insecure));
    const after = await desktopApps();
    const flipped = after.filter((a) => a.status === 'revoked' && before.find((b) => b.id === a.id)?.status === 'active');
    assert.equal(flipped.length, 1, `exactly the revoked grant changed: ${JSON.stringify({ before, after })}`);
    const truth = (await admin(ctx.sb, 'GET', `/state?workspace=${ws}`)).body as { workspaces: Array<{ credentials: Array<{ id: string; status: string; effective_status: string }> }> };
    const row = truth.workspaces[0]!.credentials.find((c) => c.id === flipped[0]!.id)!;
    assert.equal(row.effective_status, 'revoked');
  });

  test('expired access token gives token_expired; garbage gives invalid_token', async () => {
    const t = await login(ctx.as, ctx.sb.workspaces[0]!.id);
    assert.equal(t.expires_in, 600);
    await admin(ctx.sb, 'POST', '/clock', { advance_seconds: 601 });
    const r = await api(ctx.sb, t.access_token, 'GET', '/v1/workspace');
    assert.equal(r.status, 401);
    assert.equal(r.body.error, 'token_expired');
    assert.ok(r.headers.get('www-authenticate')?.startsWith('Bearer'));
    const g = await api(ctx.sb, 'garbage', 'GET', '/v1/workspace');
    assert.deepEqual(Object.keys(g.body).sort(), ['error', 'error_description']);
    assert.equal(g.body.error, 'invalid_token');
    const r2 = await refresh(ctx.as, t.refresh_token!); // refresh tokens outlive access tokens
    assert.equal((await api(ctx.sb, r2.access_token, 'GET', '/v1/workspace')).status, 200);
  });
});

describe('client credentials (machine clients)', () => {
  test('token, quota headers, warning, 429 with Retry-After; disable; rotate with grace', async () => {
    const { sb, as } = ctx;
    const t = await login(as, sb.workspaces[0]!.id);
    const created = await api(sb, t.access_token, 'POST', '/v1/machine-clients', { name: 'etl', scopes: ['contacts:read'], daily_quota: 3 });
    assert.equal(created.status, 201);
    const mc = created.body;
    assert.match(mc.id, /^mc_/);
    const m: oauth.Client = { client_id: mc.client_id };
    const cc = (secret: string) => oauth.clientCredentialsGrantRequest(as, m, oauth.ClientSecretBasic(secret), { scope: 'contacts:read' }, insecure);
    const r1 = await cc(mc.client_secret);
    assert.equal(r1.headers.get('x-quota-limit'), '3');
    assert.equal(r1.headers.get('x-quota-remaining'), '2');
    const tok = await oauth.processClientCredentialsResponse(as, m, r1);
    const call = await api(sb, tok.access_token, 'GET', '/v1/contacts');
    assert.equal(call.status, 200);
    assert.ok(call.body.data.length > 0);
    assert.equal((await api(sb, tok.access_token, 'GET', '/v1/api-keys')).body.required_scope, 'credentials:read');
    await cc(mc.client_secret);
    const r3 = await cc(mc.client_secret);
    assert.equal(r3.headers.get('x-quota-remaining'), '0');
    assert.ok(r3.headers.get('x-quota-warning'));
    const r4 = await cc(mc.client_secret);
    assert.equal(r4.status, 429);
    assert.ok(Number(r4.headers.get('retry-after')) > 0);
    const body = await r4.json() as any;
    assert.equal(body.error, 'quota_exceeded');
    assert.ok(body.error_description);
    const usage = await api(sb, t.access_token, 'GET', `/v1/machine-clients/${mc.id}/usage`);
    assert.equal(usage.body.used_today, 3);
    assert.equal(usage.body.remaining_today, 0);

    // a second client for rotate/disable
    const c2 = (await api(sb, t.access_token, 'POST', '/v1/machine-clients', { name: 'sync', scopes: ['audit:read'] })).body;
    const m2: oauth.Client = { client_id: c2.client_id };
    const get2 = (s: string) => oauth.clientCredentialsGrantRequest(as, m2, oauth.ClientSecretBasic(s), {}, insecure);
    await expectOAuthError(oauth.processClientCredentialsResponse(as, m2, await get2('wrong-secret')), 'invalid_client');
    const rot = await api(sb, t.access_token, 'POST', `/v1/machine-clients/${c2.id}/rotate`, { grace_days: 1 });
    assert.ok(rot.body.client_secret && rot.body.client_secret !== c2.client_secret);
    assert.ok(rot.body.grace_ends_at);
    await oauth.processClientCredentialsResponse(as, m2, await get2(c2.client_secret)); // old secret inside grace
    await oauth.processClientCredentialsResponse(as, m2, await get2(rot.body.client_secret));
    await admin(sb, 'POST', '/clock', { advance_seconds: 86401 });
    await expectOAuthError(oauth.processClientCredentialsResponse(as, m2, await get2(c2.client_secret)), 'invalid_client');
    const tk = await oauth.processClientCredentialsResponse(as, m2, await get2(rot.body.client_secret));
    const t2 = await login(as, sb.workspaces[0]!.id);
    assert.equal((await api(sb, t2.access_token, 'POST', `/v1/machine-clients/${c2.id}/disable`)).body.status, 'disabled');
    await expectOAuthError(oauth.processClientCredentialsResponse(as, m2, await get2(rot.body.client_secret)), 'invalid_client');
    assert.equal((await api(sb, tk.access_token, 'GET', '/v1/workspace')).body.error, 'token_revoked');
    assert.equal((await api(sb, t2.access_token, 'POST', `/v1/machine-clients/${c2.id}/enable`)).body.status, 'active');
    await oauth.processClientCredentialsResponse(as, m2, await get2(rot.body.client_secret));
    // the store holds only hashes of machine client secrets
    const st = await admin(sb, 'GET', `/state?workspace=${sb.workspaces[0]!.id}`);
    assert.ok(!JSON.stringify(st.body).includes(rot.body.client_secret));
  });
});

describe('device authorization grant (RFC 8628)', () => {
  test('device code flow with user verification and polling', async () => {
    const { sb, as } = ctx;
    const da = await oauth.processDeviceAuthorizationResponse(as, client,
      await oauth.deviceAuthorizationRequest(as, client, oauth.None(), { scope: 'offline_access audit:read', workspace: sb.workspaces[1]!.id }, insecure));
    assert.ok(da.user_code && da.verification_uri && da.verification_uri_complete);
    // polling before approval
    await expectOAuthError(oauth.processDeviceCodeResponse(as, client, await oauth.deviceCodeGrantRequest(as, client, oauth.None(), da.device_code, insecure)), 'authorization_pending');
    const b = new Browser();
    const p1 = await b.request(da.verification_uri_complete!);
    assert.equal(p1.status, 200);
    const p2 = await b.request(`${sb.issuer}/device`, { method: 'POST', form: { xsrf: hidden(p1.body, 'xsrf')!, user_code: da.user_code } });
    assert.match(p2.body, /op.deviceConfirmForm/);
    const p3 = await b.request(`${sb.issuer}/device`, { method: 'POST', form: { xsrf: hidden(p2.body, 'xsrf')!, user_code: da.user_code, confirm: 'yes' } });
    assert.equal(p3.status, 200);
    assert.match(p3.body, /Success/i);
    const tok = await oauth.processDeviceCodeResponse(as, client, await oauth.deviceCodeGrantRequest(as, client, oauth.None(), da.device_code, insecure));
    assert.ok(tok.access_token && tok.refresh_token);
    assert.equal((await api(sb, tok.access_token, 'GET', '/v1/workspace')).body.id, sb.workspaces[1]!.id);
  });
});
