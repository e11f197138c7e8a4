// End to end against the sandbox platform over loopback: real OAuth tokens, real audit API, tamper fault at an exact seq.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../../sandbox/server.ts';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createAuditService } from '../../../src-main/services/audit/audit-service.ts';
import { createEventBus } from '../../../src-main/services/event-bus.ts';
import { sandboxWorkspaceApi } from '../../support/sandbox-session.ts';
import { CLI_CONTEXT } from '../../../src-main/rpc/handlers.ts';
import { createPlatformClient } from '../../../src-main/platform/index.ts';

test('sync from the sandbox verifies every chain; a tampered event is flagged at its exact seq; export verifies', { timeout: 120_000 }, async () => {
  const sb = await startSandbox({ workspaces: 3, events: 3000, seed: 7, autoConsent: true, admin: true, log: () => {} });
  const dir = mkdtempSync(join(tmpdir(), 'gd-sbx-'));
  const db = openCache(dir);
  try {
    const ids = sb.workspaces.map((w) => w.id);
    const api = await sandboxWorkspaceApi(sb.issuer, ids);
    const svc = createAuditService({ db, dataDir: dir, appVersion: 't', bus: createEventBus(), clock: { now: () => Date.now() }, logger: { info() {}, warn() {}, error() {} }, platform: createPlatformClient(api), directory: null, concurrency: () => 2, pageSize: 500 });
    const r = await svc.sync({ workspaces: ids });
    assert.deepEqual(r.results.map((x) => x.outcome), ['ok', 'ok', 'ok'], JSON.stringify(r.results));
    // independent check against the sandbox's true state
    for (const ws of ids) {
      const st = svc.status([ws]).workspaces[0]!;
      assert.equal(st.state, 'ok');
      assert.ok(st.cursorSeq >= st.remoteHeadSeq!, 'reached the head read before paging (our own reads append events)');
      assert.equal(st.eventCount, st.cursorSeq);
    }
    // tamper: the sandbox serves a modified event at seq N (hash unchanged); a fresh cache must flag exactly N
    const victim = ids[1]!;
    const N = Math.max(2, Math.floor(svc.status([victim]).workspaces[0]!.cursorSeq / 2));
    const f = await fetch(`${sb.issuer}/__admin/faults`, { method: 'POST', headers: { authorization: `Bearer ${sb.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ route: 'audit-events', tamper_workspace: victim, tamper_seq: N }) });
    assert.equal(f.status, 200);
    const dir2 = mkdtempSync(join(tmpdir(), 'gd-sbx2-'));
    const db2 = openCache(dir2);
    try {
      const svc2 = createAuditService({ db: db2, dataDir: dir2, appVersion: 't', bus: createEventBus(), clock: { now: () => Date.now() }, logger: { info() {}, warn() {}, error() {} }, platform: createPlatformClient(api), directory: null, concurrency: () => 2, pageSize: 500 });
      const r2 = await svc2.sync({ workspaces: [victim] });
      assert.equal(r2.results[0]!.outcome, 'tamper');
      const st = svc2.status([victim]).workspaces[0]!;
      assert.deepEqual(st.tamper.map((t) => t.seq), [N]);
      assert.ok(st.cursorSeq < N, 'the page holding the tampered event was rejected');
      assert.equal(st.cursorSeq % 500, 0, 'cursor stays at a page boundary before the alarm');
    } finally {
      db2.close();
      rmSync(dir2, { recursive: true, force: true });
    }
    const exp = await svc.export({ out: join(dir, 'sb.csv'), format: 'csv', bom: false }, CLI_CONTEXT.capabilities);
    assert.equal((await svc.verify({ manifest: exp.manifestPath }, CLI_CONTEXT.capabilities)).ok, true);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
    await sb.close();
  }
});
