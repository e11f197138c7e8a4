// The ReadPool port over worker threads, each with its own read-only connection to the cache (sqlite-read-worker.ts).
// A run starts its own threads and ends them when it ends (a run is a whole export: the ~30 ms start is noise there, and
// runs never share state). Results come back in job order through slots of one SharedArrayBuffer: a thread may run
// ahead by its slots and no further, so memory stays bounded whatever the size of the export.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PoolJob, PoolRow, ReadPool } from '../ports/read-pool.ts';
import { AppError } from '../rpc/app-error.ts';

export interface SqliteReadPoolOptions {
  /** the cache database file (its WAL is read too) */
  file: string;
  nativeBinding?: string;
  /** default: the machine's cores, at most 4 */
  threads?: number;
  /** results a thread may run ahead of the reader (default 6: a thread never stalls while this one waits for a core) */
  slotsPerThread?: number;
  /** bytes per slot (default 4 MiB); a result larger than that travels in its message instead */
  slotBytes?: number;
}

interface Result {
  slot: number;
  len?: number;
  text?: string;
  num?: Record<string, number | null>;
  error?: { code: string; message: string };
}

/**
 * The worker: its bundled copy next to this chunk (out/cli), or, running from source (tests, tsx), its TypeScript
 * through tsx registered inside the new thread (Node 20 does not hand a thread the loaders of --import).
 */
function startWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./sqlite-read-worker.mjs', import.meta.url), { workerData });
  const src = new URL('./sqlite-read-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(src)}); });`, { eval: true, workerData });
}

/**
 * Asks a thread to close its connection and end after the job it is running (a job is ~2048 rows: milliseconds);
 * terminate() only if it has not ended within 10 s, since terminating a thread inside SQLite can abort the process.
 */
function endWorker(w: Worker, live: Set<Worker>): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!live.has(w)) return resolve(); // already ended
    const timer = setTimeout(() => void w.terminate().then(() => resolve()), 10_000);
    w.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    w.postMessage({ kind: 'close' });
  });
}

export function createSqliteReadPool(opts: SqliteReadPoolOptions): ReadPool {
  const threads = Math.max(1, opts.threads ?? Math.min(4, availableParallelism()));
  const perThread = Math.max(1, opts.slotsPerThread ?? 6);
  const slotBytes = opts.slotBytes ?? 4 << 20;
  const live = new Set<Worker>();

  async function* run(sql: readonly string[], jobs: readonly PoolJob[]): AsyncGenerator<PoolRow> {
    if (jobs.length === 0) return;
    const n = Math.min(threads, jobs.length);
    const sab = new SharedArrayBuffer(n * perThread * slotBytes);
    const view = new Uint8Array(sab);
    const results = new Map<number, Result>();
    let waiting: { id: number; resolve: () => void } | null = null;
    let failure: Error | null = null;
    const fail = (err: Error) => {
      failure ??= err;
      waiting?.resolve();
    };
    const workers: Worker[] = [];
    for (let w = 0; w < n; w++) {
      const worker = startWorker({ file: opts.file, nativeBinding: opts.nativeBinding, slots: sab, slotBytes });
      live.add(worker);
      worker.on('message', (m: Result & { id: number }) => {
        results.set(m.id, m);
        if (waiting?.id === m.id) waiting.resolve();
      });
      worker.on('error', (err) => fail(new AppError('io_error', `A thread reading the cache failed (${(err as NodeJS.ErrnoException).code ?? err.message.slice(0, 120)})`)));
      worker.on('exit', (code) => {
        live.delete(worker);
        if (code !== 0) fail(new AppError('io_error', `A thread reading the cache stopped (exit ${code})`));
      });
      worker.postMessage({ kind: 'sql', sql });
      workers.push(worker);
    }
    let next = 0;
    const dispatch = (slot: number) => {
      if (next >= jobs.length) return;
      const job = jobs[next]!;
      workers[Math.floor(slot / perThread)]!.postMessage({ kind: 'job', id: next++, stmt: job.stmt, params: job.params, slot });
    };
    // fill every slot, thread by thread, so the first jobs spread over all threads
    for (let s = 0; s < perThread; s++) for (let w = 0; w < n; w++) dispatch(w * perThread + s);
    try {
      for (let id = 0; id < jobs.length; id++) {
        while (!results.has(id) && !failure) await new Promise<void>((resolve) => (waiting = { id, resolve }));
        waiting = null;
        if (failure) throw failure;
        const r = results.get(id)!;
        results.delete(id);
        if (r.error) throw new AppError('io_error', `Reading the cache failed (${r.error.code}: ${r.error.message})`);
        const bytes = r.len === -1 ? null : r.len === -2 ? Buffer.from(r.text!, 'utf8') : view.subarray(r.slot * slotBytes, r.slot * slotBytes + r.len!);
        yield { bytes, num: r.num ?? {} };
        // the caller is done with the slot's bytes: it takes the next job
        dispatch(r.slot);
      }
    } finally {
      await Promise.all(workers.map((w) => endWorker(w, live)));
    }
  }

  return {
    threads,
    run,
    async close() {
      await Promise.all([...live].map((w) => endWorker(w, live)));
    },
  };
}
