// The CLI formats large CSV exports on worker threads (adapters/sqlite-read-pool.ts); the desktop app and small exports
// on the calling thread. Both must write the same bytes for the same cache, hostile strings included, and a failing or
// cancelled threaded export must leave nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createSqliteReadPool } from '../../../src-main/adapters/sqlite-read-pool.ts';
import { createAuditService } from '../../../src-main/services/audit/audit-service.ts';
import { runExport, type ExportOptions } from '../../../src-main/services/audit/export.ts';
import { createAuditIndexer } from '../../../src-main/services/audit/indexer.ts';
import { createEventBus } from '../../../src-main/services/event-bus.ts';
import { createPlatformClient } from '../../../src-main/platform/index.ts';
import { makeChain } from '../../support/audit-chain.ts';
import { createFakePlatform } from '../../support/audit-fake-platform.ts';

const quiet = { info() {}, warn() {}, error() {} };

async function cache() {
  const dir = mkdtempSync(join(tmpdir(), 'gd-exp-threads-'));
  const db = openCache(dir);
  // 2500 events cross the 2048-seq job boundary; hostile strings in every text column of many rows
  const chains = { ws_a: makeChain('ws_a', 2500, { seed: 21, hostileEvery: 3, hostileFields: true }), ws_b: makeChain('ws_b', 40, { seed: 22, hostileEvery: 2, hostileFields: true, surfaces: true }) };
  const fp = createFakePlatform(chains);
  const svc = createAuditService({ db, dataDir: dir, appVersion: '9.9.9', bus: createEventBus(), clock: { now: () => Date.now() }, logger: quiet, platform: createPlatformClient(fp), directory: fp.directory, concurrency: () => 2, pageSize: 500 });
  await svc.sync({});
  return { dir, db, chains, close: () => (db.close(), rmSync(dir, { recursive: true, force: true })) };
}

const base = (out: string): ExportOptions => ({ filters: {}, out, format: 'csv', bom: false, appVersion: 't', now: () => Date.parse('2026-01-01T00:00:00Z'), yieldEvery: async () => {} });

test('threaded and one-thread CSV exports write identical bytes and manifests, filtered or not, with rows larger than a slot', async () => {
  const c = await cache();
  // tiny slots: most job results (~0.8 MB) exceed them and travel in the worker's message instead of shared memory
  const pools = [createSqliteReadPool({ file: join(c.dir, 'cache.db'), threads: 2 }), createSqliteReadPool({ file: join(c.dir, 'cache.db'), threads: 3, slotBytes: 4096, slotsPerThread: 1 })];
  try {
    // a time window bound as parameters of every job (ws_a's events 100 to 2200: across job boundaries)
    const window = { from: c.chains.ws_a[100]!.occurred_at, to: c.chains.ws_a[2200]!.occurred_at };
    // not indexed (every line formatted), partly indexed (stored lines below the marker: migration 25), fully indexed
    const first = new Map<string, Buffer>();
    const indexer = createAuditIndexer(c.db);
    for (const stage of ['none', 'part', 'all'] as const) {
      if (stage === 'part') indexer.step(1700, 1000);
      if (stage === 'all') indexer.catchUp();
      for (const filters of [{}, { workspaces: ['ws_a'], statusClass: ['2xx' as const] }, window]) {
        const oneProgress: [number, number][] = [];
        const one = await runExport(c.db, { ...base(join(c.dir, `one-${Math.random()}.csv`)), filters, onProgress: (d, t) => oneProgress.push([d, t]) });
        // on this thread too: the real total first, then counts up to it
        assert.deepEqual([oneProgress[0], oneProgress.at(-1)], [[0, one.rowCount], [one.rowCount, one.rowCount]], `progress of ${JSON.stringify(filters)}`);
        assert.ok(one.rowCount > 0, JSON.stringify(filters));
        const key = JSON.stringify(filters);
        if (stage === 'none') first.set(key, readFileSync(one.path));
        else assert.deepEqual(readFileSync(one.path), first.get(key), `${stage} indexed: the same bytes for ${key}`);
        for (const pool of pools) {
          const progress: [number, number][] = [];
          const many = await runExport(c.db, { ...base(join(c.dir, `many-${Math.random()}.csv`)), filters, pool, poolMinRows: 0, onProgress: (d, t) => progress.push([d, t]) });
          assert.deepEqual(readFileSync(many.path), readFileSync(one.path), `same bytes for ${JSON.stringify(filters)}`);
          assert.equal(many.sha256, one.sha256);
          assert.deepEqual(many.manifest.workspaces, one.manifest.workspaces);
          assert.equal(many.rowCount, one.rowCount);
          // the real total comes first, then counts up to it
          assert.deepEqual(progress[0], [0, one.rowCount]);
          assert.deepEqual(progress.at(-1), [one.rowCount, one.rowCount]);
        }
      }
    }
  } finally {
    for (const p of pools) await p.close();
    c.close();
  }
});

test('a cancelled threaded export leaves no file and no temp file, and its threads end', async () => {
  const c = await cache();
  const pool = createSqliteReadPool({ file: join(c.dir, 'cache.db'), threads: 2, slotsPerThread: 1 });
  try {
    const ac = new AbortController();
    const out = join(c.dir, 'out', 'cancelled.csv');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(c.dir, 'out'));
    let seen = 0;
    await assert.rejects(
      runExport(c.db, { ...base(out), pool, poolMinRows: 0, signal: ac.signal, onProgress: () => ++seen === 2 && ac.abort() }),
      /cancelled/,
    );
    assert.deepEqual(readdirSync(join(c.dir, 'out')), [], 'neither the file, its manifest nor a temp file is left');
    // the pool's threads are gone: a new run starts fresh ones and still produces the whole export
    const again = await runExport(c.db, { ...base(out), pool, poolMinRows: 0 });
    assert.equal(again.rowCount, 2540);
  } finally {
    await pool.close();
    c.close();
  }
});

test('a cache file the threads cannot open fails the export with a sentence, and nothing is written', async () => {
  const c = await cache();
  const pool = createSqliteReadPool({ file: join(c.dir, 'no-such.db'), threads: 2 });
  try {
    const out = join(c.dir, 'broken.csv');
    await assert.rejects(runExport(c.db, { ...base(out), pool, poolMinRows: 0 }), (err: Error & { code?: string }) => err.code === 'io_error' && /thread reading the cache/.test(err.message));
    assert.deepEqual(readdirSync(c.dir).filter((f) => f.includes('broken')), []);
  } finally {
    await pool.close();
    c.close();
  }
});
