/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies */
// Auditor reviews on the platform: creation rules, RFC 8693 redemption (once), read-only scopes enforced, and the
// platform's own expiry (test clock): API calls, refresh and late redemption all fail after expires_at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admin, api, boot } from './helpers.ts';

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const CODE_TYPE = 'urn:grantdesk:params:oauth:token-type:review-code';

async function token(issuer: string, form: Record<string, string>) {
  const r = await fetch(`${issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: 'grantdesk-desktop', ...form }) });
  return { status: r.status, body: (await r.json()) as any };
}

test('operator creates a review; the auditor redeems it once; read only; the platform ends it at expires_at', async () => {
  const { sb, as } = await boot();
  try {
    assert.ok((as.grant_types_supported ?? []).includes(EXCHANGE), 'discovery lists the token-exchange grant');
    const ws = sb.workspaces[0]!.id;
    const op = (await admin(sb, 'POST', '/tokens', { workspace: ws, scopes: ['credentials:write', 'credentials:read'] })).body.token as string;
    const bad = [
      { scopes: ['contacts:write'], duration_days: 14, reviewer_name: 'A', reviewer_email: 'a@example.com' },
      { scopes: ['audit:read'], duration_days: 31, reviewer_name: 'A', reviewer_email: 'a@example.com' },
      { scopes: ['audit:read'], duration_days: 14, reviewer_name: '', reviewer_email: 'a@example.com' },
      { scopes: ['audit:read'], duration_days: 14, reviewer_name: 'A', reviewer_email: 'nope' },
    ];
    for (const b of bad) assert.equal((await api(sb, op, 'POST', '/v1/reviews', b)).status, 400, JSON.stringify(b));
    const created = await api(sb, op, 'POST', '/v1/reviews', { scopes: ['audit:read', 'contacts:read'], duration_days: 14, reviewer_name: 'Ada Auditor', reviewer_email: 'ada@audit.example' });
    assert.equal(created.status, 201);
    const rev = created.body;
    assert.match(rev.id, /^rev_/);
    assert.match(rev.redeem_code, /^grc_/);
    assert.equal(rev.status, 'pending');
    const listed = await api(sb, op, 'GET', '/v1/reviews');
    assert.equal(listed.body.data.length, 1);
    assert.equal(listed.body.data[0].redeem_code, undefined, 'the code is shown once, never listed');
    const state = await admin(sb, 'GET', `/state?workspace=${ws}`);
    assert.ok(!JSON.stringify(state.body).includes(rev.redeem_code));

    assert.equal((await token(sb.issuer, { grant_type: EXCHANGE, subject_token: rev.redeem_code, subject_token_type: 'urn:x' })).body.error, 'invalid_request');
    const t = await token(sb.issuer, { grant_type: EXCHANGE, subject_token: rev.redeem_code, subject_token_type: CODE_TYPE });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    assert.equal(t.body.issued_token_type, 'urn:ietf:params:oauth:token-type:access_token');
    assert.equal(t.body.review_id, rev.id);
    assert.equal(t.body.workspace_id, ws);
    assert.equal(t.body.scope, 'audit:read contacts:read');
    assert.ok(t.body.refresh_token);
    const again = await token(sb.issuer, { grant_type: EXCHANGE, subject_token: rev.redeem_code, subject_token_type: CODE_TYPE });
    assert.equal(again.body.error, 'invalid_grant', 'a code redeems once');

    const at = t.body.access_token as string;
    assert.equal((await api(sb, at, 'GET', '/v1/audit-events/head')).status, 200);
    assert.equal((await api(sb, at, 'GET', '/v1/contacts')).status, 200);
    assert.equal((await api(sb, at, 'POST', '/v1/api-keys', { name: 'x', scopes: ['contacts:read'] })).status, 403);
    assert.equal((await api(sb, at, 'GET', '/v1/api-keys')).status, 403);
    assert.equal((await api(sb, at, 'POST', '/v1/reviews', { scopes: ['audit:read'], duration_days: 1, reviewer_name: 'x', reviewer_email: 'x@y.z' })).status, 403);

    // refresh works inside the window and rotates
    const r1 = await token(sb.issuer, { grant_type: 'refresh_token', refresh_token: t.body.refresh_token });
    assert.equal(r1.status, 200, JSON.stringify(r1.body));

    // a second review, never redeemed: redemption after expiry fails
    const late = (await api(sb, op, 'POST', '/v1/reviews', { scopes: ['audit:read'], duration_days: 1, reviewer_name: 'Late', reviewer_email: 'late@audit.example' })).body;

    await admin(sb, 'POST', '/clock', { advance_seconds: 14 * 86400 + 60 });
    const after = await api(sb, r1.body.access_token, 'GET', '/v1/audit-events/head');
    assert.equal(after.status, 401);
    assert.ok(['token_expired', 'invalid_token'].includes(after.body.error), after.body.error);
    assert.equal((await token(sb.issuer, { grant_type: 'refresh_token', refresh_token: r1.body.refresh_token })).body.error, 'invalid_grant');
    assert.equal((await token(sb.issuer, { grant_type: EXCHANGE, subject_token: late.redeem_code, subject_token_type: CODE_TYPE })).body.error, 'invalid_grant');
    const op2 = (await admin(sb, 'POST', '/tokens', { workspace: ws, scopes: ['credentials:read'] })).body.token as string;
    const finalList = await api(sb, op2, 'GET', '/v1/reviews');
    assert.deepEqual(finalList.body.data.map((r: any) => r.status).sort(), ['expired', 'expired']);
  } finally {
    await sb.close();
  }
});

test('revoking a redeemed review kills its tokens at once', async () => {
  const { sb } = await boot();
  try {
    const ws = sb.workspaces[1]!.id;
    const op = (await admin(sb, 'POST', '/tokens', { workspace: ws, scopes: ['credentials:write', 'credentials:read'] })).body.token as string;
    const rev = (await api(sb, op, 'POST', '/v1/reviews', { scopes: ['audit:read'], duration_days: 3, reviewer_name: 'B', reviewer_email: 'b@audit.example' })).body;
    const t = await token(sb.issuer, { grant_type: EXCHANGE, subject_token: rev.redeem_code, subject_token_type: CODE_TYPE });
    assert.ok(t.body.expires_in <= 3600);
    assert.equal((await api(sb, op, 'POST', `/v1/reviews/${rev.id}/revoke`)).body.status, 'revoked');
    const r = await api(sb, t.body.access_token, 'GET', '/v1/audit-events/head');
    assert.equal(r.status, 401);
    assert.equal((await token(sb.issuer, { grant_type: 'refresh_token', refresh_token: t.body.refresh_token })).body.error, 'invalid_grant');
  } finally {
    await sb.close();
  }
});

test("GET /v1/reviews/{id}: the platform's record of a review, readable with the review's own token; data_policy is stored", async () => {
  const { sb } = await boot();
  try {
    const ws = sb.workspaces[0]!.id;
    const op = (await admin(sb, 'POST', '/tokens', { workspace: ws, scopes: ['credentials:write', 'credentials:read'] })).body.token as string;
    const body = { scopes: ['audit:read'], duration_days: 2, reviewer_name: 'Ada Auditor', reviewer_email: 'ada@audit.example' };
    assert.equal((await api(sb, op, 'POST', '/v1/reviews', { ...body, data_policy: 'shred' })).body.error, 'invalid_request');
    const plain = (await api(sb, op, 'POST', '/v1/reviews', body)).body;
    assert.equal(plain.data_policy, 'keep_read_only', 'the default policy');
    const rev = (await api(sb, op, 'POST', '/v1/reviews', { ...body, data_policy: 'purge' })).body;
    assert.equal(rev.data_policy, 'purge');
    const t = await token(sb.issuer, { grant_type: EXCHANGE, subject_token: rev.redeem_code, subject_token_type: CODE_TYPE });
    assert.equal(t.status, 200);
    const own = await api(sb, t.body.access_token, 'GET', `/v1/reviews/${rev.id}`);
    assert.equal(own.status, 200, JSON.stringify(own.body));
    assert.deepEqual(
      { id: own.body.id, workspace_id: own.body.workspace_id, scopes: own.body.scopes, reviewer_name: own.body.reviewer_name, reviewer_email: own.body.reviewer_email, data_policy: own.body.data_policy, expires_at: own.body.expires_at, status: own.body.status },
      { id: rev.id, workspace_id: ws, scopes: ['audit:read'], reviewer_name: 'Ada Auditor', reviewer_email: 'ada@audit.example', data_policy: 'purge', expires_at: rev.expires_at, status: 'redeemed' },
    );
    assert.equal(own.body.redeem_code, undefined, 'the code is never shown again');
    // the review's token reads only its own review (it holds no credentials:read)
    const other = await api(sb, t.body.access_token, 'GET', `/v1/reviews/${plain.id}`);
    assert.equal(other.status, 403);
    assert.equal(other.body.error, 'insufficient_scope');
    assert.equal((await api(sb, op, 'GET', `/v1/reviews/${plain.id}`)).body.data_policy, 'keep_read_only', 'the operator reads any review of the workspace');
    assert.equal((await api(sb, op, 'GET', '/v1/reviews/rev_0000')).status, 404);
    // another workspace's operator cannot read it
    const op2 = (await admin(sb, 'POST', '/tokens', { workspace: sb.workspaces[1]!.id, scopes: ['credentials:read'] })).body.token as string;
    assert.equal((await api(sb, op2, 'GET', `/v1/reviews/${rev.id}`)).status, 404);
  } finally {
    await sb.close();
  }
});
