// The archive commands (contract archive.ts): where the folder may be (any path from the user's shell; from the app a
// plain folder name inside the data dir's archives folder), the cut (--before, or now minus the cache retention from
// settings), one archive run at a time across processes, and the DuckDB engine through its port.
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { ArchiveResult, ArchiveVerifyReport, AuditFilter, AuditPage, Input } from '../../../src-common/contract/index.ts';
import type { Clock } from '../../ports/clock.ts';
import type { ColumnarEngine } from '../../ports/columnar.ts';
import type { Db } from '../../ports/db.ts';
import type { EventBus } from '../../ports/events.ts';
import type { KeyedLock } from '../../ports/lock.ts';
import { AppError } from '../../rpc/app-error.ts';
import type { Capabilities } from '../../rpc/handlers.ts';
import { resolveOutputPath } from '../output-path.ts';
import { createArchiveCache } from './archive-cache.ts';
import { MANIFEST_DIR } from './archive-manifest.ts';
import { queryArchive } from './archive-query.ts';
import { verifyArchiveFolder } from './archive-verify.ts';
import { runArchive } from './archive.ts';
import { resolveNames, type AuditNameSource } from './names.ts';

const DAY = 86_400_000;

export interface ArchiveServiceDeps {
  db: Db;
  dataDir: string;
  appVersion: string;
  clock: Clock;
  bus?: EventBus;
  engine: ColumnarEngine;
  lock: KeyedLock;
  /** settings.cacheRetentionDays */
  retentionDays: () => number;
  names: AuditNameSource;
  /** the explorer's page over the cache (the audit service's query) */
  cachePage: (f: AuditFilter & { cursor?: string; limit?: number }) => AuditPage;
}

export function createArchiveService(d: ArchiveServiceDeps) {
  let cache: ReturnType<typeof createArchiveCache> | null = null;
  // built on first use: it reads the audit_events columns as the migrations left them
  const archiveCache = () => (cache ??= createArchiveCache(d.db));
  const ridOf = d.db.prepare<[string, number], { rid: number }>('SELECT rid FROM audit_events WHERE workspace_id = ? AND seq = ?');
  const archivesDir = join(d.dataDir, 'archives');

  /** the folder a caller named, resolved the way output folders are (output-path.ts), without following a symlink twice */
  function folderOf(name: string, caps: Capabilities, create: boolean): string {
    let path: string;
    try {
      path = resolveOutputPath(caps, { out: name, folder: archivesDir, defaultName: name, kind: 'folder' });
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_input') throw new AppError('invalid_input', `Archive folder: from the app only a plain folder name is accepted (letters, digits, spaces, . _ -); it is kept in ${archivesDir}.`);
      throw err;
    }
    if (create) mkdirSync(path, { recursive: true, mode: 0o700 });
    try {
      return realpathSync(path);
    } catch {
      throw new AppError('not_found', `No archive folder ${path}; archive into it with grantdesk archive --out ${path}`);
    }
  }

  return {
    async create(input: Input<'archive.create'>, caps: Capabilities): Promise<ArchiveResult> {
      const now = d.clock.now();
      const beforeMs = input.before ? Date.parse(input.before) : now - d.retentionDays() * DAY;
      if (!Number.isFinite(beforeMs)) throw new AppError('invalid_input', 'Before: not a date or time Grantdesk can read (for example 2025-01-01).');
      if (beforeMs > now) throw new AppError('invalid_input', `Before: ${new Date(beforeMs).toISOString()} is in the future; only events that already happened can be archived.`);
      const folder = folderOf(input.out, caps, true);
      const result = await d.lock.withLock('audit-archive', () =>
        runArchive(archiveCache(), d.engine, { folder, beforeMs, workspaces: input.workspaces, appVersion: d.appVersion, now: d.clock.now, caps }),
      );
      if (result.removedFromCache > 0) d.bus?.emit('state.changed', { topic: 'audit', workspaceId: null });
      return result;
    },
    async verify(input: { archive: string }, caps: Capabilities): Promise<ArchiveVerifyReport> {
      const folder = folderOf(input.archive, caps, false);
      const session = await d.engine.open({ folders: [folder] });
      try {
        const c = archiveCache();
        return await verifyArchiveFolder(session, folder, { firstSeq: c.firstSeq, hashAt: c.hashAt });
      } finally {
        session.close();
      }
    },
    async query(input: Input<'archive.query'>, caps: Capabilities): Promise<AuditPage> {
      const { archive, ...rest } = input;
      const folder = folderOf(archive, caps, false);
      return queryArchive(
        { engine: d.engine, names: () => resolveNames(d.names), cachePage: d.cachePage, ridOf: (ws, seq) => ridOf.get(ws, seq)?.rid ?? null },
        folder,
        rest,
      );
    },
    /** `grantdesk verify DIR`: is this path an archive folder (rather than an export manifest)? */
    isArchiveFolder(name: string, caps: Capabilities): boolean {
      try {
        return existsSync(join(folderOf(name, caps, false), MANIFEST_DIR));
      } catch {
        return false;
      }
    },
    /** where a workspace's cached chain begins after an archive run: the last archived event */
    anchor: (workspaceId: string) => archiveCache().anchor(workspaceId),
  };
}
export type ArchiveService = ReturnType<typeof createArchiveService>;
