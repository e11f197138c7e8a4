/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies */
// Review lifecycle on the platform (docs/platform-api.md §10a): extend within the 30-day cap from issue (beyond it, a
// negative or fractional number of days, another workspace's token, the review's own token: refused), the extended
// review really lasts longer (refresh and calls work past the old end, stop at the new one); withdraw a code nobody
// redeemed (it then fails to redeem; a redeemed review cannot be withdrawn); revoke ends every token at once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { admin, api, boot } from './helpers.ts';

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const CODE_TYPE = 'urn:grantdesk:params:oauth:token-type:review-code';
const DAY = 86_400;

let ctx: Awaited<ReturnType<typeof boot>>;
before(async () => {
  ctx = await boot();
});
after(async () => ctx.sb.close());

async function token(form: Record<string, string>) {
  const r = await fetch(`${ctx.sb.issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: 'grantdesk-desktop', ...form }) });
  return { status: r.status, body: (await r.json()) as any };
}
const operator = async (ws: string) => (await admin(ctx.sb, 'POST', '/tokens', { workspace: ws, scopes: ['credentials:write', 'credentials:read', 'audit:read'] })).body.token as string;
const create = async (op: string, days: number) =>
  (await api(ctx.sb, op, 'POST', '/v1/reviews', { scopes: ['audit:read'], duration_days: days, reviewer_name: 'Ada Auditor', reviewer_email: 'ada@audit.example' })).body;
const redeem = (code: string) => token({ grant_type: EXCHANGE, subject_token: code, subject_token_type: CODE_TYPE });

test('extend: within the cap from issue; beyond it, negative, fractional, another workspace or the review itself refused', async () => {
  const [wsA, wsB] = ctx.sb.workspaces.map((w) => w.id) as [string, string];
  const op = await operator(wsA);
  const other = await operator(wsB);
  const rev = await create(op, 10);
  assert.equal(rev.max_expires_at, new Date(Date.parse(rev.created_at) + 30 * DAY * 1000).toISOString(), 'the body states the cap');

  for (const days of [-1, 0, 1.5, '3', null, 31]) {
    const r = await api(ctx.sb, op, 'POST', `/v1/reviews/${rev.id}/extend`, { days });
    assert.equal(r.status, 400, JSON.stringify(days));
    assert.equal(r.body.error, 'invalid_request');
    assert.match(r.body.error_description, /days must be an integer between 1 and 30/);
  }
  // 10 + 21 > 30: refused with the most it can still get
  const beyond = await api(ctx.sb, op, 'POST', `/v1/reviews/${rev.id}/extend`, { days: 21 });
  assert.equal(beyond.status, 400);
  assert.match(beyond.body.error_description, /at most 30 days from its issue .*at most 20 more days/);
  assert.equal(beyond.body.max_days, 20);
  assert.equal(beyond.body.max_expires_at, rev.max_expires_at);
  // another workspace's operator cannot see it, let alone extend it
  const foreign = await api(ctx.sb, other, 'POST', `/v1/reviews/${rev.id}/extend`, { days: 1 });
  assert.equal(foreign.status, 404);
  assert.equal((await api(ctx.sb, op, 'GET', `/v1/reviews/${rev.id}`)).body.expires_at, rev.expires_at, 'nothing changed');

  const ok = await api(ctx.sb, op, 'POST', `/v1/reviews/${rev.id}/extend`, { days: 20 });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.expires_at, new Date(Date.parse(rev.expires_at) + 20 * DAY * 1000).toISOString());
  assert.equal(ok.body.expires_at, rev.max_expires_at, 'exactly at the cap is allowed');
  const more = await api(ctx.sb, op, 'POST', `/v1/reviews/${rev.id}/extend`, { days: 1 });
  assert.equal(more.status, 400);
  assert.match(more.body.error_description, /at most 0 more days/);

  // the review's own grant holds read scopes only: it cannot extend itself
  const t = await redeem(rev.redeem_code);
  assert.equal(t.status, 200);
  assert.equal((await api(ctx.sb, t.body.access_token, 'POST', `/v1/reviews/${rev.id}/extend`, { days: 1 })).status, 403);
});

test('an extended review lasts: past the old end refresh and calls work; at the new end they stop', async () => {
  const ws = ctx.sb.workspaces[0]!.id;
  const op = await operator(ws);
  const rev = await create(op, 1);
  const t = await redeem(rev.redeem_code);
  assert.equal(t.status, 200);
  const credId = (await api(ctx.sb, op, 'GET', `/v1/reviews/${rev.id}`)).body.credential_id as string;
  const ext = await api(ctx.sb, op, 'POST', `/v1/reviews/${rev.id}/extend`, { days: 2 });
  assert.equal(ext.body.status, 'redeemed', JSON.stringify(ext.body));
  const truth = (await admin(ctx.sb, 'GET', `/state?workspace=${ws}`)).body.workspaces[0].credentials.find((c: any) => c.id === credId);
  assert.equal(truth.expires_at, ext.body.expires_at, 'the review grant ends at the new end');

  await admin(ctx.sb, 'POST', '/clock', { advance_seconds: DAY + 60 }); // past the old end
  const r = await token({ grant_type: 'refresh_token', refresh_token: t.body.refresh_token });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal((await api(ctx.sb, r.body.access_token, 'GET', '/v1/audit-events/head')).status, 200);
  // (a service token lives an hour at most: the operator mints a new one after each jump of the clock)
  assert.equal((await api(ctx.sb, await operator(ws), 'GET', `/v1/reviews/${rev.id}`)).body.status, 'redeemed');

  await admin(ctx.sb, 'POST', '/clock', { advance_seconds: 2 * DAY }); // past the new end
  const late = await api(ctx.sb, r.body.access_token, 'GET', '/v1/audit-events/head');
  assert.equal(late.status, 401);
  assert.equal((await token({ grant_type: 'refresh_token', refresh_token: r.body.refresh_token })).body.error, 'invalid_grant');
  const ended = await api(ctx.sb, await operator(ws), 'POST', `/v1/reviews/${rev.id}/extend`, { days: 1 });
  assert.equal(ended.status, 409, 'an ended review is not revived');
  assert.match(ended.body.error_description, /this one is expired/);
});

test('withdraw: an unredeemed code stops redeeming; a redeemed review cannot be withdrawn (revoke it)', async () => {
  const ws = ctx.sb.workspaces[1]!.id;
  const op = await operator(ws);
  const rev = await create(op, 5);
  const w = await api(ctx.sb, op, 'POST', `/v1/reviews/${rev.id}/withdraw`);
  assert.equal(w.status, 200);
  assert.equal(w.body.status, 'withdrawn');
  const r = await redeem(rev.redeem_code);
  assert.equal(r.status, 400);
  assert.equal(r.body.error, 'invalid_grant', 'one answer for unknown, used, withdrawn, revoked and expired codes');
  const listed = (await api(ctx.sb, op, 'GET', '/v1/reviews')).body.data.find((x: any) => x.id === rev.id);
  assert.equal(listed.status, 'withdrawn');
  assert.equal(listed.credential_id, null, 'nothing was issued');
  assert.equal((await api(ctx.sb, op, 'POST', `/v1/reviews/${rev.id}/withdraw`)).status, 409);
  assert.equal((await api(ctx.sb, op, 'POST', `/v1/reviews/${rev.id}/extend`, { days: 1 })).status, 409);
  assert.equal((await api(ctx.sb, op, 'POST', `/v1/reviews/${rev.id}/revoke`)).status, 409);

  const used = await create(op, 5);
  const t = await redeem(used.redeem_code);
  assert.equal(t.status, 200);
  const no = await api(ctx.sb, op, 'POST', `/v1/reviews/${used.id}/withdraw`);
  assert.equal(no.status, 409);
  assert.match(no.body.error_description, /already redeemed .*revoke the review instead/);
  assert.equal((await api(ctx.sb, t.body.access_token, 'GET', '/v1/audit-events/head')).status, 200, 'the refused withdraw changed nothing');
  // another workspace's operator cannot withdraw it
  assert.equal((await api(ctx.sb, await operator(ctx.sb.workspaces[0]!.id), 'POST', `/v1/reviews/${rev.id}/withdraw`)).status, 404);
});
