// One thread of the read pool (sqlite-read-pool.ts): a read-only connection to the cache; runs the jobs it is handed and
// writes each result's text as UTF-8 into the slot of shared memory the job names, so no per-result buffer is allocated
// on either side. A text larger than its slot travels in the message instead (a rare, huge row).
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

interface Init {
  file: string;
  nativeBinding?: string;
  slots: SharedArrayBuffer;
  slotBytes: number;
}
type JobMsg = { kind: 'sql'; sql: string[] } | { kind: 'close' } | { kind: 'job'; id: number; stmt: number; params: (string | number | null)[]; slot: number };

const init = workerData as Init;
const db = new Database(init.file, { readonly: true, fileMustExist: true, nativeBinding: init.nativeBinding });
db.pragma('busy_timeout = 5000');
// scans read each page once: a small page cache keeps this thread's memory low
db.pragma('cache_size = -4000');
const shared = Buffer.from(init.slots);
let stmts: Database.Statement<unknown[]>[] = [];

/** the job's one row: its text, and every other column as a number */
function runRow(stmt: Database.Statement<unknown[]>, params: unknown[]): { text: string | null; num: Record<string, number | null> } {
  const row = (stmt.get(...params) ?? {}) as Record<string, unknown>;
  const num: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(row)) if (k !== 'text') num[k] = typeof v === 'number' ? v : v === null ? null : Number(v);
  return { text: typeof row.text === 'string' ? row.text : null, num };
}

parentPort!.on('message', (m: JobMsg) => {
  if (m.kind === 'sql') {
    stmts = m.sql.map((s) => db.prepare(s));
    return;
  }
  // the pool ends a thread by asking, between jobs: terminating one inside SQLite can abort the whole process
  if (m.kind === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  try {
    const { text, num } = runRow(stmts[m.stmt]!, m.params);
    // text, not a BLOB: a Buffer per result would pile up outside the heap until a full GC (~60 MB more RSS per thread)
    if (typeof text !== 'string') parentPort!.postMessage({ id: m.id, slot: m.slot, len: -1, num });
    else if (text.length * 3 <= init.slotBytes) parentPort!.postMessage({ id: m.id, slot: m.slot, len: shared.write(text, m.slot * init.slotBytes, init.slotBytes, 'utf8'), num });
    else parentPort!.postMessage({ id: m.id, slot: m.slot, len: -2, text, num });
  } catch (err) {
    parentPort!.postMessage({ id: m.id, slot: m.slot, error: { code: (err as { code?: string }).code ?? 'error', message: String((err as Error).message ?? err).slice(0, 300) } });
  }
});
