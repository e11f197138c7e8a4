// Offboarding end to end through the real `grantdesk` bin against a 40-workspace sandbox (connected through the real
// connections domain and keychain): one integration's OAuth client id is offboarded everywhere — a 5xx injected on one
// revocation leaves exactly one failed row, with its sentence, and `offboard retry` re-runs only that row — and the
// sandbox's true state shows exactly that integration's credentials revoked and every other credential byte-identical.
// Then one staff member is offboarded: exactly the grants that person connected are revoked and disconnected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { NO_KEYRING_REASON, ROOT } from '../connections/harness.ts';
import { runCli } from '../../support/run-cli.ts';
import type { OffboardPreview, OffboardResult } from '../../../src-common/contract/index.ts';
import { admin, connectedSandbox, credentialJson, trueState, withoutOwnUse } from './support.ts';

const WORKSPACES = 40;
const RITA = 15;

test('offboard one integration across 40 workspaces, a failed row and its retry, then one staff member', { skip: NO_KEYRING_REASON, timeout: 600_000 }, async () => {
  const h = await connectedSandbox({ workspaces: WORKSPACES, ritaCount: RITA, events: 1500, seed: 16 });
  try {
    // the MFA step-up some plans ask for before a revocation is answered by a test browser through the auto-consent
    const env: NodeJS.ProcessEnv = { ...process.env, GRANTDESK_HOME: h.dataDir, GRANTDESK_BROWSER: join(ROOT, 'test', 'node', 'rotation', 'follow-auth.mjs') };
    await h.app.close(); // the CLI is the only process using the data dir from here on
    const before = await trueState(h);

    // the integration installed in the most workspaces (active installs), by the sandbox's own state
    const installs = new Map<string, Set<string>>();
    for (const w of before.workspaces) {
      for (const c of w.credentials) if (c.type === 'oauth_app' && c.effective_status === 'active' && c.client_id) installs.set(c.client_id, (installs.get(c.client_id) ?? new Set()).add(`${w.id}/${c.id}`));
    }
    const [clientId, expected] = [...installs].sort((a, b) => b[1].size - a[1].size)[0]!;
    assert.ok(expected.size >= 10, `an integration installed widely (${clientId}: ${expected.size})`);
    const expectedWs = new Set([...expected].map((k) => k.split('/')[0]!));

    // 1. the preview: per workspace, by name, exactly the active installs; nothing changes on the platform
    const dry = await runCli(['offboard', '--client-id', clientId, '--dry-run', '--json'], env);
    assert.equal(dry.status, 0, dry.stderr);
    const pv = JSON.parse(dry.stdout) as OffboardPreview;
    assert.equal(pv.targets, expected.size);
    assert.deepEqual(new Set(pv.workspaces.flatMap((w) => w.targets.map((t) => `${t.workspaceId}/${t.credentialId}`))), expected);
    const names = new Map(before.workspaces.map((w) => [w.id, w.name]));
    for (const w of pv.workspaces) assert.equal(w.workspaceName, names.get(w.workspaceId), 'workspace names, not ids');
    assert.equal(pv.untouchedWorkspaces, WORKSPACES - expectedWs.size);
    assert.ok(pv.workspaces.every((w) => w.targets.every((t) => t.action === 'revoke' && /loses its grant/.test(t.stopsWorking))));
    assert.ok(pv.workspaces.some((w) => w.targets.some((t) => t.callers.length > 0)), 'recent callers from the audit log');
    const human = await runCli(['offboard', '--client-id', clientId, '--dry-run'], env);
    assert.match(human.stdout, new RegExp(`^${[...pv.workspaces][0]!.workspaceName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(`, 'm'));
    assert.equal(JSON.stringify(await trueState(h).then((s) => [...credentialJson(s)].map(([k, v]) => [k, withoutOwnUse(v)]))), JSON.stringify([...credentialJson(before)].map(([k, v]) => [k, withoutOwnUse(v)])), 'a preview changes nothing');

    // 2. refused without a confirmation; a wrong typed count is refused too
    const bare = await runCli(['offboard', '--client-id', clientId], env);
    assert.equal(bare.status, 2);
    const wrong = await runCli(['offboard', '--client-id', clientId, '--confirm', String(expected.size + 1)], env);
    assert.equal(wrong.status, 2, wrong.stderr);
    assert.match(wrong.stderr, /type the number of targets exactly/);

    // 3. the run, with one revocation answered 503 by the platform
    await admin(h, 'POST', '/faults', { route: 'apps', error_rate: 1, error_status: 503, times: 1 });
    const run = await runCli(['offboard', '--client-id', clientId, '--yes', '--json'], env);
    assert.equal(run.status, 1, 'a failed row makes the exit status 1');
    const r1 = JSON.parse(run.stdout) as OffboardResult;
    assert.equal(r1.rows.length, expected.size);
    assert.equal(r1.failed, 1);
    const bad = r1.rows.find((r) => r.outcome === 'failed')!;
    assert.match(bad.sentence, new RegExp(`in ${bad.workspaceName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} was not revoked: .+\\. .+ Then retry the failed rows\\.`));
    assert.match(r1.sentence, new RegExp(`grantdesk offboard retry ${r1.batchId}`));
    const mid = await trueState(h);
    const midJson = credentialJson(mid);
    assert.equal(JSON.parse(midJson.get(`${bad.workspaceId}/${bad.credentialId}`)!).effective_status, 'active', 'the failed row is still live on the platform');

    // 4. retry re-runs only the failed row
    const retry = await runCli(['offboard', 'retry', r1.batchId, '--json'], env);
    assert.equal(retry.status, 0, retry.stderr);
    const r2 = JSON.parse(retry.stdout) as OffboardResult;
    assert.equal(r2.failed, 0);
    assert.equal(r2.rows.find((r) => r.rowId === bad.rowId)!.attempts, 2);
    assert.ok(r2.rows.filter((r) => r.rowId !== bad.rowId).every((r) => r.attempts === 1), 'the other rows were not run again');
    const again = await runCli(['offboard', 'retry', r1.batchId], env);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /nothing to retry/);

    // 5. the platform's true state: exactly the integration's credentials revoked, every other credential byte-identical
    const after = credentialJson(await trueState(h));
    const beforeJson = credentialJson(before);
    assert.deepEqual([...after.keys()].sort(), [...beforeJson.keys()].sort(), 'no credential appeared or vanished');
    let identical = 0;
    for (const [k, was] of beforeJson) {
      const now = after.get(k)!;
      if (expected.has(k)) {
        assert.equal(JSON.parse(now).effective_status, 'revoked', k);
        continue;
      }
      // byte-identical; Grantdesk's own grants only up to their own use (the calls that did the revoking)
      if (withoutOwnUse(was) === was) assert.equal(now, was, `untouched, byte for byte: ${k}`);
      else assert.equal(withoutOwnUse(now), withoutOwnUse(was), `Grantdesk's own grant untouched but for its use: ${k}`);
      identical++;
    }
    assert.equal(identical, beforeJson.size - expected.size);

    // 6. one staff member: Grantdesk's grants Rita connected are revoked at the platform and disconnected; Sam's are not
    const ritaWs = new Set(h.sandbox.workspaces.slice(0, RITA).map((w) => w.id));
    const spv = JSON.parse((await runCli(['offboard', '--staff', 'Rita.Ops@agency.test', '--dry-run', '--json'], env)).stdout) as OffboardPreview;
    assert.equal(spv.targets, RITA);
    assert.deepEqual(new Set(spv.workspaces.map((w) => w.workspaceId)), ritaWs);
    assert.match(spv.covers, /records no creator/);
    assert.ok(spv.workspaces.every((w) => w.targets.every((t) => t.action === 'disconnect' && /connected by Rita Ops \(rita\.ops@agency\.test\)/.test(t.stopsWorking))));
    const beforeStaff = credentialJson(await trueState(h));
    const srun = await runCli(['offboard', '--staff', 'rita.ops@agency.test', '--confirm', String(RITA), '--json'], env);
    assert.equal(srun.status, 0, srun.stderr);
    const sr = JSON.parse(srun.stdout) as OffboardResult;
    assert.equal(sr.rows.filter((r) => r.outcome === 'disconnected').length, RITA);
    const list = JSON.parse((await runCli(['workspaces', '--json'], env)).stdout) as Array<{ id: string; status: string; connectedBy: { email: string } | null }>;
    for (const w of list) {
      assert.equal(w.status, ritaWs.has(w.id) ? 'disconnected' : 'connected', w.id);
      assert.equal(w.connectedBy?.email, ritaWs.has(w.id) ? 'rita.ops@agency.test' : 'sam.lee@agency.test');
    }
    const afterStaff = credentialJson(await trueState(h));
    for (const [k, was] of beforeStaff) {
      const c = JSON.parse(afterStaff.get(k)!) as { client_id: string | null; effective_status: string };
      const ws = k.split('/')[0]!;
      if (c.client_id === 'grantdesk-desktop' && ritaWs.has(ws) && JSON.parse(was).effective_status === 'active') assert.equal(c.effective_status, 'revoked', `Rita's grant ${k}`);
      else assert.equal(withoutOwnUse(afterStaff.get(k)!), withoutOwnUse(was), `untouched: ${k}`);
    }
    // the keychain holds no grant for Rita's workspaces any more
    const accounts = await h.store.list();
    for (const ws of ritaWs) assert.ok(!accounts.some((a) => a.startsWith('grant:') && a.endsWith(`:${ws}`)), ws);

    const hist = JSON.parse((await runCli(['offboard', 'history', '--json'], env)).stdout) as { batches: Array<{ batchId: string; failed: number }> };
    assert.deepEqual(hist.batches.map((b) => b.batchId), [sr.batchId, r1.batchId]);
  } finally {
    await h.close();
  }
});
