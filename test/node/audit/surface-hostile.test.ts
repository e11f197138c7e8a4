// Surfaces (api | mcp | webhook) and MCP tool names from a hostile platform: a surface outside the three, a 10 KB tool
// name, CR/LF or formula characters in one, a tool on a non-MCP event, one member without the other, all refused as
// invalid data (never stored) even when correctly hashed; a surface changed after hashing is a tamper alarm at its seq; a
// tool name starting with '-' is stored and exported formula-safe; an older platform's events (no surface members) read
// as API calls, re-hash without the members, and export/verify; exports made before surfaces still verify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createAuditService } from '../../../src-main/services/audit/audit-service.ts';
import { createEventBus } from '../../../src-main/services/event-bus.ts';
import { isPlatformEvent, platformEventSchema } from '../../../src-main/services/audit/platform-schema.ts';
import { verifyExport } from '../../../src-main/services/audit/verify.ts';
import { createPlatformClient } from '../../../src-main/platform/index.ts';
import { CLI_CONTEXT } from '../../../src-main/rpc/handlers.ts';
import Database from 'better-sqlite3';
import { migrate } from '../../../src-main/db/migrate.ts';
import { migrations } from '../../../src-main/db/migrations/index.ts';
import { eventHash, jcs } from '../../../src-main/services/audit/jcs.ts';
import { storedToEvent, type StoredEventRow } from '../../../src-main/services/audit/repo.ts';
import { hashEvent, makeChain, type ChainEvent } from '../../support/audit-chain.ts';
import { createFakePlatform } from '../../support/audit-fake-platform.ts';

const quiet = { info() {}, warn() {}, error() {} };

function setup(chains: Record<string, ChainEvent[]>) {
  const dir = mkdtempSync(join(tmpdir(), 'gd-surface-'));
  const db = openCache(dir);
  const fp = createFakePlatform(chains);
  const svc = createAuditService({ db, dataDir: dir, appVersion: 't', bus: createEventBus(), clock: { now: () => Date.now() }, logger: quiet, platform: createPlatformClient(fp), directory: fp.directory, concurrency: () => 2, pageSize: 50 });
  return { dir, db, svc, close: () => (db.close(), rmSync(dir, { recursive: true, force: true })) };
}

/** the chain from `at` on re-hashed, so only validation (never the hash) can refuse the change at `at` */
function rehashFrom(chain: ChainEvent[], at: number): ChainEvent[] {
  const out = chain.map((e) => ({ ...e }));
  for (let i = at; i < out.length; i++) {
    const e = out[i] as unknown as Record<string, unknown>;
    e.prev_hash = i === 0 ? '0'.repeat(64) : out[i - 1]!.hash;
    e.hash = hashEvent(e.prev_hash as string, e);
  }
  return out;
}

test('the hand-written check and the schema agree on every surface / mcp_tool combination', () => {
  const [base] = makeChain('ws_s', 1, { seed: 3 }) as unknown as Record<string, unknown>[];
  const surfaces: unknown[] = [undefined, 'api', 'mcp', 'webhook', 'sql', '', 'MCP', null, 1, ['mcp']];
  const tools: unknown[] = [undefined, null, 'search_contacts', '-leading-dash', 'a.b_c-d', 't'.repeat(128), 't'.repeat(129), 'A'.repeat(10_240), 'a\r\nb', '=HYPERLINK("x")', 'a b', '', 5, {}];
  let accepted = 0;
  for (const surface of surfaces) {
    for (const mcp_tool of tools) {
      const e: Record<string, unknown> = { ...base };
      if (surface !== undefined) e.surface = surface;
      if (mcp_tool !== undefined) e.mcp_tool = mcp_tool;
      const want = platformEventSchema.safeParse(e).success;
      assert.equal(isPlatformEvent(e), want, `surface ${JSON.stringify(surface)} mcp_tool ${JSON.stringify(mcp_tool)?.slice(0, 40)}`);
      if (want) accepted++;
    }
  }
  // neither (an older platform); api/mcp/webhook with null; mcp with one of the four valid names
  assert.equal(accepted, 1 + 3 + 4);
});

for (const [what, change] of [
  ['surface "sql"', (e: Record<string, unknown>) => (e.surface = 'sql')],
  ['a 10 KB tool name', (e: Record<string, unknown>) => Object.assign(e, { surface: 'mcp', mcp_tool: 'A'.repeat(10_240) })],
  ['a tool name with CR/LF', (e: Record<string, unknown>) => Object.assign(e, { surface: 'mcp', mcp_tool: 'search\r\n=cmd' })],
  ['a formula as the tool name', (e: Record<string, unknown>) => Object.assign(e, { surface: 'mcp', mcp_tool: '=HYPERLINK("http://evil.example","x")' })],
  ['a tool on an API call', (e: Record<string, unknown>) => Object.assign(e, { surface: 'api', mcp_tool: 'search_contacts' })],
  ['surface without mcp_tool', (e: Record<string, unknown>) => delete e.mcp_tool],
] as const) {
  test(`a hostile platform sending ${what} (correctly hashed) gets a validation error, nothing of that page is stored`, async () => {
    const chain = makeChain('ws_h', 120, { seed: 5, surfaces: true });
    change(chain[77] as unknown as Record<string, unknown>);
    const s = setup({ ws_h: rehashFrom(chain, 77) });
    try {
      const r = await s.svc.sync({ workspaces: ['ws_h'] });
      assert.equal(r.results[0]!.outcome, 'error', JSON.stringify(r.results[0]));
      // (the real WorkspaceApi's sentence for invalid data is checked end to end in surface-filter.test.ts)
      assert.ok(r.results[0]!.message, 'the refusal is reported');
      const st = s.svc.status(['ws_h']).workspaces[0]!;
      assert.equal(st.cursorSeq, 50, 'the pages before the bad one are kept, the bad page is not');
      assert.equal((s.db.prepare('SELECT count(*) AS n FROM audit_events WHERE length(coalesce(mcp_tool, \'\')) > 128 OR surface NOT IN (\'api\', \'mcp\', \'webhook\')').get() as { n: number }).n, 0);
    } finally {
      s.close();
    }
  });
}

test('a surface changed after hashing is a tamper alarm at exactly that seq', async () => {
  const chain = makeChain('ws_t', 120, { seed: 6, surfaces: true });
  const victim = chain.findIndex((e, i) => i > 60 && e.surface === 'mcp');
  (chain[victim] as unknown as Record<string, unknown>).surface = 'api';
  (chain[victim] as unknown as Record<string, unknown>).mcp_tool = null; // still valid data, but not what was hashed
  const s = setup({ ws_t: chain });
  try {
    const r = await s.svc.sync({ workspaces: ['ws_t'] });
    assert.equal(r.results[0]!.outcome, 'tamper');
    assert.deepEqual(s.svc.status(['ws_t']).workspaces[0]!.tamper.map((t) => t.seq), [victim + 1]);
  } finally {
    s.close();
  }
});

test('surfaces are stored as served: filters, the event view, CSV with formula-safe tool names, JSONL, verify', async () => {
  const chain = makeChain('ws_m', 200, { seed: 8, surfaces: true, hostileEvery: 9 });
  const s = setup({ ws_m: chain });
  try {
    assert.equal((await s.svc.sync({})).results[0]!.outcome, 'ok');
    const count = (f: Record<string, unknown>) => s.svc.summary({ ...f, top: 5 } as never).count;
    assert.equal(count({ surface: 'mcp' }), chain.filter((e) => e.surface === 'mcp').length);
    assert.equal(count({ surface: 'webhook' }), chain.filter((e) => e.surface === 'webhook').length);
    assert.equal(count({ surface: 'api' }), chain.filter((e) => e.surface === 'api').length);
    assert.equal(count({ mcpTool: '-leading-dash' }), chain.filter((e) => e.mcp_tool === '-leading-dash').length);
    const page = s.svc.query({ surface: 'mcp', limit: 1000 });
    assert.ok(page.rows.length > 0 && page.rows.every((r) => r.surface === 'mcp' && r.mcpTool !== null && r.endpoint === '/mcp'));
    const seq = chain.findIndex((e) => e.mcp_tool === '-leading-dash') + 1;
    const one = s.svc.event('ws_m', seq);
    assert.equal(one.chain.hashValid, true, 'the stored event re-hashes with surface and mcp_tool');
    assert.deepEqual([one.event.surface, one.event.mcpTool], ['mcp', '-leading-dash']);

    const csv = await s.svc.export({ out: join(s.dir, 'm.csv'), format: 'csv', bom: false }, CLI_CONTEXT.capabilities);
    const text = readFileSync(csv.path, 'utf8');
    const lines = text.split('\r\n');
    assert.ok(lines[0]!.split(',').includes('surface') && lines[0]!.split(',').includes('mcp_tool'));
    assert.ok(text.includes(",mcp,'-leading-dash,"), 'the dash-led tool name is neutralized with a leading quote');
    assert.ok(!/,-leading-dash,/.test(text));
    assert.equal((await s.svc.verify({ manifest: csv.manifestPath }, CLI_CONTEXT.capabilities)).ok, true);
    const jl = await s.svc.export({ out: join(s.dir, 'm.jsonl'), format: 'jsonl', bom: false }, CLI_CONTEXT.capabilities);
    const events = readFileSync(jl.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(events.map((e) => [e.surface, e.mcp_tool]), chain.map((e) => [e.surface, e.mcp_tool]));
    assert.equal((await s.svc.verify({ manifest: jl.manifestPath }, CLI_CONTEXT.capabilities)).ok, true);

    // an edited surface cell in the CSV breaks that event's hash
    const edited = text.replace(",mcp,'-leading-dash,", ",api,,");
    writeFileSync(csv.path, edited);
    const bad = await verifyExport(csv.manifestPath);
    assert.equal(bad.checks.find((c) => c.name === 'event hashes')!.ok, false);
  } finally {
    s.close();
  }
});

test('an older platform (no surface members): API calls, hashed without them; its export and a pre-surface export verify', async () => {
  const chain = makeChain('ws_o', 90, { seed: 9, hostileEvery: 4 });
  const s = setup({ ws_o: chain });
  try {
    assert.equal((await s.svc.sync({})).results[0]!.outcome, 'ok');
    assert.equal(s.svc.summary({ surface: 'api', top: 5 }).count, 90);
    assert.equal(s.svc.summary({ surface: 'mcp', top: 5 }).count, 0);
    const one = s.svc.event('ws_o', 40);
    assert.equal(one.chain.hashValid, true);
    assert.deepEqual([one.event.surface, one.event.mcpTool], ['api', null]);
    const csv = await s.svc.export({ out: join(s.dir, 'o.csv'), format: 'csv', bom: false }, CLI_CONTEXT.capabilities);
    assert.equal((await s.svc.verify({ manifest: csv.manifestPath }, CLI_CONTEXT.capabilities)).ok, true);

    // the same rows as an export made before surfaces existed: 16 columns, no surface / mcp_tool
    const rows = readFileSync(csv.path, 'utf8').split('\r\n');
    const cols = rows[0]!.split(',');
    const drop = [cols.indexOf('surface'), cols.indexOf('mcp_tool')];
    // both cells are empty in every row here (the platform sent neither member), so they are the 10th and 11th fields
    const legacy = rows.map((l, i) => (i === 0 ? cols.filter((_c, j) => !drop.includes(j)).join(',') : l.replace(/^((?:[^,]*,){9}),,/, '$1'))).join('\r\n');
    const dir = mkdtempSync(join(tmpdir(), 'gd-legacy-'));
    try {
      writeFileSync(join(dir, 'old.csv'), legacy);
      const m = JSON.parse(readFileSync(csv.manifestPath, 'utf8')) as Record<string, unknown>;
      Object.assign(m, { file: 'old.csv', columns: cols.filter((_c, j) => !drop.includes(j)), byteLength: Buffer.byteLength(legacy), sha256: createHash('sha256').update(legacy).digest('hex') });
      writeFileSync(join(dir, 'old.csv.manifest.json'), JSON.stringify(m));
      const v = await verifyExport(join(dir, 'old.csv.manifest.json'));
      assert.equal(v.ok, true, JSON.stringify(v.checks.filter((c) => !c.ok)));
      assert.match(v.checks.find((c) => c.name === 'header')!.detail, /before surfaces/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    s.close();
  }
});

test('migration 23: surfaces a platform sent before this version (kept in extra_json) become filterable, and still re-hash', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gd-mig23-'));
  const raw = new Database(join(dir, 'cache.db'));
  try {
    migrate(raw, migrations.filter((m) => m.version !== 23));
    // as the previous version stored them: surface and mcp_tool were members it did not know
    const chain = makeChain('ws_old', 30, { seed: 4, surfaces: true });
    const ins = raw.prepare(`INSERT INTO audit_events (workspace_id, seq, event_id, occurred_at, occurred_ms, credential_id, credential_type, caller_ip, method, endpoint, status, duration_ms, pii_accessed, params_json, prev_hash, hash, rid, extra_json)
      VALUES (@workspace_id, @seq, @id, @occurred_at, @ms, @credential_id, @credential_type, @caller_ip, @method, @endpoint, @status, @duration_ms, @pii, @params, @prev_hash, @hash, @rid, @extra)`);
    for (const e of chain) {
      const ms = Date.parse(e.occurred_at);
      ins.run({ ...e, ms, pii: e.pii_accessed ? 1 : 0, params: jcs(e.params), rid: ms * 1024 + e.seq, extra: jcs({ mcp_tool: e.mcp_tool, surface: e.surface }) });
    }
    migrate(raw, migrations);
    const by = raw.prepare('SELECT surface, count(*) AS n FROM audit_events GROUP BY surface ORDER BY surface').all();
    assert.deepEqual(by, ['api', 'mcp', 'webhook'].map((s) => ({ surface: s, n: chain.filter((e) => e.surface === s).length })).filter((x) => x.n > 0));
    const tools = raw.prepare("SELECT seq, mcp_tool FROM audit_events WHERE surface = 'mcp' ORDER BY seq").all() as { seq: number; mcp_tool: string }[];
    assert.deepEqual(tools, chain.filter((e) => e.surface === 'mcp').map((e) => ({ seq: e.seq, mcp_tool: e.mcp_tool })));
    // still exactly as served: re-hashed from the stored row (members from extra_json, not added twice)
    for (const r of raw.prepare('SELECT * FROM audit_events').all() as StoredEventRow[]) assert.equal(eventHash(r.prev_hash, storedToEvent(r)), r.hash, `seq ${r.seq}`);
  } finally {
    raw.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
