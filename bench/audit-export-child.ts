// Runs one full export in a fresh process and reports its time, CPU and peak RSS (VmHWM: every thread of the process), so
// the figures are the exporter's own, not the bench runner's. argv: dir out format [filtersJson] [threads]; threads 0 = no
// read pool (the one-thread path the desktop app takes), absent = the pool the CLI uses.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openCache } from '../src-main/adapters/sqlite.ts';
import { createSqliteReadPool } from '../src-main/adapters/sqlite-read-pool.ts';
import { runExport } from '../src-main/services/audit/export.ts';

const [dir, out, format, filtersJson, threadsArg] = process.argv.slice(2) as [string, string, 'csv' | 'jsonl', string | undefined, string | undefined];
const threads = threadsArg === undefined ? undefined : Number(threadsArg);
const db = openCache(dir);
const pool = threads === 0 ? undefined : createSqliteReadPool({ file: join(dir, 'cache.db'), threads });
// CPU per thread (Linux): sampled while the export runs, since a worker's thread is gone once it ends. The main
// thread's share is the export's critical path when the pool's threads run in parallel.
const threadCpu = new Map<string, { comm: string; ms: number }>();
const tick = 1000 / 100; // USER_HZ
const sampleThreads = () => {
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const st = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      const comm = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
      threadCpu.set(tid, { comm, ms: (Number(f[11]) + Number(f[12])) * tick });
    }
  } catch {
    /* not Linux */
  }
};
const sampler = setInterval(sampleThreads, 50);
const t0 = performance.now();
const c0 = process.cpuUsage();
const r = await runExport(db, { filters: filtersJson ? JSON.parse(filtersJson) : {}, out, format, bom: false, appVersion: 'bench', now: () => Date.now(), pool });
const ms = performance.now() - t0;
clearInterval(sampler);
sampleThreads();
const mainMs = threadCpu.get(String(process.pid))?.ms ?? null;
const byComm: Record<string, number> = {};
for (const [tid, t] of threadCpu) if (tid !== String(process.pid)) byComm[t.comm] = (byComm[t.comm] ?? 0) + t.ms;
const cpu = process.cpuUsage(c0);
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, rows: r.rowCount, bytes: r.byteLength, sha256: r.sha256, peakRssMb: hwm ? Number(hwm[1]) / 1024 : null, mainThreadCpuMs: mainMs, otherThreadsCpuMs: byComm, manifest: r.manifestPath }) + '\n');
await pool?.close();
db.close();
