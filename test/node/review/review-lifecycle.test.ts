// Issue 14 item 6, the review lifecycle, against a real sandbox with two Grantdesks (operator and auditor): the list comes
// from the platform (status, reviewer, workspace, scopes, end, how far it can still be extended); extend within the
// 30-day cap (beyond it, a fraction, a negative number or another workspace: refused, and nothing reaches the platform's
// record), the extension reaches the auditor's copy and the expiry calendar; an unredeemed code is withdrawn (its redeem
// is then refused with a sentence and nothing is stored); revoke ends the review with every token dead at the platform.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../../sandbox/server.ts';
import { processClock } from '../../../sandbox/clock.ts';
import { createApp, type AppRuntime } from '../../../src-main/composition.ts';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createMemorySecretStore } from '../../../src-main/adapters/memory-secret-store.ts';
import { createFileLogger } from '../../../src-main/adapters/file-logger.ts';
import type { SecretStore } from '../../../src-main/ports/secret-store.ts';
import { follow } from '../../support/fake-browser.mjs';
import { testClient, type TestClient } from '../../support/test-client.ts';
import { END_RECHECK_MS } from '../../../src-main/services/review/end-recheck.ts';

const DAY = 86_400_000;
let sb: SandboxHandle;
const dirs: string[] = [];
const runtimes: AppRuntime[] = [];
let op: TestClient;
let aud: TestClient;

function app(secretStore: SecretStore): TestClient {
  const dataDir = mkdtempSync(join(tmpdir(), 'gd-lifecycle-'));
  dirs.push(dataDir);
  const rt = createApp({ dataDir, db: openCache(dataDir), secretStore, clock: { now: () => Date.now() }, opener: async (url) => void follow(url), logger: createFileLogger(dataDir) });
  runtimes.push(rt);
  return testClient(rt);
}
async function adminCall(method: string, path: string, body?: unknown) {
  const r = await fetch(`${sb.issuer}/__admin${path}`, { method, headers: { authorization: `Bearer ${sb.adminToken}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return (await r.json()) as Record<string, unknown>;
}
/** the platform's own record and audit log, read with an admin-minted token (never through the app) */
async function platform(ws: string, path: string) {
  const token = (await adminCall('POST', '/tokens', { workspace: ws, scopes: ['credentials:read', 'audit:read'] })).token as string;
  const r = await fetch(`${sb.issuer}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return (await r.json()) as Record<string, unknown>;
}
async function callsTo(ws: string, suffix: string): Promise<number> {
  const head = (await platform(ws, '/v1/audit-events/head')).seq as number;
  const page = (await platform(ws, `/v1/audit-events?after_seq=${Math.max(0, head - 200)}&limit=1000`)).events as Array<{ endpoint: string; method: string }>;
  return page.filter((e) => e.method === 'POST' && e.endpoint.endsWith(suffix)).length;
}

before(async () => {
  // the admin clock moves this whole process (the apps' clocks too): the auditor's copy re-reads a review's end every 5 minutes
  sb = await startSandbox({ workspaces: 3, events: 60, seed: 8, autoConsent: true, admin: true, clock: processClock(), log: () => undefined });
  // MFA step-up has its own suites: here every workspace is on a plan that protects nothing
  for (const w of sb.workspaces) await adminCall('POST', '/mfa', { workspace: w.id, plan: 'free' });
  op = app(createMemorySecretStore());
  aud = app(createMemorySecretStore());
  await op.call('platforms.add', { issuer: sb.issuer, name: 'Sandbox' });
  for (const w of sb.workspaces) await op.call('workspaces.connect', { workspace: w.id, role: 'operator' });
});
after(async () => {
  for (const r of runtimes) await r.close();
  await sb?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('review lifecycle, operator and auditor', () => {
  it('list: the platform\'s status, reviewer, workspace, scopes, end, and how far it can be extended', async () => {
    const created = await op.call('review.create', { workspaces: [sb.workspaces[0]!.id], scopes: ['audit:read', 'contacts:read'], durationDays: 10, reviewerName: 'Ada Auditor', reviewerEmail: 'ada@audit.example' });
    const listed = (await op.call('review.issued', {})).reviews.find((r) => r.reviewId === created.reviews[0]!.reviewId)!;
    const truth = await platform(sb.workspaces[0]!.id, `/v1/reviews/${listed.reviewId}`);
    assert.equal(listed.status, 'pending');
    assert.equal(listed.reviewerName, 'Ada Auditor');
    assert.equal(listed.workspaceName, sb.workspaces[0]!.name);
    assert.deepEqual(listed.scopes, ['audit:read', 'contacts:read']);
    assert.equal(listed.expiresAt, truth.expires_at);
    assert.equal(listed.maxExpiresAt, new Date(Date.parse(String(truth.created_at)) + 30 * DAY).toISOString());
    assert.equal(listed.extendableDays, 20);
  });

  it('extend: beyond the cap, a fraction, a negative number, another workspace are refused and never reach the platform; within it, the end moves', async () => {
    const ws = sb.workspaces[1]!;
    const created = await op.call('review.create', { workspaces: [ws.id], scopes: ['audit:read'], durationDays: 25, reviewerName: 'Bo Checker', reviewerEmail: 'bo@audit.example' });
    const id = created.reviews[0]!.reviewId;
    const before = await platform(ws.id, `/v1/reviews/${id}`);
    const beyond = await op.callResult('review.extend', { reviewId: id, days: 6 });
    assert.equal(beyond.error?.code, 'invalid_input');
    assert.equal(beyond.error?.message.startsWith(`The review of ${ws.name} for Bo Checker can be extended by at most 5 more days (to `), true, beyond.error?.message);
    assert.match(beyond.error!.message, /a review lasts at most 30 days from its issue\.$/);
    for (const days of [-1, 0, 1.5, 31]) {
      const r = await op.callUnchecked('review.extend', { reviewId: id, days });
      assert.equal(r.error?.code, 'invalid_input', String(days));
    }
    const wrongWs = await op.callResult('review.extend', { reviewId: id, workspace: sb.workspaces[2]!.id, days: 1 });
    assert.equal(wrongWs.error?.code, 'not_found');
    assert.match(wrongWs.error!.message, new RegExp(`^${sb.workspaces[2]!.name} has no review ${id}`));
    assert.equal(await callsTo(ws.id, `/v1/reviews/${id}/extend`), 0, 'the app refused before the platform was asked');
    assert.equal(await callsTo(sb.workspaces[2]!.id, `/v1/reviews/${id}/extend`), 0);
    assert.equal((await platform(ws.id, `/v1/reviews/${id}`)).expires_at, before.expires_at, 'the platform record is unchanged');

    const ok = await op.call('review.extend', { reviewId: id, days: 5 });
    const after = await platform(ws.id, `/v1/reviews/${id}`);
    assert.equal(ok.expiresAt, after.expires_at);
    assert.equal(Date.parse(ok.expiresAt) - Date.parse(String(before.expires_at)), 5 * DAY);
    assert.equal(ok.extendableDays, 0);
    const cap = await op.callResult('review.extend', { reviewId: id, days: 1 });
    assert.match(cap.error?.message ?? '', /already ends at its 30-day limit .*issue a new review for more time\.$/);
    // the expiry calendar shows the new end
    const cal = await op.call('rotation.calendar', { kinds: ['review_end'], withinDays: 60 });
    const item = cal.items.find((i) => i.key === `review:issued:${id}`)!;
    assert.equal(item.at, ok.expiresAt);
    assert.equal(item.workspaceName, ws.name);
  });

  it('the auditor redeems; an extension reaches the auditor\'s copy; revoke kills every token at the platform', async () => {
    const ws = sb.workspaces[2]!;
    const created = await op.call('review.create', { workspaces: [ws.id], scopes: ['audit:read'], durationDays: 3, reviewerName: 'Cy Reviewer', reviewerEmail: 'cy@audit.example' });
    const id = created.reviews[0]!.reviewId;
    const st = await aud.call('review.redeem', { code: created.redeemText });
    assert.equal(st.state, 'active');
    const oldEnd = st.expiresAt!;
    const ext = await op.call('review.extend', { reviewId: id, days: 4 });
    assert.equal(ext.status, 'redeemed');
    assert.equal((await aud.call('review.status', {})).expiresAt, oldEnd, 'read again only every few minutes');
    await adminCall('POST', '/clock', { advance_seconds: END_RECHECK_MS / 1000 + 1 });
    let now = await aud.call('review.status', {});
    for (let i = 0; i < 50 && now.expiresAt === oldEnd; i++) {
      await new Promise((r) => setTimeout(r, 100));
      now = await aud.call('review.status', {});
    }
    assert.equal(now.expiresAt, ext.expiresAt, "the auditor's Grantdesk ends the review at the platform's new end");
    assert.equal(now.workspaces[0]!.expiresAt, ext.expiresAt);
    assert.ok((await aud.call('audit.sync', {})).results.every((r) => r.outcome === 'ok'));

    // withdraw is for unredeemed codes only
    const w = await op.callResult('review.withdraw', { reviewId: id });
    assert.equal(w.error?.code, 'conflict');
    assert.match(w.error!.message, /^Cy Reviewer already redeemed the review of .* revoke it instead to end their access\.$/);

    const credId = String((await platform(ws.id, `/v1/reviews/${id}`)).credential_id);
    const revoked = await op.call('review.revoke', { reviewId: id });
    assert.equal(revoked.status, 'revoked');
    assert.equal(revoked.extendableDays, 0);
    const truth = (await adminCall('GET', `/state?workspace=${ws.id}`)) as { workspaces: Array<{ credentials: Array<{ id: string; effective_status: string; live_access_tokens?: number }> }> };
    const row = truth.workspaces[0]!.credentials.find((c) => c.id === credId)!;
    assert.equal(row.effective_status, 'revoked');
    assert.equal(row.live_access_tokens, 0, 'no access token of the review works at the platform');
    assert.notEqual((await aud.call('audit.sync', {})).results[0]!.outcome, 'ok', "the auditor's reads stop");
    // ended reviews leave the calendar
    const cal = await op.call('rotation.calendar', { kinds: ['review_end'], withinDays: 60 });
    assert.equal(cal.items.some((i) => i.key === `review:issued:${id}`), false);
  });

  it('withdraw an unredeemed code: it is refused at redeem with a sentence, nothing is stored', async () => {
    const ws = sb.workspaces[0]!;
    const created = await op.call('review.create', { workspaces: [ws.id], scopes: ['audit:read'], durationDays: 5, reviewerName: 'Di Auditor', reviewerEmail: 'di@audit.example' });
    const id = created.reviews[0]!.reviewId;
    const w = await op.call('review.withdraw', { reviewId: id });
    assert.equal(w.status, 'withdrawn');
    assert.equal((await platform(ws.id, `/v1/reviews/${id}`)).status, 'withdrawn');
    const again = await op.callResult('review.withdraw', { reviewId: id });
    assert.match(again.error?.message ?? '', /is withdrawn: there is no unredeemed code left to withdraw\.$/);
    const rv = await op.callResult('review.revoke', { reviewId: id });
    assert.equal(rv.error?.code, 'conflict');

    // a fresh auditor's Grantdesk (the other one is still in its ended review)
    const fresh = createMemorySecretStore();
    const aud2 = app(fresh);
    const before = await fresh.list();
    const r = await aud2.callResult('review.redeem', { code: created.redeemText });
    assert.equal(r.ok, false);
    assert.match(r.error!.message, new RegExp(`^The review code for ${ws.name} was not accepted: it was withdrawn, already used, revoked or has ended\\. Ask the operator for a new review\\.`));
    assert.deepEqual(await fresh.list(), before, 'no token stored');
    assert.equal((await aud2.call('review.status', {})).state, 'none', 'no review mode');
    const cal = await op.call('rotation.calendar', { kinds: ['review_end'], withinDays: 60 });
    assert.equal(cal.items.some((i) => i.key === `review:issued:${id}`), false, 'a withdrawn review has no end to come');
  });

  it('an unknown review id is a sentence', async () => {
    const r = await op.callResult('review.revoke', { reviewId: 'rev_doesnotexist' });
    assert.equal(r.error?.code, 'not_found');
    assert.match(r.error!.message, /^No review rev_doesnotexist in any connected workspace/);
  });
});
