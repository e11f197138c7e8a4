// The rows of a CSV export: jobs of at most SPAN consecutive seqs per workspace, each formatted by SQLite into one string
// (the line expression of export.ts, concatenated in seq order), written in job order. With a read pool (the CLI and
// serve mode on a machine of 4 or more cores: node-runtime.ts) large exports run the jobs on its threads, SQLite
// formatting on other cores while this thread hashes and writes; otherwise they run here. Same SQL, same bytes.
import type { Db } from '../../ports/db.ts';
import type { PoolJob, PoolParam, PoolRow, ReadPool } from '../../ports/read-pool.ts';
import { AppError } from '../../rpc/app-error.ts';
import type { ExportSink } from './export-sink.ts';

/** seqs per job: ~0.37 MiB of CSV (a slot of the pool holds rows 10× the usual size); smaller jobs leave less garbage */
const SPAN = 1024;
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

/** a job's result: bytes from the pool, or the text itself on this thread */
type JobResult = PoolRow & { text?: string };

const cancelled = () => new AppError('cancelled', 'Export cancelled; no file was written');

export async function writeCsvRows(i: CsvRowsInput): Promise<Map<string, CsvWorkspaceRows>> {
  // The bounds are expressions, not bare parameters: on a cache that has been ANALYZEd (sqlite_stat4), SQLite re-plans a
  // statement each time a bare parameter compared with an index's column gets a new value, and re-preparing this one
  // (the formula-safe line is ~20 KB of SQL) costs ~1.5 ms per job, a third of the export. The plan is the same.
  const inner = `FROM audit_events e WHERE e.workspace_id = (? || '') AND e.seq > (? + 0) AND e.seq <= (? + 0) AND ${i.whereSql}`;
  const countSql = `SELECT NULL AS text, count(*) AS n ${inner}`;
  // a job: SQLite concatenates its lines in seq order (group_concat) into one text. The pool's threads hand it back as
  // UTF-8 in shared memory; here it is a string of the young heap (a BLOB would be a Buffer outside the heap, piling up
  // until a full GC: ~30 MB more peak RSS for no less CPU)
  const jobSql = `SELECT group_concat(line, '' ORDER BY seq) AS text, count(*) AS n, min(seq) AS lo, max(seq) AS hi FROM (SELECT e.seq AS seq, ${i.lineSql} AS line ${inner} ORDER BY e.seq)`;
  const counts: PoolJob[] = i.targets.map((t) => ({ stmt: 0, params: [t.workspace_id, 0, t.cursor_seq, ...i.whereParams] }));
  const ranges: { ws: string; job: PoolJob }[] = [];
  for (const t of i.targets) for (let lo = 0; lo < t.cursor_seq; lo += SPAN) ranges.push({ ws: t.workspace_id, job: { stmt: 1, params: [t.workspace_id, lo, Math.min(lo + SPAN, t.cursor_seq), ...i.whereParams] } });

  const candidates = i.targets.reduce((n, t) => n + t.cursor_seq, 0);
  const jobs = [...counts, ...ranges.map((r) => r.job)];
  const results: AsyncGenerator<JobResult> = i.pool && candidates >= (i.poolMinRows ?? POOL_MIN_ROWS) ? i.pool.run([countSql, jobSql], jobs) : inThread(i.db, [countSql, jobSql], jobs, i.yieldNow);

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
    if (r.text !== undefined) await i.sink.writeText(r.text);
    else await i.sink.writeBytes(r.bytes!);
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
async function* inThread(db: Db, sql: string[], jobs: PoolJob[], yieldNow: () => Promise<void>): AsyncGenerator<JobResult> {
  const stmts = sql.map((s) => db.prepare(s));
  let sinceYield = 0;
  for (const job of jobs) {
    const row = stmts[job.stmt]!.get(...job.params) as { text: string | null; n: number; lo?: number | null; hi?: number | null };
    yield { bytes: null, text: row.text ?? undefined, num: { n: row.n, lo: row.lo ?? null, hi: row.hi ?? null } };
    sinceYield += row.n;
    if (sinceYield >= PROGRESS_EVERY) {
      sinceYield = 0;
      await yieldNow();
    }
  }
}
