// grantdesk archive, end to end over a real cache: the cache shrinks by exactly the archived events, the explorer's filters
// over the archive return what the cache returned before (alone for the archived span, and with --include-cache for
// everything), the Parquet files read by a fresh DuckDB with hive partitioning, the first cached event still links, the
// full text and aggregates forget exactly the archived events, and the archive verifies until one byte of it changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { CLI_CONTEXT } from '../../../src-main/rpc/handlers.ts';
import { readManifests } from '../../../src-main/services/audit/archive-manifest.ts';
import type { AuditFilter } from '../../../src-common/contract/index.ts';
import { allPages, chains, keyOf, setup } from './archive-support.ts';

const BEFORE = '2026-01-01';
const BEFORE_MS = Date.parse(BEFORE);
const FILTERS: AuditFilter[] = [
  {},
  { workspaces: ['ws_beta'] },
  { endpoint: '/v1/contacts*' },
  { method: 'POST', statusClass: ['2xx'] },
  { ip: '10.1.0.0/16' },
  { ip: '2001:db8::/32', pii: true },
  { surface: 'mcp' },
  { mcpTool: 'search_contacts' },
  { from: '2025-03-01', to: '2025-09-01T12:00:00Z' },
  { q: 'HYPERLINK' },
  { q: 'evil' },
  { q: 'ünïcödé' },
  { q: 'cred_1*' },
  { credentialType: 'oauth_app', workspaces: ['ws_alpha'] },
];

test('round trip: the cache shrinks exactly, the archive answers every filter as the cache did, a fresh DuckDB reads it', async () => {
  const s = setup();
  try {
    const c = chains();
    const all = Object.values(c).flat();
    const before = new Map<string, string[]>();
    for (const f of FILTERS) before.set(JSON.stringify(f), (await allPages((p) => s.audit.query(p), f)).map(keyOf));
    for (const f of FILTERS) assert.ok(before.get(JSON.stringify(f))!.length > 0, `filter ${JSON.stringify(f)} has cached events`);
    const cachedBefore = s.audit.summary({ top: 5 }).count;
    assert.equal(cachedBefore, all.length);

    const r = await s.archive.create({ out: join(s.dir, 'arch'), before: BEFORE }, CLI_CONTEXT.capabilities);
    const archived = all.filter((e) => Date.parse(e.occurred_at) < BEFORE_MS);
    assert.equal(r.rows, archived.length);
    assert.equal(r.removedFromCache, archived.length);
    assert.equal(r.resumed, 0);
    assert.ok(r.files > 20, `one file per workspace-month (${r.files})`);
    // the cache shrank by exactly the archived events, and every one left is newer than the cut
    assert.equal(s.audit.summary({ top: 5 }).count, cachedBefore - archived.length);
    // the per-workspace event counts of audit status (kept by sync and archive, not counted per call) follow exactly
    for (const w of s.audit.status().workspaces) {
      const wsAll = all.filter((e) => e.workspace_id === w.workspaceId);
      assert.equal(w.eventCount, wsAll.length - wsAll.filter((e) => Date.parse(e.occurred_at) < BEFORE_MS).length, `${w.workspaceId}: event count after the archive`);
    }
    const left = await allPages((p) => s.audit.query(p), {});
    assert.equal(left.length, all.length - archived.length);
    assert.ok(left.every((e) => Date.parse(e.occurredAt) >= BEFORE_MS));
    // the aggregates and the full text forget exactly the archived events
    assert.equal(s.audit.timeline({ buckets: 50 }).total, all.length - archived.length);
    assert.equal((await allPages((p) => s.audit.query(p), { q: 'HYPERLINK' })).length, before.get(JSON.stringify({ q: 'HYPERLINK' }))!.filter((k) => !archived.some((e) => keyOf({ workspaceId: e.workspace_id, seq: e.seq }) === k)).length);

    const folder = r.folder;
    for (const f of FILTERS) {
      const expected = before.get(JSON.stringify(f))!;
      const oldOnes = new Set(archived.map((e) => `${e.workspace_id}#${e.seq}`));
      // the archive alone: what the cache returned, for the archived span
      const fromArchive = (await allPages((p) => s.archive.query({ archive: folder, ...p, includeCache: false }, CLI_CONTEXT.capabilities), f, 400)).map(keyOf);
      assert.deepEqual(fromArchive, expected.filter((k) => oldOnes.has(k)), `archive alone, ${JSON.stringify(f)}`);
      // archive and cache together: exactly what the cache returned before, in the same order
      const both = (await allPages((p) => s.archive.query({ archive: folder, ...p, includeCache: true }, CLI_CONTEXT.capabilities), f, 333)).map(keyOf);
      assert.deepEqual(both, expected, `archive + cache, ${JSON.stringify(f)}`);
    }
    // the rows themselves are the cached ones (every field), not just their keys
    const a = await s.archive.query({ archive: folder, workspaces: ['ws_alpha'], limit: 50, includeCache: false }, CLI_CONTEXT.capabilities);
    const byKey = new Map(c.ws_alpha!.map((e) => [e.seq, e]));
    for (const row of a.rows) {
      const e = byKey.get(row.seq)!;
      assert.deepEqual([row.eventId, row.occurredAt, row.credentialId, row.endpoint, row.status, row.piiAccessed, row.surface, row.mcpTool, JSON.parse(row.paramsJson)], [e.id, e.occurred_at, e.credential_id, e.endpoint, e.status, e.pii_accessed, e.surface, e.mcp_tool ?? null, e.params]);
    }

    // the first cached event still links: to the archive's last hash (audit_archive_anchors)
    const firstLeft = Math.min(...left.filter((e) => e.workspaceId === 'ws_alpha').map((e) => e.seq));
    const ev = s.audit.event('ws_alpha', firstLeft);
    assert.equal(ev.chain.linkValid, true);
    assert.equal(ev.chain.hashValid, true);

    // a fresh DuckDB, not Grantdesk's session: the hive partitions are workspace_id and month
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    const rows = (await duck.runAndReadAll(`SELECT workspace_id, month, count(*)::INTEGER AS n, min(seq)::INTEGER AS lo, max(seq)::INTEGER AS hi FROM read_parquet('${folder.replace(/'/g, "''")}/*/*/*.parquet', hive_partitioning = true) GROUP BY ALL ORDER BY ALL`)).getRowObjects();
    assert.equal(rows.reduce((x, y) => x + (y.n as number), 0), archived.length);
    assert.deepEqual([...new Set(rows.map((x) => x.workspace_id))], ['ws_alpha', 'ws_beta']);
    for (const x of rows) assert.match(String(x.month), /^\d{4}-\d{2}$/);
    assert.equal(rows.filter((x) => x.workspace_id === 'ws_alpha').reduce((m, x) => Math.max(m, x.hi as number), 0), firstLeft - 1);
    duck.closeSync();

    // a second run with nothing older left adds nothing and removes nothing
    const again = await s.archive.create({ out: folder, before: BEFORE }, CLI_CONTEXT.capabilities);
    assert.equal(again.files, 0);
    assert.equal(again.removedFromCache, 0);
    assert.equal(again.archiveId, null);
  } finally {
    s.close();
  }
});

test('verify passes on the archive as written and fails after a one-byte change of a Parquet file or of its manifest', async () => {
  const s = setup();
  try {
    const r = await s.archive.create({ out: join(s.dir, 'arch'), before: BEFORE }, CLI_CONTEXT.capabilities);
    const ok = await s.archive.verify({ archive: r.folder }, CLI_CONTEXT.capabilities);
    assert.equal(ok.ok, true, JSON.stringify(ok.checks.filter((c) => !c.ok)));
    assert.equal(ok.rows, r.rows);
    assert.ok(ok.checks.some((c) => c.name === 'chain ws_alpha' && /linked/.test(c.detail) && /cache continues/.test(c.detail)));

    const m = readManifests(r.folder)[0]!.manifest!;
    const file = join(r.folder, ...m.files[3]!.path.split('/'));
    const bytes = readFileSync(file);
    const flipped = Buffer.from(bytes);
    const at = Math.floor(bytes.length / 2);
    flipped[at] = flipped[at]! ^ 0x01;
    writeFileSync(file, flipped);
    const bad = await s.archive.verify({ archive: r.folder }, CLI_CONTEXT.capabilities);
    assert.equal(bad.ok, false);
    assert.ok(bad.checks.some((c) => !c.ok && c.detail.includes(m.files[3]!.path) && /SHA-256/.test(c.detail)), JSON.stringify(bad.checks.filter((c) => !c.ok)));
    writeFileSync(file, bytes);
    assert.equal((await s.archive.verify({ archive: r.folder }, CLI_CONTEXT.capabilities)).ok, true, 'the original bytes verify again');

    // a manifest edited to match a forged row count is caught by the rows themselves
    const mp = readManifests(r.folder)[0]!.path;
    const text = readFileSync(mp, 'utf8');
    writeFileSync(mp, text.replace(`"rows": ${m.files[0]!.rows},`, `"rows": ${m.files[0]!.rows + 1},`));
    const forged = await s.archive.verify({ archive: r.folder }, CLI_CONTEXT.capabilities);
    assert.equal(forged.ok, false);
    assert.ok(forged.checks.some((c) => !c.ok && /holds \d+ events, the manifest says/.test(c.detail)));
  } finally {
    s.close();
  }
});

test('a chain rewritten inside a Parquet file with its SHA-256 updated in the manifest is caught by re-hashing the rows', async () => {
  const s = setup();
  try {
    const r = await s.archive.create({ out: join(s.dir, 'arch'), before: BEFORE }, CLI_CONTEXT.capabilities);
    const { manifest, path: mp } = readManifests(r.folder)[0]!;
    const f = manifest!.files[1]!;
    const file = join(r.folder, ...f.path.split('/'));
    // rewrite the file with one endpoint changed (a careful forger rewrites the Parquet and fixes the manifest's hash)
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    const lit = (p: string) => `'${p.replace(/'/g, "''")}'`;
    await duck.run(`COPY (SELECT * REPLACE (CASE WHEN seq = ${f.firstSeq + 1} THEN '/v1/forged' ELSE endpoint END AS endpoint) FROM read_parquet(${lit(file)}) ORDER BY seq) TO ${lit(`${file}.forged`)} (FORMAT parquet)`);
    duck.closeSync();
    const forgedBytes = readFileSync(`${file}.forged`);
    writeFileSync(file, forgedBytes);
    const { createHash } = await import('node:crypto');
    const m = JSON.parse(readFileSync(mp, 'utf8'));
    const entry = m.files.find((x: { path: string }) => x.path === f.path);
    entry.sha256 = createHash('sha256').update(forgedBytes).digest('hex');
    entry.bytes = forgedBytes.length;
    writeFileSync(mp, JSON.stringify(m, null, 2));
    const rep = await s.archive.verify({ archive: r.folder }, CLI_CONTEXT.capabilities);
    assert.equal(rep.ok, false);
    assert.ok(rep.checks.some((c) => !c.ok && c.detail.includes(`seq ${f.firstSeq + 1} does not hash to its hash`)), JSON.stringify(rep.checks.filter((c) => !c.ok)));
  } finally {
    s.close();
  }
});

test('a long month splits into several files that still tile the chain; a second run continues where the first stopped', async () => {
  const { runArchive } = await import('../../../src-main/services/audit/archive.ts');
  const s = setup();
  try {
    const folder = join(s.dir, 'arch');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(folder);
    const r1 = await runArchive(s.cache(), s.engine, { folder, beforeMs: Date.parse('2025-07-01'), appVersion: 't', now: () => Date.now(), caps: CLI_CONTEXT.capabilities, maxRowsPerFile: 40 });
    const m = readManifests(folder)[0]!.manifest!;
    const months = m.files.filter((f) => f.workspaceId === 'ws_alpha' && f.month === '2025-02');
    assert.ok(months.length >= 3, `February in ${months.length} files`);
    assert.ok(m.files.every((f) => f.rows <= 40));
    const r2 = await s.archive.create({ out: folder, before: BEFORE }, CLI_CONTEXT.capabilities);
    const expected = Object.values(chains()).flat().filter((e) => Date.parse(e.occurred_at) < BEFORE_MS).length;
    assert.equal(r1.rows + r2.rows, expected);
    const v = await s.archive.verify({ archive: folder }, CLI_CONTEXT.capabilities);
    assert.equal(v.ok, true, JSON.stringify(v.checks.filter((c) => !c.ok)));
    assert.equal(v.archives.length, 2);
    assert.equal(v.rows, expected);
    const rows = await allPages((p) => s.archive.query({ archive: folder, ...p, includeCache: false }, CLI_CONTEXT.capabilities), { workspaces: ['ws_alpha'] }, 500);
    assert.deepEqual(rows.map((x) => x.seq), chains().ws_alpha!.filter((e) => Date.parse(e.occurred_at) < BEFORE_MS).map((e) => e.seq).reverse());
  } finally {
    s.close();
  }
});
