// workspaces.connect with `scopes`: re-consent with a narrower or changed scope set, validated against the scopes the
// platform offers, offline_access always added; the rotation domain's reconsent.plan hands off to it (available) and the
// result carries the after-scopes; the previous grant is revoked on the platform (its refresh token answers invalid_grant).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { follow } from '../../support/fake-browser.mjs';
import { NO_KEYRING_REASON, startHarness } from './harness.ts';

test('re-consent with chosen scopes through workspaces.connect, handed off from reconsent.plan', { skip: NO_KEYRING_REASON, timeout: 60_000 }, async () => {
  const opened: string[] = [];
  const h = await startHarness({
    ports: {
      opener: async (url) => {
        opened.push(url);
        void follow(url);
      },
    },
  });
  try {
    const ws = h.sandbox.workspaces[1]!.id;
    const first = await h.call('workspaces.connect', { workspace: ws, role: 'operator' });
    assert.deepEqual(first.scopes, ['audit:read', 'credentials:read', 'credentials:write', 'users:read']);

    // the plan: before and after, and the hand-off is available now that workspaces.connect takes scopes
    const plan = await h.call('reconsent.plan', { workspace: ws, drop: ['credentials:write'] });
    assert.deepEqual(plan.before, ['audit:read', 'credentials:read', 'credentials:write', 'users:read']);
    assert.deepEqual(plan.after, ['audit:read', 'credentials:read', 'users:read']);
    assert.deepEqual(plan.removed, ['credentials:write']);
    assert.equal(plan.handoff.command, 'workspaces.connect');
    assert.equal(plan.handoff.available, true);

    const account = (await h.store.list()).find((x) => x.startsWith('grant:') && x.endsWith(`:${ws}`))!;
    const wide = JSON.parse((await h.store.get(account))!) as { refreshToken: string };
    const narrowed = await h.call(plan.handoff.command, plan.handoff.input);
    assert.deepEqual(narrowed.scopes, plan.after, 'the result shows the after-scopes');
    assert.equal(narrowed.role, 'operator', 'no role given: the role is kept');
    assert.equal(narrowed.generation, first.generation + 1);
    const asked = new URL(opened.at(-1)!).searchParams.get('scope')!.split(' ');
    assert.deepEqual(asked, ['audit:read', 'credentials:read', 'users:read', 'offline_access', 'openid', 'profile', 'email'], 'offline_access always added (and the identity scopes: who connected it)');
    // the wider grant was revoked on the platform (RFC 7009): its refresh token is dead
    const old = await fetch(`${h.sandbox.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: wide.refreshToken, client_id: 'grantdesk-desktop' }),
    });
    assert.equal(((await old.json()) as { error?: string }).error, 'invalid_grant');
    // the narrowed grant refreshes (it has a refresh token) and the platform enforces it
    const refreshed = await h.call('workspaces.refresh', { workspace: ws, force: true });
    assert.deepEqual(refreshed.scopes, plan.after);
    const r = await h.app.services.connections.api
      .call(ws, { method: 'POST', path: '/v1/scope-bundles', body: { name: 'x', scopes: ['audit:read'] }, schema: z.unknown() })
      .then(() => 'ok', (e: { code?: string }) => e.code);
    assert.equal(r, 'insufficient_scope');

    // a changed set (adds credentials:delete, drops the rest but audit:read), and the plan agrees
    const changed = await h.call('workspaces.connect', { workspace: ws, scopes: ['credentials:delete', 'audit:read', 'offline_access'] });
    assert.deepEqual(changed.scopes, ['audit:read', 'credentials:delete']);
    const plan2 = await h.call('reconsent.plan', { workspace: ws, scopes: ['audit:read'] });
    assert.deepEqual([plan2.before, plan2.after, plan2.removed], [['audit:read', 'credentials:delete'], ['audit:read'], ['credentials:delete']]);

    // validated before any browser opens
    const before = opened.length;
    const bad = await h.callResult('workspaces.connect', { workspace: ws, scopes: ['audit:read', 'nope:read'] });
    assert.equal(bad.ok, false);
    assert.equal(bad.error!.code, 'invalid_input');
    assert.match(bad.error!.message, /nope:read/);
    // in the platform's catalogue but not registered for Grantdesk's client
    const notRegistered = await h.callResult('workspaces.connect', { workspace: ws, scopes: ['audit:read', 'contacts:read'] });
    assert.equal(notRegistered.error?.code, 'invalid_input');
    assert.match(notRegistered.error!.message, /contacts:read not registered for the client grantdesk-desktop/);
    const onlyOffline = await h.callResult('workspaces.connect', { workspace: ws, scopes: ['offline_access'] });
    assert.equal(onlyOffline.error?.code, 'invalid_input');
    const malformed = await h.callResult('workspaces.connect', { workspace: ws, scopes: ['audit read'] });
    assert.equal(malformed.error?.code, 'invalid_input');
    assert.equal(opened.length, before, 'no browser for a refused scope set');
    assert.equal((await h.call('workspaces.status', { workspace: ws })).status, 'connected', 'the current grant stays');
  } finally {
    await h.close();
  }
});
