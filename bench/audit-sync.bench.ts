// Audit sync measured as a whole process: `grantdesk audit sync` spawned (bundled CLI, real keychain grant, real undici,
// every event validated and its hash verified) against a sandbox that runs in its own process, over loopback.
//   A: an empty cache takes AUDIT_BENCH_SYNC_EVENTS (default 1,000,000) events of 2 workspaces;
//   B: a cache already holding AUDIT_BENCH_SYNC_CACHED (default 9,000,000) events (bench/audit-fixture.ts, fully indexed)
//      takes the same events, so it ends at 10M cached.
// Baselines measured in the same run: the sandbox serving the same pages to a client that only reads them (the platform
// side's own ceiling), and raw better-sqlite3 inserting the same rows (same columns, primary key and rid index, 5,000 per
// transaction, no verification). Also: how long the indexer then takes to make those events searchable.
// AUDIT_BENCH_SYNC_CASES=A limits the cases (A, B).
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openCache } from '../src-main/adapters/sqlite.ts';
import { createAuditIndexer } from '../src-main/services/audit/indexer.ts';
import { sandboxToken } from '../test/support/sandbox-session.ts';
import { buildCache } from './audit-fixture.ts';
import type { Figure } from './figures.ts';

const N = Number(process.env.AUDIT_BENCH_SYNC_EVENTS ?? 1_000_000);
const CACHED = Number(process.env.AUDIT_BENCH_SYNC_CACHED ?? 9_000_000);
const CASES = process.env.AUDIT_BENCH_SYNC_CASES ?? 'AB';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'grantdesk.mjs');
const fmt = (n: number) => Math.round(n).toLocaleString('en');

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string; ms: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const c = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d));
    c.stderr.on('data', (d: Buffer) => (err += d));
    c.on('exit', (code) => resolve({ code, out, err, ms: performance.now() - t0 }));
  });
}

async function startSandboxProcess(events: number): Promise<{ issuer: string; workspaces: string[]; proc: ChildProcess }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'sandbox/cli.ts', '--port', '0', '--workspaces', '2', '--events', String(events), '--seed', '3', '--auto-consent'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  for await (const line of createInterface({ input: proc.stdout! })) {
    lines.push(line);
    if (lines.length === 3) break;
  }
  return { issuer: lines[0]!, workspaces: lines.slice(1).map((l) => l.split('\t')[0]!), proc };
}

/** platform add + connect of each workspace through the CLI (fake browser, auto-consent), into `home` */
async function connect(home: string, issuer: string, workspaces: string[]): Promise<NodeJS.ProcessEnv> {
  const browser = join(home, '..', `browser-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(browser, `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'test', 'support', 'fake-browser.mjs')}" "$1"\n`);
  chmodSync(browser, 0o755);
  const env = { ...process.env, GRANTDESK_HOME: home, GRANTDESK_BROWSER: browser };
  for (const args of [['platform', 'add', issuer, '--name', 'Sandbox'], ...workspaces.map((w) => ['connect', w, '--platform', 'Sandbox'])]) {
    const r = await cli(args, env);
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.err}`);
  }
  return env;
}

async function timedSync(label: string, env: NodeJS.ProcessEnv): Promise<{ inserted: number; ms: number }> {
  const r = await cli(['audit', 'sync', '--json'], env);
  if (r.code !== 0) throw new Error(`audit sync: ${r.err}`);
  const results = (JSON.parse(r.out) as { results: { outcome: string; inserted: number }[] }).results;
  if (results.some((x) => x.outcome !== 'ok')) throw new Error(`audit sync outcomes ${r.out.slice(0, 300)}`);
  const inserted = results.reduce((a, x) => a + x.inserted, 0);
  console.log(`  ${label}: ${fmt(inserted)} events in ${(r.ms / 1000).toFixed(2)} s (whole process: start, token, head, pages, verify, commit, exit) = ${fmt(inserted / (r.ms / 1000))} events/s (goal >= 100,000/s)`);
  return { inserted, ms: r.ms };
}

/** the platform side alone: every page of the workspaces read back to back by a client that only receives the bytes */
async function servingRate(issuer: string, workspaces: string[]): Promise<number> {
  let events = 0;
  const t0 = performance.now();
  for (const ws of workspaces) {
    const token = (await sandboxToken(issuer, ws)).accessToken;
    let after = 0;
    for (;;) {
      const r = await fetch(`${issuer}/v1/audit-events?after_seq=${after}&limit=5000`, { headers: { authorization: `Bearer ${token}` } });
      const bytes = Buffer.from(await r.arrayBuffer());
      // the page's last seq and has_more from its last bytes, without decoding or parsing it (seqs are contiguous)
      const m = /"next_after_seq":(\d+),"has_more":(true|false)\}$/.exec(bytes.subarray(Math.max(0, bytes.length - 80)).toString('latin1'));
      if (!m) throw new Error('unexpected page');
      events += Number(m[1]) - after;
      if (m[2] !== 'true' || Number(m[1]) === after) break;
      after = Number(m[1]);
    }
  }
  return events / ((performance.now() - t0) / 1000);
}

/** raw better-sqlite3: the synced rows inserted again into a bare table with the same columns and keys, nothing verified */
function rawInsertRate(home: string): { rate: number; rows: number } {
  const src = new Database(join(home, 'cache.db'), { readonly: true });
  const cols = (src.prepare('PRAGMA table_info(audit_events)').all() as { name: string }[]).map((c) => c.name);
  const rows = src.prepare(`SELECT ${cols.join(', ')} FROM audit_events ORDER BY workspace_id, seq`).raw(true).all() as unknown[][];
  src.close();
  const dir = mkdtempSync(join(tmpdir(), 'gd-bench-raw-'));
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE audit_events (${cols.join(', ')}, PRIMARY KEY (workspace_id, seq)) WITHOUT ROWID; CREATE UNIQUE INDEX r ON audit_events (rid);`);
  const ins = db.prepare(`INSERT INTO audit_events VALUES (${cols.map(() => '?').join(',')})`);
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += 5000) db.transaction(() => { for (let j = i; j < Math.min(rows.length, i + 5000); j++) ins.run(rows[j]!); })();
  const ms = performance.now() - t0;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return { rate: rows.length / (ms / 1000), rows: rows.length };
}

function indexCatchUp(home: string): { ms: number; n: number } {
  const db = openCache(home);
  try {
    const t0 = performance.now();
    const n = createAuditIndexer(db).catchUp();
    return { ms: performance.now() - t0, n };
  } finally {
    db.close();
  }
}

export async function run(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const root = mkdtempSync(join(tmpdir(), 'gd-bench-sync-'));
  console.log(`starting the sandbox (own process) with ${fmt(N)} events in 2 workspaces…`);
  const t0 = performance.now();
  const sb = await startSandboxProcess(N);
  console.log(`  sandbox ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  try {
    const serving = await servingRate(sb.issuer, sb.workspaces);
    console.log(`  baseline, the platform side alone (pages read back to back, not parsed): ${fmt(serving)} events/s`);
    if (CASES.includes('A')) {
      const home = join(root, 'a');
      const env = await connect(home, sb.issuer, sb.workspaces);
      const a = await timedSync(`A, empty cache -> ${fmt(N)} cached`, env);
      const raw = rawInsertRate(home);
      const rate = a.inserted / (a.ms / 1000);
      figures.push({ name: `grantdesk audit sync, 2 workspaces, ${fmt(a.inserted)} events into an empty cache (whole process)`, value: rate, unit: '/s', target: '≥ 100,000 events/s', met: rate >= 100_000, baseline: { name: 'raw better-sqlite3 insert of the same rows', value: raw.rate }, ratio: rate / raw.rate, command: 'AUDIT_BENCH_SYNC_CASES=A BENCH_ONLY=audit-sync npm run bench (spawns bin/grantdesk.mjs audit sync --json)', note: `platform side alone serves ${fmt(serving)} events/s here` });
      console.log(`  baseline, raw better-sqlite3 insert of the same ${fmt(raw.rows)} rows (no HTTP, no JSON, no hashing): ${fmt(raw.rate)} rows/s; the whole-process sync runs at ${((a.inserted / (a.ms / 1000) / raw.rate) * 100).toFixed(0)} % of it`);
      const ix = indexCatchUp(home);
      console.log(`  then the indexer makes them searchable (full text, secondary indexes, aggregates): ${fmt(ix.n)} events in ${(ix.ms / 1000).toFixed(1)} s = ${fmt(ix.n / (ix.ms / 1000))} events/s, behind the sync`);
      figures.push({ name: `audit indexer behind the sync (full text, partial indexes, aggregates), ${fmt(ix.n)} events`, value: ix.n / (ix.ms / 1000), unit: '/s', command: 'createAuditIndexer(db).catchUp() after case A' });
    }
    if (CASES.includes('B')) {
      console.log(`  building a cache of ${fmt(CACHED)} events (fixture, fully indexed)…`);
      const fx = buildCache(CACHED, 'sync10m');
      fx.db.close();
      console.log(`    built in ${(fx.genMs / 1000).toFixed(0)} s`);
      try {
        const env = await connect(fx.dir, sb.issuer, sb.workspaces);
        const b = await timedSync(`B, ${fmt(CACHED)} cached -> ${fmt(CACHED + N)} cached`, env);
        const rate = b.inserted / (b.ms / 1000);
        figures.push({ name: `grantdesk audit sync, ${fmt(b.inserted)} events into a cache of ${fmt(CACHED)} (whole process)`, value: rate, unit: '/s', target: '≥ 100,000 events/s', met: rate >= 100_000, command: 'BENCH_ONLY=audit-sync npm run bench (case B)' });
      } finally {
        rmSync(fx.dir, { recursive: true, force: true });
      }
    }
  } finally {
    sb.proc.kill('SIGTERM');
    rmSync(root, { recursive: true, force: true });
  }
  return figures;
}
