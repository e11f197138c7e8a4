// The rows of a CSV export: jobs of at most SPAN consecutive seqs per workspace, each formatted by SQLite into one string
// (the line expression of export.ts, concatenated in seq order), written in job order. Large exports run the jobs on the
// read pool's threads (SQLite formats on other cores while this thread hashes and writes); small ones, or a runtime
// without a pool (the desktop app today), run them here. Both run the same SQL, so the bytes are the same.
import type { Db } from '../../ports/db.ts';
import type { PoolJob, PoolParam, PoolRow, ReadPool } from '../../ports/read-pool.ts';
import { AppError } from '../../rpc/app-error.ts';
import type { ExportSink } from './export-sink.ts';

/** seqs per job: ~0.7 MiB of CSV, a slot of the pool with room for rows 5× the usual size */
const SPAN = 2048;
/** below this many candidate rows (the sum of the workspaces' heads) threads cost more than they save */
export const POOL_MIN_ROWS = 50_000;
const PROGRESS_EVERY = 20_000;

export interface CsvTarget {
  workspace_id: string;
  cursor_seq: number;
}

export interface CsvRowsInput {
  db: Db;
  pool?: ReadPool;
  /** candidate rows from which the pool is used (default POOL_MIN_ROWS; tests pass 0 to run it on a small cache) */
  poolMinRows?: number;
  targets: readonly CsvTarget[];
  /** the SQL expression of one CSV line over `e` (export.ts's SQL_CSV_ROW) */
  lineSql: string;
  /** the filter: `e.`-qualified SQL and its parameters (query.ts buildWhere, plus the FTS join) */
  whereSql: string;
  whereParams: readonly PoolParam[];
  sink: ExportSink;
  signal?: AbortSignal;
  yieldNow: () => Promise<void>;
  onProgress?: (done: number, total: number) => void;
}

export interface CsvWorkspaceRows {
  rows: number;
  firstSeq: number | null;
  lastSeq: number | null;
}

const cancelled = () => new AppError('cancelled', 'Export cancelled; no file was written');

export async function writeCsvRows(i: CsvRowsInput): Promise<Map<string, CsvWorkspaceRows>> {
  const inner = `FROM audit_events e WHERE e.workspace_id = ? AND e.seq > ? AND e.seq <= ? AND ${i.whereSql}`;
  const countSql = `SELECT NULL AS text, count(*) AS n ${inner}`;
  // a job: SQLite concatenates its lines in seq order (group_concat). The pool's threads hand back that text as UTF-8 in
  // shared memory; here SQLite hands over the bytes as a BLOB, so this thread never decodes them
  const jobSql = (blob: boolean) =>
    `SELECT ${blob ? 'CAST(' : ''}group_concat(line, '' ORDER BY seq)${blob ? ' AS BLOB)' : ''} AS text, count(*) AS n, min(seq) AS lo, max(seq) AS hi FROM (SELECT e.seq AS seq, ${i.lineSql} AS line ${inner} ORDER BY e.seq)`;
  const counts: PoolJob[] = i.targets.map((t) => ({ stmt: 0, params: [t.workspace_id, 0, t.cursor_seq, ...i.whereParams] }));
  const ranges: { ws: string; job: PoolJob }[] = [];
  for (const t of i.targets) for (let lo = 0; lo < t.cursor_seq; lo += SPAN) ranges.push({ ws: t.workspace_id, job: { stmt: 1, params: [t.workspace_id, lo, Math.min(lo + SPAN, t.cursor_seq), ...i.whereParams] } });

  const candidates = i.targets.reduce((n, t) => n + t.cursor_seq, 0);
  const jobs = [...counts, ...ranges.map((r) => r.job)];
  const results = i.pool && candidates >= (i.poolMinRows ?? POOL_MIN_ROWS) ? i.pool.run([countSql, jobSql(false)], jobs) : inThread(i.db, [countSql, jobSql(true)], jobs, i.yieldNow);

  const perWs = new Map<string, CsvWorkspaceRows>(i.targets.map((t) => [t.workspace_id, { rows: 0, firstSeq: null, lastSeq: null }]));
  let total = 0;
  let rows = 0;
  let lastProgress = 0;
  let k = 0;
  for await (const r of results) {
    if (i.signal?.aborted) throw cancelled();
    if (k < counts.length) {
      total += r.num.n ?? 0;
      // the real total before the first row: progress reads "0 of N rows", never "0 / 0"
      if (++k === counts.length) i.onProgress?.(0, total);
      continue;
    }
    const ws = perWs.get(ranges[k++ - counts.length]!.ws)!;
    const n = r.num.n ?? 0;
    if (n === 0) continue;
    await i.sink.writeBytes(r.bytes!);
    ws.firstSeq ??= r.num.lo ?? null;
    ws.lastSeq = r.num.hi ?? null;
    ws.rows += n;
    rows += n;
    if (rows - lastProgress >= PROGRESS_EVERY) {
      lastProgress = rows;
      i.onProgress?.(rows, total);
    }
  }
  if (counts.length === 0) i.onProgress?.(0, 0);
  else i.onProgress?.(rows, total);
  return perWs;
}

/** The same jobs on this thread's connection, yielding to the event loop now and then so the process stays responsive. */
async function* inThread(db: Db, sql: string[], jobs: PoolJob[], yieldNow: () => Promise<void>): AsyncGenerator<PoolRow> {
  const stmts = sql.map((s) => db.prepare(s));
  let sinceYield = 0;
  for (const job of jobs) {
    const row = stmts[job.stmt]!.get(...job.params) as { text: Buffer | null; n: number; lo?: number | null; hi?: number | null };
    yield { bytes: row.text, num: { n: row.n, lo: row.lo ?? null, hi: row.hi ?? null } };
    sinceYield += row.n;
    if (sinceYield >= PROGRESS_EVERY) {
      sinceYield = 0;
      await yieldNow();
    }
  }
}
