// Bench: grantdesk archive of 1M audit events (50 workspaces × 20,000 events over the 28 months that end 14 months ago,
// all but the newest of each workspace older than the 400-day retention; real hash chains applied through the sync
// engine's page path and indexed as behind a sync). Figures: the cache's size per 1M events,
// the archive run (events, files, Parquet bytes per event, time), the cache's live size after it, verify's time, and the
// explorer's filters over the archive through DuckDB (first page), alone and with the cache. ARCHIVE_EVENTS=N changes N.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCache } from '../src-main/adapters/sqlite.ts';
import { createDuckdbEngine } from '../src-main/adapters/duckdb.ts';
import { createFileLock } from '../src-main/adapters/file-lock.ts';
import { createAuditService } from '../src-main/services/audit/audit-service.ts';
import { createArchiveService } from '../src-main/services/audit/archive-service.ts';
import { createAuditIndexer } from '../src-main/services/audit/indexer.ts';
import { NO_NAMES } from '../src-main/services/audit/names.ts';
import { createEventBus } from '../src-main/services/event-bus.ts';
import { createPlatformClient } from '../src-main/platform/index.ts';
import { CLI_CONTEXT } from '../src-main/rpc/handlers.ts';
import type { AuditFilter } from '../src-common/contract/index.ts';
import { makeChain } from '../test/support/audit-chain.ts';

const EVENTS = Number(process.env.ARCHIVE_EVENTS ?? 1_000_000);
const WORKSPACES = 50;
const START = Date.parse('2023-06-01T00:00:00Z');
const END = Date.parse('2025-10-01T00:00:00Z');
const NOW = Date.parse('2026-12-01T00:00:00Z');
const MB = 1024 * 1024;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

function liveBytes(db: ReturnType<typeof openCache>): number {
  const page = db.pragma('page_size', { simple: true }) as number;
  return ((db.pragma('page_count', { simple: true }) as number) - (db.pragma('freelist_count', { simple: true }) as number)) * page;
}

export async function run(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'gd-bench-archive-'));
  try {
    const db = openCache(dir);
    const clock = { now: () => NOW };
    const audit = createAuditService({ db, dataDir: dir, appVersion: 'bench', bus: createEventBus(), clock, logger: { info() {}, warn() {}, error() {} }, platform: createPlatformClient({ call: () => Promise.reject(new Error('no platform in the bench')) }), directory: null, concurrency: () => 1 });
    const perWs = Math.ceil(EVENTS / WORKSPACES);
    const stepMs = Math.floor((END - START) / perWs);
    const t0 = performance.now();
    for (let w = 0; w < WORKSPACES; w++) {
      const ws = `ws_${String(w).padStart(3, '0')}`;
      const chain = makeChain(ws, perWs, { seed: w + 1, startMs: START + w * 60_000, stepMs, hostileEvery: 97, surfaces: true });
      for (let i = 0; i < chain.length; i += 2000) audit.engine.applyPage(ws, chain.slice(i, i + 2000) as never);
    }
    const loadMs = performance.now() - t0;
    const ix = await timed(() => createAuditIndexer(db).catchUp());
    db.pragma('wal_checkpoint(TRUNCATE)');
    const cached = audit.summary({ top: 1 }).count;
    const cacheBytes = statSync(join(dir, 'cache.db')).size;

    const archive = createArchiveService({ db, dataDir: dir, appVersion: 'bench', clock, engine: createDuckdbEngine({ threads: 2 }), lock: createFileLock(dir), retentionDays: () => 400, names: NO_NAMES, cachePage: (f) => audit.query(f) });
    const folder = join(dir, 'archive');
    const run1 = await timed(() => archive.create({ out: folder }, CLI_CONTEXT.capabilities));
    const r = run1.value;
    const liveAfter = liveBytes(db);
    const verify = await timed(() => archive.verify({ archive: r.folder }, CLI_CONTEXT.capabilities));
    if (!verify.value.ok) throw new Error(`the archive did not verify: ${JSON.stringify(verify.value.checks.filter((c) => !c.ok)).slice(0, 400)}`);

    const cases: [string, AuditFilter][] = [
      ['no filter', {}],
      ['one workspace + endpoint', { workspaces: ['ws_007'], endpoint: '/v1/contacts/export' }],
      ['caller IP block', { ip: '10.2.0.0/16' }],
      ['month range', { from: '2025-03-01', to: '2025-04-01' }],
      ['MCP tool', { mcpTool: 'search_contacts' }],
      ['full text', { q: 'HYPERLINK' }],
    ];
    const queries: Record<string, number> = {};
    const lines: string[] = [];
    for (const [label, f] of cases) {
      const alone: number[] = [];
      const both: number[] = [];
      let rows = 0;
      for (let i = 0; i < 3; i++) {
        alone.push((await timed(async () => (rows = (await archive.query({ archive: r.folder, ...f, includeCache: false, limit: 200 }, CLI_CONTEXT.capabilities)).rows.length))).ms);
        both.push((await timed(() => archive.query({ archive: r.folder, ...f, includeCache: true, limit: 200 }, CLI_CONTEXT.capabilities))).ms);
      }
      queries[`query_${label.replace(/\W+/g, '_')}_ms`] = Math.round(median(alone));
      lines.push(`    ${label.padEnd(26)} archive ${Math.round(median(alone))} ms (${rows} rows), archive + cache ${Math.round(median(both))} ms`);
    }
    const out = {
      events: cached,
      workspaces: WORKSPACES,
      load_ms: Math.round(loadMs),
      index_ms: Math.round(ix.ms),
      cache_bytes_per_1m: Math.round((cacheBytes / cached) * 1e6),
      archived_events: r.rows,
      archive_files: r.files,
      archive_bytes: r.bytes,
      archive_bytes_per_event: Number((r.bytes / Math.max(1, r.rows)).toFixed(1)),
      archive_ms: Math.round(run1.ms),
      cache_live_bytes_after: liveAfter,
      verify_ms: Math.round(verify.ms),
      ...queries,
    };
    console.log(`archive: ${cached} events in ${WORKSPACES} workspaces (${new Date(START).toISOString().slice(0, 10)} to ${new Date(END).toISOString().slice(0, 10)}; now ${new Date(NOW).toISOString().slice(0, 10)}), loaded through the sync page path in ${(loadMs / 1000).toFixed(1)} s, indexed in ${(ix.ms / 1000).toFixed(1)} s`);
    console.log(`  cache: ${(cacheBytes / MB).toFixed(0)} MB on disk = ${(out.cache_bytes_per_1m / MB).toFixed(0)} MB per 1M events (events, full-text index, secondary indexes, aggregates)`);
    console.log(`  grantdesk archive (retention 400 days): ${r.rows} events into ${r.files} Parquet files, ${(r.bytes / MB).toFixed(1)} MB (${out.archive_bytes_per_event} bytes/event, zstd), in ${(run1.ms / 1000).toFixed(1)} s (write, re-read and re-hash, remove from the cache)`);
    console.log(`  cache after: ${(liveAfter / MB).toFixed(0)} MB live (of ${(statSync(join(dir, 'cache.db')).size / MB).toFixed(0)} MB on disk until VACUUM), ${cached - r.rows} events`);
    console.log(`  grantdesk verify DIR: ${verify.value.files} files, ${verify.value.rows} events re-hashed, in ${(verify.ms / 1000).toFixed(1)} s`);
    console.log('  audit query --archive (first page of 200, median of 3):');
    for (const l of lines) console.log(l);
    db.close();
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
