// The refresh storm, shared by test/node/connections/refresh-storm.test.ts and bench/refresh-storm.ts: N workspaces connected
// to a real sandbox, every access token expired (the app's clock jumps ahead), then C concurrent API calls per workspace.
// Counts token-endpoint refresh POSTs per workspace and invalid_grant answers (a reuse detection would show as one).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { startSandbox } from '../../sandbox/server.ts';
import { createApp } from '../../src-main/composition.ts';
import { openCache } from '../../src-main/adapters/sqlite.ts';
import { createKeytarSecretStore } from '../../src-main/adapters/keytar-secret-store.ts';
import { createMemorySecretStore } from '../../src-main/adapters/memory-secret-store.ts';
import { createFileLogger } from '../../src-main/adapters/file-logger.ts';
import { createUndiciHttp } from '../../src-main/adapters/undici-http.ts';
import type { LimitedFetch } from '../../src-main/ports/http.ts';
import { follow } from './fake-browser.mjs';
import { testClient } from './test-client.ts';

export interface StormResult {
  workspaces: number;
  callsPerWorkspace: number;
  connectMs: number;
  stormMs: number;
  refreshPosts: number;
  refreshesPerWorkspace: Map<string, number>;
  invalidGrant: number;
  failedCalls: number;
  generations: number[];
  backend: string;
}

export async function runStorm(opts: { workspaces: number; calls: number; keychain: boolean }): Promise<StormResult> {
  const sandbox = await startSandbox({ workspaces: opts.workspaces, events: 0, seed: 7, autoConsent: true, log: () => undefined });
  const dataDir = mkdtempSync(join(tmpdir(), 'grantdesk-storm-'));
  const store = opts.keychain ? createKeytarSecretStore({ timeoutMs: 30_000 }) : createMemorySecretStore();
  let offset = 0;
  const clock = { now: () => Date.now() + offset };
  const real = createUndiciHttp();
  const refreshesPerWorkspace = new Map<string, number>();
  let refreshPosts = 0;
  let invalidGrant = 0;
  let current: string | null = null;
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
  void current;
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
    offset = 2 * 3600_000; // every access token is now expired for the app
    const before = refreshPosts;
    const api = app.services.connections.api;
    // per-workspace refresh counting: wrap accessToken calls through the API and attribute POSTs via generation deltas
    const s0 = performance.now();
    const results = await Promise.allSettled(
      ids.flatMap((id) => Array.from({ length: opts.calls }, () => api.call(id, { method: 'GET', path: '/v1/workspace', schema: z.object({ id: z.literal(id) }) }))),
    );
    const stormMs = performance.now() - s0;
    const failedCalls = results.filter((r) => r.status === 'rejected').length;
    const list = await call('workspaces.list', {});
    for (const w of list) refreshesPerWorkspace.set(w.id, w.generation - 1);
    return {
      workspaces: ids.length,
      callsPerWorkspace: opts.calls,
      connectMs,
      stormMs,
      refreshPosts: refreshPosts - before,
      refreshesPerWorkspace,
      invalidGrant,
      failedCalls,
      generations: list.map((w) => w.generation),
      backend: store.backend,
    };
  } finally {
    await app.close();
    if (opts.keychain) {
      for (const a of await store.list().catch(() => [] as string[])) if (a.startsWith('grant:') || a.startsWith('revoke:')) {
        // only this run's profile
      }
      const db = openCache(dataDir);
      const pid = (db.prepare("SELECT value FROM connection_meta WHERE key = 'profile_id'").get() as { value: string } | undefined)?.value;
      db.close();
      if (pid) for (const a of await store.list()) if (a.includes(`:${pid}:`)) await store.delete(a);
    }
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
