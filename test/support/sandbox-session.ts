// Test-only: a real access token for one sandbox workspace via the auto-consent PKCE flow (oauth4webapi), and a minimal
// WorkspaceApi that calls the sandbox with that bearer. The app's real WorkspaceApi lives in the connections domain.
import * as oauth from 'oauth4webapi';
import type { PlatformCall, PlatformResult, WorkspaceApi } from '../../src-main/ports/platform.ts';
import { AppError } from '../../src-main/rpc/app-error.ts';
import { createFetchWorkspaceApi } from './fetch-workspace-api.ts';

export const CLIENT_ID = 'grantdesk-desktop';

/** Follows an authorization URL by hand (cookies kept) until the redirect to the loopback callback carrying code + iss. */
export async function followToCallback(startUrl: string, callbackPrefix: string): Promise<URL> {
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

const codeFor = (s: number): AppError['code'] => (s === 401 ? 'needs_reconsent' : s === 403 ? 'insufficient_scope' : s === 404 ? 'not_found' : s === 409 ? 'conflict' : s === 429 ? 'rate_limited' : 'platform_error');

/**
 * A bearer-token WorkspaceApi for domain tests that need the platform's own status codes as typed errors
 * (404 not_found, 409 conflict) and its error_description in the message.
 */
export function bearerWorkspaceApi(issuer: string, tokens: ReadonlyMap<string, string>): WorkspaceApi {
  return {
    async call<T>(workspaceId: string, req: PlatformCall<T>): Promise<PlatformResult<T>> {
      const token = tokens.get(workspaceId);
      if (!token) throw new AppError('not_found', `not connected: ${workspaceId}`);
      const url = new URL(req.path, issuer);
      for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
      let res: Response;
      try {
        // an MFA step-up challenge is answered like the app does (the sandbox's auto-consent completes the MFA step)
        res = await withStepUp(issuer, workspaceId, token, (bearer) =>
          fetch(url, {
            method: req.method,
            headers: { authorization: `Bearer ${bearer}`, ...(req.body === undefined ? {} : { 'content-type': 'application/json' }) },
            body: req.body === undefined ? undefined : JSON.stringify(req.body),
            signal: AbortSignal.timeout(req.deadlineMs ?? 10_000),
          }),
        );
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
}

/**
 * RFC 9470 in the test doubles: a 401 `insufficient_user_authentication` is answered the way Grantdesk answers it — a
 * step-up authorization for that workspace with the challenge's acr_values / max_age and prompt=login (the sandbox's
 * auto-consent completes the MFA step) — and the request is sent once more with the step-up token.
 */
export async function withStepUp(issuerUrl: string, workspaceId: string, token: string, send: (bearer: string) => Promise<Response>): Promise<Response> {
  const res = await send(token);
  const challenge = res.status === 401 ? (res.headers.get('www-authenticate') ?? '') : '';
  if (!challenge.includes('insufficient_user_authentication')) return res;
  await res.body?.cancel();
  const acr = /acr_values="([^"]*)"/.exec(challenge)?.[1];
  const maxAge = /max_age="(\d+)"/.exec(challenge)?.[1];
  const extra: Record<string, string> = { prompt: 'login', ...(acr ? { acr_values: acr } : {}), ...(maxAge ? { max_age: maxAge } : {}) };
  const stepped = await sandboxToken(issuerUrl, workspaceId, 'openid credentials:read credentials:write audit:read', extra);
  return send(stepped.accessToken);
}

export async function sandboxToken(issuerUrl: string, workspaceId: string, scope = 'offline_access audit:read credentials:read', extra: Record<string, string> = {}): Promise<{ accessToken: string; refreshToken?: string }> {
  const issuer = new URL(issuerUrl);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true }));
  const client: oauth.Client = { client_id: CLIENT_ID };
  const redirectUri = `http://127.0.0.1:${40000 + Math.floor(Math.random() * 20000)}/callback`;
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const authUrl = new URL(as.authorization_endpoint!);
  authUrl.search = new URLSearchParams({ client_id: CLIENT_ID, response_type: 'code', redirect_uri: redirectUri, scope, state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', workspace: workspaceId, ...extra }).toString();
  const url = (await followToCallback(authUrl.href, redirectUri)).href;
  const params = oauth.validateAuthResponse(as, client, new URL(url), state);
  const res = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, { [oauth.allowInsecureRequests]: true });
  const tok = await oauth.processAuthorizationCodeResponse(as, client, res);
  return { accessToken: tok.access_token, refreshToken: tok.refresh_token };
}

/** A WorkspaceApi over the sandbox for the given workspaces (tokens obtained once, up front). */
export async function sandboxWorkspaceApi(issuerUrl: string, workspaceIds: readonly string[]): Promise<WorkspaceApi> {
  const tokens = new Map<string, string>();
  for (const ws of workspaceIds) tokens.set(ws, (await sandboxToken(issuerUrl, ws)).accessToken);
  return createFetchWorkspaceApi({
    baseUrl: () => issuerUrl.endsWith('/') ? issuerUrl : `${issuerUrl}/`,
    token: (ws) => {
      const t = tokens.get(ws);
      if (!t) throw new Error(`no sandbox token for ${ws}`);
      return t;
    },
  });
}
