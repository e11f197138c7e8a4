// The refresh storm, shared by test/node/connections/refresh-storm.test.ts and bench/refresh-storm.bench.ts: N workspaces
// connected to a real sandbox, every access token expired (the app's clock jumps ahead), then C concurrent API calls per
// workspace. Refreshes are counted twice: the token-endpoint POSTs the app sent, and at the sandbox (refresh tokens the
// platform spent during the storm, read from its own database), with the invalid_grant answers (a reuse detection).
// `sandbox: 'child'` runs the platform in its own process, as a real platform is (in-process it shares the app's event
// loop and its CPU shows up in the storm's time). `baseline: true` then replays the storm's refreshes without single-
// flight: C concurrent refresh POSTs per workspace with the same refresh token, straight to the token endpoint.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { startSandbox } from '../../sandbox/server.ts';
import { createApp } from '../../src-main/composition.ts';
import { openCache } from '../../src-main/adapters/sqlite.ts';
import { createKeytarSecretStore } from '../../src-main/adapters/keytar-secret-store.ts';
import { createMemorySecretStore } from '../../src-main/adapters/memory-secret-store.ts';
import { createFileLogger } from '../../src-main/adapters/file-logger.ts';
import { createUndiciHttp } from '../../src-main/adapters/undici-http.ts';
import type { LimitedFetch } from '../../src-main/ports/http.ts';
import type { SecretStore } from '../../src-main/ports/secret-store.ts';
import { follow } from './fake-browser.mjs';
import { testClient } from './test-client.ts';

export interface StormOptions {
  workspaces: number;
  calls: number;
  keychain: boolean;
  /** where the sandbox runs (default in-process) */
  sandbox?: 'in-process' | 'child';
  /** after the storm, the same refreshes without single-flight */
  baseline?: boolean;
}

export interface StormBaseline {
  ms: number;
  posts: number;
  /** answered with new tokens */
  accepted: number;
  invalidGrant: number;
  /** no answer, or another error */
  failed: number;
  /** refresh tokens the sandbox spent */
  sandboxRefreshes: number;
}

export interface StormResult {
  workspaces: number;
  callsPerWorkspace: number;
  connectMs: number;
  stormMs: number;
  /** token-endpoint refresh POSTs the app sent during the storm */
  refreshPosts: number;
  /** refresh tokens the sandbox spent during the storm (its own record) */
  sandboxRefreshes: number;
  refreshesPerWorkspace: Map<string, number>;
  invalidGrant: number;
  failedCalls: number;
  generations: number[];
  backend: string;
  sandbox: 'in-process' | 'child';
  baseline: StormBaseline | null;
}

interface RunningSandbox {
  issuer: string;
  workspaces: { id: string }[];
  dataDir: string;
  close(): Promise<void>;
}

async function childSandbox(n: number): Promise<RunningSandbox> {
  const dataDir = mkdtempSync(join(tmpdir(), 'grantdesk-storm-sandbox-'));
  const root = join(import.meta.dirname, '..', '..');
  const args = ['--import', 'tsx', 'sandbox/cli.ts', '--port', '0', '--workspaces', String(n), '--events', '0', '--seed', '7', '--auto-consent', '--data', dataDir];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const lines: string[] = [];
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the sandbox exited (${code}): ${stderr.slice(-400)}`))));
  const read = (async () => {
    for await (const line of createInterface({ input: child.stdout })) {
      lines.push(line);
      if (lines.length === n + 1) return;
    }
  })();
  await Promise.race([read, exited]);
  return {
    issuer: lines[0]!,
    workspaces: lines.slice(1).map((l) => ({ id: l.split('\t')[0]! })),
    dataDir,
    async close() {
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Refresh tokens the platform has spent so far, per grant, from the sandbox's own database (read-only). */
function spentRefreshTokens(sandboxDir: string): number {
  const db = new Database(join(sandboxDir, 'sandbox.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM oidc WHERE model = 'RefreshToken' AND consumed_at IS NOT NULL").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** C concurrent refresh POSTs per workspace, all with the refresh token the app holds now: what single-flight prevents. */
async function noSingleFlight(issuer: string, store: SecretStore, profileId: string, ids: string[], calls: number, sandboxDir: string): Promise<StormBaseline> {
  const tokens = new Map<string, string>();
  for (const id of ids) {
    const raw = await store.get(`grant:${profileId}:${id}`);
    if (raw) tokens.set(id, (JSON.parse(raw) as { refreshToken: string }).refreshToken);
  }
  const before = spentRefreshTokens(sandboxDir);
  let accepted = 0;
  let invalidGrant = 0;
  let failed = 0;
  const post = async (rt: string) => {
    try {
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'grantdesk-desktop', refresh_token: rt }),
      });
      const text = await res.text();
      if (res.ok) accepted++;
      else if (text.includes('invalid_grant')) invalidGrant++;
      else failed++;
    } catch {
      failed++;
    }
  };
  // the race that matters is inside one workspace (C posts with one token); 16 workspaces at a time keep the sockets
  // within the sandbox's listen backlog
  const queue = [...tokens.values()];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let rt = queue.shift(); rt; rt = queue.shift()) {
        const token = rt;
        await Promise.all(Array.from({ length: calls }, () => post(token)));
      }
    }),
  );
  return { ms: performance.now() - t0, posts: tokens.size * calls, accepted, invalidGrant, failed, sandboxRefreshes: spentRefreshTokens(sandboxDir) - before };
}

export async function runStorm(opts: StormOptions): Promise<StormResult> {
  const where = opts.sandbox ?? 'in-process';
  const sandbox: RunningSandbox =
    where === 'child' ? await childSandbox(opts.workspaces) : await startSandbox({ workspaces: opts.workspaces, events: 0, seed: 7, autoConsent: true, log: () => undefined });
  const dataDir = mkdtempSync(join(tmpdir(), 'grantdesk-storm-'));
  const store = opts.keychain ? createKeytarSecretStore({ timeoutMs: 30_000 }) : createMemorySecretStore();
  let offset = 0;
  const clock = { now: () => Date.now() + offset };
  const real = createUndiciHttp();
  let refreshPosts = 0;
  let invalidGrant = 0;
  const counting: LimitedFetch = async (url, init, limits) => {
    const body = init.body == null ? '' : String(init.body);
    const isRefresh = body.includes('grant_type=refresh_token');
    if (isRefresh) refreshPosts++;
    const res = await real.fetch(url, init, limits);
    if (isRefresh && res.status === 400) {
      const t = await res.clone().text();
      if (t.includes('invalid_grant')) invalidGrant++;
    }
    return res;
  };
  const app = createApp({
    dataDir,
    db: openCache(dataDir),
    secretStore: store,
    clock,
    opener: async (url) => void follow(url),
    logger: createFileLogger(dataDir),
    http: { request: real.request, fetch: counting },
  });
  const { call } = testClient(app);
  const profileId = () => {
    const db = openCache(dataDir);
    try {
      return (db.prepare("SELECT value FROM connection_meta WHERE key = 'profile_id'").get() as { value: string } | undefined)?.value ?? null;
    } finally {
      db.close();
    }
  };
  let pid: string | null = null;
  try {
    await call('platforms.add', { issuer: sandbox.issuer, name: 'Storm' });
    const t0 = performance.now();
    const ids = sandbox.workspaces.map((w) => w.id);
    const queue = [...ids];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let id = queue.shift(); id; id = queue.shift()) await call('workspaces.connect', { workspace: id, role: 'auditor' });
      }),
    );
    const connectMs = performance.now() - t0;
    pid = profileId();
    offset = 2 * 3600_000; // every access token is now expired for the app
    const before = refreshPosts;
    const spentBefore = spentRefreshTokens(sandbox.dataDir);
    const api = app.services.connections.api;
    // one schema for every call (a schema built per call costs its compilation on every call, which no app code does)
    const workspaceSchema = z.object({ id: z.string() });
    const s0 = performance.now();
    const results = await Promise.allSettled(
      ids.flatMap((id) =>
        Array.from({ length: opts.calls }, async () => {
          const r = await api.call(id, { method: 'GET', path: '/v1/workspace', schema: workspaceSchema });
          if (r.data.id !== id) throw new Error(`${id}: the answer named ${r.data.id}`);
          return r;
        }),
      ),
    );
    const stormMs = performance.now() - s0;
    const sandboxRefreshes = spentRefreshTokens(sandbox.dataDir) - spentBefore;
    const failedCalls = results.filter((r) => r.status === 'rejected').length;
    const list = await call('workspaces.list', {});
    const refreshesPerWorkspace = new Map(list.map((w) => [w.id, w.generation - 1]));
    const baseline = opts.baseline && pid ? await noSingleFlight(sandbox.issuer, store, pid, ids, opts.calls, sandbox.dataDir) : null;
    return {
      workspaces: ids.length,
      callsPerWorkspace: opts.calls,
      connectMs,
      stormMs,
      refreshPosts: refreshPosts - before,
      sandboxRefreshes,
      refreshesPerWorkspace,
      invalidGrant,
      failedCalls,
      generations: list.map((w) => w.generation),
      backend: store.backend,
      sandbox: where,
      baseline,
    };
  } finally {
    await app.close();
    // only this run's items: the keychain is shared with every other test in the session
    if (opts.keychain && pid) for (const a of await store.list()) if (a.includes(`:${pid}:`)) await store.delete(a);
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Sequential writes of grant-sized items to the same SecretStore: the per-write cost a refresh storm pays N times. */
export async function secretWriteCost(store: SecretStore, writes: number): Promise<{ perWriteMs: number; concurrentMs: number }> {
  const value = JSON.stringify({ v: 1, workspaceId: 'ws_probe', platformId: 'p', refreshToken: 'r'.repeat(64), accessToken: 'a'.repeat(600), expiresAt: 0, generation: 2, scope: 'offline_access credentials:read audit:read' });
  const tag = `storm-probe:${process.pid}:${Date.now().toString(36)}`;
  try {
    const t0 = performance.now();
    for (let i = 0; i < writes; i++) await store.set(`${tag}:s${i}`, value);
    const perWriteMs = (performance.now() - t0) / writes;
    const t1 = performance.now();
    await Promise.all(Array.from({ length: writes }, (_, i) => store.set(`${tag}:c${i}`, value)));
    return { perWriteMs, concurrentMs: performance.now() - t1 };
  } finally {
    for (const a of await store.list()) if (a.startsWith(tag)) await store.delete(a);
  }
}
