import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createAuditService } from '../../../src-main/services/audit/audit-service.ts';
import { createEventBus } from '../../../src-main/services/event-bus.ts';
import { makeChain, HOSTILE } from '../../support/audit-chain.ts';
import { createFakePlatform } from '../../support/audit-fake-platform.ts';
import { CLI_CONTEXT, IPC_CONTEXT, SERVE_CONTEXT } from '../../../src-main/rpc/handlers.ts';
import { createPlatformClient } from '../../../src-main/platform/index.ts';

const quiet = { info() {}, warn() {}, error() {} };

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'gd-exp-'));
  const db = openCache(dir);
  const chains = { ws_a: makeChain('ws_a', 300, { seed: 11, hostileEvery: 2 }), ws_b: makeChain('ws_b', 150, { seed: 12, hostileEvery: 3, hostileFields: true }) };
  const fp = createFakePlatform(chains);
  const bus = createEventBus();
  const progress: { state: string; done: number; total: number | null }[] = [];
  bus.subscribe((n, p) => n === 'task.progress' && progress.push(p as never));
  const svc = createAuditService({ db, dataDir: dir, appVersion: '9.9.9', bus, clock: { now: () => Date.now() }, logger: quiet, platform: createPlatformClient(fp), directory: fp.directory, concurrency: () => 2, pageSize: 100 });
  await svc.sync({});
  return { dir, db, svc, chains, progress, close: () => (db.close(), rmSync(dir, { recursive: true, force: true })) };
}

test('CSV export: RFC 4180 CRLF, exact round-trip through csv-parse for hostile strings, formulas neutralized, manifest, verify', async () => {
  const s = await setup();
  try {
    const out = join(s.dir, 'all.csv');
    const r = await s.svc.export({ out, format: 'csv', bom: false }, CLI_CONTEXT.capabilities);
    assert.equal(r.rowCount, 450);
    const text = readFileSync(out, 'utf8');
    assert.ok(text.endsWith('\r\n'));
    const rows = parse(text, { columns: true, relax_quotes: false, relax_column_count: false, record_delimiter: '\r\n' }) as Record<string, string>[];
    assert.equal(rows.length, 450);
    const all = [...s.chains.ws_a, ...s.chains.ws_b];
    const un = (v: string) => (v.startsWith("'") ? v.slice(1) : v);
    for (const [i, e] of all.entries()) {
      const row = rows[i]!;
      assert.equal(row.workspace_id, e.workspace_id);
      assert.equal(Number(row.seq), e.seq);
      assert.deepEqual(JSON.parse(un(row.params_json!)), e.params, 'params round-trip exactly');
      assert.equal(row.hash, e.hash);
      // every text column round-trips exactly (one leading ' removed where a formula trigger or ' was neutralized)
      for (const k of ['event_id', 'occurred_at', 'credential_id', 'credential_type', 'caller_ip', 'method', 'endpoint'] as const) {
        const orig = (k === 'event_id' ? e.id : e[k]) as string | null;
        assert.equal(orig === null ? '' : un(row[k]!), orig ?? '', `${k} of ${e.workspace_id}#${e.seq}`);
        if (orig && /^[=+\-@\t\r\n\0']/.test(orig)) assert.equal(row[k], `'${orig}`);
      }
    }
    // every cell that a spreadsheet would read as a formula starts with the ' escape instead
    for (const row of rows) for (const v of Object.values(row)) assert.ok(!/^[=+\-@\t\r\n\0]/.test(v), `cell ${JSON.stringify(v).slice(0, 40)} is inert`);
    // hostile strings as whole cells: write one through the same cell encoder and read it back
    const { csvString } = await import('../../../src-main/services/audit/csv.ts');
    const line = HOSTILE.map(csvString).join(',') + '\r\n';
    const back = parse(line, { record_delimiter: '\r\n' }) as string[][];
    assert.deepEqual(back[0]!.map(un), HOSTILE);
    for (const v of back[0]!) assert.ok(!/^[=+\-@\t\r\n\0]/.test(v));
    // manifest beside the file, written last
    const m = JSON.parse(readFileSync(r.manifestPath, 'utf8'));
    assert.equal(m.rowCount, 450);
    assert.equal(m.appVersion, '9.9.9');
    assert.deepEqual(m.workspaces.map((w: { workspaceId: string; firstSeq: number; lastSeq: number; chain: { status: string; headSeq: number } }) => [w.workspaceId, w.firstSeq, w.lastSeq, w.chain.status, w.chain.headSeq]), [['ws_a', 1, 300, 'verified', 300], ['ws_b', 1, 150, 'verified', 150]]);
    const ok = await s.svc.verify({ manifest: r.manifestPath }, CLI_CONTEXT.capabilities);
    assert.equal(ok.ok, true, JSON.stringify(ok.checks.filter((c) => !c.ok)));
    // progress reached done with totals
    const last = s.progress.filter((p) => (p as unknown as { kind: string }).kind === 'audit.export').at(-1)!;
    assert.deepEqual([last.state, last.done, last.total], ['done', 450, 450]);
    assert.equal(s.svc.exports(10).exports.length, 1);
    assert.equal(s.svc.exports(10).exports[0]!.lastVerifyOk, true);
  } finally {
    s.close();
  }
});

test('verify fails on a one-byte change and on a reordered row; BOM profile and JSONL verify', async () => {
  const s = await setup();
  try {
    const out = join(s.dir, 'x.csv');
    const r = await s.svc.export({ out, format: 'csv', bom: true, workspaces: ['ws_a'], statusClass: ['2xx'] }, CLI_CONTEXT.capabilities);
    const orig = readFileSync(out);
    assert.deepEqual([...orig.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal((await s.svc.verify({ manifest: r.manifestPath }, CLI_CONTEXT.capabilities)).ok, true);
    // one byte: flip a digit of a status in the middle of the file
    const flipped = Buffer.from(orig);
    const at = flipped.indexOf(',200,', Math.floor(flipped.length / 2));
    flipped[at + 1] = '3'.charCodeAt(0);
    writeFileSync(out, flipped);
    const bad = await s.svc.verify({ manifest: r.manifestPath }, CLI_CONTEXT.capabilities);
    assert.equal(bad.ok, false);
    // the file is no longer the one its history row recorded, too
    assert.deepEqual(bad.checks.filter((c) => !c.ok).map((c) => c.name).sort(), ['event hashes', 'first problems', 'history record', 'sha256']);
    // reordered rows (same bytes, same length)
    const lines = orig.toString('utf8').split('\r\n');
    [lines[5], lines[6]] = [lines[6]!, lines[5]!];
    writeFileSync(out, lines.join('\r\n'));
    const re = await s.svc.verify({ manifest: r.manifestPath }, CLI_CONTEXT.capabilities);
    assert.equal(re.ok, false);
    const failed = re.checks.filter((c) => !c.ok).map((c) => c.name);
    assert.ok(failed.includes('sha256') && failed.includes('order'), failed.join());
    // JSONL
    const j = await s.svc.export({ out: join(s.dir, 'x.jsonl'), format: 'jsonl', bom: false, q: 'HYPERLINK' }, CLI_CONTEXT.capabilities);
    assert.ok(j.rowCount > 0);
    assert.equal((await s.svc.verify({ manifest: j.manifestPath }, CLI_CONTEXT.capabilities)).ok, true);
    const jt = readFileSync(j.path, 'utf8').replace('"status":2', '"status":5');
    writeFileSync(j.path, jt);
    assert.equal((await s.svc.verify({ manifest: j.manifestPath }, CLI_CONTEXT.capabilities)).ok, false);
  } finally {
    s.close();
  }
});

test('cancel removes the temp file; the app transport may only write into the exports folder', async () => {
  const s = await setup();
  try {
    const p = s.svc.export({ format: 'csv', bom: false, taskId: 't1' }, IPC_CONTEXT.capabilities);
    s.svc.cancel('t1');
    await assert.rejects(p, /cancelled/);
    await assert.rejects(s.svc.export({ out: '../../etc/evil.csv', format: 'csv', bom: false }, IPC_CONTEXT.capabilities), /plain file name/);
    const ok = await s.svc.export({ out: 'mine.csv', format: 'csv', bom: false }, SERVE_CONTEXT.capabilities);
    assert.ok(ok.path.startsWith(join(s.dir, 'exports')));
    await assert.rejects(s.svc.verify({ manifest: '/etc/passwd' }, IPC_CONTEXT.capabilities), /exports folder/);
    assert.equal((await s.svc.verify({ exportId: ok.exportId }, IPC_CONTEXT.capabilities)).ok, true);
  } finally {
    s.close();
  }
});
