// Review mode never triggers a step-up. The operator issues an auditor review of an enterprise workspace (issuing is a
// credentials:write call there, so the operator's Grantdesk goes through one step-up); the auditor's Grantdesk redeems it
// and then tries every write that would need MFA on that workspace: each is refused read-only before any platform call,
// its browser is never opened and no step-up event is emitted. The review grant's own reads keep working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../../sandbox/server.ts';
import { processClock } from '../../../sandbox/clock.ts';
import { createApp, type AppRuntime } from '../../../src-main/composition.ts';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createMemorySecretStore } from '../../../src-main/adapters/memory-secret-store.ts';
import { createFileLogger } from '../../../src-main/adapters/file-logger.ts';
import { CLI_CONTEXT } from '../../../src-main/rpc/handlers.ts';
import { testClient } from '../../support/test-client.ts';
import { auditStatuses, scriptedBrowser, setPlan } from './step-up-support.ts';

test('review mode: no step-up, ever; the operator issuing the review on an enterprise workspace steps up once', { timeout: 120_000 }, async () => {
  const sb = await startSandbox({ workspaces: 1, events: 100, seed: 5, autoConsent: true, admin: true, clock: processClock(), log: () => undefined });
  const dirs = [mkdtempSync(join(tmpdir(), 'grantdesk-op-')), mkdtempSync(join(tmpdir(), 'grantdesk-aud-'))] as const;
  const opBrowser = scriptedBrowser();
  const audOpened: string[] = [];
  const make = (dir: string, opener: (url: string) => Promise<void>): AppRuntime => createApp({ dataDir: dir, db: openCache(dir), secretStore: createMemorySecretStore(), clock: { now: () => Date.now() }, opener, logger: createFileLogger(dir) });
  const op = make(dirs[0], opBrowser.opener);
  let aud: AppRuntime | null = null;
  try {
    const ws = sb.workspaces[0]!;
    await setPlan(sb, ws.id, 'enterprise');
    const opc = testClient(op);
    await opc.call('platforms.add', { issuer: sb.issuer, name: 'Sandbox' });
    await opc.call('workspaces.connect', { workspace: ws.id, role: 'operator' });
    const created = await opc.call('review.create', { workspaces: [ws.id], scopes: ['audit:read', 'credentials:read'], durationDays: 3, reviewerName: 'Ada Auditor', reviewerEmail: 'ada@audit.example' });
    assert.equal(opBrowser.stepUps().length, 1, 'issuing the review stepped up once');
    assert.deepEqual(auditStatuses(sb, ws.id, 'POST', '/v1/reviews'), [401, 201]);

    aud = make(dirs[1], async (url) => {
      audOpened.push(url);
      throw new Error('the auditor Grantdesk must never open a browser');
    });
    const stepUps: unknown[] = [];
    aud.bus.subscribe((name, p) => {
      if (name === 'stepUp.status') stepUps.push(p);
    });
    const audc = testClient(aud);
    const st = await audc.as(CLI_CONTEXT).call('review.redeem', { code: created.redeemText });
    assert.equal(st.readOnly, true);
    // reads work through the review grant
    const inv = await audc.call('inventory.sync', {});
    assert.ok(inv.workspaces.every((w) => w.ok));
    // every write that the platform would protect with MFA is refused read-only, before the platform
    const before = auditStatuses(sb, ws.id, 'POST', '/v1/api-keys').length;
    const app = (await audc.call('inventory.credentials', { workspace: ws.id })).credentials.find((c) => c.type === 'app' && !c.isGrantdesk);
    const attempts = [
      await audc.callResult('keys.create', { workspace: ws.id, name: 'x', scopes: ['contacts:read'] }),
      await audc.callResult('clients.create', { workspace: ws.id, name: 'x', scopes: ['contacts:read'], dailyQuota: 100 }),
      ...(app ? [await audc.callResult('inventory.revoke', { workspace: ws.id, credentialId: app.id, confirm: ws.name })] : []),
    ];
    for (const r of attempts) assert.equal(r.ok ? 'ok' : r.error.code, 'review_mode_read_only');
    assert.equal(auditStatuses(sb, ws.id, 'POST', '/v1/api-keys').length, before, 'nothing reached the platform');
    assert.deepEqual(audOpened, []);
    assert.deepEqual(stepUps, []);
  } finally {
    await aud?.close();
    await op.close();
    await sb.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
