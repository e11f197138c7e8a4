/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic JSON bodies and the untyped oidc-provider API */
// Sandbox benchmark: startup (incl. seeding) of the real CLI in its own process, and 5,000-event audit page latency
// measured from this (separate) client process.
// usage: node --import tsx sandbox/bench.ts [--workspaces 40] [--events 200000] [--rounds 50]
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { workspaces: { type: 'string', default: '40' }, events: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '50' } } });
const root = fileURLToPath(new URL('../', import.meta.url));
const t0 = performance.now();
const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/cli.ts', '--port', '0', '--admin', '--seed', '1', '--workspaces', values.workspaces!, '--events', values.events!], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
let stderr = '';
let adminToken = '';
const gotAdmin = new Promise<void>((resolve) => child.stderr.on('data', (d) => { stderr += d; const m = /admin token: (adm_[0-9a-f]+)/.exec(stderr); if (m) { adminToken = m[1] ?? ''; resolve(); } }));
const rl = createInterface({ input: child.stdout });
let issuer = '';
for await (const line of rl) { issuer = line; break; }
const startupMs = performance.now() - t0;
await gotAdmin;
try {
  const adm = (p: string, body?: unknown) => fetch(`${issuer}/__admin${p}`, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined }).then((r) => r.json() as any);
  const state = await adm('/state');
  const biggest = state.workspaces.sort((a: any, b: any) => b.audit_head.seq - a.audit_head.seq)[0];
  const token = (await adm('/tokens', { workspace: biggest.id, scopes: ['audit:read'] })).token;
  const times: number[] = [];
  const serverTimings: string[] = [];
  let bytes = 0;
  const rounds = Number(values.rounds);
  const maxStart = Math.max(0, biggest.audit_head.seq - 5000);
  for (let i = 0; i < rounds + 5; i++) {
    const after = Math.floor((maxStart * i) / (rounds + 5));
    const s = performance.now();
    const r = await fetch(`${issuer}/v1/audit-events?after_seq=${after}&limit=5000`, { headers: { authorization: `Bearer ${token}` } });
    const buf = await r.arrayBuffer();
    serverTimings.push(r.headers.get('server-timing') ?? '');
    const ms = performance.now() - s;
    if (r.status !== 200) throw new Error(`status ${r.status}`);
    if (i >= 5) { times.push(ms); bytes = buf.byteLength; } // first 5 are warm-up
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => Number(times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1));
  const seedMs = Number(/seeding (\d+) ms/.exec(stderr)?.[1]);
  console.log(JSON.stringify({
    workspaces: Number(values.workspaces), events: Number(values.events), seed_ms: seedMs, startup_to_issuer_line_ms: Math.round(startupMs),
    server_timing_samples: serverTimings.slice(-5),
    page: { workspace: biggest.id, workspace_events: biggest.audit_head.seq, limit: 5000, bytes, rounds: times.length, p50_ms: pct(0.5), p95_ms: pct(0.95), max_ms: pct(1) },
  }, null, 2));
} finally { child.kill('SIGTERM'); }
