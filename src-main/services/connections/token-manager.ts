// Token manager: one refresh in flight per workspace, in-process (a promise per workspace) AND across processes (an OS-level
// lock per workspace; the keychain is re-read under the lock). The rotated refresh token is persisted before the new access
// token is used. A journal row per refresh (no tokens) lets a restart detect a crash between receipt and persist. An unknown
// outcome (crash, reset, timeout, unreadable or oversized body) first asks the platform (RFC 7662) whether our refresh token
// is still active: if so nothing was rotated and the same token is used again (once now, then after a cooldown). Otherwise
// retry once with the previous token inside the platform's reuse leeway, else mark the workspace needs-reconsent. Only a
// definite invalid_grant, or a rotation we provably lost, is terminal, and only for that grant. Never loops.
import * as o from 'oauth4webapi';
import type { Clock } from '../../ports/clock.ts';
import type { EventBus } from '../../ports/events.ts';
import { HttpError, type LimitedFetch } from '../../ports/http.ts';
import type { KeyedLock } from '../../ports/lock.ts';
import type { Logger } from '../../ports/logger.ts';
import { AppError } from '../../rpc/app-error.ts';
import type { GrantStore, StoredGrant } from './grant-store.ts';
import { authServer, describeOAuthError, publicClient, requestOptions, TOKEN_LIMITS } from './oauth.ts';
import type { ConnectionsRepo, JournalRow, PlatformRow, WorkspaceRow } from './repo.ts';
import { apiScopesOf } from './staff-identity.ts';

/** Points where the SIGKILL tests stop a refresh (GRANTDESK_TEST_KILL_AT). */
export type RefreshPoint = 'response-received' | 'parsed' | 'during-write' | 'after-write';

export interface TokenManagerDeps {
  repo: ConnectionsRepo;
  grants: GrantStore;
  lock: KeyedLock;
  fetch: LimitedFetch;
  clock: Clock;
  bus: EventBus;
  logger: Logger;
  testHook?: (point: RefreshPoint) => void;
}

export interface AccessOptions {
  /** the access token must stay valid at least this long */
  minValidityMs?: number;
  /** refresh even if the token is still valid */
  force?: boolean;
  /** refresh only if the stored access token is still this one (a 401 came back for it) */
  rejectedAccessToken?: string;
}

const SAFETY_MS = 2_000;
const BREAKER_THRESHOLD = 5;
const BREAKER_OPEN_MS = 60_000;

class OutcomeUnknown extends Error {}

export function createTokenManager(d: TokenManagerDeps) {
  const inflight = new Map<string, Promise<StoredGrant>>();
  /** latest grant this process knows per workspace (main-process memory only) */
  const cache = new Map<string, StoredGrant>();
  /** grants the keychain refused after a rotation: kept in memory, retried (scenario 15) */
  const unsaved = new Map<string, StoredGrant>();
  const breakers = new Map<string, { failures: number; openUntil: number }>();
  const hook = (p: RefreshPoint) => d.testHook?.(p);
  const changed = (workspaceId: string) => d.bus.emit('state.changed', { topic: 'workspaces', workspaceId });

  function platformOf(w: WorkspaceRow): PlatformRow {
    const p = d.repo.findPlatform(w.platform_id);
    if (!p) throw new AppError('not_found', `Platform ${w.platform_id} of workspace ${w.id} is gone`);
    return p;
  }

  function markNeedsReconsent(ws: string, reason: string) {
    cache.delete(ws);
    unsaved.delete(ws);
    if (d.repo.needsReconsent(ws, reason, d.clock.now())) {
      d.logger.warn('workspace_needs_reconsent', { workspace: ws, reason });
      changed(ws);
    }
  }

  function cooldown(w: WorkspaceRow, message: string, retryAfterMs: number | null) {
    const backoff = Math.min(15 * 60_000, 5_000 * 2 ** Math.min(w.failures, 8)) * (0.5 + Math.random() / 2);
    // whole milliseconds: the column is a STRICT INTEGER (a jittered float made every 5xx an `internal` error)
    const until = Math.ceil(d.clock.now() + Math.max(retryAfterMs ?? 0, backoff));
    d.repo.refreshFailed(w.id, message, until, d.clock.now());
    const b = breakers.get(w.platform_id) ?? { failures: 0, openUntil: 0 };
    b.failures += 1;
    if (b.failures >= BREAKER_THRESHOLD) b.openUntil = d.clock.now() + BREAKER_OPEN_MS;
    breakers.set(w.platform_id, b);
    changed(w.id);
  }

  /** One POST to the token endpoint with a refresh token. Classifies every way it can end. */
  async function postRefresh(p: PlatformRow, refreshToken: string, journalId: number): Promise<o.TokenEndpointResponse> {
    const as = authServer(p); // a stored endpoint that fails the URL policy never receives the refresh token
    let res: Response;
    try {
      res = await o.refreshTokenGrantRequest(as, publicClient(p), o.None(), refreshToken, requestOptions(d.fetch, p.issuer, TOKEN_LIMITS));
    } catch (err) {
      if (err instanceof HttpError && err.outcome === 'not_sent') throw err;
      // Sent, or maybe sent: the platform may have rotated the token. Never retried blindly.
      throw new OutcomeUnknown(err instanceof AppError ? err.message : 'token request failed after sending');
    }
    hook('response-received');
    d.repo.journalSet(journalId, 'received', d.clock.now());
    if (res.status >= 500 || res.status === 429) {
      const ra = res.headers.get('retry-after');
      const secs = ra && /^\d+$/.test(ra.trim()) ? Number(ra) * 1000 : ra ? Math.max(0, Date.parse(ra) - Date.now()) || null : null;
      throw new AppError(res.status === 429 ? 'rate_limited' : 'platform_error', `Token endpoint answered ${res.status}`, { cause: { retryAfterMs: secs } });
    }
    try {
      return await o.processRefreshTokenResponse(as, publicClient(p), res);
    } catch (err) {
      if (err instanceof o.ResponseBodyError) throw err;
      // A 200 we cannot read: the rotation may have happened.
      throw new OutcomeUnknown(`unreadable token response (${describeOAuthError(err)})`);
    }
  }

  function nextGrant(prev: StoredGrant, t: o.TokenEndpointResponse): StoredGrant {
    if (typeof t.refresh_token !== 'string' || t.refresh_token === '') {
      // Rotation is the contract; without a new refresh token keep the old one (RFC 6749 §6 allows that).
    }
    return {
      ...prev,
      refreshToken: t.refresh_token ?? prev.refreshToken,
      accessToken: t.access_token,
      expiresAt: d.clock.now() + (t.expires_in ?? 3600) * 1000,
      generation: prev.generation + 1,
      scope: t.scope ?? prev.scope,
    };
  }

  /** Persist first (keychain), then the metadata; only then is the new access token handed to anyone. */
  async function persist(w: WorkspaceRow, grant: StoredGrant, journalId: number) {
    const write = d.grants.write(grant);
    hook('during-write');
    try {
      await write;
    } catch (err) {
      unsaved.set(w.id, grant);
      cache.set(w.id, grant);
      d.repo.journalSet(journalId, 'received', d.clock.now(), 'keychain write failed; grant kept in memory');
      d.repo.noteError(w.id, `The keychain refused the rotated grant (${err instanceof AppError ? err.code : 'error'}); it is kept in memory only until the keychain accepts it`, d.clock.now());
      changed(w.id);
      return;
    }
    hook('after-write');
    unsaved.delete(w.id);
    d.repo.journalSet(journalId, 'persisted', d.clock.now());
    d.repo.refreshed(w.id, { access_expires_at: grant.expiresAt, generation: grant.generation, scopes: grant.scope ? apiScopesOf(grant.scope) : null, now: d.clock.now() });
    cache.set(w.id, grant);
    changed(w.id);
  }

  /**
   * Did the platform rotate? After an unknown outcome (reset, timeout, unreadable body) the refresh token we hold is asked
   * about (RFC 7662): 'active' means the platform never spent it, so it is still the grant's one live refresh token.
   */
  async function probe(p: PlatformRow, refreshToken: string): Promise<'active' | 'inactive' | 'unknown'> {
    const as = authServer(p);
    if (!as.introspection_endpoint) return 'unknown';
    try {
      const res = await o.introspectionRequest(as, publicClient(p), o.None(), refreshToken, {
        ...requestOptions(d.fetch, p.issuer, TOKEN_LIMITS),
        additionalParameters: { token_type_hint: 'refresh_token' },
      });
      const r = await o.processIntrospectionResponse(as, publicClient(p), res);
      return r.active === true && (r.client_id === undefined || r.client_id === p.client_id) ? 'active' : 'inactive';
    } catch {
      return 'unknown';
    }
  }

  /**
   * Settles refreshes that a dead process (or an unknown outcome) left open. Called under the workspace lock. 'unchanged':
   * the platform had not rotated, the stored grant is live and the caller may refresh with it; 'settled': recovered, or the
   * workspace was marked needs-reconsent.
   */
  async function recover(w: WorkspaceRow, open: JournalRow[]): Promise<'settled' | 'unchanged'> {
    const grant = unsaved.get(w.id) ?? (await d.grants.read(w.id));
    const last = open[open.length - 1]!;
    const now = d.clock.now();
    const closeOthers = (note: string) => {
      for (const j of open) if (j.id !== last.id) d.repo.journalSet(j.id, 'abandoned', now, note);
    };
    closeOthers('superseded by a later attempt');
    if (!grant) {
      d.repo.journalSet(last.id, 'abandoned', now, 'no grant in the keychain');
      markNeedsReconsent(w.id, 'The grant is missing from the keychain after an interrupted refresh');
      return 'settled';
    }
    if (grant.generation > last.generation) {
      d.repo.journalSet(last.id, 'recovered', now, 'the rotated grant had been persisted');
      d.repo.refreshed(w.id, { access_expires_at: grant.expiresAt, generation: grant.generation, scopes: null, now });
      return 'settled';
    }
    if (last.state === 'recovering') {
      d.repo.journalSet(last.id, 'abandoned', now, 'recovery interrupted');
      markNeedsReconsent(w.id, 'A refresh and its single recovery attempt were both interrupted; reconnect to be safe');
      return 'settled';
    }
    const p = platformOf(w);
    // Only a definite answer is terminal: if the platform never spent our refresh token, nothing was lost.
    const rotated = await probe(p, grant.refreshToken);
    if (rotated === 'active') {
      d.repo.journalSet(last.id, 'abandoned', d.clock.now(), 'the platform had not rotated (introspection: the refresh token is still active)');
      return 'unchanged';
    }
    const leewayMs = p.reuse_leeway_seconds * 1000;
    if (d.clock.now() - last.started_at + SAFETY_MS >= leewayMs) {
      d.repo.journalSet(last.id, 'abandoned', now, 'outside the reuse leeway');
      markNeedsReconsent(
        w.id,
        `A refresh was interrupted after the platform ${rotated === 'inactive' ? 'rotated the token (introspection: no longer active)' : 'may have rotated the token (introspection gave no answer)'}, and the platform's reuse leeway (${p.reuse_leeway_seconds} s) has passed`,
      );
      return 'settled';
    }
    // Inside the leeway: the platform still accepts the previous refresh token once. One attempt, journaled as such.
    d.repo.journalSet(last.id, 'recovering', now, 'retrying once with the previous refresh token');
    try {
      const t = await postRefresh(p, grant.refreshToken, last.id);
      await persist(w, nextGrant(grant, t), last.id);
      d.repo.journalSet(last.id, 'recovered', d.clock.now());
      d.logger.info('refresh_recovered', { workspace: w.id, generation: grant.generation + 1 });
    } catch (err) {
      d.repo.journalSet(last.id, 'abandoned', d.clock.now(), 'recovery attempt failed');
      markNeedsReconsent(w.id, `An interrupted refresh could not be recovered (${describeOAuthError(err)})`);
    }
    return 'settled';
  }

  async function refreshLocked(ws: string, opts: AccessOptions): Promise<StoredGrant> {
    return d.lock.withLock(`ws-${ws}`, async () => {
      let w = d.repo.getWorkspace(ws);
      if (!w) throw new AppError('not_found', `Workspace ${ws} is not connected`);
      const open = d.repo.journalOpen(ws);
      if (open.length > 0) {
        const verdict = await recover(w, open);
        w = d.repo.getWorkspace(ws)!;
        if (w.status !== 'connected') throw new AppError('needs_reconsent', `${ws}: ${w.reason ?? 'needs re-consent'}`);
        const g = cache.get(ws);
        if (g && !opts.force && verdict === 'settled') return g;
      }
      if (w.status !== 'connected') throw new AppError('needs_reconsent', `${ws}: ${w.reason ?? 'the grant is not connected'}`);
      // Re-read under the lock: another process may have refreshed already.
      const grant = unsaved.get(ws) ?? (await d.grants.read(ws));
      if (!grant) {
        markNeedsReconsent(ws, 'The grant is missing from the keychain');
        throw new AppError('needs_reconsent', `${ws}: the grant is missing from the keychain`);
      }
      const minValidity = opts.minValidityMs ?? 30_000;
      const known = cache.get(ws);
      const refreshedElsewhere = known !== undefined && grant.generation > known.generation;
      if (opts.rejectedAccessToken !== undefined && grant.accessToken !== opts.rejectedAccessToken) {
        cache.set(ws, grant);
        return grant;
      }
      const rejected = opts.rejectedAccessToken !== undefined; // and it is still the stored one: refresh
      if (!opts.force && !rejected && grant.expiresAt - d.clock.now() > minValidity) {
        cache.set(ws, grant);
        return grant;
      }
      if (opts.force && refreshedElsewhere && grant.expiresAt - d.clock.now() > minValidity) {
        cache.set(ws, grant);
        return grant;
      }
      const now = d.clock.now();
      if (w.cooldown_until !== null && w.cooldown_until > now) {
        throw new AppError('platform_error', `${ws}: the token endpoint failed recently; next attempt after ${new Date(w.cooldown_until).toISOString()}`);
      }
      const breaker = breakers.get(w.platform_id);
      if (breaker && breaker.openUntil > now) {
        throw new AppError('platform_error', `The platform's token endpoint keeps failing; paused until ${new Date(breaker.openUntil).toISOString()}`);
      }
      const p = platformOf(w);
      let journalId = 0;
      const attemptRefresh = async (attempt: number): Promise<{ tokens: o.TokenEndpointResponse } | { recovered: StoredGrant } | 'again'> => {
        journalId = d.repo.journalStart(ws, grant.generation, d.clock.now());
        try {
          return { tokens: await postRefresh(p, grant.refreshToken, journalId) };
        } catch (err) {
          if (err instanceof OutcomeUnknown) {
            // The journal row stays open; recovery asks the platform whether it rotated, else applies the leeway rule once.
            d.logger.warn('refresh_outcome_unknown', { workspace: ws, detail: err.message });
            const verdict = await recover(w, d.repo.journalOpen(ws));
            const after = d.repo.getWorkspace(ws)!;
            if (after.status !== 'connected') throw new AppError('needs_reconsent', `${ws}: ${after.reason ?? 'needs re-consent'}`);
            if (verdict === 'unchanged') {
              // Not rotated: the same refresh token is still the live one. One more try now, then back off (never loops).
              if (attempt < 2) return 'again';
              cooldown(after, `The token endpoint did not answer (${err.message}); the grant is unchanged`, null);
              throw new AppError('network_error', `${ws}: the token endpoint did not answer; the grant is unchanged and still usable, and the refresh is retried later`);
            }
            const g = cache.get(ws);
            if (g) return { recovered: g };
            throw new AppError('timeout', `${ws}: the token request had an unknown outcome`);
          }
          if (err instanceof o.ResponseBodyError) {
            d.repo.journalSet(journalId, 'failed', d.clock.now(), err.error);
            if (err.error === 'invalid_grant') {
              markNeedsReconsent(ws, `The platform rejected the refresh token (invalid_grant${err.error_description ? `: ${err.error_description.slice(0, 160)}` : ''})`);
              throw new AppError('needs_reconsent', `${ws}: the platform rejected the grant; reconnect this workspace`);
            }
            cooldown(w, `Token endpoint error ${err.error}`, null);
            throw new AppError('platform_error', `${ws}: token endpoint said ${describeOAuthError(err)}`);
          }
          d.repo.journalSet(journalId, 'failed', d.clock.now(), err instanceof AppError ? err.code : 'error');
          const cause = err instanceof AppError ? (err.cause as { retryAfterMs?: number | null } | undefined) : undefined;
          cooldown(w, err instanceof AppError ? err.message : 'token request failed', cause?.retryAfterMs ?? null);
          if (err instanceof AppError) throw err;
          throw new AppError('platform_error', `${ws}: token request failed`);
        }
      };
      let r: Awaited<ReturnType<typeof attemptRefresh>> = 'again';
      for (let attempt = 1; r === 'again'; attempt++) r = await attemptRefresh(attempt);
      if ('recovered' in r) return r.recovered; // recovered inside the leeway by recover()
      hook('parsed');
      const next = nextGrant(grant, r.tokens);
      await persist(w, next, journalId);
      const b = breakers.get(w.platform_id);
      if (b) b.failures = 0;
      d.logger.info('refreshed', { workspace: ws, generation: next.generation });
      return next;
    });
  }

  function singleFlight(ws: string, opts: AccessOptions): Promise<StoredGrant> {
    const running = inflight.get(ws);
    if (running) return running;
    const p = refreshLocked(ws, opts).finally(() => inflight.delete(ws));
    inflight.set(ws, p);
    return p;
  }

  return {
    /** A valid access token for the workspace, refreshing (single-flight) when it would expire within minValidityMs. */
    async accessToken(ws: string, opts: AccessOptions = {}): Promise<string> {
      const minValidity = opts.minValidityMs ?? 30_000;
      const c = cache.get(ws);
      if (!opts.force && opts.rejectedAccessToken === undefined && c && c.expiresAt - d.clock.now() > minValidity && d.repo.journalOpen(ws).length === 0) {
        return c.accessToken;
      }
      if (opts.rejectedAccessToken !== undefined && c && c.accessToken !== opts.rejectedAccessToken) return c.accessToken;
      const g = await singleFlight(ws, opts);
      return g.accessToken;
    },
    async refresh(ws: string, force: boolean): Promise<void> {
      await singleFlight(ws, { force, minValidityMs: 60_000 });
    },
    /** Restart path: settle journal rows left open by dead processes. */
    async recoverAll(): Promise<void> {
      for (const ws of d.repo.journalWorkspacesWithOpen()) {
        if (inflight.has(ws)) continue;
        try {
          await singleFlight(ws, { minValidityMs: 0 });
        } catch {
          // the workspace row says what happened
        }
      }
    },
    async retryUnsaved(): Promise<void> {
      for (const [ws, g] of unsaved) {
        try {
          await d.grants.write(g);
          unsaved.delete(ws);
          for (const j of d.repo.journalOpen(ws)) d.repo.journalSet(j.id, 'persisted', d.clock.now(), 'persisted on retry');
          d.repo.refreshed(ws, { access_expires_at: g.expiresAt, generation: g.generation, scopes: null, now: d.clock.now() });
          changed(ws);
        } catch {
          // still refused; the workspace row carries the message
        }
      }
    },
    setCached(g: StoredGrant) {
      cache.set(g.workspaceId, g);
      unsaved.delete(g.workspaceId);
    },
    forget(ws: string) {
      cache.delete(ws);
      unsaved.delete(ws);
    },
    unsavedCount: () => unsaved.size,
    isInflight: (ws: string) => inflight.has(ws),
  };
}
export type TokenManager = ReturnType<typeof createTokenManager>;
