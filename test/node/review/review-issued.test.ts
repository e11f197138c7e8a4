// The operator lists every review issued for the connected workspaces from the platform's own records (GET /v1/reviews),
// not from what this window remembers: a review issued by another Grantdesk (or before a restart) is listed too, with
// the platform's status; revoking one ends the auditor's access to that workspace at once. Real sandbox over loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../../sandbox/server.ts';
import { createApp, type AppRuntime } from '../../../src-main/composition.ts';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createMemorySecretStore } from '../../../src-main/adapters/memory-secret-store.ts';
import { createFileLogger } from '../../../src-main/adapters/file-logger.ts';
import { follow } from '../../support/fake-browser.mjs';
import type { SecretStore } from '../../../src-main/ports/secret-store.ts';
import { testClient } from '../../support/test-client.ts';

function app(dataDir: string, secretStore: SecretStore): AppRuntime {
  return createApp({ dataDir, db: openCache(dataDir), secretStore, clock: { now: () => Date.now() }, opener: async (url) => void follow(url), logger: createFileLogger(dataDir) });
}

test('review.issued lists the platform\'s reviews (also ones issued elsewhere) with status; review.revoke ends one', { timeout: 120_000 }, async () => {
  const sb = await startSandbox({ workspaces: 3, events: 50, seed: 7, autoConsent: true, log: () => undefined });
  const dirs = [mkdtempSync(join(tmpdir(), 'gd-op1-')), mkdtempSync(join(tmpdir(), 'gd-op2-')), mkdtempSync(join(tmpdir(), 'gd-aud-'))];
  const [op1, op2, aud] = dirs.map((d) => app(d, createMemorySecretStore())) as [AppRuntime, AppRuntime, AppRuntime];
  const [c1, c2, ca] = [testClient(op1), testClient(op2), testClient(aud)];
  try {
    const ids = sb.workspaces.map((w) => w.id);
    for (const c of [c1, c2]) {
      await c.call('platforms.add', { issuer: sb.issuer, name: 'Sandbox' });
      for (const id of ids) await c.call('workspaces.connect', { workspace: id, role: 'operator' });
    }
    // a review issued from another Grantdesk (op2) for two workspaces
    const created = await c2.call('review.create', { workspaces: ids.slice(0, 2), scopes: ['audit:read'], durationDays: 7, reviewerName: 'Ada Auditor', reviewerEmail: 'ada@audit.example' });
    const listed = await c1.call('review.issued', {});
    assert.deepEqual(listed.unreadable, []);
    assert.deepEqual(listed.reviews.map((r) => r.reviewId).sort(), created.reviews.map((r) => r.reviewId).sort(), 'op1 lists what op2 issued: the platform is the source');
    for (const r of listed.reviews) {
      assert.equal(r.status, 'pending');
      assert.equal(r.reviewerName, 'Ada Auditor');
      assert.deepEqual(r.scopes, ['audit:read']);
      assert.equal(r.workspaceName, sb.workspaces.find((w) => w.id === r.workspaceId)!.name);
      assert.ok(!JSON.stringify(r).includes('grc_'), 'never a code');
    }
    // the auditor redeems: the platform says redeemed
    await ca.call('review.redeem', { code: created.redeemText });
    assert.ok((await c1.call('review.issued', {})).reviews.every((r) => r.status === 'redeemed'));
    assert.ok((await ca.call('audit.sync', {})).results.every((r) => r.outcome === 'ok'));
    // revoke one workspace's review: the platform marks it revoked and the auditor's reads of it stop
    const target = created.reviews[0]!;
    const revoked = await c1.call('review.revoke', { workspace: target.workspaceId, reviewId: target.reviewId });
    assert.equal(revoked.status, 'revoked');
    const after = await c1.call('review.issued', {});
    assert.equal(after.reviews.find((r) => r.reviewId === target.reviewId)?.status, 'revoked');
    assert.equal(after.reviews.find((r) => r.reviewId !== target.reviewId)?.status, 'redeemed');
    const res = (await ca.call('audit.sync', { workspaces: [target.workspaceId] })).results[0]!;
    assert.notEqual(res.outcome, 'ok', 'the revoked review no longer reads the platform');
    // an unknown review id is a sentence, not a crash
    const bad = await c1.callResult('review.revoke', { workspace: target.workspaceId, reviewId: 'rev_doesnotexist' });
    assert.equal(bad.ok ? null : bad.error.code, 'not_found');
  } finally {
    for (const a of [op1, op2, aud]) await a.close();
    await sb.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
