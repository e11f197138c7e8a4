// Streamed exports: constant memory (batches of rows, a few 4 MiB write buffers: export-sink.ts), progress, cancel, temp file + fsync + link into
// place, then the manifest (the same way) written last. Never overwrites: the file and its manifest are created with the
// no-overwrite writer of output-path.ts (temp opened 'wx' 0600, link() fails on EEXIST), unless `overwrite` (CLI --force).
// Bytes are deterministic for the same cache and filters.
import { unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { AuditFilter, ExportManifest } from '../../../src-common/contract/index.ts';
import type { Db } from '../../ports/db.ts';
import type { PoolParam, ReadPool } from '../../ports/read-pool.ts';
import { AppError } from '../../rpc/app-error.ts';
import type { Capabilities } from '../../rpc/handlers.ts';
import { createExclusiveFile, occupied, outputConflict, writeFileExclusive } from '../output-path.ts';
import { SQL_CSV_ROW } from './csv-line-sql.ts';
import { writeCsvRows } from './export-csv.ts';
import { createExportSink } from './export-sink.ts';
import { jcs } from './jcs.ts';
import { buildWhere } from './query.ts';
import { RID_SLOTS, storedToEvent } from './repo.ts';

/**
 * CSV columns. `surface` and `mcp_tool` are the members as the platform sent them: both empty (null) when it sent neither
 * (an older platform; Grantdesk reads the event as an API call), so verify re-hashes every event exactly as served.
 */
export const EXPORT_COLUMNS = ['workspace_id', 'seq', 'event_id', 'occurred_at', 'credential_id', 'credential_type', 'caller_ip', 'method', 'endpoint', 'surface', 'mcp_tool', 'status', 'duration_ms', 'pii_accessed', 'params_json', 'extra_json', 'prev_hash', 'hash'] as const;
/** the columns of exports made before surfaces existed; verify still reads them */
export const LEGACY_EXPORT_COLUMNS = ['workspace_id', 'seq', 'event_id', 'occurred_at', 'credential_id', 'credential_type', 'caller_ip', 'method', 'endpoint', 'status', 'duration_ms', 'pii_accessed', 'params_json', 'extra_json', 'prev_hash', 'hash'] as const;
const SELECT_COLS = 'e.workspace_id, e.seq, e.event_id, e.occurred_at, e.credential_id, e.credential_type, e.caller_ip, e.method, e.endpoint, e.status, e.duration_ms, e.pii_accessed, e.params_json, e.extra_json, e.prev_hash, e.hash, e.surface, e.mcp_tool, e.surface_sent';
const BATCH = 20_000;

const FLUSH_AT = 1 << 20;
const BOM = '\uFEFF';

export interface ExportOptions {
  filters: AuditFilter;
  out: string;
  format: 'csv' | 'jsonl';
  bom: boolean;
  appVersion: string;
  /** replace an existing file and manifest on purpose (the CLI's --force); otherwise an existing one is a conflict */
  overwrite?: boolean;
  /** who asked (for the conflict message's remedy) */
  caps?: Pick<Capabilities, 'fileAccess'>;
  /** review mode: who exported, under which reviews (goes into the manifest) */
  review?: ExportManifest['review'];
  now: () => number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** credential ids of Grantdesk's own grants, for filters.ownTraffic 'exclude' (names.ts) */
  ownCredentialIds?: readonly string[];
  /** threads that format large CSV exports (the CLI and serve mode); absent: formatted on this thread */
  pool?: ReadPool;
  /** candidate rows from which the pool is used (export-csv.ts POOL_MIN_ROWS); tests pass 0 */
  poolMinRows?: number;
  /** yields between batches so the process stays responsive; tests and benches may pass a no-op */
  yieldEvery?: () => Promise<void>;
}

export interface ExportResult {
  exportId: string;
  path: string;
  manifestPath: string;
  rowCount: number;
  byteLength: number;
  sha256: string;
  manifest: ExportManifest;
}

export function manifestPathFor(out: string): string {
  return `${out}.manifest.json`;
}

export async function runExport(db: Db, o: ExportOptions): Promise<ExportResult> {
  const exportId = `exp_${new Date(o.now()).toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}_${randomBytes(4).toString('hex')}`;
  const generatedAt = new Date(o.now()).toISOString();
  const yieldNow = o.yieldEvery ?? (() => new Promise<void>((r) => setImmediate(r)));

  // Snapshot: the verified cursor of every workspace at the start bounds what is read, so later syncs do not leak in.
  const states = db.prepare('SELECT workspace_id, cursor_seq, head_hash, indexed_seq, csv_from_seq, event_count FROM audit_sync_state ORDER BY workspace_id').all() as { workspace_id: string; cursor_seq: number; head_hash: string; indexed_seq: number; csv_from_seq: number; event_count: number }[];
  const wanted = o.filters.workspaces?.length ? new Set(o.filters.workspaces) : null;
  const targets = states.filter((s) => (!wanted || wanted.has(s.workspace_id)) && s.cursor_seq > 0);
  const w = buildWhere({ ...o.filters, workspaces: undefined }, 'e', o.ownCredentialIds ?? []);
  const ftsJoin = w.fts ? ' AND e.rid IN (SELECT rowid FROM audit_fts WHERE audit_fts MATCH ?)' : '';
  const ftsParams = w.fts ? [w.fts] : [];
  const batchStmt = db.prepare(`SELECT ${SELECT_COLS} FROM audit_events e WHERE e.workspace_id = ? AND e.seq > ? AND e.seq <= ? AND ${w.sql}${ftsJoin} ORDER BY e.seq LIMIT ${BATCH}`).raw(true);
  let total = 0;
  if (o.format === 'jsonl') {
    // (CSV counts on the same threads that format it: export-csv.ts)
    const countStmt = db.prepare(`SELECT count(*) FROM audit_events e WHERE e.workspace_id = ? AND e.seq <= ? AND ${w.sql}${ftsJoin}`).pluck(true);
    for (const t of targets) total += countStmt.get(t.workspace_id, t.cursor_seq, ...w.params, ...ftsParams) as number;
    o.onProgress?.(0, total); // the real total before the first row: progress reads "0 of N rows", never "0 / 0"
  }

  const caps = o.caps ?? { fileAccess: 'exports-folder' };
  const manifestPath = manifestPathFor(o.out);
  // refuse before the long part; the link at the end refuses again if something got there meanwhile
  if (!o.overwrite) for (const p of [o.out, manifestPath]) if (occupied(p)) throw outputConflict(p, caps);
  const file = createExclusiveFile(o.out, { overwrite: o.overwrite, caps });
  const sink = createExportSink(file.fd);
  let buf = '';
  const parts: string[] = [];
  const perWs: ExportManifest['workspaces'] = [];
  let rows = 0;
  try {
    if (o.format === 'csv') await sink.writeText((o.bom ? BOM : '') + EXPORT_COLUMNS.join(',') + '\r\n');
    else if (o.bom) buf += BOM;
    await yieldNow(); // let a cancel or other calls in before the first batch
    // CSV: SQLite formats every batch into one string (group_concat in seq order), on the read pool's threads when the
    // export is large; this thread only hashes and writes it (export-csv.ts)
    const csv =
      o.format === 'csv'
        ? await writeCsvRows({ db, pool: o.pool, poolMinRows: o.poolMinRows, targets, lineSql: SQL_CSV_ROW, whereSql: `${w.sql}${ftsJoin}`, whereParams: [...(w.params as PoolParam[]), ...ftsParams],
            timeOnly: !w.fts && buildWhere({ ...o.filters, workspaces: undefined, from: undefined, to: undefined }, 'e', o.ownCredentialIds ?? []).sql === '1',
            ridFrom: o.filters.from ? Date.parse(o.filters.from) * RID_SLOTS : null, ridTo: o.filters.to ? Date.parse(o.filters.to) * RID_SLOTS : null, sink, signal: o.signal, yieldNow, onProgress: o.onProgress })
        : null;
    for (const t of targets) {
      const c = csv?.get(t.workspace_id);
      let first: number | null = c?.firstSeq ?? null;
      let last: number | null = c?.lastSeq ?? null;
      let n = c?.rows ?? 0;
      if (c) rows += n;
      let after = 0;
      while (o.format === 'jsonl') {
        if (o.signal?.aborted) throw new AppError('cancelled', 'Export cancelled; no file was written');
        let got = 0;
        for (const r of batchStmt.iterate(t.workspace_id, after, t.cursor_seq, ...w.params, ...ftsParams) as IterableIterator<unknown[]>) {
          got++;
          {
            const ev = storedToEvent({ workspace_id: r[0] as string, seq: r[1] as number, event_id: r[2] as string, occurred_at: r[3] as string, credential_id: r[4] as string | null, credential_type: r[5] as string | null, caller_ip: r[6] as string | null, method: r[7] as string | null, endpoint: r[8] as string | null, status: r[9] as number | null, duration_ms: r[10] as number | null, pii_accessed: r[11] as number, params_json: r[12] as string, extra_json: r[13] as string | null, surface: r[16] as string, mcp_tool: r[17] as string | null, surface_sent: r[18] as number });
            ev.prev_hash = r[14];
            ev.hash = r[15];
            buf += jcs(ev) + '\n';
          }
          // no await while the statement iterates (the connection is busy until it ends): texts wait in `parts`
          if (buf.length >= FLUSH_AT) {
            parts.push(buf);
            buf = '';
          }
          const seq = r[1] as number;
          if (first === null) first = seq;
          last = seq;
          after = seq;
        }
        for (const p of parts.splice(0)) await sink.writeText(p);
        n += got;
        rows += got;
        o.onProgress?.(rows, total);
        if (got < BATCH) break;
        await yieldNow();
      }
      const tamper = (db.prepare('SELECT seq FROM audit_tamper WHERE workspace_id = ? ORDER BY seq').pluck(true).all(t.workspace_id) as number[]);
      const gaps = db.prepare('SELECT from_seq AS fromSeq, to_seq AS toSeq FROM audit_gaps WHERE workspace_id = ? AND resolved_at IS NULL ORDER BY from_seq').all(t.workspace_id) as { fromSeq: number; toSeq: number }[];
      perWs.push({
        workspaceId: t.workspace_id,
        rows: n,
        firstSeq: first,
        lastSeq: last,
        chain: { status: tamper.length ? 'tamper' : 'verified', headSeq: t.cursor_seq, headHash: t.head_hash, tamperSeqs: tamper },
        gaps,
      });
    }
    await sink.writeText(buf);
    await sink.finish();
    if (o.signal?.aborted) throw new AppError('cancelled', 'Export cancelled; no file was written');
  } catch (err) {
    await sink.settle(); // no write may land after the temp file is closed and removed
    file.abort();
    if (err instanceof AppError) throw err;
    throw new AppError('io_error', `Export failed while writing (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  file.commit();
  if (wanted) for (const id of wanted) if (!perWs.some((p) => p.workspaceId === id)) perWs.push({ workspaceId: id, rows: 0, firstSeq: null, lastSeq: null, chain: { status: 'unsynced', headSeq: 0, headHash: '0'.repeat(64), tamperSeqs: [] }, gaps: [] });
  perWs.sort((a, b) => (a.workspaceId < b.workspaceId ? -1 : a.workspaceId > b.workspaceId ? 1 : 0));

  const sha256 = sink.digest();
  const manifest: ExportManifest = {
    manifestVersion: 1,
    exportId,
    generatedAt,
    appVersion: o.appVersion,
    file: basename(o.out),
    format: o.format,
    encoding: 'utf-8',
    bom: o.bom,
    filters: { ...o.filters },
    timeRange: { from: o.filters.from ?? null, to: o.filters.to ?? null },
    columns: o.format === 'csv' ? [...EXPORT_COLUMNS] : ['seq', 'id', 'workspace_id', 'occurred_at', 'credential_id', 'credential_type', 'caller_ip', 'method', 'endpoint', 'surface', 'mcp_tool', 'params', 'status', 'duration_ms', 'pii_accessed', 'prev_hash', 'hash'],
    rowCount: rows,
    byteLength: sink.bytes,
    sha256,
    workspaces: perWs,
    ...(o.review ? { review: o.review } : {}),
  };
  try {
    writeFileExclusive(manifestPath, JSON.stringify(manifest, null, 2) + '\n', { overwrite: o.overwrite, caps });
  } catch (err) {
    // the manifest's place was taken meanwhile: the file just linked is ours and unverifiable without it
    if (!o.overwrite) unlinkSync(o.out);
    throw err;
  }
  return { exportId, path: o.out, manifestPath, rowCount: rows, byteLength: sink.bytes, sha256, manifest };
}
