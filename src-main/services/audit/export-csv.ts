// The rows of a CSV export: jobs of at most SPAN consecutive seqs per workspace, written in job order. Each workspace's
// seqs fall into three segments (migration 25): (csv_from_seq, indexed_seq] have their line stored by the indexer
// (audit_csv_lines), so a job copies those; the rows indexed before that version and the rows above indexed_seq (the
// indexer has not reached them yet) are formatted on the fly by the same SQL expression (csv-line-sql.ts). Same bytes
// either way (test/node/audit/export-lines.test.ts). With a time filter the indexed segments are first narrowed to the
// seqs the (workspace_id, rid) index finds in the range, so a 30-day export does not scan the workspace's whole history.
// With a read pool (the CLI and serve mode on a machine of 4 or more cores: node-runtime.ts) exports with many lines to
// format run the jobs on its threads (group_concat in seq order) while this thread hashes and writes; otherwise (the
// usual case once the indexer has stored the lines) they run here, each job's lines read in seq order by the primary key.
import type { Db } from '../../ports/db.ts';
import type { PoolJob, PoolParam, PoolRow, ReadPool } from '../../ports/read-pool.ts';
import { AppError } from '../../rpc/app-error.ts';
import type { ExportSink } from './export-sink.ts';

/** seqs per job: ~0.37 MiB of CSV (a slot of the pool holds rows 10× the usual size); smaller jobs leave less garbage */
const SPAN = 1024;
/** below this many rows to format (seqs of jobs without stored lines) threads cost more than they save */
export const POOL_MIN_ROWS = 50_000;
const PROGRESS_EVERY = 20_000;
/** seqs to read from which an export on this thread runs with a small page cache (~the 64 MiB cache's worth of rows) */
const STREAMING_ROWS = 150_000;
/** that cache, in KiB (negative: SQLite's unit for a size in KiB) */
const STREAMING_CACHE_KIB = -8192;

export interface CsvTarget {
  workspace_id: string;
  cursor_seq: number;
  /** the indexer's marker: rows above it are not indexed yet (no stored line, not in the partial indexes) */
  indexed_seq: number;
  /** rows at or below it were indexed before stored lines existed (migration 25) */
  csv_from_seq: number;
  /** cached events of the workspace up to cursor_seq (kept by sync and archive in their transactions) */
  event_count: number;
}

export interface CsvRowsInput {
  db: Db;
  pool?: ReadPool;
  /** candidate rows from which the pool is used (default POOL_MIN_ROWS; tests pass 0 to run it on a small cache) */
  poolMinRows?: number;
  targets: readonly CsvTarget[];
  /** the SQL expression of one CSV line over `e` (csv-line-sql.ts SQL_CSV_ROW) */
  lineSql: string;
  /** the filter: `e.`-qualified SQL and its parameters (query.ts buildWhere, plus the FTS join); '1' for none */
  whereSql: string;
  whereParams: readonly PoolParam[];
  /** the filter's time range as rids [from, to) (query.ts: rid = occurred_ms * RID_SLOTS + slot), when it has one */
  ridFrom?: number | null;
  ridTo?: number | null;
  /** the filter is the time range alone (with the targets' workspaces): nothing else in whereSql */
  timeOnly?: boolean;
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

/** a job's result: bytes from the pool, or the lines themselves on this thread */
type JobResult = PoolRow & { lines?: string[] };

const cancelled = () => new AppError('cancelled', 'Export cancelled; no file was written');

/** statement indexes of a job */
const COUNT = 0;
const FORMAT = 1;
const STORED = 2;
const ALL = 3;

export async function writeCsvRows(i: CsvRowsInput): Promise<Map<string, CsvWorkspaceRows>> {
  // The bounds are expressions, not bare parameters: on a cache that has been ANALYZEd (sqlite_stat4), SQLite re-plans a
  // statement each time a bare parameter compared with an index's column gets a new value, and re-preparing one (the
  // formula-safe line is ~20 KB of SQL) costs ~1.5 ms per job. The plan is the same.
  const bounds = `e.workspace_id = (? || '') AND e.seq > (? + 0) AND e.seq <= (? + 0)`;
  const inner = `FROM audit_events e WHERE ${bounds} AND ${i.whereSql}`;
  const unfiltered = i.whereSql === '1';
  // the stored lines of the events that pass the filter (their lines joined by primary key)
  const storedFrom = `FROM audit_events e CROSS JOIN audit_csv_lines c ON c.workspace_id = e.workspace_id AND c.seq = e.seq WHERE ${bounds} AND ${i.whereSql}`;
  // every stored line of a seq range, the lines table alone: no filter, or a range every event of which passes it (below)
  const allFrom = `FROM audit_csv_lines e WHERE ${bounds}`;
  const countSql = `SELECT NULL AS text, count(*) AS n ${inner}`;
  // The pool's threads: SQLite concatenates a job's lines in seq order (group_concat ... ORDER BY) into one text, handed
  // back as UTF-8 in shared memory. This thread: the lines in primary-key order, one string each (no sort; strings of the
  // young heap, not Buffers that pile up outside it until a full GC), each written into the sink's buffer as it is.
  const concat = (line: string, from: string) => `SELECT group_concat(line, '' ORDER BY seq) AS text, count(*) AS n, min(seq) AS lo, max(seq) AS hi FROM (SELECT e.seq AS seq, ${line} AS line ${from})`;
  const poolSql = [countSql, concat(i.lineSql, inner), concat('c.line', storedFrom), concat('e.line', allFrom)];
  const hereSql = [countSql, `SELECT e.seq, ${i.lineSql} ${inner} ORDER BY e.seq`, `SELECT e.seq, c.line ${storedFrom} ORDER BY e.seq`, `SELECT e.line ${allFrom} ORDER BY e.seq`,
    // (a range's first and last seq by two primary-key probes: rows of one column, which better-sqlite3 hands over ~2.5×
    // faster than rows of two)
    `SELECT (SELECT min(e.seq) ${allFrom}) AS lo, (SELECT max(e.seq) ${allFrom}) AS hi`];

  // The indexed part (seq <= indexed_seq, every row ix = 1) of a time-filtered export: the (workspace_id, rid) index gives
  // the first and last seq in the range and how many rows it holds. When those are all the seqs between (a workspace's
  // events in seq order are in time order, the usual case) and the filter is only the time range, every row of that seq
  // range passes: its stored lines are copied as they are, and its count is known without a pass over the events.
  const timed = i.ridFrom != null || i.ridTo != null;
  const seqSpan = timed
    ? i.db.prepare<PoolParam[], { lo: number | null; hi: number | null; n: number }>(`SELECT min(seq) AS lo, max(seq) AS hi, count(*) AS n FROM audit_events WHERE workspace_id = ? AND rid >= ? AND rid < ? AND ix = 1 AND seq <= ?`)
    : null;
  const counts: PoolJob[] = [];
  const ranges: { ws: string; job: PoolJob }[] = [];
  // rows counted without a count job: the event counts of an unfiltered export, the dense ranges of a time-only one
  let known = unfiltered ? i.targets.reduce((n, t) => n + t.event_count, 0) : 0;
  for (const t of i.targets) {
    const indexed = Math.min(t.indexed_seq, t.cursor_seq);
    const csvFrom = Math.min(t.csv_from_seq, indexed);
    let lo = 0;
    let hi = indexed;
    let dense = false;
    if (seqSpan) {
      const s = seqSpan.get(t.workspace_id, i.ridFrom ?? Number.MIN_SAFE_INTEGER, i.ridTo ?? Number.MAX_SAFE_INTEGER, indexed)!;
      if (s.lo === null || s.hi === null) hi = 0;
      else (lo = s.lo - 1), (hi = s.hi), (dense = i.timeOnly === true && s.n === hi - lo);
    }
    const whole = unfiltered || dense;
    if (dense) known += hi - lo;
    // the seqs (from, to] as jobs of the statement `stmt`
    const segment = (from: number, to: number, stmt: number) => {
      if (to <= from) return;
      if (!unfiltered && !(dense && to <= indexed)) counts.push({ stmt: COUNT, params: [t.workspace_id, from, to, ...i.whereParams] });
      const params = stmt === ALL ? [] : i.whereParams;
      for (let a = from; a < to; a += SPAN) ranges.push({ ws: t.workspace_id, job: { stmt, params: [t.workspace_id, a, Math.min(a + SPAN, to), ...params] } });
    };
    segment(lo, Math.min(hi, csvFrom), FORMAT);
    segment(Math.max(lo, csvFrom), hi, whole ? ALL : STORED);
    segment(indexed, t.cursor_seq, FORMAT);
  }

  // the pool pays for itself only where SQLite formats lines: a copy of stored lines is faster here (no sort, no handover)
  const formatting = ranges.reduce((n, r) => n + (r.job.stmt === FORMAT ? (r.job.params[2] as number) - (r.job.params[1] as number) : 0), 0);
  const jobs = [...counts, ...ranges.map((r) => r.job)];
  const spans = ranges.reduce((n, r) => n + (r.job.params[2] as number) - (r.job.params[1] as number), 0);
  const results: AsyncGenerator<JobResult> =
    i.pool && formatting >= (i.poolMinRows ?? POOL_MIN_ROWS) ? i.pool.run(poolSql, jobs) : inThread(i.db, hereSql, jobs, i.yieldNow, spans >= STREAMING_ROWS);

  const perWs = new Map<string, CsvWorkspaceRows>(i.targets.map((t) => [t.workspace_id, { rows: 0, firstSeq: null, lastSeq: null }]));
  let total = known;
  let rows = 0;
  let lastProgress = 0;
  let k = 0;
  if (counts.length === 0) i.onProgress?.(0, total);
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
    // each line straight into the sink's buffer: no joined copy of the job (a large string lives until a full GC)
    if (r.lines) for (const l of r.lines) i.sink.tryWriteText(l) || (await i.sink.writeText(l));
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
  i.onProgress?.(rows, total);
  return perWs;
}

/** The same jobs on this thread's connection, yielding to the event loop now and then so the process stays responsive. */
async function* inThread(db: Db, sql: string[], jobs: PoolJob[], yieldNow: () => Promise<void>, streaming: boolean): AsyncGenerator<JobResult> {
  // An export that reads more than the page cache holds would only cycle every hot page out of it (each of its pages is
  // read once): it runs with a small cache instead, so the process's memory stays bounded (~56 MB less peak RSS).
  const cacheSize = streaming ? (db.pragma('cache_size', { simple: true }) as number) : null;
  if (cacheSize !== null) db.pragma(`cache_size = ${STREAMING_CACHE_KIB}`);
  try {
    yield* runHere(db, sql, jobs, yieldNow);
  } finally {
    if (cacheSize !== null) db.pragma(`cache_size = ${cacheSize}`);
  }
}

async function* runHere(db: Db, sql: string[], jobs: PoolJob[], yieldNow: () => Promise<void>): AsyncGenerator<JobResult> {
  const count = db.prepare<PoolParam[], { n: number }>(sql[COUNT]!);
  const lineStmts = [db.prepare(sql[FORMAT]!).raw(true), db.prepare(sql[STORED]!).raw(true)];
  const allLines = db.prepare(sql[ALL]!).pluck(true);
  const allBounds = db.prepare<PoolParam[], { lo: number | null; hi: number | null }>(sql[ALL + 1]!);
  let sinceYield = 0;
  for (const job of jobs) {
    if (job.stmt === COUNT) {
      yield { bytes: null, num: { n: count.get(...job.params)!.n } };
      continue;
    }
    if (job.stmt === ALL) {
      const lines = allLines.all(...job.params) as string[];
      const b = allBounds.get(...job.params, ...job.params)!;
      yield { bytes: null, lines, num: { n: lines.length, lo: b.lo, hi: b.hi } };
      sinceYield += lines.length;
    } else {
        const got = lineStmts[job.stmt - 1]!.all(...job.params) as [number, string][];
      const lines = new Array<string>(got.length);
      for (let j = 0; j < got.length; j++) lines[j] = got[j]![1];
      yield { bytes: null, lines, num: { n: got.length, lo: got.length ? got[0]![0] : null, hi: got.length ? got[got.length - 1]![0] : null } };
      sinceYield += got.length;
    }
    if (sinceYield >= PROGRESS_EVERY) {
      sinceYield = 0;
      await yieldNow();
    }
  }
}
