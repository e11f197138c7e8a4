// Connect end to end against the sandbox: discovery, PKCE loopback flow with the `workspace` parameter, keychain storage,
// refresh, WorkspaceApi, disconnect with RFC 7009 revocation (confirmed), and the contract outputs carrying no tokens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { NO_KEYRING_REASON, startHarness } from './harness.ts';

test('connect, refresh, call and disconnect against the sandbox', { skip: NO_KEYRING_REASON, timeout: 60_000 }, async () => {
  const h = await startHarness();
  try {
    const platforms = await h.call('platforms.list', {});
    assert.equal(platforms.length, 1);
    assert.equal(platforms[0]!.clientId, 'grantdesk-desktop');
    assert.equal(platforms[0]!.revocation, true);
    const target = h.sandbox.workspaces[2]!;
    const w = await h.call('workspaces.connect', { workspace: target.id, role: 'auditor' });
    assert.equal(w.id, target.id);
    assert.equal(w.name, target.name);
    assert.equal(w.status, 'connected');
    assert.deepEqual([...w.scopes].sort(), ['audit:read', 'credentials:read', 'users:read']);
    assert.ok(w.accessExpiresAt);

    // exactly one keychain item for the workspace, holding the grant
    const accounts = (await h.store.list()).filter((a) => a.endsWith(`:${target.id}`));
    assert.equal(accounts.length, 1);
    const item = JSON.parse((await h.store.get(accounts[0]!))!) as { refreshToken: string; accessToken: string; generation: number };
    assert.equal(item.generation, 1);
    const outputs = JSON.stringify([w, await h.call('workspaces.list', {}), platforms]);
    assert.ok(!outputs.includes(item.refreshToken) && !outputs.includes(item.accessToken), 'contract outputs carry no token');

    // WorkspaceApi with schema validation
    const api = h.app.services.connections.api;
    const info = await api.call(target.id, { method: 'GET', path: '/v1/workspace', schema: z.object({ id: z.string(), name: z.string() }) });
    assert.equal(info.data.id, target.id);
    await assert.rejects(api.call(target.id, { method: 'GET', path: '/v1/workspace', schema: z.object({ id: z.number() }) }), (e: { code?: string }) => e.code === 'invalid_response');

    const r = await h.call('workspaces.refresh', { workspace: target.id, force: true });
    assert.equal(r.generation, 2);
    assert.ok(r.lastRefreshAt);
    const after = JSON.parse((await h.store.get(accounts[0]!))!) as { refreshToken: string };
    assert.notEqual(after.refreshToken, item.refreshToken, 'rotated refresh token persisted');
    await api.call(target.id, { method: 'GET', path: '/v1/workspace', schema: z.object({ id: z.string() }) });

    const d = await h.call('workspaces.disconnect', { workspace: target.id });
    assert.equal(d.status, 'disconnected');
    assert.equal(d.revocation, 'confirmed');
    assert.equal((await h.store.list()).filter((a) => a.endsWith(`:${target.id}`)).length, 0, 'keychain item deleted');
    // the platform revoked it: the last refresh token no longer works
    const res = await fetch(`${h.sandbox.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: after.refreshToken, client_id: 'grantdesk-desktop' }),
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_grant');
  } finally {
    await h.close();
  }
});

test('a different workspace picked at consent wins over the requested one; unknown platform is a typed error', { skip: NO_KEYRING_REASON, timeout: 30_000 }, async () => {
  const h = await startHarness();
  try {
    const r = await h.callResult('workspaces.connect', { workspace: h.sandbox.workspaces[0]!.id, platform: 'nope' });
    assert.equal(r.ok, false);
    assert.equal(r.error!.code, 'not_found');
    const w = await h.call('workspaces.connect', { workspace: h.sandbox.workspaces[1]!.id });
    assert.equal(w.role, 'operator');
    assert.ok(w.scopes.includes('credentials:write'));
  } finally {
    await h.close();
  }
});
