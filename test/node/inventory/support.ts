// Test-only platform adapter for the inventory tests: a real sandbox, real access tokens from the authorization-code +
// PKCE flow (sandbox auto-consent), and a minimal WorkspaceApi/WorkspaceDirectory over fetch. Independent checks read the
// sandbox's true state through its admin path, never through the app's code.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oauth from 'oauth4webapi';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../../sandbox/server.ts';
import { createApp, type AppRuntime } from '../../../src-main/composition.ts';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createMemorySecretStore } from '../../../src-main/adapters/memory-secret-store.ts';
import { systemClock } from '../../../src-main/ports/clock.ts';
import type { PlatformCall, PlatformResult, WorkspaceApi, WorkspaceDirectory, WorkspaceRef } from '../../../src-main/ports/platform.ts';
import { AppError } from '../../../src-main/rpc/app-error.ts';
import type { AppErrorData, CommandName, Input, Matrix, MatrixFilters, Output } from '../../../src-common/contract/index.ts';

const DESKTOP = 'grantdesk-desktop';
const SCOPE = 'offline_access credentials:read credentials:write audit:read';
const insecure = { [oauth.allowInsecureRequests]: true } as const;

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

async function followToCallback(startUrl: string, callbackPrefix: string): Promise<URL> {
  const jar = new Map<string, string>();
  let url = startUrl;
  for (let hops = 0; hops < 10; hops++) {
    if (url.startsWith(callbackPrefix)) return new URL(url);
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const r = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const c of r.headers.getSetCookie()) {
      const [kv = ''] = c.split(';');
      const i = kv.indexOf('=');
      jar.set(kv.slice(0, i), kv.slice(i + 1));
    }
    const loc = r.headers.get('location');
    await r.body?.cancel();
    if (!loc || r.status < 300 || r.status > 399) throw new Error(`authorization stopped at ${r.status} ${url}`);
    url = new URL(loc, url).href;
  }
  throw new Error('too many redirects');
}

async function login(as: oauth.AuthorizationServer, workspace: string): Promise<string> {
  const client: oauth.Client = { client_id: DESKTOP };
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const redirectUri = 'http://127.0.0.1:53199/callback';
  const u = new URL(as.authorization_endpoint!);
  for (const [k, v] of Object.entries({ client_id: DESKTOP, response_type: 'code', redirect_uri: redirectUri, scope: SCOPE, state, workspace, code_challenge_method: 'S256' })) u.searchParams.set(k, v);
  u.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  const cb = await followToCallback(u.href, redirectUri);
  const params = oauth.validateAuthResponse(as, client, cb, state);
  const resp = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, insecure);
  const tok = await oauth.processAuthorizationCodeResponse(as, client, resp);
  return tok.access_token;
}

function codeFor(status: number): AppError['code'] {
  if (status === 401) return 'needs_reconsent';
  if (status === 403) return 'insufficient_scope';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  return 'platform_error';
}

export async function startSandboxPlatform(opts: SandboxOptions = {}): Promise<SandboxPlatform> {
  const sb = await startSandbox({ workspaces: 4, events: 400, seed: 11, autoConsent: true, admin: true, log: () => {}, ...opts });
  const issuer = new URL(sb.issuer);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
  const tokens = new Map<string, string>();
  for (const w of sb.workspaces) tokens.set(w.id, await login(as, w.id));
  const refs: WorkspaceRef[] = sb.workspaces.map((w) => ({ id: w.id, name: w.name, platformId: 'sandbox', status: 'connected' }));
  const api: WorkspaceApi = {
    async call<T>(workspaceId: string, req: PlatformCall<T>): Promise<PlatformResult<T>> {
      const token = tokens.get(workspaceId);
      if (!token) throw new AppError('not_found', `not connected: ${workspaceId}`);
      const url = new URL(req.path, sb.issuer);
      for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
      let res: Response;
      try {
        res = await fetch(url, {
          method: req.method,
          headers: { authorization: `Bearer ${token}`, ...(req.body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: req.body === undefined ? undefined : JSON.stringify(req.body),
          signal: AbortSignal.timeout(req.deadlineMs ?? 10_000),
        });
      } catch {
        throw new AppError('network_error', 'platform unreachable');
      }
      const text = await res.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        throw new AppError('invalid_response', 'malformed JSON');
      }
      if (res.status >= 400) {
        const desc = (json as { error_description?: string } | null)?.error_description ?? `HTTP ${res.status}`;
        throw new AppError(codeFor(res.status), `${res.status}: ${desc}`);
      }
      const parsed = req.schema.safeParse(json);
      if (!parsed.success) throw new AppError('invalid_response', `${req.path} did not match its schema`);
      return { data: parsed.data, status: res.status, headers: Object.fromEntries(res.headers) };
    },
  };
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
      const r = await fetch(new URL(path, sb.issuer), {
        method,
        headers: { authorization: `Bearer ${tokens.get(workspaceId)}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const t = await r.text();
      return { status: r.status, body: t ? (JSON.parse(t) as Record<string, unknown>) : null };
    },
    close: () => sb.close(),
  };
}

export interface TestApp {
  runtime: AppRuntime;
  dataDir: string;
  call<K extends CommandName>(name: K, input: Input<K>, transport?: 'ipc' | 'cli' | 'serve'): Promise<Output<K>>;
  callResult(name: CommandName, input: unknown, transport?: 'ipc' | 'cli' | 'serve'): Promise<{ ok: boolean; value?: unknown; error?: AppErrorData }>;
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
  const callResult = async (name: CommandName, input: unknown, transport: 'ipc' | 'cli' | 'serve' = 'ipc') =>
    (await runtime.dispatcher.call(name, input, { transport })) as { ok: boolean; value?: unknown; error?: AppErrorData };
  return {
    runtime,
    dataDir,
    callResult,
    async call<K extends CommandName>(name: K, input: Input<K>, transport?: 'ipc' | 'cli' | 'serve'): Promise<Output<K>> {
      const r = await callResult(name, input, transport);
      if (!r.ok) throw new Error(`${name} failed: ${r.error?.code}: ${r.error?.message}`);
      return r.value as Output<K>;
    },
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
  const callResult = async (name: CommandName, input: unknown, transport: 'ipc' | 'cli' | 'serve' = 'cli') =>
    (await runtime.dispatcher.call(name, input, { transport })) as { ok: boolean; value?: unknown; error?: AppErrorData };
  const app: TestApp = {
    runtime,
    dataDir,
    callResult,
    async call<K extends CommandName>(name: K, input: Input<K>, transport?: 'ipc' | 'cli' | 'serve'): Promise<Output<K>> {
      const r = await callResult(name, input, transport);
      if (!r.ok) throw new Error(`${name} failed: ${r.error?.code}: ${r.error?.message}`);
      return r.value as Output<K>;
    },
    async close() {
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await app.callResult('platforms.add', { issuer, name: 'Sandbox' }).then((r) => {
    if (!r.ok) throw new Error(`platforms.add: ${r.error?.code} ${r.error?.message}`);
  });
  for (const id of workspaceIds) {
    const r = await app.callResult('workspaces.connect', { workspace: id, role: 'operator' });
    if (!r.ok) throw new Error(`connect ${id}: ${r.error?.code} ${r.error?.message}`);
  }
  return app;
}
