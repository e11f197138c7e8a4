// Who connected a workspace is recorded from the platform's ID token (the connection asks for `openid profile email`):
// two staff members sign in (the sandbox's auto-consent signs in as whoever /__admin/signin-as names), and each
// workspace's "connected by" names the right one; a platform that names nobody falls back to Settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_KEYRING_REASON, startHarness } from '../connections/harness.ts';

async function signInAs(issuer: string, adminToken: string, login: string) {
  const r = await fetch(`${issuer}/__admin/signin-as`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ login }) });
  assert.equal(r.status, 200);
}

test('connected by: name and email from the ID token, per staff member', { skip: NO_KEYRING_REASON, timeout: 90_000 }, async () => {
  const h = await startHarness({ sandbox: { workspaces: 3, events: 0, seed: 5 } });
  try {
    const [a, b, c] = h.sandbox.workspaces;
    await signInAs(h.sandbox.issuer, h.sandbox.adminToken!, 'rita.ops@agency.test');
    const wa = await h.call('workspaces.connect', { workspace: a!.id });
    await signInAs(h.sandbox.issuer, h.sandbox.adminToken!, 'sam.lee@agency.test');
    const wb = await h.call('workspaces.connect', { workspace: b!.id });
    assert.deepEqual(wa.connectedBy, { name: 'Rita Ops', email: 'rita.ops@agency.test', source: 'id_token' });
    assert.deepEqual(wb.connectedBy, { name: 'Sam Lee', email: 'sam.lee@agency.test', source: 'id_token' });
    // the identity scopes are not the grant's API scopes
    for (const s of ['openid', 'profile', 'email']) assert.ok(!wa.scopes.includes(s), s);
    const list = await h.call('workspaces.list', {});
    assert.equal(list.find((w) => w.id === a!.id)!.connectedBy?.email, 'rita.ops@agency.test');
    // a refresh keeps who connected it
    const refreshed = await h.call('workspaces.refresh', { workspace: a!.id, force: true });
    assert.equal(refreshed.connectedBy?.email, 'rita.ops@agency.test');
    assert.ok(!refreshed.scopes.includes('openid'));

    // Settings are the fallback only: with an ID token the token wins
    await h.call('settings.set', { staffName: 'Ignored Person', staffEmail: 'ignored@agency.test' });
    await signInAs(h.sandbox.issuer, h.sandbox.adminToken!, 'admin@sandbox.test');
    const wc = await h.call('workspaces.connect', { workspace: c!.id });
    assert.deepEqual(wc.connectedBy, { name: 'Sandbox Admin', email: 'admin@sandbox.test', source: 'id_token' });
    // an email that is not one is refused by the contract
    await assert.rejects(h.call('settings.set', { staffEmail: 'not an email' }));
  } finally {
    await h.close();
  }
});
