// A staff member's offboarding when the platform does not confirm a grant's revocation (RFC 7009 answered 503): the row
// fails with its sentence (the grant already left this machine; its revocation is pending), a retry asks the platform
// again and the row ends disconnected. A retry never ends a grant someone else connected since.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_KEYRING_REASON, startHarness, type Harness } from '../connections/harness.ts';
import { admin, trueState } from './support.ts';

/** per workspace, how many of Grantdesk's grants the platform still honours (effective status, the revocation applied) */
async function desktopGrants(h: Harness): Promise<Map<string, { active: number }>> {
  const s = await trueState(h);
  return new Map(s.workspaces.map((w) => [w.id, { active: w.credentials.filter((c) => c.client_id === 'grantdesk-desktop' && c.effective_status === 'active').length }]));
}

test('staff offboarding: a revocation the platform did not confirm fails its row; retry confirms it; a reconnect by someone else is left alone', { skip: NO_KEYRING_REASON, timeout: 120_000 }, async () => {
  const h = await startHarness({ sandbox: { workspaces: 4, events: 0, seed: 9 } });
  try {
    const [a, b, c, d] = h.sandbox.workspaces.map((w) => w.id);
    await admin(h, 'POST', '/signin-as', { login: 'rita.ops@agency.test' });
    for (const ws of [a!, b!, c!]) await h.call('workspaces.connect', { workspace: ws });
    await admin(h, 'POST', '/signin-as', { login: 'sam.lee@agency.test' });
    await h.call('workspaces.connect', { workspace: d! });
    await h.call('sync.all', {});

    const pv = await h.call('offboard.preview', { staff: 'rita.ops@agency.test' });
    assert.equal(pv.targets, 3);
    await admin(h, 'POST', '/faults', { route: 'revocation', error_rate: 1, error_status: 503, times: 1 });
    const r1 = await h.call('offboard.run', { staff: 'rita.ops@agency.test', confirm: pv.confirmText });
    assert.equal(r1.failed, 1);
    const bad = r1.rows.find((r) => r.outcome === 'failed')!;
    assert.match(bad.sentence, new RegExp(`^Grantdesk's grant into ${bad.workspaceName} was not revoked: Disconnected here, but the platform has not confirmed revoking the grant yet .+ Then retry the failed rows\\.$`));
    assert.equal((await h.call('workspaces.status', { workspace: bad.workspaceId })).revocation, 'pending');
    assert.equal((await desktopGrants(h)).get(bad.workspaceId)!.active, 1, 'still live on the platform');

    const r2 = await h.call('offboard.retry', { batch: r1.batchId });
    assert.equal(r2.failed, 0);
    assert.equal(r2.rows.find((r) => r.rowId === bad.rowId)!.outcome, 'disconnected');
    const grants = await desktopGrants(h);
    for (const ws of [a!, b!, c!]) assert.equal(grants.get(ws)!.active, 0, `Rita's grant in ${ws} revoked`);
    assert.equal(grants.get(d!)!.active, 1, "Sam's grant untouched");

    // a failed row whose workspace someone else reconnects before the retry: the new grant is not touched
    await admin(h, 'POST', '/signin-as', { login: 'rita.ops@agency.test' });
    await h.call('workspaces.connect', { workspace: a! });
    await admin(h, 'POST', '/faults', { route: 'revocation', error_rate: 1, error_status: 503, times: 1 });
    const r3 = await h.call('offboard.run', { staff: 'rita.ops@agency.test', confirm: '1' });
    assert.equal(r3.failed, 1);
    await admin(h, 'POST', '/signin-as', { login: 'sam.lee@agency.test' });
    await h.call('workspaces.connect', { workspace: a! });
    const r4 = await h.call('offboard.retry', { batch: r3.batchId });
    assert.equal(r4.rows[0]!.outcome, 'already_revoked');
    assert.match(r4.rows[0]!.sentence, /reconnected by Sam Lee since; that grant is not this person's and was not touched/);
    const w = await h.call('workspaces.status', { workspace: a! });
    assert.equal(w.status, 'connected');
    assert.equal(w.connectedBy?.email, 'sam.lee@agency.test');
  } finally {
    await h.close();
  }
});
