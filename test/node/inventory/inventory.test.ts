// Inventory end to end against a real sandbox: sync, the matrix against the sandbox's true state (admin path),
// per-workspace revocation that leaves every other workspace identical, bulk revoke with one injected failure + retry.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Matrix } from '../../../src-common/contract/index.ts';
import { parse } from 'csv-parse/sync';
import { appType, matrixOf, startSandboxPlatform, startTestApp, type SandboxPlatform, type TestApp, type TrueWorkspace } from './support.ts';

let p: SandboxPlatform;
let app: TestApp;

/** workspace -> credential id -> "type|sorted scopes|revoked?" from the sandbox's true state */
function trueMap(state: TrueWorkspace[]): Map<string, Map<string, string>> {
  return new Map(
    state.map((w) => [w.id, new Map(w.credentials.map((c) => [c.id, `${appType(c.type)}|${[...c.scopes].sort().join(' ')}|${c.status === 'revoked'}`]))]),
  );
}
function matrixMap(m: Matrix): Map<string, Map<string, string>> {
  return new Map(
    m.workspaces.map((w) => [w.id, new Map(w.credentials.map((c) => [c.id, `${c.type}|${[...c.scopes].sort().join(' ')}|${c.status === 'revoked'}`]))]),
  );
}
/** other workspaces' true state, without fields our own reads touch */
const stripVolatile = (ws: TrueWorkspace[]) => JSON.stringify(ws);

before(async () => {
  p = await startSandboxPlatform({ workspaces: 5, events: 500, seed: 11 });
  app = startTestApp({ api: p.api, directory: p.directory });
});
after(async () => {
  await app?.close();
  await p?.close();
});

describe('inventory against the sandbox', () => {
  it('syncs every workspace and the matrix equals the sandbox true state', async () => {
    const r = await app.call('inventory.sync', {});
    assert.equal(r.workspaces.length, 5);
    for (const w of r.workspaces) assert.equal(w.ok, true, JSON.stringify(w.error));
    const m = await matrixOf(app, { includeRevoked: true });
    assert.deepEqual(matrixMap(m), trueMap(await p.state()));
    // columns: the catalogue grouped by resource, read/write/delete inside
    const contacts = m.columns.filter((c) => c.resource === 'contacts').map((c) => c.scope);
    assert.deepEqual(contacts, ['contacts:read', 'contacts:write', 'contacts:delete']);
    // totals per column match the rows
    for (const [i, col] of m.columns.entries()) {
      const n = m.workspaces.reduce((a: number, w) => a + w.credentials.filter((c) => c.scopes.includes(col.scope)).length, 0);
      assert.equal(col.total, n, col.scope);
      assert.equal(m.workspaces.reduce((a: number, w) => a + w.columnCounts[i]!, 0), n);
    }
    // readable offline with its age: every workspace has a sync time
    for (const w of m.workspaces) {
      assert.equal(w.sync.state, 'ok');
      assert.ok(w.sync.ageSeconds !== null && w.sync.ageSeconds >= 0);
    }
    // Grantdesk's own grant is recognised
    assert.ok(m.workspaces.every((w) => w.credentials.some((c) => c.isGrantdesk)));
  });

  it('a second sync is incremental: unchanged credentials are not rewritten', async () => {
    const r = await app.call('inventory.sync', { maxAgeSeconds: 3600 });
    assert.ok(r.workspaces.every((w) => w.skipped));
    const r2 = await app.call('inventory.sync', {});
    const total = r2.workspaces.reduce((a: number, w) => a + w.unchanged, 0);
    const changed = r2.workspaces.reduce((a: number, w) => a + w.changed + w.added + w.removed, 0);
    assert.ok(total > 0);
    // only our own grant's last_used_at moves between syncs (one per workspace at most)
    assert.ok(changed <= 5, `changed ${changed}`);
  });

  it('a failed sync keeps the cached inventory readable and says so', async () => {
    const before = await matrixOf(app, { includeRevoked: true });
    const ws = before.workspaces[2]!;
    await p.admin('POST', '/faults', { route: 'api-keys', error_rate: 1, error_status: 503 });
    try {
      const r = await app.call('inventory.sync', { workspace: ws.id });
      assert.equal(r.workspaces[0]!.ok, false);
      assert.equal(r.workspaces[0]!.error?.code, 'platform_error');
    } finally {
      await p.admin('DELETE', '/faults?route=api-keys');
    }
    const after = await matrixOf(app, { includeRevoked: true });
    const w = after.workspaces.find((x) => x.id === ws.id)!;
    assert.equal(w.sync.state, 'failed');
    assert.equal(w.sync.error?.code, 'platform_error');
    assert.ok(w.sync.syncedAt !== null, 'the last good sync time stays');
    assert.deepEqual(w.credentials.map((c) => c.id), ws.credentials.map((c) => c.id));
    const ok = await app.call('inventory.sync', { workspace: ws.id });
    assert.equal(ok.workspaces[0]!.ok, true);
  });

  it('finds every credential holding contacts:delete with one filter', async () => {
    const m = await matrixOf(app, { scopes: ['contacts:delete'] });
    const truth = (await p.state()).flatMap((w) => w.credentials.filter((c) => c.status !== 'revoked' && c.scopes.includes('contacts:delete')).map((c) => c.id)).sort();
    const got = m.workspaces.flatMap((w) => w.credentials.map((c) => c.id)).sort();
    assert.deepEqual(got, truth);
    assert.ok(got.length > 0, 'the seed has contacts:delete holders');
  });

  it('revoking in workspace A leaves every other workspace identical on the sandbox side', async () => {
    const m = await matrixOf(app, { types: ['api_key'] });
    const wsA = m.workspaces.find((w) => w.credentials.some((c) => c.revocable))!;
    const key = wsA.credentials.find((c) => c.revocable)!;
    const before = await p.state();
    const othersBefore = stripVolatile(before.filter((w) => w.id !== wsA.id));

    const preview = await app.call('inventory.revokePreview', { workspace: wsA.id, credentialId: key.id });
    assert.equal(preview.confirmText, wsA.name);
    assert.deepEqual(preview.untouchedWorkspaces.map((w) => w.id).sort(), before.filter((w) => w.id !== wsA.id).map((w) => w.id).sort());
    assert.match(preview.statement, /4 other workspaces are not touched/);

    const wrong = await app.callResult('inventory.revoke', { workspace: wsA.id, credentialId: key.id, confirm: 'nope' });
    assert.equal(wrong.ok, false);
    assert.equal(wrong.error?.code, 'invalid_input');
    const flagOverIpc = await app.callResult('inventory.revoke', { workspace: wsA.id, credentialId: key.id, yes: true });
    assert.equal(flagOverIpc.error?.code, 'invalid_input');

    const r = await app.call('inventory.revoke', { workspace: wsA.id, credentialId: key.id, confirm: wsA.name });
    assert.equal(r.results.length, 1);
    assert.equal(r.results[0]!.outcome, 'revoked');
    assert.equal(r.untouchedWorkspaces, 4);

    const afterState = await p.state();
    assert.equal(stripVolatile(afterState.filter((w) => w.id !== wsA.id)), othersBefore, 'other workspaces changed');
    const aAfter = afterState.find((w) => w.id === wsA.id)!;
    assert.equal(aAfter.credentials.find((c) => c.id === key.id)!.status, 'revoked');
    // nothing else in A changed status
    const aBefore = before.find((w) => w.id === wsA.id)!;
    for (const c of aBefore.credentials) if (c.id !== key.id) assert.equal(aAfter.credentials.find((x) => x.id === c.id)!.status, c.status);

    const hist = await app.call('inventory.revocations', { workspace: wsA.id });
    const last = hist.revocations[0]!;
    assert.equal(last.credentialId, key.id);
    assert.equal(last.outcome, 'revoked');
    assert.ok(last.actor.length > 0);
  });

  it('bulk revoke of one app across workspaces: an injected failure is reported per row, the rest complete, retry succeeds', async () => {
    const m = await matrixOf(app, { types: ['app'] });
    const byClient = new Map<string, { workspace: string; credentialId: string }[]>();
    for (const w of m.workspaces)
      for (const c of w.credentials)
        if (c.revocable && !c.isGrantdesk && c.clientId) byClient.set(c.clientId, [...(byClient.get(c.clientId) ?? []), { workspace: w.id, credentialId: c.id }]);
    const [clientId, targets] = [...byClient.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
    assert.ok(targets.length >= 2, `app ${clientId} in ${targets.length} workspaces`);
    const failing = targets[1]!;
    const f = await p.admin('POST', '/faults', { route: `apps/${failing.credentialId}/revoke`, error_rate: 1, error_status: 503 });
    assert.equal(f.status, 200);
    const touched = new Set(targets.map((t) => t.workspace));
    const before = await p.state();
    try {
      const wrongCount = await app.callResult('inventory.revoke', { targets, confirm: String(targets.length + 1) });
      assert.equal(wrongCount.error?.code, 'invalid_input');
      const r = await app.call('inventory.revoke', { targets, confirm: String(targets.length) });
      assert.equal(r.results.length, targets.length);
      assert.equal(r.failed, 1);
      const bad = r.results.find((x) => x.outcome === 'failed')!;
      assert.equal(bad.credentialId, failing.credentialId);
      assert.equal(bad.error?.code, 'platform_error');
      assert.equal(r.succeeded, targets.length - 1);
    } finally {
      await p.admin('DELETE', `/faults?route=${encodeURIComponent(`apps/${failing.credentialId}/revoke`)}`);
    }
    const mid = await p.state();
    for (const t of targets) {
      const st = mid.find((w) => w.id === t.workspace)!.credentials.find((c) => c.id === t.credentialId)!.status;
      assert.equal(st, t === failing ? 'active' : 'revoked');
    }
    assert.equal(stripVolatile(mid.filter((w) => !touched.has(w.id))), stripVolatile(before.filter((w) => !touched.has(w.id))));

    const retry = await app.call('inventory.revoke', { targets: [failing], confirm: '1' });
    assert.equal(retry.results[0]!.outcome, 'revoked');
    const end = await p.state(failing.workspace);
    assert.equal(end[0]!.credentials.find((c) => c.id === failing.credentialId)!.status, 'revoked');
    const hist = await app.call('inventory.revocations', {});
    assert.ok(hist.revocations.some((h) => h.credentialId === failing.credentialId && h.outcome === 'failed' && h.errorCode === 'platform_error'));
  });

  it('baseline over-grants, drift since the last review, and mark reviewed', async () => {
    await app.call('inventory.setBaseline', { name: 'Read only', scopes: ['contacts:read', 'deals:read'] });
    let m = await matrixOf(app, {});
    const anyCred = m.workspaces[0]!.credentials.find((c) => c.scopes.some((s) => !['contacts:read', 'deals:read'].includes(s)))!;
    assert.ok(anyCred.overGrants.length > 0);
    assert.ok(m.columns.find((c) => c.scope === 'contacts:read')!.inBaseline);
    assert.equal(m.totals.drift, 0, 'nothing drifted since the first sync');

    const ws = m.workspaces[0]!.id;
    const created = await p.raw(ws, 'POST', '/v1/api-keys', { name: 'drift probe', scopes: ['invoices:delete', 'contacts:read'] });
    assert.equal(created.status, 201);
    await app.call('inventory.sync', { workspace: ws });
    m = await matrixOf(app, { driftOnly: true });
    const probe = m.workspaces.flatMap((w) => w.credentials).find((c) => c.id === created.body!.id)!;
    assert.deepEqual(probe.drift.sort(), ['contacts:read', 'invoices:delete']);
    assert.deepEqual(probe.overGrants, ['invoices:delete']);
    await app.call('inventory.markReviewed', { workspaces: [ws] });
    m = await matrixOf(app, { driftOnly: true });
    assert.equal(m.workspaces.length, 0);
  });

  it('CSV export of the matrix is formula-safe RFC 4180', async () => {
    const csv = await app.call('inventory.matrixCsv', {});
    const m = await matrixOf(app, {});
    assert.ok(typeof csv === 'string' && typeof m !== 'string');
    const rows = parse(csv) as string[][];
    assert.equal(rows[0]![0], 'workspace_id');
    assert.equal(rows.length, m.totals.credentials + 2);
    for (const r of rows) for (const cell of r) assert.ok(!/^[=+\-@\t\r]/.test(cell), cell);
  });

  it('credential detail and blast radius say "audit not synced" when there is no audit cache', async () => {
    const m = await matrixOf(app, { types: ['api_key'] });
    const w = m.workspaces[0]!;
    const c = w.credentials.find((x) => x.revocable)!;
    const d = await app.call('inventory.credential', { workspace: w.name, credentialId: c.id });
    assert.equal(d.auditState, 'not_synced');
    assert.equal(d.activity, null);
    assert.equal(d.label, `${d.prefix}…${d.lastFour}`);
    const pv = await app.call('inventory.revokePreview', { workspace: w.id, credentialId: c.id });
    assert.equal(pv.targets[0]!.auditState, 'not_synced');
  });
});
