// The connections domain: platforms, workspace grants (connect, reconnect, bulk, device), disconnect with RFC 7009
// revocation (revocation.ts: pending until confirmed), the refresh scheduler (refresh-scheduler.ts), and the
// WorkspaceDirectory / WorkspaceApi other domains use.
import type * as o from 'oauth4webapi';
import { z } from 'zod';
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SCOPES,
  scopesForRole,
  type Platform,
  type Role,
  type Workspace,
} from '../../../src-common/contract/index.ts';
import type { CallbackListenerFactory } from '../../ports/callback.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Db } from '../../ports/db.ts';
import type { EventBus } from '../../ports/events.ts';
import type { HttpClient, LimitedFetch } from '../../ports/http.ts';
import type { KeyedLock } from '../../ports/lock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { Opener } from '../../ports/opener.ts';
import type { WorkspaceApi, WorkspaceDirectory, WorkspaceRef } from '../../ports/platform.ts';
import type { SecretStore } from '../../ports/secret-store.ts';
import { AppError } from '../../rpc/app-error.ts';
import { runCodeFlow, runDeviceFlow } from './connect-flow.ts';
import { createGrantStore, type StoredGrant } from './grant-store.ts';
import { apiBaseOf, authServer, checkApiBase, discover } from './oauth.ts';
import { createConnectionsRepo, toPlatform, toWorkspace, type PlatformRow } from './repo.ts';
import { createTokenManager, type RefreshPoint } from './token-manager.ts';
import { createGrantApi } from './workspace-api.ts';
import { createRefreshScheduler } from './refresh-scheduler.ts';
import { createGrantRevocation } from './revocation.ts';
import { createStepUp } from './step-up.ts';
import { apiScopesOf, staffFromTokens, staffOf, withIdentityScopes } from './staff-identity.ts';
import { createPlatformClient, probeWorkspace } from '../../platform/index.ts';

export interface ConnectionsDeps {
  db: Db;
  secretStore: SecretStore;
  http: HttpClient;
  fetch: LimitedFetch;
  lock: KeyedLock;
  callbackListener: CallbackListenerFactory;
  opener: Opener;
  clock: Clock;
  bus: EventBus;
  logger: Logger;
  refreshLeadSeconds: () => number;
  testHook?: (point: RefreshPoint) => void;
  connectTimeoutMs?: number;
  /** who is connecting when the platform issues no ID token with a name or email: Settings' "Your name" / "Your email" */
  staffFallback?: () => { name: string; email: string };
}

const workspaceInfoSchema = z.object({ id: z.string().min(1), name: z.string() });
const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || 'platform';

export function createConnectionsService(d: ConnectionsDeps) {
  const repo = createConnectionsRepo(d.db);
  const grants = createGrantStore(d.secretStore, () => repo.profileId());
  const tokens = createTokenManager({ repo, grants, lock: d.lock, fetch: d.fetch, clock: d.clock, bus: d.bus, logger: d.logger, testHook: d.testHook });
  const stepUp = createStepUp({
    workspace: (ws) => repo.getWorkspace(ws),
    platformFor: (ws) => platformFor(ws),
    http: d.http,
    fetch: d.fetch,
    opener: d.opener,
    callbackListener: d.callbackListener,
    clock: d.clock,
    bus: d.bus,
    logger: d.logger,
    connectTimeoutMs: d.connectTimeoutMs,
  });
  const api: WorkspaceApi = createGrantApi({ http: d.http, tokens, platformOf: (ws) => platformFor(ws), stepUp: stepUp.port });
  const platform = createPlatformClient(api);
  const changed = (topic: 'workspaces' | 'platforms', workspaceId: string | null = null) => d.bus.emit('state.changed', { topic, workspaceId });

  function platformFor(ws: string): PlatformRow {
    const w = repo.getWorkspace(ws);
    if (!w) throw new AppError('not_found', `Workspace ${ws} is not known to Grantdesk`);
    const p = repo.findPlatform(w.platform_id);
    if (!p) throw new AppError('not_found', `The platform of ${ws} was removed`);
    return p;
  }

  function resolvePlatform(ref: string | undefined, workspace?: string): PlatformRow {
    if (ref) {
      const p = repo.findPlatform(ref);
      if (!p) throw new AppError('not_found', `No platform named "${ref}"; add it with \`grantdesk platform add <issuer>\``);
      return p;
    }
    const existing = workspace ? repo.getWorkspace(workspace) : null;
    if (existing) {
      const p = repo.findPlatform(existing.platform_id);
      if (p) return p;
    }
    const all = repo.listPlatforms();
    if (all.length === 1) return all[0]!;
    if (all.length === 0) throw new AppError('not_found', 'No platform yet; add one with `grantdesk platform add <issuer>`');
    throw new AppError('invalid_input', `Several platforms exist (${all.map((p) => p.name).join(', ')}); choose one with --platform`);
  }

  function view(ws: string): Workspace {
    const w = repo.getWorkspace(ws);
    if (!w) throw new AppError('not_found', `Workspace ${ws} is not known to Grantdesk`);
    return toWorkspace(w, repo.findPlatform(w.platform_id)?.name ?? w.platform_id);
  }

  /** Fail closed before any browser opens: tokens must have a safe home first. */
  async function requireKeychain() {
    const st = await d.secretStore.status();
    if (st.state === 'ok' || st.state === 'session-only') return;
    if (st.state === 'locked') throw new AppError('keychain_locked', st.detail);
    throw new AppError('keychain_unavailable', st.detail);
  }

  async function identify(p: PlatformRow, accessToken: string, requested: string): Promise<{ id: string; name: string }> {
    const base = apiBaseOf(p); // before the bearer token leaves: never to a cleartext or foreign base
    try {
      const res = await probeWorkspace(d.http, base, accessToken, { deadlineMs: 10_000, maxBytes: 64 * 1024 });
      if (res.status === 200) {
        const info = workspaceInfoSchema.safeParse(res.json);
        if (!info.success) throw new AppError('invalid_response', 'GET /v1/workspace returned an unexpected shape');
        return { id: info.data.id, name: info.data.name || info.data.id };
      }
      // A standards-only authorization server has no management API: the grant is for the requested workspace.
      if (res.status === 404) return { id: requested, name: requested };
      throw new AppError('platform_error', `GET /v1/workspace answered ${res.status}`);
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_response') throw err;
      if (err instanceof AppError && err.code === 'platform_error') throw err;
      return { id: requested, name: requested };
    }
  }

  /**
   * The scope string to request: the role's minimum, or (re-consent) exactly the chosen scopes plus offline_access, checked
   * against the scopes registered for the default client, and the scopes the platform offers (its metadata's
   * scopes_supported, else the workspace's /v1/scopes catalogue). The authorization server has the last word (invalid_scope).
   */
  async function requestedScope(p: PlatformRow, role: Role, workspace: string, scopes: string[] | undefined): Promise<string> {
    if (scopes === undefined) return scopesForRole(role).join(' ');
    const chosen = [...new Set(scopes)].filter((s) => s !== 'offline_access').sort();
    if (chosen.length === 0) throw new AppError('invalid_input', 'scopes: choose at least one scope besides offline_access');
    let offered: Set<string> | null = null;
    const supported = authServer(p).scopes_supported;
    if (Array.isArray(supported) && supported.length > 0) offered = new Set(supported);
    else if (repo.getWorkspace(workspace)?.status === 'connected') {
      try {
        const r = await platform.scopes.catalogue(workspace, { deadlineMs: 10_000, maxBytes: 256 * 1024 });
        offered = new Set(['openid', ...r.scopes.map((x) => x.name)]);
      } catch {
        offered = null; // the authorization server still refuses unknown scopes (invalid_scope)
      }
    }
    if (offered) {
      const unknown = chosen.filter((s) => !offered.has(s));
      if (unknown.length > 0) throw new AppError('invalid_input', `scopes: ${p.name} does not offer ${unknown.join(', ')}`);
    }
    if (p.client_id === DEFAULT_CLIENT_ID) {
      const registered = new Set<string>(DEFAULT_CLIENT_SCOPES);
      const notAllowed = chosen.filter((s) => !registered.has(s));
      if (notAllowed.length > 0) throw new AppError('invalid_input', `scopes: ${notAllowed.join(', ')} not registered for the client ${DEFAULT_CLIENT_ID} (allowed: ${[...registered].join(', ')})`);
    }
    return [...chosen, 'offline_access'].join(' ');
  }

  /** Stores a fresh grant (keychain first) and records the workspace. On a keychain failure the new grant is revoked. */
  async function adopt(p: PlatformRow, role: Role, requested: string, t: o.TokenEndpointResponse, scope: string = scopesForRole(role).join(' ')): Promise<Workspace> {
    let info: { id: string; name: string };
    try {
      info = await identify(p, t.access_token, requested);
    } catch (err) {
      await revokeToken(p, t.refresh_token!).catch(() => undefined); // ours and unused: never left live on the platform
      throw err;
    }
    const previous = repo.getWorkspace(info.id);
    let old: StoredGrant | null = null;
    try {
      old = await grants.read(info.id);
    } catch {
      old = null;
    }
    // Identity is (platform, workspace id): an id another platform already holds is refused, and nothing of that other
    // platform's grant (row, keychain item, platform-side grant) is touched. The new grant is ours and unused: revoked here.
    const otherPlatformId = previous && previous.platform_id !== p.id ? previous.platform_id : old && old.platformId !== p.id ? old.platformId : null;
    if (otherPlatformId !== null) {
      const revoked = await revokeToken(p, t.refresh_token!).then(() => true, () => false);
      throw collision(p, info, otherPlatformId, previous?.name ?? info.id, revoked);
    }
    const g: StoredGrant = {
      v: 1,
      workspaceId: info.id,
      platformId: p.id,
      refreshToken: t.refresh_token!,
      accessToken: t.access_token,
      expiresAt: d.clock.now() + (t.expires_in ?? 3600) * 1000,
      generation: Math.max(previous?.generation ?? 0, old?.generation ?? 0) + 1,
      scope: t.scope ?? scope,
    };
    try {
      await d.lock.withLock(`ws-${info.id}`, async () => {
        await grants.write(g);
        const now = d.clock.now();
        repo.journalCloseAll(info.id, 'superseded by a new connection', now);
        repo.upsertConnected({
          id: info.id,
          name: info.name,
          platform_id: p.id,
          role,
          scopes: apiScopesOf(g.scope),
          access_expires_at: g.expiresAt,
          generation: g.generation,
          now,
          by: staffFromTokens(t) ?? (d.staffFallback ? staffOf(d.staffFallback(), 'settings') : null),
        });
      });
    } catch (err) {
      await revokeToken(p, g.refreshToken).catch(() => undefined);
      throw err;
    }
    tokens.setCached(g);
    if (old && old.refreshToken !== g.refreshToken) {
      const oldPlatform = repo.findPlatform(old.platformId);
      if (oldPlatform) await revokeToken(oldPlatform, old.refreshToken).catch(() => undefined);
    }
    d.logger.info('workspace_connected', { workspace: info.id, platform: p.id, role });
    changed('workspaces', info.id);
    return view(info.id);
  }

  function collision(p: PlatformRow, info: { id: string; name: string }, otherPlatformId: string, otherName: string, revoked: boolean): AppError {
    const other = repo.findPlatform(otherPlatformId)?.name ?? otherPlatformId;
    return new AppError(
      'conflict',
      `${p.name} calls its workspace "${info.name}" ${info.id}, the id of the workspace "${otherName}" already held on ${other}; nothing was changed on either platform${revoked ? ` (the new grant from ${p.name} was revoked)` : ''}. Disconnect ${info.id} and remove ${other} first if the workspace really moved.`,
    );
  }

  /** Before any browser opens: a workspace id held on another platform cannot be connected on this one. */
  function refuseForeignId(p: PlatformRow, ws: string) {
    const w = repo.getWorkspace(ws);
    if (w && w.platform_id !== p.id) throw collision(p, { id: ws, name: ws }, w.platform_id, w.name, false);
  }

  function progress(taskId: string, label: string, state: 'running' | 'done' | 'failed', message: string | null, done = 0, total: number | null = 1) {
    d.bus.emit('task.progress', { taskId, kind: 'connect', label, done, total, ratePerSecond: null, etaSeconds: null, state, message });
  }

  async function connect(input: { workspace: string; platform?: string; role?: Role; scopes?: string[]; printUrl?: boolean }, signal?: AbortSignal): Promise<Workspace> {
    await requireKeychain();
    const p = resolvePlatform(input.platform, input.workspace);
    const role: Role = input.role ?? (input.scopes ? repo.getWorkspace(input.workspace)?.role : undefined) ?? 'operator';
    refuseForeignId(p, input.workspace);
    // the identity scopes ask for an ID token naming the staff member who connects (offboarding tells grants apart by it)
    const scope = withIdentityScopes(p, await requestedScope(p, role, input.workspace, input.scopes));
    const taskId = `connect-${input.workspace}-${d.clock.now()}`;
    progress(taskId, `Connect ${input.workspace}`, 'running', `Requesting ${scope}; waiting for sign-in in the browser`);
    try {
      const { tokens: t } = await runCodeFlow(
        { fetch: d.fetch, opener: d.opener, callbackListener: d.callbackListener, connectTimeoutMs: d.connectTimeoutMs },
        p,
        { scope, workspace: input.workspace, signal, onUrl: (url) => (input.printUrl ? progress(taskId, `Connect ${input.workspace}`, 'running', `Open ${url}`) : undefined) },
      );
      const w = await adopt(p, role, input.workspace, t, scope);
      progress(taskId, `Connect ${input.workspace}`, 'done', null, 1);
      return w;
    } catch (err) {
      progress(taskId, `Connect ${input.workspace}`, 'failed', err instanceof AppError ? err.message : 'failed');
      throw err;
    }
  }

  const { revokeToken, disconnect, retryRevocations } = createGrantRevocation({ repo, grants, tokens, lock: d.lock, fetch: d.fetch, clock: d.clock, logger: d.logger, changed, view });
  const scheduler = createRefreshScheduler({ repo, tokens, clock: d.clock, refreshLeadSeconds: d.refreshLeadSeconds, retryRevocations });

  const directory: WorkspaceDirectory = {
    list: (): WorkspaceRef[] =>
      repo.listWorkspaces().map((w) => ({ id: w.id, name: w.name, platformId: w.platform_id, status: w.status })),
    get(id) {
      const w = repo.getWorkspace(id);
      return w ? { id: w.id, name: w.name, platformId: w.platform_id, status: w.status } : null;
    },
  };

  return {
    directory,
    api,
    tokens,
    /** MFA step-up: `stepUp.scoped(handlers)` gives each command its own refusal scope (composition.ts) */
    stepUp,
    async addPlatform(input: { issuer: string; name?: string; clientId?: string; apiBase?: string; reuseLeewaySeconds?: number }): Promise<Platform> {
      const issuer = input.issuer.replace(/\/$/, '') === input.issuer ? input.issuer : input.issuer;
      const u = new URL(issuer);
      if (u.protocol !== 'https:' && !(u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname))) {
        throw new AppError('invalid_input', 'issuer: must be https (plain http only for a loopback sandbox)');
      }
      const as = await discover(issuer, d.fetch);
      const name = input.name ?? u.host;
      const id = slug(name);
      if (repo.findPlatform(id) || repo.findPlatform(name)) throw new AppError('conflict', `A platform named "${name}" exists already`);
      const row: PlatformRow = {
        id,
        name,
        issuer: as.issuer,
        client_id: input.clientId ?? DEFAULT_CLIENT_ID,
        api_base: checkApiBase(input.apiBase ?? u.origin, as),
        reuse_leeway_seconds: input.reuseLeewaySeconds ?? 0,
        metadata: JSON.stringify(as),
        added_at: new Date(d.clock.now()).toISOString(),
      };
      repo.insertPlatform(row);
      changed('platforms');
      return toPlatform({ ...row, workspace_count: 0 });
    },
    listPlatforms: (): Platform[] => repo.listPlatforms().map(toPlatform),
    removePlatform(ref: string): { removed: boolean } {
      const p = repo.findPlatform(ref);
      if (!p) throw new AppError('not_found', `No platform named "${ref}"`);
      if (repo.liveWorkspaceCount(p.id) > 0) throw new AppError('conflict', `Disconnect the workspaces of ${p.name} first`);
      if (repo.pendingRevocations().some((w) => w.platform_id === p.id)) throw new AppError('conflict', `${p.name} still has pending revocations`);
      repo.removePlatform(p.id);
      changed('platforms');
      return { removed: true };
    },
    listWorkspaces(): Workspace[] {
      const names = new Map(repo.listPlatforms().map((p) => [p.id, p.name]));
      return repo.listWorkspaces().map((w) => toWorkspace(w, names.get(w.platform_id) ?? w.platform_id));
    },
    status: view,
    connect,
    async connectDevice(input: { workspace: string; platform?: string; role: Role }): Promise<Workspace> {
      await requireKeychain();
      const p = resolvePlatform(input.platform, input.workspace);
      refuseForeignId(p, input.workspace);
      const taskId = `device-${input.workspace}-${d.clock.now()}`;
      const { tokens: t } = await runDeviceFlow({ fetch: d.fetch, opener: d.opener, callbackListener: d.callbackListener, now: () => d.clock.now() }, p, {
        scope: withIdentityScopes(p, scopesForRole(input.role).join(' ')),
        workspace: input.workspace,
        onCode: (c) => progress(taskId, `Connect ${input.workspace}`, 'running', `Enter code ${c.userCode} at ${c.verificationUri}`),
      });
      const w = await adopt(p, input.role, input.workspace, t);
      progress(taskId, `Connect ${input.workspace}`, 'done', null, 1);
      return w;
    },
    async bulkConnect(input: { workspaces: string[]; platform?: string; role: Role }) {
      await requireKeychain();
      const results: { workspaceId: string; ok: boolean; status: Workspace['status'] | null; error: { code: string; message: string } | null }[] = [];
      const total = input.workspaces.length;
      const taskId = `bulk-${d.clock.now()}`;
      for (const [i, ws] of [...new Set(input.workspaces)].entries()) {
        d.bus.emit('task.progress', { taskId, kind: 'bulk-connect', label: 'Bulk connect', done: i, total, ratePerSecond: null, etaSeconds: null, state: 'running', message: `Connecting ${ws}` });
        try {
          const w = await connect({ workspace: ws, platform: input.platform, role: input.role });
          results.push({ workspaceId: ws, ok: true, status: w.status, error: null });
        } catch (err) {
          const e = err instanceof AppError ? err : new AppError('internal', 'Unexpected failure');
          results.push({ workspaceId: ws, ok: false, status: repo.getWorkspace(ws)?.status ?? null, error: { code: e.code, message: e.message } });
          if (e.code === 'keychain_unavailable' || e.code === 'keychain_locked') break;
        }
      }
      const connected = results.filter((r) => r.ok).length;
      d.bus.emit('task.progress', { taskId, kind: 'bulk-connect', label: 'Bulk connect', done: results.length, total, ratePerSecond: null, etaSeconds: null, state: 'done', message: `${connected} connected` });
      return { results, connected, failed: results.length - connected };
    },
    disconnect,
    async refresh(ws: string, force: boolean): Promise<Workspace> {
      if (!repo.getWorkspace(ws)) throw new AppError('not_found', `Workspace ${ws} is not known to Grantdesk`);
      await tokens.refresh(ws, force);
      return view(ws);
    },
    retryRevocations,
    /** background work: refresh ahead of expiry, settle interrupted refreshes, retry pending revocations */
    start: scheduler.start,
    stop: scheduler.stop,
    tick: scheduler.tick,
  };
}
export type ConnectionsService = ReturnType<typeof createConnectionsService>;
