/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies */
// The revocation tail (docs/platform-api.md §4.5): revoking an app grant (POST /v1/apps/{id}/revoke) or a grant's refresh
// token (RFC 7009) kills the refresh token at once, while access tokens already issued keep working — business calls and
// introspection — until their own exp, which the revoke answer reports as access_tokens_valid_until. The test clock is
// advanced past exp to show their death. API keys and service tokens stop at once; an auditor review's revocation ends
// every token of its grant at once (true state: live_access_tokens 0).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import { admin, api, boot, DESKTOP, expectOAuthError, insecure, login, refresh } from './helpers.ts';

let ctx: Awaited<ReturnType<typeof boot>>;
before(async () => {
  // 10-minute access tokens: the tail is short enough to walk past with the admin clock
  ctx = await boot({ accessTokenTtl: 600 });
});
after(async () => ctx.sb.close());

const client: oauth.Client = { client_id: DESKTOP };
async function introspect(token: string) {
  return oauth.processIntrospectionResponse(ctx.as, client, await oauth.introspectionRequest(ctx.as, client, oauth.None(), token, insecure));
}
async function credIdOf(token: string): Promise<string> {
  return String((await introspect(token)).credential_id);
}
async function truth(ws: string, credId: string) {
  const s = (await admin(ctx.sb, 'GET', `/state?workspace=${ws}`)).body;
  return s.workspaces[0].credentials.find((c: any) => c.id === credId);
}
/** an operator's bearer for management calls: an admin-minted service token (no person's sign-in, so no MFA step-up) */
async function operator(ws: string): Promise<string> {
  return (await admin(ctx.sb, 'POST', '/tokens', { workspace: ws, scopes: ['credentials:read', 'credentials:write', 'audit:read'] })).body.token as string;
}
const refreshStatus = async (rt: string) => {
  const r = await fetch(ctx.as.token_endpoint!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', client_id: DESKTOP, refresh_token: rt }) });
  return { status: r.status, body: (await r.json()) as any };
};

describe('app revocation: refresh dies at once, issued access tokens live out their exp', () => {
  test('the answer carries the latest access-token expiry; calls and introspection work until it, then 401 token_expired', async () => {
    const ws = ctx.sb.workspaces[0]!.id;
    const victim = await login(ctx.as, ws);
    const second = await refresh(ctx.as, victim.refresh_token!); // two access tokens of the same grant; the later one lives longest
    const op = await operator(ws);
    const credId = await credIdOf(second.access_token);
    const exp = Number((await introspect(second.access_token)).exp);
    const before = await truth(ws, credId);
    assert.equal(before.live_access_tokens, 2);

    const rv = await api(ctx.sb, op, 'POST', `/v1/apps/${credId}/revoke`);
    assert.equal(rv.status, 200);
    assert.equal(rv.body.status, 'revoked');
    assert.equal(rv.body.access_tokens_valid_until, new Date(exp * 1000).toISOString(), 'the platform reports when the last access token expires');

    // refresh: dead at once, with the usual body
    const r = await refreshStatus(second.refresh_token!);
    assert.equal(r.status, 400);
    assert.equal(r.body.error, 'invalid_grant');
    // the tail: the access tokens still call business endpoints and introspect active
    assert.equal((await api(ctx.sb, second.access_token, 'GET', '/v1/workspace')).status, 200);
    assert.equal((await api(ctx.sb, victim.access_token, 'GET', '/v1/api-keys')).status, 200);
    assert.equal((await introspect(second.access_token)).active, true);
    const during = await truth(ws, credId);
    assert.equal(during.effective_status, 'revoked', 'the app reads revoked although its tokens still work');
    assert.equal(during.access_tokens_valid_until, rv.body.access_tokens_valid_until);
    // and the audit log shows the tail's calls under the revoked credential
    const head = (await api(ctx.sb, op, 'GET', '/v1/audit-events/head')).body.seq as number;
    const page = (await api(ctx.sb, op, 'GET', `/v1/audit-events?after_seq=${head - 6}&limit=10`)).body.events as any[];
    assert.ok(page.some((e) => e.credential_id === credId && e.endpoint === '/v1/api-keys' && e.status === 200), 'a tail call is audited');

    // past exp: both are dead, and the true state says nothing is left
    await admin(ctx.sb, 'POST', '/clock', { advance_seconds: exp - Math.floor(Date.now() / 1000) + 1 });
    for (const t of [victim.access_token, second.access_token]) {
      const late = await api(ctx.sb, t, 'GET', '/v1/workspace');
      assert.equal(late.status, 401);
      assert.equal(late.body.error, 'token_expired');
      assert.equal((await introspect(t)).active, false);
    }
    const afterExp = await truth(ws, credId);
    assert.equal(afterExp.live_access_tokens, 0);
    assert.equal(afterExp.access_tokens_valid_until, null);
  });

  test('revoking again (nothing left) answers access_tokens_valid_until null; an app with no token answers null at once', async () => {
    const ws = ctx.sb.workspaces[1]!.id;
    const victim = await login(ctx.as, ws);
    const op = await operator(ws);
    const credId = await credIdOf(victim.access_token);
    // RFC 7009 on the access token itself: that token dies at once (and, as always, the whole grant with it)
    await oauth.processRevocationResponse(await oauth.revocationRequest(ctx.as, client, oauth.None(), victim.access_token, insecure));
    assert.equal((await api(ctx.sb, victim.access_token, 'GET', '/v1/workspace')).body.error, 'token_revoked');
    const rv = await api(ctx.sb, op, 'POST', `/v1/apps/${credId}/revoke`);
    assert.equal(rv.status, 200);
    assert.equal(rv.body.access_tokens_valid_until, null, 'no access token of that grant is left');
    // a seeded third-party app has no live token in the sandbox
    const apps = (await api(ctx.sb, op, 'GET', '/v1/apps')).body.data as any[];
    const seeded = apps.find((a) => a.client_id !== DESKTOP && a.status === 'active')!;
    const rs = await api(ctx.sb, op, 'POST', `/v1/apps/${seeded.id}/revoke`);
    assert.equal(rs.body.status, 'revoked');
    assert.equal(rs.body.access_tokens_valid_until, null);
  });
});

describe('RFC 7009 revocation of a refresh token', () => {
  test('the refresh token dies, the grant reads revoked, its access token works until exp', async () => {
    const ws = ctx.sb.workspaces[0]!.id;
    const t = await login(ctx.as, ws);
    const credId = await credIdOf(t.access_token);
    const exp = Number((await introspect(t.access_token)).exp);
    await oauth.processRevocationResponse(await oauth.revocationRequest(ctx.as, client, oauth.None(), t.refresh_token!, insecure));
    await expectOAuthError(refresh(ctx.as, t.refresh_token!), 'invalid_grant');
    assert.equal((await api(ctx.sb, t.access_token, 'GET', '/v1/workspace')).status, 200);
    assert.equal((await introspect(t.access_token)).active, true);
    const row = await truth(ws, credId);
    assert.equal(row.effective_status, 'revoked');
    assert.equal(row.access_tokens_valid_until, new Date(exp * 1000).toISOString());
    await admin(ctx.sb, 'POST', '/clock', { advance_seconds: exp - Math.floor(Date.now() / 1000) + 1 });
    assert.equal((await api(ctx.sb, t.access_token, 'GET', '/v1/workspace')).body.error, 'token_expired');
  });
});

describe('what stops at once', () => {
  test('an API key and a service token stop at the next request', async () => {
    const ws = ctx.sb.workspaces[0]!.id;
    const op = await operator(ws);
    const key = (await api(ctx.sb, op, 'POST', '/v1/api-keys', { name: 'tail-test', scopes: ['contacts:read'] })).body;
    assert.equal((await api(ctx.sb, key.secret, 'GET', '/v1/contacts')).status, 200);
    const rv = await api(ctx.sb, op, 'POST', `/v1/api-keys/${key.id}/revoke`);
    assert.equal(rv.body.status, 'revoked');
    assert.equal(rv.body.access_tokens_valid_until, undefined, 'an API key has no tail');
    const gone = await api(ctx.sb, key.secret, 'GET', '/v1/contacts');
    assert.equal(gone.status, 401);
    assert.equal(gone.body.error, 'token_revoked');
  });

  test('a revoked auditor review: every token of its grant is dead at once (true state: no live access token)', async () => {
    const ws = ctx.sb.workspaces[1]!.id;
    const op = await operator(ws);
    const rev = (await api(ctx.sb, op, 'POST', '/v1/reviews', { scopes: ['audit:read'], duration_days: 3, reviewer_name: 'Ada', reviewer_email: 'ada@audit.example' })).body;
    const ex = await fetch(`${ctx.sb.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: DESKTOP, grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: rev.redeem_code, subject_token_type: 'urn:grantdesk:params:oauth:token-type:review-code' }),
    });
    const tok = (await ex.json()) as any;
    assert.equal((await api(ctx.sb, tok.access_token, 'GET', '/v1/audit-events/head')).status, 200);
    const credId = (await api(ctx.sb, op, 'GET', `/v1/reviews/${rev.id}`)).body.credential_id as string;
    assert.equal((await truth(ws, credId)).live_access_tokens, 1);
    assert.equal((await api(ctx.sb, op, 'POST', `/v1/reviews/${rev.id}/revoke`)).body.status, 'revoked');
    const dead = await api(ctx.sb, tok.access_token, 'GET', '/v1/audit-events/head');
    assert.equal(dead.status, 401);
    assert.equal(dead.body.error, 'token_revoked');
    assert.equal((await introspect(tok.access_token)).active, false);
    assert.equal((await refreshStatus(tok.refresh_token)).body.error, 'invalid_grant');
    const row = await truth(ws, credId);
    assert.equal(row.live_access_tokens, 0);
    assert.equal(row.access_tokens_valid_until, null);
    assert.equal(row.effective_status, 'revoked');
  });
});
