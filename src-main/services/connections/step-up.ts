// MFA step-up (RFC 9470) for a workspace grant: when the platform answers a write with `insufficient_user_authentication`,
// the platform client (src-main/platform/workspace-api.ts) asks this port for a fresh sign-in. It runs a second PKCE
// authorization for that workspace only, through the system browser and the loopback callback like connect, with the
// challenge's acr_values / max_age and prompt=login, and returns its access token; the client retries the call once.
//
// The step-up token lives in main-process memory only (step-up-store.ts), for min(its expiry, auth_time + max_age, an
// hour), and only for that workspace's writes. The workspace's own grant is never touched: a refresh token the platform
// hands back anyway is dropped unused. Why the browser opened is said on the event bus ('stepUp.status'), which the UI and
// the CLI show. Within one command (`scoped`), a workspace whose sign-in was declined is not asked again: a bulk
// operation asks once per workspace and fails that workspace's rows only.
import { AsyncLocalStorage } from 'node:async_hooks';
import * as o from 'oauth4webapi';
import type { CallbackListenerFactory } from '../../ports/callback.ts';
import type { Clock } from '../../ports/clock.ts';
import type { EventBus } from '../../ports/events.ts';
import type { HttpClient, LimitedFetch } from '../../ports/http.ts';
import type { Logger } from '../../ports/logger.ts';
import type { Opener } from '../../ports/opener.ts';
import type { StepUpChallenge, StepUpPort } from '../../ports/platform.ts';
import { probeWorkspace } from '../../platform/workspace.ts';
import { AppError } from '../../rpc/app-error.ts';
import { CONNECT_TIMEOUT_MS, runCodeFlow } from './connect-flow.ts';
import { apiBaseOf, authServer, checkPlatformUrl } from './oauth.ts';
import type { PlatformRow, WorkspaceRow } from './repo.ts';
import { createStepUpStore } from './step-up-store.ts';
import { apiScopesOf } from './staff-identity.ts';

/** the longest a step-up token is kept, whatever the platform says (a Pro challenge names no max_age) */
export const STEP_UP_MAX_HOLD_S = 3600;
/** kept this much shorter than its window, so a call never starts with a token about to be refused */
export const STEP_UP_MARGIN_MS = 5_000;

export interface StepUpDeps {
  workspace: (ws: string) => WorkspaceRow | null;
  platformFor: (ws: string) => PlatformRow;
  http: HttpClient;
  fetch: LimitedFetch;
  opener: Opener;
  callbackListener: CallbackListenerFactory;
  clock: Clock;
  bus: EventBus;
  logger: Logger;
  connectTimeoutMs?: number;
}

export function createStepUp(d: StepUpDeps) {
  const store = createStepUpStore(() => d.clock.now());
  const inflight = new Map<string, Promise<string>>();
  // one command's refusals: workspace -> the error its declined sign-in ended with
  const scope = new AsyncLocalStorage<Map<string, AppError>>();

  const status = (id: string, w: WorkspaceRow, action: string, state: 'waiting' | 'done' | 'failed', message: string) =>
    d.bus.emit('stepUp.status', { id, workspaceId: w.id, workspaceName: w.name, action, state, message });

  /** URLs a challenge names must be the platform's own sign-in origins; anything else ends the step-up before a browser opens. */
  function checkNamedUrls(p: PlatformRow, as: o.AuthorizationServer, urls: string[], name: string) {
    const own = new Set([new URL(p.issuer).origin, new URL(as.authorization_endpoint!).origin]);
    for (const raw of urls) {
      const u = checkPlatformUrl(raw, `${name}'s request for a fresh sign-in names a sign-in address that`, p.issuer);
      if (!own.has(u.origin)) {
        throw new AppError('invalid_response', `${name}'s request for a fresh sign-in names ${u.origin} as where to sign in, which is not ${p.name}'s own sign-in address (${[...own].join(', ')}); no browser was opened and nothing was changed. Ask the platform operator to fix its challenge.`);
      }
    }
  }

  async function stepUpOnce(w: WorkspaceRow, challenge: StepUpChallenge, action: string, signal?: AbortSignal): Promise<string> {
    const p = d.platformFor(w.id);
    const as = authServer(p); // the stored metadata, re-checked (https, or loopback http for a loopback issuer)
    if (!as.authorization_endpoint) throw new AppError('invalid_response', `${p.name} has no authorization endpoint to sign in again at; nothing was changed.`);
    checkNamedUrls(p, as, challenge.namedUrls, w.name);
    const apiBase = apiBaseOf(p);
    const scopes = apiScopesOf((JSON.parse(w.scopes) as string[]).join(' '));
    const oidc = Array.isArray(as.scopes_supported) && as.scopes_supported.includes('openid');
    const extra: Record<string, string> = { prompt: 'login' };
    if (challenge.acrValues.length > 0) extra.acr_values = challenge.acrValues.join(' ');
    if (challenge.maxAge !== null) extra.max_age = String(challenge.maxAge);
    const id = `stepup-${w.id}-${d.clock.now()}`;
    const started = d.clock.now();
    status(id, w, action, 'waiting', `${w.name} requires a fresh MFA sign-in for ${action}; finish it in your browser.`);
    d.logger.info('step_up_started', { workspace: w.id, action, acr: extra.acr_values ?? null, maxAge: challenge.maxAge });
    let t: o.TokenEndpointResponse;
    try {
      ({ tokens: t } = await runCodeFlow({ fetch: d.fetch, opener: d.opener, callbackListener: d.callbackListener, connectTimeoutMs: d.connectTimeoutMs }, p, {
        scope: [...(oidc ? ['openid'] : []), ...scopes].join(' '),
        workspace: w.id,
        signal,
        extra,
        requireRefreshToken: false,
        idToken: oidc && challenge.maxAge !== null ? { maxAge: challenge.maxAge } : undefined,
      }));
      const claims = oidc ? o.getValidatedIdTokenClaims(t) : undefined;
      if (claims && typeof claims.acr === 'string' && challenge.acrValues.length > 0 && !challenge.acrValues.includes(claims.acr)) {
        throw new AppError('step_up_refused', `${w.name}: the sign-in just made was not the multi-factor one the platform asked for (${claims.acr.slice(0, 100)}); nothing was changed.`);
      }
      // the token must be this workspace's: one handed back for another workspace is never used for this one
      const probe = await probeWorkspace(d.http, apiBase, t.access_token, { deadlineMs: 10_000, maxBytes: 64 * 1024 });
      const probedId = probe.status === 200 && probe.json && typeof probe.json === 'object' ? (probe.json as { id?: unknown }).id : undefined;
      if (probe.status === 200 && probedId !== w.id) {
        throw new AppError('invalid_response', `${w.name}: the fresh sign-in came back for another workspace; it was not used and nothing was changed.`);
      }
      const now = d.clock.now();
      const expiresIn = Math.min(typeof t.expires_in === 'number' && t.expires_in > 0 ? t.expires_in : 300, STEP_UP_MAX_HOLD_S);
      // auth_time: the ID token's when there is one (never later than now), else the moment the sign-in was asked for
      const authMs = typeof claims?.auth_time === 'number' ? Math.min(claims.auth_time * 1000, now) : started;
      const until = Math.min(now + expiresIn * 1000, challenge.maxAge === null ? Infinity : authMs + challenge.maxAge * 1000) - STEP_UP_MARGIN_MS;
      store.put(w.id, { token: t.access_token, until, connection: w.connected_at ?? 0 });
      if (t.refresh_token) d.logger.warn('step_up_refresh_token_dropped', { workspace: w.id }); // never stored, never used
      status(id, w, action, 'done', `${w.name}: MFA sign-in done; ${action} goes ahead.`);
      d.logger.info('step_up_done', { workspace: w.id, action, keptSeconds: Math.max(0, Math.round((until - now) / 1000)) });
      return t.access_token;
    } catch (err) {
      const e = refusal(err, w, action);
      status(id, w, action, 'failed', e.message);
      d.logger.warn('step_up_failed', { workspace: w.id, action, code: e.code });
      throw e;
    }
  }

  /** how a step-up that did not finish reads: declined and timed-out sign-ins are refusals with a sentence */
  function refusal(err: unknown, w: WorkspaceRow, action: string): AppError {
    if (!(err instanceof AppError)) return new AppError('internal', `${w.name}: the fresh MFA sign-in failed unexpectedly; nothing was changed.`);
    if (err.code === 'cancelled') {
      const said = err.cause instanceof o.AuthorizationResponseError ? err.cause.error_description : undefined;
      const why = said ? ` (the platform says: ${said.replace(/[\r\n]+/g, ' ').slice(0, 200)})` : '';
      return new AppError('step_up_refused', `${w.name} requires a fresh MFA sign-in for ${action}, and it was declined or failed in the browser${why}; nothing was changed.`);
    }
    if (err.code === 'timeout') {
      const min = Math.round((d.connectTimeoutMs ?? CONNECT_TIMEOUT_MS) / 60_000);
      return new AppError('step_up_refused', `${w.name} requires a fresh MFA sign-in for ${action}, and it was not finished within ${min < 1 ? 'the time allowed' : `${min} minute${min === 1 ? '' : 's'}`}; nothing was changed.`);
    }
    return err;
  }

  const port: StepUpPort = {
    current(ws) {
      const w = d.workspace(ws);
      return w && w.status === 'connected' ? store.get(ws, w.connected_at ?? 0) : null;
    },
    async run(ws, challenge, action, signal) {
      const w = d.workspace(ws);
      if (!w || w.status !== 'connected') throw new AppError('needs_reconsent', `Workspace ${w?.name ?? ws} is not connected, so Grantdesk cannot sign in to it again; reconnect it first.`);
      const declined = scope.getStore()?.get(ws);
      if (declined) throw new AppError('step_up_refused', `${w.name}: the fresh MFA sign-in was declined earlier in this operation, so Grantdesk did not ask again; nothing was changed here.`);
      // one sign-in per workspace at a time: concurrent writes wait for the same one
      let p = inflight.get(ws);
      if (!p) {
        p = stepUpOnce(w, challenge, action, signal).finally(() => inflight.delete(ws));
        inflight.set(ws, p);
      }
      try {
        return await p;
      } catch (err) {
        if (err instanceof AppError && err.code === 'step_up_refused') scope.getStore()?.set(ws, err);
        throw err;
      }
    },
    discard(ws, token) {
      store.drop(ws, token);
    },
  };

  return {
    port,
    /** forget a workspace's step-up token (disconnect, reconnect) */
    forget: (ws: string) => store.drop(ws),
    /** every function of `h` runs in its own refusal scope (one command = one scope) */
    scoped<H extends object>(h: H): H {
      const out: Record<string, unknown> = {};
      for (const [k, f] of Object.entries(h)) out[k] = typeof f === 'function' ? (...args: unknown[]) => scope.run(new Map(), () => (f as (...a: unknown[]) => unknown)(...args)) : f;
      return out as H;
    },
    /** for tests: how many step-up tokens are held */
    held: () => store.size(),
  };
}
export type StepUp = ReturnType<typeof createStepUp>;
