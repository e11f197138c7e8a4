// A cache with real hash chains (applied through the sync engine's page path, then indexed) and the archive service over
// it, for the archive tests. Two workspaces spanning two years, hostile fields, MCP and webhook surfaces.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createDuckdbEngine } from '../../../src-main/adapters/duckdb.ts';
import { createFileLock } from '../../../src-main/adapters/file-lock.ts';
import { createAuditService } from '../../../src-main/services/audit/audit-service.ts';
import { createArchiveService } from '../../../src-main/services/audit/archive-service.ts';
import { createArchiveCache } from '../../../src-main/services/audit/archive-cache.ts';
import { createAuditIndexer } from '../../../src-main/services/audit/indexer.ts';
import { NO_NAMES } from '../../../src-main/services/audit/names.ts';
import { createEventBus } from '../../../src-main/services/event-bus.ts';
import { createPlatformClient } from '../../../src-main/platform/index.ts';
import type { AuditEventRow, AuditFilter } from '../../../src-common/contract/index.ts';
import { makeChain, type ChainEvent } from '../../support/audit-chain.ts';

const quiet = { info() {}, warn() {}, error() {} };
const noPlatform = { call: () => assert.fail('the archive tests must not call the platform') };
export const NOW = Date.parse('2027-03-01T00:00:00Z');

export function chains(): Record<string, ChainEvent[]> {
  return {
    // every 6 h for ~2 years, every 7th event hostile (in every text field)
    ws_alpha: makeChain('ws_alpha', 2900, { seed: 3, startMs: Date.parse('2025-01-01T00:00:00Z'), stepMs: 6 * 3600_000, hostileEvery: 7, hostileFields: true, surfaces: true }),
    // every 11 h, from spring 2025
    ws_beta: makeChain('ws_beta', 1300, { seed: 4, startMs: Date.parse('2025-04-10T05:00:00Z'), stepMs: 11 * 3600_000, surfaces: true }),
  };
}

export function setup(c: Record<string, ChainEvent[]> = chains()) {
  const dir = mkdtempSync(join(tmpdir(), 'gd-archive-'));
  const db = openCache(dir);
  const bus = createEventBus();
  let now = NOW;
  const clock = { now: () => now };
  const audit = createAuditService({ db, dataDir: dir, appVersion: 't', bus, clock, logger: quiet, platform: createPlatformClient(noPlatform), directory: null, concurrency: () => 2 });
  for (const [ws, chain] of Object.entries(c)) for (let i = 0; i < chain.length; i += 500) assert.equal(audit.engine.applyPage(ws, chain.slice(i, i + 500) as never).kind, 'applied');
  createAuditIndexer(db).catchUp();
  const engine = createDuckdbEngine();
  const archive = createArchiveService({ db, dataDir: dir, appVersion: 't', clock, bus, engine, lock: createFileLock(dir), retentionDays: () => 400, names: NO_NAMES, cachePage: (f) => audit.query(f) });
  return {
    dir,
    db,
    audit,
    archive,
    engine,
    cache: () => createArchiveCache(db),
    setNow: (ms: number) => (now = ms),
    close: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** every page of an explorer query, newest first */
export async function allPages(page: (f: AuditFilter & { cursor?: string; limit: number }) => Promise<{ rows: AuditEventRow[]; nextCursor: string | null }> | { rows: AuditEventRow[]; nextCursor: string | null }, f: AuditFilter, limit = 137): Promise<AuditEventRow[]> {
  const out: AuditEventRow[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const p = await page({ ...f, cursor, limit });
    out.push(...p.rows);
    if (!p.nextCursor) return out;
    cursor = p.nextCursor;
  }
  throw new Error('paging did not end');
}

export const keyOf = (r: { workspaceId: string; seq: number }) => `${r.workspaceId}#${r.seq}`;
