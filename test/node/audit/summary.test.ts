// The explorer's answers (issue 13 item 3): an exact COUNT for the filters (not a page length), who called (by credential
// with names, by caller IP, first/last seen) summing to the count, Grantdesk's own sync calls recognised through the
// names port (connections' own client id + the inventory's client ids) and hidden on request, a rejected IP refused
// with a sentence, date-only bounds, and export files served from the exports folder only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createAuditService } from '../../../src-main/services/audit/audit-service.ts';
import type { AuditNameSource } from '../../../src-main/services/audit/index.ts';
import { createEventBus } from '../../../src-main/services/event-bus.ts';
import { AppError } from '../../../src-main/rpc/app-error.ts';
import { createPlatformClient } from '../../../src-main/platform/index.ts';

/** these tests read the cache only: a platform call would be a bug */
const noPlatform = { call: () => assert.fail('the summary tests must not call the platform') };
import { CLI_CONTEXT, IPC_CONTEXT } from '../../../src-main/rpc/handlers.ts';
import { auditCommands } from '../../../src-common/contract/audit.ts';
import { startServe } from '../../../src-main/serve/serve-server.ts';
import { makeChain, type ChainEvent } from '../../support/audit-chain.ts';

const quiet = { info() {}, warn() {}, error() {} };

function setup(chains: Record<string, ChainEvent[]>, names?: AuditNameSource) {
  const dir = mkdtempSync(join(tmpdir(), 'gd-audit-summary-'));
  const db = openCache(dir);
  const bus = createEventBus();
  const progress: { done: number; total: number; state: string }[] = [];
  bus.subscribe((name, p) => name === 'task.progress' && progress.push(p as never));
  const svc = createAuditService({ db, dataDir: dir, appVersion: 't', bus, clock: { now: () => Date.now() }, logger: quiet, platform: createPlatformClient(noPlatform), directory: null, concurrency: () => 2, names });
  for (const [ws, chain] of Object.entries(chains)) for (let i = 0; i < chain.length; i += 2000) assert.equal(svc.engine.applyPage(ws, chain.slice(i, i + 2000) as never).kind, 'applied');
  return { dir, db, svc, progress, close: () => (db.close(), rmSync(dir, { recursive: true, force: true })) };
}

const chains = () => ({ ws_a: makeChain('ws_a', 3000, { seed: 5, hostileEvery: 9 }), ws_b: makeChain('ws_b', 1200, { seed: 6, stepMs: 150_000 }) });

test('count is exact for every filter (a COUNT, not a page), and the by-credential and by-IP summaries sum to it', () => {
  const c = chains();
  const all = [...c.ws_a, ...c.ws_b];
  const s = setup(c);
  try {
    const cases: [Record<string, unknown>, (e: ChainEvent) => boolean][] = [
      [{}, () => true],
      [{ endpoint: '/v1/apps' }, (e) => e.endpoint === '/v1/apps'],
      [{ workspaces: ['ws_b'], statusClass: ['4xx', '5xx'] }, (e) => e.workspace_id === 'ws_b' && e.status! >= 400],
      [{ ip: '10.1.0.0/16' }, (e) => e.caller_ip!.startsWith('10.1.')],
      [{ q: 'HYPERLINK' }, (e) => JSON.stringify(e.params).includes('HYPERLINK')],
      [{ from: '2025-01-01', to: '2025-01-02' }, (e) => e.occurred_at >= '2025-01-01T00:00:00.000Z' && e.occurred_at < '2025-01-02T00:00:00.000Z'],
    ];
    for (const [f, pred] of cases) {
      const expected = all.filter(pred).length;
      const sum = s.svc.summary({ ...f, top: 500 });
      assert.equal(sum.count, expected, JSON.stringify(f));
      assert.ok(expected > 0, `case ${JSON.stringify(f)} has data`);
      // the page holds at most 200 rows; the count does not depend on it
      if (expected > 200) assert.equal(s.svc.query({ ...f, limit: 200 }).rows.length, 200);
      assert.equal(sum.byCredential.reduce((a, b) => a + b.calls, 0), expected, 'by credential sums to the count');
      assert.equal(sum.ipsTotal, new Set(all.filter(pred).map((e) => e.caller_ip)).size);
      for (const ip of sum.byCallerIp.slice(0, 3)) assert.equal(ip.calls, all.filter((e) => pred(e) && e.caller_ip === ip.ip).length, `calls from ${ip.ip}`);
      if (sum.ipsTotal <= 500) assert.equal(sum.byCallerIp.reduce((a, b) => a + b.calls, 0), expected, 'by IP sums to the count');
      assert.equal(s.svc.timeline({ ...f, buckets: 50 }).total, expected, 'timeline total equals the count');
      const top = sum.byCredential[0]!;
      const mine = all.filter((e) => pred(e) && e.workspace_id === top.workspaceId && e.credential_id === top.credentialId);
      assert.equal(top.calls, mine.length);
      assert.equal(top.firstAt, mine.map((e) => e.occurred_at).sort()[0]);
      assert.equal(top.lastAt, mine.map((e) => e.occurred_at).sort().at(-1));
    }
    assert.equal(s.svc.summary({}).cache.syncedWorkspaces, 2);
  } finally {
    s.close();
  }
});

test("names come from the names port; Grantdesk's own grant (our client id in that workspace) is hidden on request and counted", async () => {
  const c = { ws_a: makeChain('ws_a', 2000, { seed: 8 }) };
  const names: AuditNameSource = {
    workspaceNames: () => new Map([['ws_a', 'Acme Dental']]),
    credentials: () => [
      { workspaceId: 'ws_a', id: 'cred_1', name: 'Grantdesk', type: 'app', clientId: 'grantdesk-desktop', workspaceName: 'Acme Dental' },
      { workspaceId: 'ws_a', id: 'cred_2', name: 'nightly ETL', type: 'api_key', clientId: null, workspaceName: 'Acme Dental' },
      // another app's grant with a different client id is not ours
      { workspaceId: 'ws_a', id: 'cred_3', name: 'Zapier', type: 'app', clientId: 'zapier', workspaceName: 'Acme Dental' },
    ],
    ownClientId: (ws) => (ws === 'ws_a' ? 'grantdesk-desktop' : null),
  };
  const s = setup(c, names);
  try {
    const own = c.ws_a.filter((e) => e.credential_id === 'cred_1').length;
    assert.ok(own > 0);
    const shown = s.svc.summary({ ownTraffic: 'include', top: 500 });
    const hidden = s.svc.summary({ ownTraffic: 'exclude', top: 500 });
    assert.equal(shown.count, 2000);
    assert.equal(hidden.count, 2000 - own);
    assert.equal(hidden.ownCalls, own, 'the hidden own calls are counted');
    assert.equal(hidden.byCredential.some((b) => b.credentialId === 'cred_1'), false);
    const etl = hidden.byCredential.find((b) => b.credentialId === 'cred_2')!;
    assert.deepEqual([etl.credentialName, etl.workspaceName, etl.own], ['nightly ETL', 'Acme Dental', false]);
    assert.equal(shown.byCredential.find((b) => b.credentialId === 'cred_1')!.own, true);
    assert.equal(shown.byCredential.find((b) => b.credentialId === 'cred_3')!.own, false);
    assert.equal(shown.namedCredentials, 3);
    // rows carry names and the own flag; the hidden view never lists an own row
    const rows = s.svc.query({ ownTraffic: 'exclude', limit: 1000 }).rows;
    assert.ok(rows.every((r) => r.credentialId !== 'cred_1' && r.workspaceName === 'Acme Dental'));
    assert.equal(rows.find((r) => r.credentialId === 'cred_2')!.credentialName, 'nightly ETL');
    const tl = s.svc.timeline({ ownTraffic: 'exclude', buckets: 40 });
    assert.equal(tl.total, 2000 - own);
    assert.equal(tl.counts.reduce((a, b) => a + b, 0), 2000 - own, 'own calls taken out bucket by bucket');
    assert.equal(hidden.byCallerIp.reduce((a, b) => a + b.calls, 0) <= 2000 - own, true);
    const ip0 = hidden.byCallerIp[0]!;
    const ip0Rows = c.ws_a.filter((e) => e.caller_ip === ip0.ip && e.credential_id !== 'cred_1');
    assert.equal(ip0.calls, ip0Rows.length, 'per-IP calls without own calls');
    assert.equal(ip0.firstAt, ip0Rows.map((e) => e.occurred_at).sort()[0], 'first seen ignores own calls');
    assert.equal(ip0.lastAt, ip0Rows.map((e) => e.occurred_at).sort().at(-1), 'last seen ignores own calls');
    // the export of the hidden view has exactly the on-screen count, and its progress knew the total before the first row
    const r = await s.svc.export({ ownTraffic: 'exclude', format: 'csv', bom: false, out: 'no-own.csv' }, IPC_CONTEXT.capabilities);
    assert.equal(r.rowCount, 2000 - own);
    const firstRunning = s.progress.find((p) => p.state === 'running' && p.total > 0);
    assert.equal(firstRunning?.done, 0, 'a running progress event with the real total and 0 rows');
    assert.equal(firstRunning?.total, 2000 - own);
    const hist = s.svc.exports(10).exports[0]!;
    assert.deepEqual(hist.filterNames, { workspaces: {}, credential: null });
  } finally {
    s.close();
  }
});

test('a rejected caller IP is refused with a sentence naming the field and applies nothing; dates are accepted as UTC days', () => {
  const s = setup({ ws_a: makeChain('ws_a', 50, { seed: 9 }) });
  try {
    assert.throws(
      () => s.svc.summary({ ip: '10.0.0.0/99' }),
      (e: unknown) => e instanceof AppError && e.code === 'invalid_input' && /^Caller IP: "10\.0\.0\.0\/99" is neither an IP address nor a CIDR block .*nothing was filtered/.test(e.message),
    );
    const input = auditCommands['audit.summary'].input;
    assert.equal(input.safeParse({ from: '2026-02-01', to: '2026-03-01' }).success, true);
    assert.equal(input.safeParse({ from: '2026-02-31x' }).success, false);
    assert.equal(input.safeParse({ ownTraffic: 'sometimes' }).success, false);
  } finally {
    s.close();
  }
});

test('an export file is served only from the exports folder, by history id, with the serve token', async () => {
  const s = setup({ ws_a: makeChain('ws_a', 300, { seed: 10 }) });
  const outside = mkdtempSync(join(tmpdir(), 'gd-outside-'));
  try {
    const inside = await s.svc.export({ format: 'csv', bom: false, out: 'inside.csv' }, IPC_CONTEXT.capabilities);
    // the CLI may write anywhere; such a history row is never served (a tab could otherwise read an arbitrary path)
    const elsewhere = await s.svc.export({ format: 'csv', bom: false, out: join(outside, 'x.csv') }, CLI_CONTEXT.capabilities);
    assert.equal(s.svc.exportFile(inside.exportId).fileName, 'inside.csv');
    assert.throws(() => s.svc.exportFile(elsewhere.exportId), (e: unknown) => e instanceof AppError && e.code === 'not_found' && /outside the exports folder/.test(e.message));
    assert.throws(() => s.svc.exportFile('../../etc/passwd'), (e: unknown) => e instanceof AppError && e.code === 'not_found');
    writeFileSync(join(outside, 'secret.txt'), 'not for the tab');
    const serve = await startServe({ dispatcher: { call: async () => ({ ok: true, value: null }) } as never, bus: createEventBus(), staticDir: null, port: 0, token: 'tok', exportFile: (id) => s.svc.exportFile(id) });
    try {
      const base = `http://127.0.0.1:${serve.port}/files/exports/`;
      assert.equal((await fetch(base + inside.exportId)).status, 401, 'no token, no file');
      const ok = await fetch(base + inside.exportId, { headers: { authorization: 'Bearer tok' } });
      assert.equal(ok.status, 200);
      assert.match(ok.headers.get('content-disposition')!, /attachment; filename="inside\.csv"/);
      assert.equal((await ok.text()).split('\r\n').length - 2, 300);
      assert.equal((await fetch(base + elsewhere.exportId, { headers: { authorization: 'Bearer tok' } })).status, 404);
      assert.equal((await fetch(base + encodeURIComponent('../x.csv'), { headers: { authorization: 'Bearer tok' } })).status, 404);
    } finally {
      await serve.close();
    }
  } finally {
    s.close();
    rmSync(outside, { recursive: true, force: true });
  }
});
