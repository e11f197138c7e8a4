// Runs one full export in a fresh process and reports its time and peak RSS (VmHWM), so RSS is not the bench runner's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openCache } from '../src-main/adapters/sqlite.ts';
import { runExport } from '../src-main/services/audit/export.ts';

const [dir, out, format, filtersJson] = process.argv.slice(2) as [string, string, 'csv' | 'jsonl', string | undefined];
const db = openCache(dir);
const t0 = performance.now();
const r = await runExport(db, { filters: filtersJson ? JSON.parse(filtersJson) : {}, out, format, bom: false, appVersion: 'bench', now: () => Date.now() });
const ms = performance.now() - t0;
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
process.stdout.write(JSON.stringify({ ms, rows: r.rowCount, bytes: r.byteLength, peakRssMb: hwm ? Number(hwm[1]) / 1024 : null, manifest: join(dir, 'x') && r.manifestPath }) + '\n');
db.close();
