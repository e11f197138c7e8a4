// Test-only platform ports for the rotation tests: a real sandbox (in-process, admin path on), real access tokens from
// the authorization-code + PKCE flow (auto-consent), a minimal fetch WorkspaceApi, and the app's real composition root
// (real undici HttpClient, real file logger) over a temp data dir. Independent checks use the sandbox's admin state.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oauth from 'oauth4webapi';
import { bearerWorkspaceApi, followToCallback, sandboxToken } from '../../support/sandbox-session.ts';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../../sandbox/server.ts';
import { processClock } from '../../../sandbox/clock.ts';
import { createApp, type AppRuntime } from '../../../src-main/composition.ts';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createMemorySecretStore } from '../../../src-main/adapters/memory-secret-store.ts';
import { createFileLogger } from '../../../src-main/adapters/file-logger.ts';
import { systemClock } from '../../../src-main/ports/clock.ts';
import type { WorkspaceApi, WorkspaceDirectory, WorkspaceRef } from '../../../src-main/ports/platform.ts';
import { z } from 'zod';
import { testClient, type TestClient } from '../../support/test-client.ts';

const SCOPE = 'offline_access credentials:read credentials:write audit:read';
const insecure = { [oauth.allowInsecureRequests]: true } as const;

export interface TrueCredential {
  id: string; type: string; name: string; scopes: string[]; status: string; grace_ends_at: string | null; rotated_from: string | null;
  expires_at: string | null; last_used_at: string | null; client_id: string | null; daily_quota: number | null; secret_sha256: string | null;
}

export interface RotationSandbox {
  sb: SandboxHandle;
  tokenEndpoint: string;
  api: WorkspaceApi;
  directory: WorkspaceDirectory;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  credentials(workspaceId: string): Promise<TrueCredential[]>;
  /** a call with an arbitrary bearer (e.g. an API key secret) */
  withBearer(secret: string, path: string, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> | null }>;
  close(): Promise<void>;
}


/** Follows an authorization URL through the sandbox's auto-consent to whatever loopback callback it names (real connect flow). */
export async function followAuthorization(url: string): Promise<void> {
  const redirect = new URL(url).searchParams.get('redirect_uri')!;
  const cb = await followToCallback(url, redirect);
  const r = await fetch(cb);
  await r.body?.cancel();
}



export async function startRotationSandbox(opts: SandboxOptions = {}): Promise<RotationSandbox> {
  const sb = await startSandbox({ workspaces: 3, events: 300, seed: 6, autoConsent: true, admin: true, clock: processClock(), accessTokenTtl: 40 * 86400, log: () => {}, ...opts });
  const issuer = new URL(sb.issuer);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
  const tokens = new Map<string, string>();
  for (const w of sb.workspaces) tokens.set(w.id, (await sandboxToken(sb.issuer, w.id, SCOPE)).accessToken);
  const refs: WorkspaceRef[] = sb.workspaces.map((w) => ({ id: w.id, name: w.name, platformId: 'sandbox', status: 'connected' }));
  const api = bearerWorkspaceApi(sb.issuer, tokens);

  const admin = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${sb.issuer}/__admin${path}`, {
      method,
      headers: { authorization: `Bearer ${sb.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  return {
    sb,
    tokenEndpoint: as.token_endpoint!,
    api,
    directory: { list: () => refs, get: (id) => refs.find((r) => r.id === id) ?? null },
    admin,
    async credentials(workspaceId) {
      const r = await admin('GET', `/state?workspace=${encodeURIComponent(workspaceId)}`);
      return (r.body.workspaces as Array<{ credentials: TrueCredential[] }>)[0]!.credentials;
    },
    async withBearer(secret, path, headers = {}) {
      const r = await fetch(new URL(path, sb.issuer), { headers: { authorization: `Bearer ${secret}`, ...headers } });
      const t = await r.text();
      return { status: r.status, body: t ? (JSON.parse(t) as Record<string, unknown>) : null };
    },
    close: () => sb.close(),
  };
}

/** The app with the typed test client (IPC's capabilities; `.as(CLI_CONTEXT)` for the shell's). */
export interface RotationApp extends TestClient {
  runtime: AppRuntime;
  dataDir: string;
  /** every byte Grantdesk wrote under its data dir (cache.db, -wal, -shm, logs) as latin1 text, for canary searches */
  allBytes(): string;
  close(opts?: { keepDir?: boolean }): Promise<void>;
}

/** The real composition root (real undici HttpClient, real file logger) over a data dir, with sandbox-backed platform ports. */
export function startRotationApp(p: RotationSandbox | null, opts: { dataDir?: string; useRealConnections?: boolean } = {}): RotationApp {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'grantdesk-rotation-'));
  const db = openCache(dataDir);
  const runtime = createApp({
    dataDir,
    db,
    secretStore: createMemorySecretStore(),
    clock: systemClock,
    opener: async (url) => {
      await followAuthorization(url);
    },
    logger: createFileLogger(dataDir),
    workspaceApi: opts.useRealConnections || !p ? undefined : p.api,
    workspaceDirectory: opts.useRealConnections || !p ? undefined : p.directory,
    platformEndpoints: opts.useRealConnections || !p ? undefined : async () => ({ apiBase: p.sb.issuer, tokenEndpoint: p.tokenEndpoint }),
  });
  const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  return {
    ...testClient(runtime),
    runtime,
    dataDir,
    allBytes: () => walk(dataDir).map((f) => readFileSync(f).toString('latin1')).join('\n'),
    async close(o = {}) {
      await runtime.close();
      if (!o.keepDir && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** An API key to rotate, created through the workspace's grant (arranging test data, not the code under test). */
export async function arrangeKey(p: RotationSandbox, ws: string, body: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
  const r = await p.api.call(ws, { method: 'POST', path: '/v1/api-keys', body: { name: 'billing sync', scopes: ['contacts:read'], rate_limit_per_minute: 600, ...body }, schema: z.object({ id: z.string(), secret: z.string() }) });
  return r.data;
}

/** Copies the sandbox's audit log of a workspace into the pinned audit_events table (what the audit domain's sync writes). */
export async function mirrorAudit(p: RotationSandbox, app: RotationApp, ws: string): Promise<number> {
  const db = (app.runtime as unknown as { services: unknown }) && openCacheFor(app);
  const page = await p.api.call(ws, { method: 'GET', path: '/v1/audit-events', query: { after_seq: 0, limit: 5000 }, schema: z.object({ events: z.array(z.record(z.string(), z.unknown())) }) });
  const ins = db.prepare(`INSERT OR IGNORE INTO audit_events (workspace_id, seq, event_id, occurred_at, occurred_ms, credential_id, credential_type, caller_ip, method, endpoint, status, duration_ms, pii_accessed, params_json, prev_hash, hash, rid)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  db.transaction(() => {
    for (const e of page.data.events) {
      const ms = Date.parse(String(e.occurred_at));
      ins.run(ws, e.seq, e.id, e.occurred_at, ms, e.credential_id, e.credential_type, e.caller_ip, e.method, e.endpoint, e.status, e.duration_ms, e.pii_accessed ? 1 : 0, JSON.stringify(e.params ?? {}), e.prev_hash, e.hash, ms * 1024 + (Number(e.seq) % 1024));
    }
  })();
  db.close();
  return page.data.events.length;
}
function openCacheFor(app: RotationApp) {
  return openCache(app.dataDir);
}
