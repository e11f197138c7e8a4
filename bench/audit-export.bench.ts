// Full export of 1M cached events vs `sqlite3 -csv` of the same rows and vs csv-stringify; peak RSS in a child process;
// filtered export (one workspace, 30 days) in process. AUDIT_BENCH_EXPORT_EVENTS shrinks the size for quick runs.
import { spawnSync } from 'node:child_process';
import { createWriteStream, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'csv-stringify';
import { runExport } from '../src-main/services/audit/export.ts';
import { buildCache, END_MS, pct } from './audit-fixture.ts';

const N = Number(process.env.AUDIT_BENCH_EXPORT_EVENTS ?? 1_000_000);
const COLS = 'workspace_id, seq, event_id, occurred_at, credential_id, credential_type, caller_ip, method, endpoint, status, duration_ms, pii_accessed, params_json, extra_json, prev_hash, hash';
const child = fileURLToPath(new URL('./audit-export-child.ts', import.meta.url));
const repo = fileURLToPath(new URL('..', import.meta.url));

/** The child bundled like the shipped app (no tsx loader thread in the process), so peak RSS is the exporter's own. */
async function bundledChild(): Promise<string | null> {
  try {
    const esbuild = (await import('esbuild')) as typeof import('esbuild');
    const out = join(repo, 'node_modules', '.cache', 'grantdesk-bench', 'audit-export-child.mjs');
    await esbuild.build({ entryPoints: [child], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20', external: ['better-sqlite3'], logLevel: 'silent' });
    return out;
  } catch {
    return null;
  }
}

function median(xs: number[]) {
  return pct(xs, 50);
}

export async function run() {
  console.log(`generating ${N.toLocaleString('en')} events into a cache…`);
  const { dir, db, genMs } = buildCache(N, 'export');
  console.log(`  generated in ${(genMs / 1000).toFixed(1)} s`);
  const reps = N >= 500_000 ? 3 : 5;
  const bundle = await bundledChild();
  const childArgs = bundle ? [bundle] : ['--import', 'tsx', child];
  console.log(`  exporter child: ${bundle ? 'bundled with esbuild, plain node (as shipped)' : 'tsx (esbuild unavailable)'}`);
  const ours: { ms: number; peakRssMb: number | null; bytes: number }[] = [];
  for (let i = 0; i < reps; i++) {
    const out = join(dir, `ours-${i}.csv`);
    const r = spawnSync(process.execPath, [...childArgs, dir, out, 'csv'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    ours.push(JSON.parse(r.stdout.trim().split('\n').pop()!));
    rmSync(out, { force: true });
  }
  // the same child exporting zero rows: what the runtime (node + tsx loader thread + modules + SQLite) costs by itself
  const base = spawnSync(process.execPath, [...childArgs, dir, join(dir, 'none.csv'), 'csv', JSON.stringify({ workspaces: ['ws_none'] })], { encoding: 'utf8' });
  const baseRss = (JSON.parse(base.stdout.trim().split('\n').pop()!) as { peakRssMb: number }).peakRssMb;
  const sq: number[] = [];
  for (let i = 0; i < reps; i++) {
    const out = join(dir, 'sqlite3.csv');
    const t0 = performance.now();
    const r = spawnSync('bash', ['-c', `sqlite3 -csv -header ${JSON.stringify(join(dir, 'cache.db'))} "SELECT ${COLS} FROM audit_events ORDER BY workspace_id, seq" > ${JSON.stringify(out)}`]);
    sq.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(String(r.stderr));
    if (i === reps - 1) console.log(`  sqlite3 -csv file: ${(statSync(out).size / 1e6).toFixed(0)} MB`);
    rmSync(out, { force: true });
  }
  const cs: number[] = [];
  const rawIter: number[] = [];
  const stmt = db.prepare(`SELECT ${COLS} FROM audit_events ORDER BY workspace_id, seq`).raw(true);
  for (let i = 0; i < reps; i++) {
    let t0 = performance.now();
    let n = 0;
    for (const _r of stmt.iterate()) n++;
    rawIter.push(performance.now() - t0);
    const out = join(dir, 'csvstringify.csv');
    t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const ws = createWriteStream(out);
      const s = stringify({ header: true, columns: COLS.split(', '), record_delimiter: '\r\n' });
      s.pipe(ws);
      ws.on('finish', resolve);
      ws.on('error', reject);
      (async () => {
        for (const r of stmt.iterate() as IterableIterator<unknown[]>) {
          if (!s.write(r)) await new Promise((res) => s.once('drain', res));
        }
        s.end();
      })().catch(reject);
    });
    cs.push(performance.now() - t0);
    rmSync(out, { force: true });
    void n;
  }
  // filtered export: one workspace, 30 days
  const filt: number[] = [];
  let filtRows = 0;
  for (let i = 0; i < 20; i++) {
    const out = join(dir, `filtered-${i}.csv`);
    const t0 = performance.now();
    const r = await runExport(db, { filters: { workspaces: ['ws_07'], from: new Date(END_MS - 30 * 86_400_000).toISOString(), to: new Date(END_MS).toISOString() }, out, format: 'csv', bom: false, appVersion: 'bench', now: () => Date.now(), yieldEvery: async () => {} });
    filt.push(performance.now() - t0);
    filtRows = r.rowCount;
    rmSync(out, { force: true });
    rmSync(`${out}.manifest.json`, { force: true });
  }
  const oMs = median(ours.map((o) => o.ms));
  const sMs = median(sq);
  const cMs = median(cs);
  const peak = Math.max(...ours.map((o) => o.peakRssMb ?? 0));
  console.log(`  full export, ${N.toLocaleString('en')} events, ${(ours[0]!.bytes / 1e6).toFixed(0)} MB CSV (median of ${reps}):`);
  console.log(`    grantdesk export (child process, incl. SHA-256 + fsync + manifest): ${(oMs / 1000).toFixed(2)} s`);
  console.log(`    sqlite3 -csv (same rows, same order):                              ${(sMs / 1000).toFixed(2)} s   ratio ours/sqlite3 = ${(oMs / sMs).toFixed(2)}x (goal <= 1.0x)`);
  console.log(`    csv-stringify over better-sqlite3 iterate:                         ${(cMs / 1000).toFixed(2)} s   ratio ours/csv-stringify = ${(oMs / cMs).toFixed(2)}x (must be < 1)`);
  console.log(`    better-sqlite3 raw iteration alone:                                ${(median(rawIter) / 1000).toFixed(2)} s`);
  console.log(`    peak RSS of the exporting process: ${peak.toFixed(0)} MB (goal <= 150 MB); the same process exporting 0 rows: ${baseRss.toFixed(0)} MB, so the export itself adds ${(peak - baseRss).toFixed(0)} MB`);
  console.log(`  filtered export (1 workspace, 30 days, ${filtRows} rows, in process): p50 ${median(filt).toFixed(1)} ms, p95 ${pct(filt, 95).toFixed(1)} ms (goal <= 50 ms)`);
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
