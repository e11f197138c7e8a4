// The audit domain's facade: sync, explorer queries, exports (+ history), verification, status, cancellable tasks.
import { mkdirSync, realpathSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type { AuditEventRow, AuditFilter, AuditSummary, ExportRecord, VerifyReport, WorkspaceAuditStatus } from '../../../src-common/contract/index.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Db } from '../../ports/db.ts';
import type { EventBus } from '../../ports/events.ts';
import type { Logger } from '../../ports/logger.ts';
import type { ReadPool } from '../../ports/read-pool.ts';
import type { WorkspaceDirectory } from '../../ports/platform.ts';
import type { PlatformClient } from '../../platform/index.ts';
import type { Capabilities } from '../../rpc/handlers.ts';
import { claimOutputPath } from '../output-path.ts';
import { AppError } from '../../rpc/app-error.ts';
import { manifestPathFor, runExport, type ExportOptions, type ExportResult } from './export.ts';
import { eventHash, GENESIS_HASH } from './jcs.ts';
import { createAuditQuery, toEventRow, EVENT_COLUMNS, type RawRow } from './query.ts';
import { createAuditRepo, storedToEvent, type StoredEventRow } from './repo.ts';
import { createSyncEngine, type SyncResult } from './sync.ts';
import { createAuditIndexer } from './indexer.ts';
import { NO_NAMES, resolveNames, type AuditNameSource, type AuditNames } from './names.ts';
import { verifyExport } from './verify.ts';
import { isEvidencePackage, verifyEvidencePackage } from '../review/index.ts';
import { isIncidentPack, verifyIncidentPack } from '../incident/index.ts';

export interface AuditServiceDeps {
  db: Db;
  dataDir: string;
  appVersion: string;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  /** the platform client over the (routed) WorkspaceApi */
  platform: PlatformClient;
  /** the connected workspaces; null for a standalone cache (benchmarks, crash tests): sync then covers the cached workspaces */
  directory: WorkspaceDirectory | null;
  concurrency: () => number;
  pageSize?: number;
  /** review domain: set while this Grantdesk is in review mode; exports then carry the reviewer and review ids */
  reviewContext?: () => ExportOptions['review'];
  /** names for workspace and credential ids, and Grantdesk's own grants (connections + inventory read models) */
  names?: AuditNameSource;
  /** shows a file in the system file manager (Electron's shell.showItemInFolder); absent where there is none */
  reveal?: (path: string) => Promise<void>;
  /** threads that format large CSV exports (CLI and serve mode); absent: on this thread */
  readPool?: ReadPool;
}

export type AuditService = ReturnType<typeof createAuditService>;

interface HistoryRow {
  export_id: string;
  path: string;
  manifest_path: string;
  row_count: number;
  byte_length: number;
  sha256: string;
}

export function createAuditService(d: AuditServiceDeps) {
  // A larger page cache keeps the secondary indexes' inserts and explorer pages in memory (per connection, ~64 MiB cap).
  d.db.pragma('cache_size = -65536');
  const repo = createAuditRepo(d.db);
  const engine = createSyncEngine({ db: d.db, repo, platform: d.platform, bus: d.bus, clock: d.clock, logger: d.logger, pageSize: d.pageSize });
  // Full text, secondary indexes and aggregates are built behind the sync (indexer.ts): in the background in the
  // desktop app and serve mode (startIndexing), on demand elsewhere (the CLI, tests) before a full-text answer or export.
  const indexer = createAuditIndexer(d.db, { bus: d.bus, logger: d.logger });
  /**
   * Before an explorer answer: with nothing indexing in the background (the CLI, tests) the index is brought up to date
   * first, so full text covers every cached event and the answer reads the indexes, not a long un-indexed tail.
   */
  const fresh = () => {
    if (!indexer.background) indexer.catchUp();
  };
  /** a full-text answer covers what is indexed */
  const searchCoverage = () => {
    const p = indexer.progress();
    return { indexedEvents: p.indexed, cachedEvents: p.total };
  };
  const nameSource = d.names ?? NO_NAMES;
  const names = (): AuditNames => resolveNames(nameSource);
  const query = createAuditQuery(d.db, () => [...names().own]);
  const archivedHash = d.db.prepare<[string, number], { hash: string }>('SELECT hash FROM audit_archive_anchors WHERE workspace_id = ? AND seq = ?');
  const named = (n: AuditNames, r: Omit<AuditEventRow, 'workspaceName' | 'credentialName' | 'own'>): AuditEventRow => ({
    ...r,
    workspaceName: n.workspace(r.workspaceId),
    credentialName: n.credential(r.workspaceId, r.credentialId),
    own: n.isOwn(r.credentialId),
  });
  const isoMs = (ms: number) => new Date(ms).toISOString();
  const lastSync = d.db.prepare<[], { n: number; at: string | null }>('SELECT count(*) AS n, max(last_sync_at) AS at FROM audit_sync_state WHERE cursor_seq > 0');
  const tasks = new Map<string, AbortController>();
  const exportsDir = join(d.dataDir, 'exports');
  const iso = () => new Date(d.clock.now()).toISOString();

  const insertExport = d.db.prepare('INSERT INTO audit_exports (export_id, created_at, path, manifest_path, format, bom, row_count, byte_length, sha256, filters_json) VALUES (?,?,?,?,?,?,?,?,?,?)');
  const listExports = d.db.prepare('SELECT * FROM audit_exports ORDER BY created_at DESC, export_id DESC LIMIT ?');
  const exportById = d.db.prepare<[string], HistoryRow>('SELECT export_id, path, manifest_path, row_count, byte_length, sha256 FROM audit_exports WHERE export_id = ?');
  const markVerified = d.db.prepare('UPDATE audit_exports SET last_verified_at = ?, last_verify_ok = ? WHERE export_id = ?');
  const eventStmt = d.db.prepare<[string, number], StoredEventRow>('SELECT * FROM audit_events WHERE workspace_id = ? AND seq = ?');

  function startTask(taskId: string | undefined) {
    const id = taskId ?? randomUUID();
    if (tasks.has(id)) throw new AppError('conflict', 'A task with this id is already running');
    const ac = new AbortController();
    tasks.set(id, ac);
    return { id, signal: ac.signal, done: () => tasks.delete(id) };
  }

  function inExportsDir(p: string): boolean {
    const root = resolve(exportsDir) + sep;
    return resolve(p).startsWith(root);
  }

  /** The export's path: never an existing file (or manifest) unless forced from the CLI; a fresh name when none was given. */
  function resolveOut(out: string | undefined, format: 'csv' | 'jsonl', caps: Capabilities, force: boolean) {
    return claimOutputPath(caps, { out, folder: exportsDir, defaultName: `audit-${iso().replace(/[:.]/g, '-')}.${format === 'csv' ? 'csv' : 'jsonl'}`, kind: 'file', force, companions: (p) => [manifestPathFor(p)] });
  }

  /** The file of a history row, if it is still a regular file inside the exports folder (symlinks resolved). */
  function exportFile(exportId: string): { path: string; fileName: string } {
    const h = exportById.get(exportId);
    if (!h) throw new AppError('not_found', `No export ${exportId} in the history; refresh the list.`);
    let real: string;
    try {
      real = realpathSync(h.path);
    } catch {
      throw new AppError('not_found', `The file of export ${exportId} (${basename(h.path)}) is no longer in the exports folder; export again.`);
    }
    let root = resolve(exportsDir);
    try {
      root = realpathSync(exportsDir);
    } catch {
      /* no exports folder: nothing is inside it */
    }
    if (!real.startsWith(root + sep)) throw new AppError('not_found', `Export ${exportId} was written outside the exports folder (${basename(h.path)}); open it from where it was saved.`);
    return { path: real, fileName: basename(real) };
  }

  return {
    repo,
    engine,
    indexer,
    /** desktop app and serve mode: build the full-text index and aggregates in the background, now and after each sync */
    startIndexing: () => indexer.start(),
    stopIndexing: () => indexer.stop(),
    async sync(input: { workspaces?: string[]; taskId?: string }): Promise<{ results: SyncResult[] }> {
      let list = input.workspaces;
      if (!list || list.length === 0) {
        const dir = d.directory;
        list = dir ? dir.list().filter((w) => w.status === 'connected').map((w) => w.id) : repo.states().map((s) => s.workspace_id);
      } else {
        const dir = d.directory;
        if (dir) for (const ws of list) if (!dir.get(ws)) throw new AppError('not_found', `Workspace ${ws} is not connected`);
      }
      if (list.length === 0) return { results: [] };
      const t = startTask(input.taskId);
      try {
        const results = await engine.syncMany(list, { concurrency: d.concurrency(), taskId: t.id, signal: t.signal });
        indexer.kick();
        return { results };
      } finally {
        t.done();
      }
    },
    query(f: AuditFilter & { cursor?: string; limit?: number }) {
      const n = names();
      fresh();
      const search = f.q ? searchCoverage() : undefined;
      const p = query.page(f);
      return { rows: p.rows.map((r) => named(n, r)), nextCursor: p.nextCursor, ...(search ? { search } : {}) };
    },
    timeline(f: AuditFilter & { buckets?: number }) {
      fresh();
      return query.timeline(f);
    },
    /** exact count + who: by credential and by caller IP (names from the directory and inventory), own calls counted */
    summary(f: AuditFilter & { top?: number }): AuditSummary {
      const { top = 50, ...filters } = f;
      fresh();
      const n = names();
      const count = query.count(filters);
      const ownCalls = n.own.size ? query.count(filters, 'only') : 0;
      const g = query.groups(filters, top);
      const c = lastSync.get()!;
      const ix = indexer.progress();
      return {
        count,
        ownCalls,
        byCredential: g.credentials.map((x) => ({
          workspaceId: x.workspaceId,
          workspaceName: n.workspace(x.workspaceId),
          credentialId: x.credentialId,
          credentialType: query.credentialType(x.workspaceId, x.credentialId),
          credentialName: n.credential(x.workspaceId, x.credentialId),
          own: n.isOwn(x.credentialId),
          calls: x.calls,
          firstAt: isoMs(x.firstMs),
          lastAt: isoMs(x.lastMs),
        })),
        credentialsTotal: g.credentialsTotal,
        byCallerIp: g.ips.map((x) => ({ ip: x.ip, calls: x.calls, firstAt: isoMs(x.firstMs), lastAt: isoMs(x.lastMs) })),
        ipsTotal: g.ipsTotal,
        cache: { syncedWorkspaces: c.n, lastSyncAt: c.at, search: { indexedEvents: ix.indexed, cachedEvents: ix.total } },
        namedCredentials: n.namedCredentials,
      };
    },
    event(workspaceId: string, seq: number) {
      const row = eventStmt.get(workspaceId, seq);
      if (!row) throw new AppError('not_found', `No cached event ${workspaceId} #${seq}`);
      const st = repo.peekState(workspaceId);
      // the event before may have been archived (grantdesk archive): then the archive anchor holds its hash
      const prevStored = seq === 1 ? GENESIS_HASH : (eventStmt.get(workspaceId, seq - 1)?.hash ?? archivedHash.get(workspaceId, seq - 1)?.hash);
      const tampered = repo.tamper(workspaceId).some((t) => t.seq === seq);
      const raw = { ...row } as unknown as RawRow;
      return {
        event: named(names(), toEventRow(raw)),
        chain: {
          hashValid: eventHash(row.prev_hash, storedToEvent(row)) === row.hash,
          linkValid: prevStored !== undefined && prevStored === row.prev_hash,
          withinVerifiedHead: !!st && seq <= st.cursor_seq,
          tampered,
          prevHash: row.prev_hash,
          hash: row.hash,
          verifiedHeadSeq: st?.cursor_seq ?? 0,
        },
      };
    },
    status(workspaces?: string[]): { workspaces: WorkspaceAuditStatus[] } {
      const all = repo.states().filter((s) => !workspaces?.length || workspaces.includes(s.workspace_id));
      return {
        workspaces: all.map((s) => ({
          workspaceId: s.workspace_id,
          cursorSeq: s.cursor_seq,
          headHash: s.head_hash,
          remoteHeadSeq: s.remote_head_seq,
          // kept by the sync in the page's transaction (repo.ts advance) and by the archive's removal: a count(*) here cost
          // every CLI read command ~0.35 s on a 1M-event cache (the read commands end with sync.health, which reads this)
          eventCount: s.event_count,
          lastSyncAt: s.last_sync_at,
          lastError: s.last_error,
          state: s.state === 'ok' && s.remote_head_seq !== null && s.remote_head_seq > s.cursor_seq ? 'behind' : s.state,
          gaps: repo.gaps(s.workspace_id).map((g) => ({ fromSeq: g.from_seq, toSeq: g.to_seq, detectedAt: g.detected_at, resolvedAt: g.resolved_at })),
          tamper: repo.tamper(s.workspace_id).map((t) => ({ seq: t.seq, detectedAt: t.detected_at, reason: t.reason })),
        })),
      };
    },
    async export(input: AuditFilter & { out?: string; format: 'csv' | 'jsonl'; bom: boolean; force?: boolean; taskId?: string }, caps: Capabilities): Promise<ExportResult> {
      const { out, format, bom, force, taskId, ...filters } = input;
      // an export is evidence: one filtered by text waits for the full-text index to cover every cached event
      if (filters.q) indexer.catchUp();
      const { path, overwrite } = resolveOut(out, format, caps, force === true);
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      const t = startTask(taskId);
      const started = d.clock.now();
      let last = 0;
      const progress = (done: number, total: number, state: 'running' | 'done' | 'failed' | 'cancelled', message: string | null = null) => {
        const now = d.clock.now();
        // throttled while rows stream; the first real total (done 0) always goes out
        if (state === 'running' && done > 0 && now - last < 150) return;
        last = now;
        const rate = done / Math.max(0.001, (now - started) / 1000);
        d.bus.emit('task.progress', { taskId: t.id, kind: 'audit.export', label: `Exporting audit events to ${basename(path)}`, done, total, ratePerSecond: done ? Math.round(rate) : null, etaSeconds: done && total > done ? Math.round((total - done) / rate) : state === 'running' ? null : 0, state, message });
      };
      try {
        progress(0, 0, 'running');
        const r = await runExport(d.db, { filters, out: path, format, bom, overwrite, caps, appVersion: d.appVersion, review: d.reviewContext?.(), now: d.clock.now, signal: t.signal, pool: d.readPool, ownCredentialIds: [...names().own], onProgress: (a, b) => progress(a, b, 'running') });
        insertExport.run(r.exportId, r.manifest.generatedAt, r.path, r.manifestPath, format, bom ? 1 : 0, r.rowCount, r.byteLength, r.sha256, JSON.stringify(filters));
        progress(r.rowCount, r.rowCount, 'done');
        d.bus.emit('state.changed', { topic: 'exports', workspaceId: null });
        return r;
      } catch (err) {
        progress(0, 0, err instanceof AppError && err.code === 'cancelled' ? 'cancelled' : 'failed', err instanceof AppError ? err.message : 'Export failed');
        throw err;
      } finally {
        t.done();
      }
    },
    cancel(taskId: string) {
      const ac = tasks.get(taskId);
      if (!ac) return { cancelled: false };
      ac.abort();
      return { cancelled: true };
    },
    async verify(input: { manifest?: string; exportId?: string }, caps: Capabilities): Promise<VerifyReport> {
      let manifestPath: string;
      let history: HistoryRow | undefined;
      if (input.exportId) {
        history = exportById.get(input.exportId);
        if (!history) throw new AppError('not_found', `No export ${input.exportId} in the history`);
        manifestPath = history.manifest_path;
      } else if (input.manifest) {
        manifestPath = caps.fileAccess === 'anywhere' || isAbsolute(input.manifest) ? resolve(input.manifest) : join(exportsDir, input.manifest);
        if (caps.fileAccess !== 'anywhere') {
          let real = manifestPath;
          try {
            real = realpathSync(manifestPath);
          } catch {
            /* verify reports the missing file */
          }
          if (!inExportsDir(real)) throw new AppError('invalid_input', 'manifest: only manifests in the exports folder can be verified from the app');
        }
      } else throw new AppError('invalid_input', 'manifest or exportId is required');
      // an evidence package manifest (review domain) is verified file by file, and every export inside it event by event
      if (isEvidencePackage(manifestPath)) {
        const report = await verifyEvidencePackage(manifestPath);
        if (report.exportId) markVerified.run(iso(), report.ok ? 1 : 0, report.exportId);
        return report;
      }
      // an incident evidence pack (incident domain): every file by SHA-256, its audit extract event by event
      if (isIncidentPack(manifestPath)) return verifyIncidentPack(manifestPath);
      // A history row vouches for the file whose hash it recorded: verify against that record, not only the manifest (a
      // manifest and file swapped together for another export's would pass on their own).
      const report = await verifyExport(manifestPath, (found) => {
        const row = history ?? (found ? exportById.get(found) : undefined);
        return row ? { exportId: row.export_id, path: row.path, rowCount: row.row_count, byteLength: row.byte_length, sha256: row.sha256 } : undefined;
      });
      // the history row that was checked gets the verdict (by exportId, even if the manifest there now names another)
      const id = history?.export_id ?? report.exportId;
      if (id) markVerified.run(iso(), report.ok ? 1 : 0, id);
      return report;
    },
    /** Shows an export in the system file manager: only a file of the history that lies in the exports folder. */
    async openExport(exportId: string): Promise<{ action: 'revealed'; fileName: string }> {
      const file = exportFile(exportId);
      if (!d.reveal) throw new AppError('not_found', 'This Grantdesk has no file manager to show the export in; download it from the Exports screen of the app or open the exports folder.');
      await d.reveal(file.path);
      return { action: 'revealed', fileName: file.fileName };
    },
    exportFile,
    exports(limit: number): { exports: ExportRecord[] } {
      const n = names();
      const filterNames = (json: string): ExportRecord['filterNames'] => {
        let f: AuditFilter = {};
        try {
          f = JSON.parse(json) as AuditFilter;
        } catch {
          /* an unreadable record names nothing */
        }
        const ws: Record<string, string> = {};
        for (const id of Array.isArray(f.workspaces) ? f.workspaces : []) {
          const name = typeof id === 'string' ? n.workspace(id) : null;
          if (name) ws[id] = name;
        }
        let credential: string | null = null;
        if (typeof f.credential === 'string') {
          for (const id of Array.isArray(f.workspaces) && f.workspaces.length ? f.workspaces : []) credential ??= n.credential(id, f.credential);
          credential ??= credentialNameAnywhere(f.credential);
        }
        return { workspaces: ws, credential };
      };
      const credentialNameAnywhere = (id: string): string | null => {
        for (const c of nameSource.credentials()) if (c.id === id) return c.name;
        return null;
      };
      const rows = listExports.all(limit) as { export_id: string; created_at: string; path: string; manifest_path: string; format: 'csv' | 'jsonl'; bom: number; row_count: number; byte_length: number; sha256: string; filters_json: string; last_verified_at: string | null; last_verify_ok: number | null }[];
      return {
        exports: rows.map((r) => ({ exportId: r.export_id, createdAt: r.created_at, path: r.path, manifestPath: r.manifest_path, format: r.format, bom: r.bom === 1, rowCount: r.row_count, byteLength: r.byte_length, sha256: r.sha256, filtersJson: r.filters_json, filterNames: filterNames(r.filters_json), lastVerifiedAt: r.last_verified_at, lastVerifyOk: r.last_verify_ok === null ? null : r.last_verify_ok === 1 })),
      };
    },
  };
}
void EVENT_COLUMNS;
