/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic JSON bodies and the untyped oidc-provider API */
// Shared helpers for the sandbox conformance tests. Only talks HTTP to the sandbox (plus startSandbox to run it in-process).
import * as oauth from 'oauth4webapi';
import { startSandbox, type SandboxOptions, type SandboxHandle } from '../../sandbox/server.ts';
import { processClock } from '../../sandbox/clock.ts';

export const DESKTOP = 'grantdesk-desktop';
export const MGMT_SCOPES = 'offline_access credentials:read credentials:write audit:read';

export async function boot(opts: SandboxOptions = {}) {
  const sb = await startSandbox({ workspaces: 2, events: 60, seed: 7, autoConsent: true, admin: true, clock: processClock(), log: () => {}, ...opts });
  const issuer = new URL(sb.issuer);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true }));
  return { sb, as };
}

export const insecure = { [oauth.allowInsecureRequests]: true } as const;

/**
 * Pins every workspace's plan through the admin API. A suite about something other than MFA step-up (key management,
 * OAuth conformance) runs on plans that protect nothing; the step-up itself has its own suite (mfa.test.ts).
 */
export async function pinPlans(sb: SandboxHandle, plan: 'free' | 'starter' | 'pro' | 'enterprise' = 'free') {
  for (const w of sb.workspaces) {
    const r = await admin(sb, 'POST', '/mfa', { workspace: w.id, plan });
    if (r.status !== 200) throw new Error(`pinning the plan of ${w.id} failed: ${r.status}`);
  }
}

export async function admin(sb: SandboxHandle, method: string, path: string, body?: unknown) {
  const r = await fetch(`${sb.issuer}/__admin${path}`, {
    method, headers: { authorization: `Bearer ${sb.adminToken}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() as any };
}

export async function api(sb: SandboxHandle, token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(`${sb.issuer}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let json: any;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  return { status: r.status, headers: r.headers, body: json, text };
}

/** Follows the provider's redirects by hand (cookie jar included) until it lands on the loopback redirect URI. */
export async function followToCallback(startUrl: string, callbackPrefix: string): Promise<{ url: URL; hops: number; status?: number; body?: string }> {
  const jar = new Map<string, string>();
  let url = startUrl;
  for (let hops = 0; hops < 10; hops++) {
    if (url.startsWith(callbackPrefix)) return { url: new URL(url), hops };
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const r = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const c of r.headers.getSetCookie()) {
      const kv = c.split(';')[0]!;
      const i = kv.indexOf('=');
      jar.set(kv.slice(0, i), kv.slice(i + 1));
    }
    const loc = r.headers.get('location');
    if (!loc || r.status < 300 || r.status > 399) return { url: new URL(url), hops, status: r.status, body: await r.text() };
    await r.body?.cancel();
    url = new URL(loc, url).href;
  }
  throw new Error('too many redirects');
}

export interface AuthCodeOptions { workspace: string; port?: number; scope?: string; state?: string; pkce?: 'S256' | 'plain' | 'none'; redirectPath?: string }

export async function authorize(as: oauth.AuthorizationServer, o: AuthCodeOptions) {
  const verifier = oauth.generateRandomCodeVerifier();
  const redirectUri = `http://127.0.0.1:${o.port ?? 53123}${o.redirectPath ?? '/callback'}`;
  const u = new URL(as.authorization_endpoint!);
  u.searchParams.set('client_id', DESKTOP);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('redirect_uri', redirectUri);
  u.searchParams.set('scope', o.scope ?? MGMT_SCOPES);
  u.searchParams.set('state', o.state ?? oauth.generateRandomState());
  u.searchParams.set('workspace', o.workspace);
  if (o.pkce !== 'none') {
    u.searchParams.set('code_challenge', o.pkce === 'plain' ? verifier : await oauth.calculatePKCECodeChallenge(verifier));
    u.searchParams.set('code_challenge_method', o.pkce === 'plain' ? 'plain' : 'S256');
  }
  const res = await followToCallback(u.href, redirectUri.split('?')[0]!);
  return { ...res, verifier, redirectUri, state: u.searchParams.get('state')! };
}

/** Full authorization-code + PKCE flow with oauth4webapi; returns the token response. */
export async function login(as: oauth.AuthorizationServer, workspace: string, scope = MGMT_SCOPES, port = 53123) {
  const client: oauth.Client = { client_id: DESKTOP };
  const a = await authorize(as, { workspace, scope, port });
  const params = oauth.validateAuthResponse(as, client, a.url, a.state);
  const resp = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, a.redirectUri, a.verifier, insecure);
  return oauth.processAuthorizationCodeResponse(as, client, resp);
}

export async function refresh(as: oauth.AuthorizationServer, rt: string) {
  const client: oauth.Client = { client_id: DESKTOP };
  return oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), rt, insecure));
}

export async function expectOAuthError(p: Promise<unknown>, error: string) {
  try { await p; } catch (e: any) {
    if (e instanceof oauth.ResponseBodyError && e.error === error) return e;
    if (e instanceof oauth.WWWAuthenticateChallengeError && e.cause?.some((c) => c.parameters.error === error)) return e as any;
    throw new Error(`expected OAuth error ${error}, got ${e?.constructor?.name}: ${e?.error ?? e?.message}`);
  }
  throw new Error(`expected OAuth error ${error}, but the request succeeded`);
}

/** Minimal browser: cookie jar + manual redirects, for driving HTML pages (device verification, login/consent). */
export class Browser {
  jar = new Map<string, string>();
  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<{ url: string; status: number; body: string; location?: string }> {
    let cur = url; let method = init.method ?? 'GET'; let form = init.form;
    for (let hops = 0; hops < 12; hops++) {
      const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const headers: Record<string, string> = cookie ? { cookie } : {};
      if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
      const r = await fetch(cur, { method, redirect: 'manual', headers, body: form ? new URLSearchParams(form).toString() : undefined });
      for (const c of r.headers.getSetCookie()) { const kv = c.split(';')[0]!; const i = kv.indexOf('='); this.jar.set(kv.slice(0, i), kv.slice(i + 1)); }
      const loc = r.headers.get('location');
      if (!loc || r.status < 300 || r.status > 399) return { url: cur, status: r.status, body: await r.text() };
      await r.body?.cancel();
      const next = new URL(loc, cur).href;
      if (!next.startsWith('http://127.0.0.1') || new URL(next).port === '53123') return { url: cur, status: r.status, body: '', location: next };
      cur = next; method = 'GET'; form = undefined;
    }
    throw new Error('too many redirects');
  }
}
export const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
