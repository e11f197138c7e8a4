// Issue 13 items 5 and 6 on the main side, against a real sandbox: one credential count for both screens (every status,
// with the inactive ones said), a lifecycle status per credential, and a revocation preview that is right: "other
// workspaces keep it" counted over the targets (0 when every install is revoked), distinct workspaces, calls and
// callers per target, and the access-token tail of OAuth revocations (the platform's documented default lifetime).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appType, matrixOf, startSandboxPlatform, startTestApp, type SandboxPlatform, type TestApp } from './support.ts';

let p: SandboxPlatform;
let app: TestApp;
const INACTIVE = new Set(['revoked', 'expired', 'disabled']);
/** what the management API reports: `effective_status`; service tokens report only their expiry */
type TrueCred = { type: string; status: string; effective_status?: string; expires_at?: string | null };
const reported = (c: TrueCred) =>
  c.type === 'service_token' ? (c.expires_at && Date.parse(c.expires_at) <= Date.now() ? 'expired' : 'active') : (c.effective_status ?? c.status);

before(async () => {
  p = await startSandboxPlatform({ workspaces: 8, events: 800, seed: 1 });
  app = startTestApp({ api: p.api, directory: p.directory });
  const r = await app.call('inventory.sync', {});
  for (const w of r.workspaces) assert.equal(w.ok, true, JSON.stringify(w.error));
});
after(async () => {
  await app?.close();
  await p?.close();
});

describe('one credential count, lifecycle status, a revocation preview that is right', () => {
  it('the matrix and the credentials list carry the same counts: every credential, the inactive ones said', async () => {
    const truth = (await p.state()).flatMap((w) => w.credentials);
    const m = await matrixOf(app, {});
    const list = await app.call('inventory.credentials', {});
    assert.deepEqual(m.counts, list.counts);
    assert.equal(m.counts.total, truth.length);
    assert.equal(m.counts.inactive, truth.filter((c) => INACTIVE.has(reported(c))).length);
    assert.equal(m.counts.revoked, truth.filter((c) => reported(c) === 'revoked').length);
    assert.equal(m.counts.expired, truth.filter((c) => reported(c) === 'expired').length);
    assert.ok(m.counts.inactive > 0, 'the seed has inactive credentials');
    // a filter changes what is shown, never the counts
    const filtered = await matrixOf(app, { scopes: ['contacts:delete'] });
    assert.deepEqual(filtered.counts, m.counts);
    const searched = await app.call('inventory.credentials', { search: 'zzz-nothing' });
    assert.deepEqual(searched.counts, m.counts);
  });

  it('every credential has a lifecycle state that matches its platform status', async () => {
    const all = await app.call('inventory.credentials', { includeRevoked: true });
    const truth = new Map((await p.state()).flatMap((w) => w.credentials.map((c) => [`${w.id}/${c.id}`, c] as const)));
    const seen = new Set<string>();
    for (const c of all.credentials) {
      const status = reported(truth.get(`${c.workspaceId}/${c.id}`)!);
      seen.add(c.lifecycle.state);
      if (status === 'revoked') assert.equal(c.lifecycle.state, 'revoked');
      else if (status === 'disabled') assert.equal(c.lifecycle.state, 'disabled');
      else if (status === 'expired') assert.equal(c.lifecycle.state, 'expired', `${c.id} ${c.expiresAt}`);
      else if (status === 'rotating') assert.equal(c.lifecycle.state, 'in_grace');
      else assert.ok(c.lifecycle.state === 'active' || c.lifecycle.state === 'expiring', `${c.id}: ${c.lifecycle.state}`);
      if (c.lifecycle.state === 'expiring' || c.lifecycle.state === 'expired') assert.equal(c.lifecycle.at, c.expiresAt);
    }
    assert.ok(seen.has('expired') && seen.has('revoked') && seen.has('active'), [...seen].join(','));
  });

  it('bulk: revoking every install of an app leaves 0 other workspaces keeping it; one install leaves the rest', async () => {
    const state = await p.state();
    const installs = new Map<string, { workspaceId: string; workspaceName: string; id: string; name: string }[]>();
    for (const w of state)
      for (const c of w.credentials)
        if (appType(c.type) === 'app' && c.client_id && c.client_id !== 'grantdesk-desktop' && c.status === 'active')
          installs.set(c.client_id, [...(installs.get(c.client_id) ?? []), { workspaceId: w.id, workspaceName: w.name, id: c.id, name: c.name }]);
    const [clientId, list] = [...installs].sort((a, b) => b[1].length - a[1].length)[0]!;
    const workspaces = new Set(list.map((i) => i.workspaceId));
    assert.ok(workspaces.size >= 3, `app ${clientId} in ${workspaces.size} workspaces`);

    const all = await app.call('inventory.revokePreview', { targets: list.map((i) => ({ workspace: i.workspaceId, credentialId: i.id })) });
    assert.equal(all.workspaces, workspaces.size);
    assert.equal(all.targets.length, list.length);
    for (const t of all.targets) assert.deepEqual(t.sameAppElsewhere, [], `${t.workspaceName}: nothing stays installed elsewhere`);
    const kept = all.keptElsewhere.find((k) => k.clientId === clientId)!;
    assert.equal(kept.workspaces.length, 0);
    assert.equal(all.untouchedWorkspaces.length, state.length - workspaces.size);
    assert.match(all.statement, new RegExp(`${list.length} credentials in ${workspaces.size} workspaces`));

    // one install: the app stays in every other workspace that has it
    const one = list[0]!;
    const single = await app.call('inventory.revokePreview', { workspace: one.workspaceId, credentialId: one.id });
    const others = new Set(list.filter((i) => i.workspaceId !== one.workspaceId).map((i) => i.workspaceId));
    assert.equal(single.targets[0]!.sameAppElsewhere.length, others.size);
    assert.equal(single.keptElsewhere.find((k) => k.clientId === clientId)!.workspaces.length, others.size);
  });

  it('an OAuth revocation states the access-token tail (documented default, "up to"); an API key stops at once', async () => {
    const m = await matrixOf(app, {});
    const appCred = m.workspaces.flatMap((w) => w.credentials.filter((c) => c.type === 'app' && c.revocable && !c.isGrantdesk))[0]!;
    const key = m.workspaces.flatMap((w) => w.credentials.filter((c) => c.type === 'api_key' && c.revocable))[0]!;
    const t0 = Date.now();
    const pa = await app.call('inventory.revokePreview', { workspace: appCred.workspaceId, credentialId: appCred.id });
    const tail = pa.targets[0]!.tokenTail!;
    assert.equal(tail.ttlSeconds, 3600);
    assert.equal(tail.basis, 'documented_default');
    const until = Date.parse(tail.until);
    assert.ok(until >= t0 + 3600_000 - 1000 && until <= Date.now() + 3600_000 + 1000, tail.until);
    assert.equal(pa.tokenTailUntil, tail.until);
    // calls and callers over the window are the sums of the per-endpoint and per-caller rows
    const t = pa.targets[0]!;
    assert.equal(t.callsInWindow, t.endpoints.reduce((a, e) => a + e.calls, 0));
    assert.equal(t.callers, t.callerIps.length);

    const pk = await app.call('inventory.revokePreview', { workspace: key.workspaceId, credentialId: key.id });
    assert.equal(pk.targets[0]!.tokenTail, null);
    assert.equal(pk.tokenTailUntil, null);
  });

  it('the credential detail lists every active install of the same app, by distinct workspace', async () => {
    const m = await matrixOf(app, {});
    const appCred = m.workspaces.flatMap((w) => w.credentials.filter((c) => c.type === 'app' && c.revocable && !c.isGrantdesk))[0]!;
    const d = await app.call('inventory.credential', { workspace: appCred.workspaceId, credentialId: appCred.id });
    const truth = (await p.state()).flatMap((w) => w.credentials.filter((c) => c.client_id === appCred.clientId && c.status === 'active').map((c) => `${w.id}/${c.id}`)).sort();
    assert.deepEqual(d.sameAppInstalls.map((i) => `${i.workspaceId}/${i.credentialId}`).sort(), truth);
  });
});
