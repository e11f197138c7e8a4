// grantdesk archive under attack and interruption: a run stopped before its manifest leaves every event in the cache and
// its files as reported orphans that no query reads; a run stopped after its manifest leaves the events cached too, and
// the next run re-verifies and removes them without archiving them twice; an existing file is never overwritten; a
// hostile manifest cannot point DuckDB outside the folder; the app (serve/IPC) names only a folder inside the data dir;
// the retention window is a validated setting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_CONTEXT, SERVE_CONTEXT } from '../../../src-main/rpc/handlers.ts';
import { AppError } from '../../../src-main/rpc/app-error.ts';
import { runArchive } from '../../../src-main/services/audit/archive.ts';
import { partitionFiles, partPath, readManifests } from '../../../src-main/services/audit/archive-manifest.ts';
import { settingsSchema, DEFAULT_SETTINGS } from '../../../src-common/contract/index.ts';
import { allPages, chains, keyOf, setup, NOW } from './archive-support.ts';

const BEFORE_MS = Date.parse('2026-01-01');
const caps = CLI_CONTEXT.capabilities;
const archivedCount = () =>
  Object.values(chains())
    .flat()
    .filter((e) => Date.parse(e.occurred_at) < BEFORE_MS).length;

test('stopped before the manifest: nothing leaves the cache, the files are orphans that are reported and never read', async () => {
  const s = setup();
  try {
    const folder = join(s.dir, 'arch');
    mkdirSync(folder);
    const total = s.audit.summary({ top: 1 }).count;
    await assert.rejects(runArchive(s.cache(), s.engine, { folder, beforeMs: BEFORE_MS, appVersion: 't', now: () => NOW, caps, crashAt: 'after-files' }), /test crash/);
    assert.equal(s.audit.summary({ top: 1 }).count, total, 'every event is still cached');
    const orphans = partitionFiles(folder);
    assert.ok(orphans.length > 10);
    assert.equal(readManifests(folder).length, 0);
    // verify reports them; the next run reports them, archives everything once and removes it from the cache once
    const v = await s.archive.verify({ archive: folder }, caps);
    assert.equal(v.orphans.length, orphans.length);
    const r = await s.archive.create({ out: folder, before: '2026-01-01' }, caps);
    assert.deepEqual(r.orphans, orphans);
    assert.equal(r.rows, archivedCount());
    assert.equal(r.removedFromCache, archivedCount());
    // the orphans double nothing: the archive alone answers with each archived event once
    const rows = await allPages((p) => s.archive.query({ archive: r.folder, ...p, includeCache: false }, caps), {}, 1000);
    assert.equal(rows.length, archivedCount());
    assert.equal(new Set(rows.map(keyOf)).size, rows.length);
    const rep = await s.archive.verify({ archive: r.folder }, caps);
    assert.equal(rep.ok, true, JSON.stringify(rep.checks.filter((c) => !c.ok)));
    assert.ok(rep.checks.some((c) => c.name === 'unlisted files' && c.detail.startsWith(`${orphans.length} Parquet files`)));
  } finally {
    s.close();
  }
});

test('stopped after the manifest: the events are still cached; the next run re-verifies that run and removes them, archiving nothing twice', async () => {
  const s = setup();
  try {
    const folder = join(s.dir, 'arch');
    mkdirSync(folder);
    const total = s.audit.summary({ top: 1 }).count;
    await assert.rejects(runArchive(s.cache(), s.engine, { folder, beforeMs: BEFORE_MS, appVersion: 't', now: () => NOW, caps, crashAt: 'after-manifest' }), /test crash/);
    assert.equal(s.audit.summary({ top: 1 }).count, total);
    const files = partitionFiles(folder);
    // the query with the cache shows each event once although it is in both
    const both = await allPages((p) => s.archive.query({ archive: folder, ...p, includeCache: true }, caps), {}, 1000);
    assert.equal(both.length, total);
    assert.equal(new Set(both.map(keyOf)).size, total);
    const v = await s.archive.verify({ archive: folder }, caps);
    assert.equal(v.ok, true);
    assert.ok(v.checks.some((c) => /still holds seqs/.test(c.detail)));
    const r = await s.archive.create({ out: folder, before: '2026-01-01' }, caps);
    assert.equal(r.resumed, archivedCount());
    assert.equal(r.removedFromCache, archivedCount());
    assert.equal(r.files, 0, 'nothing archived twice');
    assert.deepEqual(partitionFiles(folder), files);
    assert.equal(s.audit.summary({ top: 1 }).count, total - archivedCount());
    assert.equal((await s.archive.verify({ archive: folder }, caps)).ok, true);
  } finally {
    s.close();
  }
});

test('an existing archive file is never overwritten: the run is refused, the file and the cache are untouched', async () => {
  const s = setup();
  try {
    const folder = join(s.dir, 'arch');
    const id = 'arc_20270301000000_0badf00d';
    // a file already where the run's first file goes (the same run id: planted, or a clock and random bytes repeating)
    const first = partPath('ws_alpha', '2025-01', id, 1);
    mkdirSync(join(folder, ...first.split('/').slice(0, -1)), { recursive: true });
    writeFileSync(join(folder, ...first.split('/')), 'precious');
    const total = s.audit.summary({ top: 1 }).count;
    await assert.rejects(runArchive(s.cache(), s.engine, { folder, beforeMs: BEFORE_MS, appVersion: 't', now: () => NOW, caps, archiveId: id }), (e: unknown) => e instanceof AppError && e.code === 'conflict' && /never overwrites/.test(e.message));
    assert.equal(readFileSync(join(folder, ...first.split('/')), 'utf8'), 'precious');
    assert.equal(s.audit.summary({ top: 1 }).count, total);
    // a manifest already at the run's manifest name: refused the same way, nothing removed
    const id2 = 'arc_20270301000000_0badf00e';
    mkdirSync(join(folder, '_grantdesk'), { recursive: true });
    writeFileSync(join(folder, '_grantdesk', `archive-${id2}.manifest.json`), '{"precious":true}');
    await assert.rejects(runArchive(s.cache(), s.engine, { folder, beforeMs: BEFORE_MS, appVersion: 't', now: () => NOW, caps, archiveId: id2 }), (e: unknown) => e instanceof AppError && e.code === 'conflict');
    assert.equal(readFileSync(join(folder, '_grantdesk', `archive-${id2}.manifest.json`), 'utf8'), '{"precious":true}');
    assert.equal(s.audit.summary({ top: 1 }).count, total);
  } finally {
    s.close();
  }
});

test('a hostile manifest cannot send DuckDB outside the folder; the app names archive folders inside the data dir only', async () => {
  const s = setup();
  try {
    const r = await s.archive.create({ out: join(s.dir, 'arch'), before: '2026-01-01' }, caps);
    const { path: mp } = readManifests(r.folder)[0]!;
    const m = JSON.parse(readFileSync(mp, 'utf8'));
    const secret = join(s.dir, 'secret.parquet');
    writeFileSync(secret, 'not yours');
    for (const evil of ['../secret.parquet', `workspace_id=ws_alpha/month=2025-01/../../../secret.parquet`, secret]) {
      m.files[0].path = evil;
      writeFileSync(mp, JSON.stringify(m));
      await assert.rejects(s.archive.query({ archive: r.folder, includeCache: false, limit: 10 }, caps), (e: unknown) => e instanceof AppError && e.code === 'invalid_input' && /not one of this run's partition files/.test(e.message));
      const v = await s.archive.verify({ archive: r.folder }, caps);
      assert.equal(v.ok, false);
    }
    // the app (serve, IPC) may only name a plain folder inside the data dir's archives folder
    for (const out of ['../elsewhere', '/tmp/x', 'a/b', '.hidden']) {
      await assert.rejects(s.archive.create({ out, before: '2026-01-01' }, SERVE_CONTEXT.capabilities), (e: unknown) => e instanceof AppError && e.code === 'invalid_input' && /plain folder name/.test(e.message));
    }
    assert.equal(existsSync(join(s.dir, 'elsewhere')), false);
    const fromApp = await s.archive.create({ out: 'quarterly', before: '2026-01-01' }, SERVE_CONTEXT.capabilities);
    assert.equal(fromApp.folder, join(s.dir, 'archives', 'quarterly'));
  } finally {
    s.close();
  }
});

test('filter text reaches DuckDB as data: quotes and SQL in the text filters nothing in and breaks nothing', async () => {
  const s = setup();
  try {
    const filters = [{ q: "x'); COPY (SELECT 1) TO '/tmp/pwn.parquet'; --" }, { endpoint: "/v1/'||(SELECT 1)||'*" }, { credential: "' OR 1=1 --" }, { q: '\'=HYPERLINK' }, { mcpTool: 'search_contacts' }];
    const expected = new Map<string, string[]>();
    for (const f of filters) expected.set(JSON.stringify(f), (await allPages((p) => s.audit.query(p), { ...f, to: '2026-01-01' }, 1000)).map(keyOf));
    assert.ok(expected.get(JSON.stringify({ mcpTool: 'search_contacts' }))!.length > 0);
    const r = await s.archive.create({ out: join(s.dir, 'arch'), before: '2026-01-01' }, caps);
    for (const f of filters) {
      const rows = await allPages((p) => s.archive.query({ archive: r.folder, ...p, includeCache: false }, caps), f, 1000);
      assert.deepEqual(rows.map(keyOf), expected.get(JSON.stringify(f)), JSON.stringify(f));
    }
    assert.equal(existsSync('/tmp/pwn.parquet'), false);
  } finally {
    s.close();
  }
});

test('the cache retention is a setting: 400 days by default, refused outside 30–3650 days; archive without --before uses it', async () => {
  assert.equal(DEFAULT_SETTINGS.cacheRetentionDays, 400);
  for (const bad of [0, 29, 3651, 1.5]) assert.equal(settingsSchema.safeParse({ ...DEFAULT_SETTINGS, cacheRetentionDays: bad }).success, false, String(bad));
  const s = setup();
  try {
    // NOW is 2027-03-01: 400 days before is 2026-01-25
    const r = await s.archive.create({ out: join(s.dir, 'arch') }, caps);
    assert.equal(r.before, new Date(NOW - 400 * 86_400_000).toISOString());
    const expected = Object.values(chains())
      .flat()
      .filter((e) => Date.parse(e.occurred_at) < NOW - 400 * 86_400_000).length;
    assert.equal(r.rows, expected);
    await assert.rejects(s.archive.create({ out: join(s.dir, 'arch'), before: '2099-01-01' }, caps), /in the future/);
  } finally {
    s.close();
  }
});
