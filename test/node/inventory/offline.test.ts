// Inventory logic without a platform: CSV safety, the blast radius from a seeded audit cache, the CLI's refusal without
// --yes, and matrix filters over a cache seeded through the repository.
import { createRevocationLog } from '../../../src-main/services/inventory/revocation-log.ts';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { csvCell, matrixToCsv } from '../../../src-main/services/inventory/csv.ts';
import { runCli } from '../../../src-main/cli/main.ts';
import { createMemorySecretStore } from '../../../src-main/adapters/memory-secret-store.ts';
import type { WorkspaceRef } from '../../../src-main/ports/platform.ts';
import { seedInventory } from './seed.ts';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createInventoryRepository } from '../../../src-main/services/inventory/repository.ts';
import { matrixOf, startTestApp, type TestApp } from './support.ts';

const HOSTILE = ['=SUM(A1:A9)', '+1', '-2', '@cmd', '\tTAB', '\rCR', 'a,b', 'say "hi"', 'line\nbreak', '\u202Eevil', '<script>alert(1)</script>'];

describe('CSV', () => {
  it('neutralises formula prefixes and round-trips through an RFC 4180 parser', () => {
    for (const h of HOSTILE) {
      const parsed = parse(csvCell(h) + '\r\n', { relax_quotes: false }) as string[][];
      const v = parsed[0]![0]!;
      if (/^[=+\-@\t\r]/.test(h)) assert.equal(v, `'${h}`);
      else assert.equal(v, h);
    }
  });

  it('exports the matrix with hostile credential names intact and inert', () => {
    const m = {
      generatedAt: '2026-01-01T00:00:00.000Z',
      depth: 'credentials' as const,
      columns: [{ scope: 'contacts:read', resource: 'contacts', action: 'read', description: '', total: 1, inBaseline: false }],
      workspaces: [
        {
          id: 'ws_1', name: '=HYPERLINK("http://x")', connection: 'connected' as const, reviewedAt: null, columnCounts: [1], total: 1,
          credentialCount: HOSTILE.length, hasDrift: false,
          sync: { syncedAt: null, ageSeconds: null, state: 'never' as const, error: null },
          credentials: HOSTILE.map((name, i) => ({
            id: `key_${i}`, workspaceId: 'ws_1', type: 'api_key' as const, name, label: null, clientId: null, status: 'active', scopes: ['contacts:read'],
            expiresAt: null, lastUsedAt: null, createdAt: null, expiringSoon: false, unused: true, writeOrDelete: false, overGrants: [], drift: [],
            isGrantdesk: false, revocable: true, lifecycle: { state: 'active' as const, at: null },
          })),
        },
      ],
      baseline: null,
      bundles: [],
      totals: { workspaces: 1, credentials: HOSTILE.length, grants: HOSTILE.length, overGrants: 0, drift: 0 },
      oldestSyncAt: null,
      counts: { total: HOSTILE.length, workspaces: 1, inactive: 0, revoked: 0, expired: 0, disabled: 0 },
    };
    const rows = parse(matrixToCsv(m)) as string[][];
    assert.equal(rows.length, HOSTILE.length + 2);
    assert.equal(rows[1]![1], '\'=HYPERLINK("http://x")');
    for (const [i, h] of HOSTILE.entries()) assert.equal(rows[i + 1]![4], /^[=+\-@\t\r]/.test(h) ? `'${h}` : h);
    for (const r of rows.slice(1)) for (const cell of r) assert.ok(!/^[=+\-@\t\r]/.test(cell), cell);
  });
});

describe('offline cache', () => {
  let app: TestApp;
  const NOW = Date.parse('2026-06-01T12:00:00Z');
  const refs: WorkspaceRef[] = [];
  before(() => {
    app = startTestApp({ now: () => NOW, directory: { list: () => refs, get: (id) => refs.find((r) => r.id === id) ?? null } });
    const seeded = seedInventory(app.runtime.services.inventory.repository, { workspaces: 12, nowMs: NOW - 3600_000, seed: 3 });
    refs.push(...seeded.map((w) => ({ id: w.id, name: w.name, platformId: 'p', status: 'connected' as const })));
  });
  after(() => app.close());

  it('reads the matrix with its age and no platform at all', async () => {
    const m = await matrixOf(app, {});
    assert.equal(m.workspaces.length, 12);
    assert.ok(m.workspaces.every((w) => w.sync.ageSeconds === 3600));
    assert.equal(m.oldestSyncAt, new Date(NOW - 3600_000).toISOString());
    const sync = await app.callResult('inventory.sync', {});
    assert.equal(sync.ok, true);
  });

  it('filters: write-or-delete, expiring soon, unused, type, workspace', async () => {
    const all = await matrixOf(app, {});
    const creds = all.workspaces.flatMap((w) => w.credentials);
    const wod = await matrixOf(app, { writeOrDelete: true });
    assert.equal(wod.totals.credentials, creds.filter((c) => c.scopes.some((s) => /:(write|delete)$/.test(s))).length);
    const exp = await matrixOf(app, { expiringWithinDays: 14 });
    assert.equal(exp.totals.credentials, creds.filter((c) => c.expiringSoon).length);
    const unused = await matrixOf(app, { unusedForDays: 90 });
    assert.equal(unused.totals.credentials, creds.filter((c) => c.unused).length);
    const mcs = await matrixOf(app, { types: ['machine_client'] });
    assert.ok(mcs.workspaces.every((w) => w.credentials.every((c) => c.type === 'machine_client')));
    const one = await matrixOf(app, { workspace: refs[3]!.name });
    assert.deepEqual(one.workspaces.map((w) => w.id), [refs[3]!.id]);
  });

  it('blast radius lists endpoints and caller IPs from the audit cache within 30 days', async () => {
    const m = await matrixOf(app, { types: ['api_key'] });
    const w = m.workspaces[0]!;
    const key = w.credentials[0]!;
    const sqlite = (await import('../../../src-main/adapters/sqlite.ts')).openCache(app.dataDir);
    try {
      sqlite.exec(`CREATE TABLE IF NOT EXISTS audit_events (workspace_id TEXT NOT NULL, seq INTEGER NOT NULL, event_id TEXT, occurred_at TEXT NOT NULL,
        occurred_ms INTEGER NOT NULL, credential_id TEXT, credential_type TEXT, caller_ip TEXT, method TEXT, endpoint TEXT, status INTEGER,
        duration_ms INTEGER, pii_accessed INTEGER, params_json TEXT, prev_hash TEXT, hash TEXT, PRIMARY KEY (workspace_id, seq))`);
      // The audit domain owns this table; it may carry more columns than the pinned ones (e.g. a time-ordered rid).
      const cols = new Set((sqlite.prepare('PRAGMA table_info(audit_events)').all() as { name: string }[]).map((c) => c.name));
      const hasRid = cols.has('rid');
      const ins = sqlite.prepare(`INSERT INTO audit_events (workspace_id, seq, event_id, occurred_at, occurred_ms, credential_id, credential_type, caller_ip,
        method, endpoint, status, duration_ms, pii_accessed, params_json, prev_hash, hash${hasRid ? ', rid' : ''})
        VALUES (?, ?, ?, ?, ?, ?, 'api_key', ?, ?, ?, ?, 5, 0, '{}', '', ''${hasRid ? ', ?' : ''})`);
      const ev = (seq: number, daysAgo: number, ip: string, method: string, endpoint: string, status = 200, cred = key.id) => {
        const ms = NOW - daysAgo * 86_400_000;
        const args: unknown[] = [w.id, seq, `ev_${seq}`, new Date(ms).toISOString(), ms, cred, ip, method, endpoint, status];
        if (hasRid) args.push(ms * 1024 + seq);
        ins.run(...args);
      };
      ev(1, 45, '198.51.100.1', 'GET', '/v1/old'); // outside the 30-day window
      ev(2, 10, '203.0.113.5', 'GET', '/v1/contacts');
      ev(3, 3, '203.0.113.5', 'GET', '/v1/contacts');
      ev(4, 1, '203.0.113.9', 'POST', '/v1/deals', 500);
      ev(5, 1, '203.0.113.7', 'GET', '/v1/contacts', 200, 'key_other');
      ev(6, 2, '203.0.113.5', 'DELETE', '/v1/contacts/con_46kx9hyxgk');
      ev(7, 2, '203.0.113.5', 'DELETE', '/v1/contacts/con_funtji5cvf');
    } finally {
      sqlite.close();
    }
    const pv = await app.call('inventory.revokePreview', { workspace: w.id, credentialId: key.id });
    const t = pv.targets[0]!;
    assert.equal(t.auditState, 'synced');
    assert.deepEqual(t.endpoints.map((e) => [e.method, e.endpoint, e.calls]), [['GET', '/v1/contacts', 2], ['DELETE', '/v1/contacts/{id}', 2], ['POST', '/v1/deals', 1]]);
    assert.deepEqual(t.callerIps.map((e) => [e.ip, e.calls]), [['203.0.113.5', 4], ['203.0.113.9', 1]]);
    assert.equal(pv.untouchedWorkspaces.length, 11);
    assert.equal(pv.confirmText, w.name);
    const d = await app.call('inventory.credential', { workspace: w.id, credentialId: key.id });
    assert.equal(d.auditState, 'synced');
    assert.equal(d.activity?.days.length, 30);
    assert.equal(d.activity?.total, 5);
    assert.equal(d.activity?.days.at(-2)?.errors, 1);
    // another workspace has no events: said explicitly
    const other = m.workspaces[1]!;
    const pv2 = await app.call('inventory.revokePreview', { workspace: other.id, credentialId: other.credentials[0]!.id });
    assert.equal(pv2.targets[0]!.auditState, 'not_synced');
  });

  it('bulk preview asks for the count', async () => {
    const m = await matrixOf(app, { types: ['api_key'] });
    const targets = m.workspaces.slice(0, 3).map((w) => ({ workspace: w.id, credentialId: w.credentials[0]!.id }));
    const pv = await app.call('inventory.revokePreview', { targets });
    assert.equal(pv.confirmText, '3');
    assert.equal(pv.untouchedWorkspaces.length, 9);
  });
});

describe('revocation record durability', () => {
  it('writes each revocation record under synchronous=FULL and restores NORMAL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'grantdesk-inv-durable-'));
    const db = openCache(dir);
    try {
      const seen: string[] = [];
      const spy = new Proxy(db, {
        get(target, prop, recv) {
          if (prop === 'pragma') return (sql: string, o?: object) => (seen.push(sql), target.pragma(sql, o as never));
          if (prop === 'prepare') return (sql: string) => {
            const st = target.prepare(sql);
            if (!/inv_revocations/.test(sql) || /^\s*SELECT/i.test(sql)) return st;
            return new Proxy(st, { get: (t, p2) => (p2 === 'run' ? (...a: unknown[]) => (seen.push(`run@${String(target.pragma('synchronous', { simple: true }))}`), (t.run as (...x: unknown[]) => unknown)(...a)) : Reflect.get(t, p2)) });
          };
          const v = Reflect.get(target, prop, recv);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
      const repo = createInventoryRepository(spy);
      const id = repo.recordRevocationStart({ batchId: 'b', actor: 'me', transport: 'ipc', requestedAt: 'now', workspaceId: 'ws', workspaceName: 'W', credentialId: 'k', credentialName: 'K', type: 'api_key', scopes: [] });
      createRevocationLog(spy).finish(id, { outcome: 'revoked', finishedAt: 'later', errorCode: null, errorMessage: null, tail: null });
      // synchronous: 2 = FULL, 1 = NORMAL
      assert.deepEqual(seen, ['synchronous = FULL', 'run@2', 'synchronous = NORMAL', 'synchronous = FULL', 'run@2', 'synchronous = NORMAL']);
      assert.equal(db.pragma('synchronous', { simple: true }), 1);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CLI', () => {
  let home: string;
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'grantdesk-cli-inv-'));
  });
  after(() => rmSync(home, { recursive: true, force: true }));
  const run = async (argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s), env: { GRANTDESK_HOME: home }, secretStore: createMemorySecretStore() });
    return { code, out, err };
  };

  it('revoke without --yes is refused with a usage error', async () => {
    const r = await run(['revoke', 'ws_1', 'key_1']);
    assert.equal(r.code, 2);
    assert.match(r.err, /confirm/);
  });

  it('scopes matrix --csv prints CSV, --json the contract output (empty cache)', async () => {
    const csv = await run(['scopes', 'matrix', '--csv']);
    assert.equal(csv.code, 0, csv.err);
    assert.ok(csv.out.startsWith('workspace_id,workspace,credential_id,'), csv.out.slice(0, 80));
    const json = await run(['scopes', 'matrix', '--json']);
    assert.equal(json.code, 0, json.err);
    assert.deepEqual(JSON.parse(json.out).workspaces, []);
    const creds = await run(['credentials', '--json']);
    assert.equal(creds.code, 0, creds.err);
    assert.deepEqual(JSON.parse(creds.out).credentials, []);
  });
  it('credentials <workspace> and scopes matrix read the cache offline', async () => {
    const db = openCache(home);
    const seeded = seedInventory(createInventoryRepository(db), { workspaces: 3, nowMs: Date.now() - 120_000, seed: 9 });
    db.close();
    const one = await run(['credentials', seeded[1]!.name, '--json']);
    assert.equal(one.code, 0, one.err);
    const parsed = JSON.parse(one.out) as { credentials: { workspaceId: string; id: string; revocable: boolean }[]; workspaces: { sync: { ageSeconds: number } }[] };
    assert.ok(parsed.credentials.length > 0 && parsed.credentials.every((c) => c.workspaceId === seeded[1]!.id));
    assert.ok(parsed.workspaces[0]!.sync.ageSeconds >= 120);
    const human = await run(['credentials', seeded[1]!.id]);
    assert.equal(human.code, 0, human.err);
    assert.match(human.out, /sk_live_…/);
    const csv = await run(['scopes', 'matrix', '--csv']);
    assert.equal(csv.code, 0);
    assert.equal((parse(csv.out.trimEnd()) as string[][]).length, parsed.credentials.length + (await countOthers()) + 2);
    async function countOthers() {
      const all = await run(['credentials', '--json']);
      return (JSON.parse(all.out) as { credentials: unknown[] }).credentials.length - parsed.credentials.length;
    }
    const target = parsed.credentials.find((c) => c.revocable)!;
    const yes = await run(['revoke', seeded[1]!.id, target.id, '--yes']);
    // no platform connection in this data dir: the row fails on its own, recorded locally
    assert.equal(yes.code, 0, yes.err);
    assert.match(yes.out, /failed/);
    const hist = await run(['revocations', '--json']);
    assert.equal((JSON.parse(hist.out) as { revocations: { outcome: string }[] }).revocations[0]!.outcome, 'failed');
  });
});
