/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic JSON bodies */
// Captured exchanges of the MFA step-up (docs/platform-api.md §10b), run by sandbox/docs-examples.ts against its live
// sandbox: the plan set through the admin API, a Pro challenge, the step-up authorization (auto-consent run), its token
// (no refresh token; acr/auth_time in the ID token and in introspection), the retried call, and the enterprise rebind
// window on the test clock.
import * as oauth from 'oauth4webapi';
import type { SandboxHandle } from './server.ts';

type Show = (title: string, method: string, path: string, opts?: { token?: string; body?: unknown; form?: Record<string, string>; n?: number }) => Promise<{ status: number; body: any; headers: Headers }>;

export async function captureMfa(c: { sb: SandboxHandle; ws: string; adminToken: string; show: Show; md: (s: string) => void }): Promise<void> {
  const { sb, ws, show, md } = c;
  const A = c.adminToken;
  const issuer = new URL(sb.issuer);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true }));
  const redirectUri = 'http://127.0.0.1:49152/callback';
  /** an authorization through auto-consent; the hops are printed when `print` is set */
  const authorize = async (params: Record<string, string>, print: boolean) => {
    const verifier = oauth.generateRandomCodeVerifier();
    const u = new URL(as.authorization_endpoint!);
    u.search = new URLSearchParams({ client_id: 'grantdesk-desktop', response_type: 'code', redirect_uri: redirectUri, state: 'U3RlcFVwU3RhdGU', code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', workspace: ws, ...params }).toString();
    const jar = new Map<string, string>();
    let url = u.href;
    const hops: string[] = [];
    for (let i = 0; i < 8 && !url.startsWith(redirectUri); i++) {
      const r = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const ck of r.headers.getSetCookie()) { const kv = ck.split(';')[0]!; const j = kv.indexOf('='); jar.set(kv.slice(0, j), kv.slice(j + 1)); }
      hops.push(`${r.status} ${url.replace(sb.issuer, '')}`);
      url = new URL(r.headers.get('location')!, url).href;
    }
    if (print) { md('```text'); md(`GET ${u.href.replace(sb.issuer, '')}`); for (const h of hops) md(`  -> ${h}`); md(`  -> ${url}`); md('```\n'); }
    return { code: new URL(url).searchParams.get('code')!, verifier };
  };
  const exchange = async (a: { code: string; verifier: string }, title: string | null) => {
    const form = { grant_type: 'authorization_code', client_id: 'grantdesk-desktop', code: a.code, redirect_uri: redirectUri, code_verifier: a.verifier };
    if (title) return (await show(title, 'POST', '/token', { form })).body;
    const r = await fetch(`${sb.issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
    return (await r.json()) as any;
  };

  md('### MFA step-up (RFC 9470)\n');
  await show('set a workspace\'s plan (admin)', 'POST', '/__admin/mfa', { token: A, body: { workspace: ws, plan: 'pro' } });
  const main = await exchange(await authorize({ scope: 'offline_access credentials:read credentials:write audit:read' }, false), null);
  md('A connect-time grant (password sign-in, `acr` `urn:sabnode:pwd`) creating an API key on a Pro workspace:\n');
  await show('the challenge (pro: acr_values only)', 'POST', '/v1/api-keys', { token: main.access_token, body: { name: 'nightly ETL', scopes: ['contacts:read'] } });
  md('The step-up: a second authorization for the same workspace with the challenge\'s `acr_values`, `prompt=login`, no `offline_access` (auto-consent run; without `--auto-consent` the interaction shows the multi-factor page):\n');
  const a = await authorize({ scope: 'openid credentials:read credentials:write audit:read', acr_values: 'urn:sabnode:mfa', prompt: 'login' }, true);
  const s = await exchange(a, 'step-up token (no refresh token; the ID token carries acr and auth_time)');
  const claims = JSON.parse(Buffer.from(String(s.id_token).split('.')[1]!, 'base64url').toString('utf8'));
  md('The ID token\'s claims (payload only):\n');
  md('```json'); md(JSON.stringify({ acr: claims.acr, amr: claims.amr, auth_time: claims.auth_time, aud: claims.aud, sub: claims.sub }, null, 2)); md('```\n');
  await show('introspection of the step-up token', 'POST', '/token/introspection', { form: { client_id: 'grantdesk-desktop', token: s.access_token } });
  await show('the same call with the step-up token', 'POST', '/v1/api-keys', { token: s.access_token, body: { name: 'nightly ETL', scopes: ['contacts:read'] } });
  await show('enterprise: every credentials:write call, rebind window 300 s (admin)', 'POST', '/__admin/mfa', { token: A, body: { workspace: ws, plan: 'enterprise', rebind_seconds: 300 } });
  await show('inside the window', 'POST', '/v1/scope-bundles', { token: s.access_token, body: { name: 'CRM read-only', scopes: ['contacts:read'] } });
  await show('advance the clock past the window (admin)', 'POST', '/__admin/clock', { token: A, body: { advance_seconds: 301 } });
  await show('past the window: asked again, with max_age', 'POST', '/v1/machine-clients', { token: s.access_token, body: { name: 'warehouse-sync', scopes: ['contacts:read'] } });
  await show('the workspace\'s MFA policy and authenticator (admin; totp_now is the code an authenticator shows now)', 'GET', `/__admin/mfa?workspace=${ws}`, { token: A });
  await show('an unknown plan (admin)', 'POST', '/__admin/mfa', { token: A, body: { workspace: ws, plan: 'platinum' } });
  await show('back to its seeded plan (admin)', 'POST', '/__admin/mfa', { token: A, body: { workspace: ws, plan: 'starter' } });
}
