// Inventory over the app's real WorkspaceApi (connections domain: PKCE loopback connect, keychain, refresh, limits),
// against the sandbox: sync, the matrix equals the sandbox true state, and a revoke in one workspace leaves every other
// workspace identical. Needs the real keychain (run inside scripts/with-keyring.sh, as `npm test` does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_KEYRING_REASON, sandboxState, startHarness } from '../connections/harness.ts';
import { testClient } from '../../support/test-client.ts';

const appType = (t: string) => (t === 'oauth_app' || t === 'user_grant' ? 'app' : t);

test('sync, matrix and revoke through the real connections WorkspaceApi', { skip: NO_KEYRING_REASON, timeout: 90_000 }, async () => {
  const h = await startHarness({ sandbox: { workspaces: 4, events: 0, seed: 23 } });
  const c = testClient(() => h.app);
  try {
    const wss = h.sandbox.workspaces;
    for (const w of wss) await c.call('workspaces.connect', { workspace: w.id, role: 'operator' });
    const sync = await c.call('inventory.sync', {});
    assert.ok(sync.workspaces.every((w) => w.ok), JSON.stringify(sync.workspaces.map((w) => w.error)));

    const m = await c.call('inventory.matrix', { includeRevoked: true });
    const truth = (await sandboxState(h.sandbox)) as unknown as { workspaces: Array<{ id: string; credentials: Array<{ id: string; type: string; scopes: string[]; status: string }> }> };
    const fromApp = new Map(m.workspaces.map((w) => [w.id, new Map(w.credentials.map((c) => [c.id, `${c.type}|${[...c.scopes].sort().join(' ')}|${c.status === 'revoked'}`]))]));
    const fromSandbox = new Map(truth.workspaces.map((w) => [w.id, new Map(w.credentials.map((c) => [c.id, `${appType(c.type)}|${[...c.scopes].sort().join(' ')}|${c.status === 'revoked'}`]))]));
    assert.deepEqual(fromApp, fromSandbox);

    const wsA = m.workspaces.find((w) => w.credentials.some((c) => c.type === 'api_key' && c.revocable))!;
    const key = wsA.credentials.find((c) => c.type === 'api_key' && c.revocable)!;
    const before = JSON.stringify((await sandboxState(h.sandbox)).workspaces.filter((w) => w.id !== wsA.id));
    const pv = await c.call('inventory.revokePreview', { workspace: wsA.id, credentialId: key.id });
    assert.equal(pv.untouchedWorkspaces.length, wss.length - 1);
    const r = await c.call('inventory.revoke', { workspace: wsA.id, credentialId: key.id, confirm: pv.confirmText });
    assert.equal(r.results[0]!.outcome, 'revoked');
    const after = await sandboxState(h.sandbox);
    assert.equal(JSON.stringify(after.workspaces.filter((w) => w.id !== wsA.id)), before);
    const a = after.workspaces.find((w) => w.id === wsA.id) as unknown as { credentials: Array<{ id: string; status: string }> };
    assert.equal(a.credentials.find((c) => c.id === key.id)!.status, 'revoked');
  } finally {
    await h.close();
  }
});
