// Test-only platform adapter for the inventory tests: a real sandbox, real access tokens from the authorization-code +
// PKCE flow (sandbox auto-consent), and a minimal WorkspaceApi/WorkspaceDirectory over fetch. Independent checks read the
// sandbox's true state through its admin path, never through the app's code.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearerWorkspaceApi, sandboxToken, withStepUp } from '../../support/sandbox-session.ts';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../../sandbox/server.ts';
import { processClock } from '../../../sandbox/clock.ts';
import { createApp, type AppRuntime } from '../../../src-main/composition.ts';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createMemorySecretStore } from '../../../src-main/adapters/memory-secret-store.ts';
import { systemClock } from '../../../src-main/ports/clock.ts';
import type { WorkspaceApi, WorkspaceDirectory, WorkspaceRef } from '../../../src-main/ports/platform.ts';
import type { Matrix, MatrixFilters } from '../../../src-common/contract/index.ts';
import { testClient, type TestClient } from '../../support/test-client.ts';

const SCOPE = 'offline_access credentials:read credentials:write audit:read';

export interface SandboxPlatform {
  sb: SandboxHandle;
  tokens: Map<string, string>;
  api: WorkspaceApi;
  directory: WorkspaceDirectory;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  /** the sandbox's true state (admin path) */
  state(workspaceId?: string): Promise<TrueWorkspace[]>;
  /** a raw management call as a workspace's grant (for arranging test data) */
  raw(workspaceId: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> | null }>;
  close(): Promise<void>;
}

export interface TrueWorkspace {
  id: string;
  name: string;
  credentials: Array<{ id: string; type: string; name: string; scopes: string[]; status: string; client_id: string | null; last_used_at: string | null }>;
}




export async function startSandboxPlatform(opts: SandboxOptions = {}): Promise<SandboxPlatform> {
  const sb = await startSandbox({ workspaces: 4, events: 400, seed: 11, autoConsent: true, admin: true, clock: processClock(), log: () => {}, ...opts });
  const tokens = new Map<string, string>();
  for (const w of sb.workspaces) tokens.set(w.id, (await sandboxToken(sb.issuer, w.id, SCOPE)).accessToken);
  const refs: WorkspaceRef[] = sb.workspaces.map((w) => ({ id: w.id, name: w.name, platformId: 'sandbox', status: 'connected' }));
  const api = bearerWorkspaceApi(sb.issuer, tokens);

  const directory: WorkspaceDirectory = { list: () => refs, get: (id) => refs.find((r) => r.id === id) ?? null };
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
    tokens,
    api,
    directory,
    admin,
    async state(workspaceId) {
      const r = await admin('GET', `/state${workspaceId ? `?workspace=${encodeURIComponent(workspaceId)}` : ''}`);
      if (r.status !== 200) throw new Error(`admin state ${r.status}`);
      return r.body.workspaces as TrueWorkspace[];
    },
    async raw(workspaceId, method, path, body) {
      const r = await withStepUp(sb.issuer, workspaceId, tokens.get(workspaceId)!, (bearer) =>
        fetch(new URL(path, sb.issuer), {
          method,
          headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
      const t = await r.text();
      return { status: r.status, body: t ? (JSON.parse(t) as Record<string, unknown>) : null };
    },
    close: () => sb.close(),
  };
}

/** The app with the typed test client (IPC's capabilities; `.as(CLI_CONTEXT)` for the shell's). */
export interface TestApp extends TestClient {
  runtime: AppRuntime;
  dataDir: string;
  close(): Promise<void>;
}

/** The real composition root over a temp cache, with the given platform ports. */
export function startTestApp(ports: { api?: WorkspaceApi; directory?: WorkspaceDirectory; now?: () => number } = {}): TestApp {
  const dataDir = mkdtempSync(join(tmpdir(), 'grantdesk-inventory-'));
  const db = openCache(dataDir);
  const runtime = createApp({
    dataDir,
    db,
    secretStore: createMemorySecretStore(),
    clock: ports.now ? { now: ports.now } : systemClock,
    opener: async () => {
      throw new Error('opener not expected');
    },
    logger: { info() {}, warn() {}, error() {} },
    workspaceApi: ports.api,
    workspaceDirectory: ports.directory,
  });
  return {
    ...testClient(runtime),
    runtime,
    dataDir,
    async close() {
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Sandbox credential type -> the app's type. */
export const appType = (t: string) => (t === 'oauth_app' || t === 'user_grant' ? 'app' : t);

/** inventory.matrix without csv: always the object form */
export async function matrixOf(app: TestApp, filters: MatrixFilters = {}): Promise<Matrix> {
  const m = await app.call('inventory.matrix', filters);
  if (typeof m === 'string') throw new Error('expected the matrix object');
  return m;
}

/**
 * The real composition root with the real connections domain (its WorkspaceApi and WorkspaceDirectory), a session-only
 * memory keychain and a scripted system browser for the PKCE consent (sandbox auto-consent).
 */
export async function startRealApp(issuer: string, workspaceIds: readonly string[]): Promise<TestApp> {
  const { follow } = (await import('../../support/fake-browser.mjs')) as { follow: (url: string) => Promise<unknown> };
  const dataDir = mkdtempSync(join(tmpdir(), 'grantdesk-inventory-real-'));
  const runtime = createApp({
    dataDir,
    db: openCache(dataDir),
    secretStore: createMemorySecretStore(),
    clock: systemClock,
    opener: async (url) => {
      void follow(url);
    },
    logger: { info() {}, warn() {}, error() {} },
  });
  const app: TestApp = {
    ...testClient(runtime),
    runtime,
    dataDir,
    async close() {
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await app.call('platforms.add', { issuer, name: 'Sandbox' });
  for (const id of workspaceIds) await app.call('workspaces.connect', { workspace: id, role: 'operator' });
  return app;
}
