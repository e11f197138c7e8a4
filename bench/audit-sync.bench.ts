// Sync throughput with verification (JCS + SHA-256 per event, zod per page, one transaction per page incl. FTS):
// from the sandbox platform over loopback (real OAuth token), and from a bare loopback chain server for comparison.
// AUDIT_BENCH_SYNC_EVENTS (default 200,000) sets the number of events.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../sandbox/server.ts';
import { openCache } from '../src-main/adapters/sqlite.ts';
import { createAuditService } from '../src-main/services/audit/audit-service.ts';
import { createEventBus } from '../src-main/services/event-bus.ts';
import type { WorkspaceApi } from '../src-main/ports/platform.ts';
import { createPlatformClient } from '../src-main/platform/index.ts';
import { makeChain } from '../test/support/audit-chain.ts';
import { serveChains } from '../test/support/audit-http-platform.ts';
import { createFetchWorkspaceApi } from '../test/support/fetch-workspace-api.ts';
import { sandboxWorkspaceApi } from '../test/support/sandbox-session.ts';

const N = Number(process.env.AUDIT_BENCH_SYNC_EVENTS ?? 200_000);
const quiet = { info() {}, warn() {}, error() {} };

async function timeSync(api: WorkspaceApi, workspaces: string[], concurrency: number) {
  const dir = mkdtempSync(join(tmpdir(), 'gd-bench-sync-'));
  const db = openCache(dir);
  try {
    const svc = createAuditService({ db, dataDir: dir, appVersion: 'bench', bus: createEventBus(), clock: { now: () => Date.now() }, logger: quiet, platform: createPlatformClient(api), directory: null, concurrency: () => concurrency, pageSize: 5000 });
    const t0 = performance.now();
    const r = await svc.sync({ workspaces });
    const ms = performance.now() - t0;
    const inserted = r.results.reduce((a, x) => a + x.inserted, 0);
    const bad = r.results.filter((x) => x.outcome !== 'ok');
    if (bad.length) throw new Error(`sync outcome ${JSON.stringify(bad)}`);
    return { ms, inserted, rate: inserted / (ms / 1000) };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run() {
  const wsCount = 4;
  console.log(`starting the sandbox with ${N.toLocaleString('en')} events in ${wsCount} workspaces…`);
  const t0 = performance.now();
  const sb = await startSandbox({ workspaces: wsCount, events: N, seed: 3, autoConsent: true, log: () => {} });
  console.log(`  sandbox ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  try {
    const ids = sb.workspaces.map((w) => w.id);
    const api = await sandboxWorkspaceApi(sb.issuer, ids);
    const a = await timeSync(api, ids, 4);
    console.log(`  sync from the sandbox over loopback (4 workspaces, pool 4, 5,000-event pages): ${a.inserted.toLocaleString('en')} events in ${(a.ms / 1000).toFixed(2)} s = ${Math.round(a.rate).toLocaleString('en')} events/s (goal >= 100,000/s)`);
  } finally {
    await sb.close();
  }
  // the same pipeline against a bare chain server isolates the client side's cost
  const chains = Object.fromEntries(Array.from({ length: wsCount }, (_, i) => [`ws_b${i}`, makeChain(`ws_b${i}`, Math.floor(N / wsCount), { seed: i + 1, hostileEvery: 13 })]));
  const server = await serveChains(chains);
  try {
    const api = createFetchWorkspaceApi({ baseUrl: () => `${server.url}/`, token: () => 'x' });
    const wrapped: WorkspaceApi = { call: (ws, req) => api.call(ws, { ...req, query: { ...req.query, ws } }) };
    const b = await timeSync(wrapped, Object.keys(chains), 4);
    console.log(`  same pipeline from a bare loopback chain server (client-side cost only): ${Math.round(b.rate).toLocaleString('en')} events/s`);
  } finally {
    await server.close();
  }
}
