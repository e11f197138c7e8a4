/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic JSON bodies and the untyped oidc-provider API */
// Captures real request/response pairs from a running sandbox for docs/platform-api.md.
// usage: node --import tsx sandbox/docs-examples.ts [--write docs/platform-api.md]   (without --write: markdown on stdout)
import { readFileSync, writeFileSync } from 'node:fs';
import * as oauth from 'oauth4webapi';
import { startSandbox } from './server.ts';
import { processClock } from './clock.ts';
import { captureMfa } from './docs-examples-mfa.ts';
import { captureGuardrails } from './docs-examples-guardrails.ts';
import { captureMcp } from './docs-examples-mcp.ts';
import { captureTailAndReviews } from './docs-examples-tail.ts';

// the process clock: advancing it (admin API) also moves oidc-provider's expiries, so a token issued after an advance is valid
const sb = await startSandbox({ workspaces: 2, events: 300, seed: 42, autoConsent: true, admin: true, log: () => {}, anchor: '2026-11-20T00:00:00Z', clock: processClock() });
const out: string[] = [];
const md = (s: string) => out.push(s);
const clip = (v: any, n = 2): any => {
  if (Array.isArray(v)) return v.length > n ? [...v.slice(0, n).map((x) => clip(x, n)), `… ${v.length - n} more`] : v.map((x) => clip(x, n));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clip(x, n)]));
  return v;
};
const SHOW = ['content-type', 'retry-after', 'www-authenticate', 'x-quota-limit', 'x-quota-remaining', 'x-quota-warning', 'x-quota-reset', 'location'];
async function show(title: string, method: string, path: string, opts: { token?: string; body?: unknown; form?: Record<string, string>; headers?: Record<string, string>; basic?: string; n?: number } = {}) {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.basic) headers.authorization = `Basic ${opts.basic}`;
  let body: string | undefined;
  if (opts.body !== undefined) { headers['content-type'] = 'application/json'; body = JSON.stringify(opts.body); }
  if (opts.form) { headers['content-type'] = 'application/x-www-form-urlencoded'; body = new URLSearchParams(opts.form).toString(); }
  const r = await fetch(sb.issuer + path, { method, headers, body, redirect: 'manual' });
  const text = await r.text();
  let parsed: any; try { parsed = JSON.parse(text); } catch { parsed = undefined; }
  md(`#### ${title}\n`);
  md('```http');
  md(`${method} ${path} HTTP/1.1`);
  for (const [k, v] of Object.entries(headers)) md(`${k === 'authorization' ? 'Authorization' : k}: ${k === 'authorization' ? v.replace(/(Bearer|Basic) (.{12}).*/, '$1 $2…') : v}`);
  if (body) md(`\n${opts.form ? body : JSON.stringify(opts.body, null, 2)}`);
  md('```');
  md('```http');
  md(`HTTP/1.1 ${r.status} ${r.statusText}`);
  for (const h of SHOW) { const v = r.headers.get(h); if (v) md(`${h}: ${v}`); }
  if (text) md(`\n${parsed !== undefined ? JSON.stringify(clip(parsed, opts.n ?? 2), null, 2) : text.slice(0, 300)}`);
  md('```\n');
  return { status: r.status, body: parsed, headers: r.headers };
}

const issuer = new URL(sb.issuer);
const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true }));
const ws = sb.workspaces[0]!.id;
md(`<!-- captured from a live sandbox: seed 42, 2 workspaces, anchor 2026-11-20; issuer shown as ${sb.issuer} -->\n`);
md('### Discovery\n');
await show('RFC 8414 metadata', 'GET', '/.well-known/oauth-authorization-server', { n: 40 });

// auth code via auto-consent
const verifier = oauth.generateRandomCodeVerifier();
const redirectUri = 'http://127.0.0.1:49152/callback';
const authUrl = new URL(as.authorization_endpoint!);
authUrl.search = new URLSearchParams({ client_id: 'grantdesk-desktop', response_type: 'code', redirect_uri: redirectUri, scope: 'offline_access credentials:read credentials:write audit:read', state: 'Qm9vdHN0cmFwU3RhdGU', code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', workspace: ws }).toString();
const jar = new Map<string, string>();
let url = authUrl.href; const hops: string[] = [];
for (let i = 0; i < 8 && !url.startsWith(redirectUri); i++) {
  const r = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
  for (const c of r.headers.getSetCookie()) { const kv = c.split(';')[0]!; const j = kv.indexOf('='); jar.set(kv.slice(0, j), kv.slice(j + 1)); }
  hops.push(`${r.status} ${url.replace(sb.issuer, '')}`);
  url = new URL(r.headers.get('location')!, url).href;
}
md('### Authorization (auto-consent run)\n');
md('```text'); md(`GET ${authUrl.href.replace(sb.issuer, '')}`); for (const h of hops) md(`  -> ${h}`); md(`  -> ${url}`); md('```\n');
const cb = new URL(url);
const pkceMissing = new URL(authUrl); pkceMissing.searchParams.delete('code_challenge'); pkceMissing.searchParams.delete('code_challenge_method');
const pm = await fetch(pkceMissing, { redirect: 'manual' });
md('Missing `code_challenge` (redirected back with an error, still carrying `iss`):\n'); md('```text'); md(`${pm.status} Location: ${pm.headers.get('location')}`); md('```\n');
const badRedirect = new URL(authUrl); badRedirect.searchParams.set('redirect_uri', 'http://127.0.0.1:49152/other');
const br = await fetch(badRedirect, { redirect: 'manual' });
md('Unregistered redirect path (never redirected; HTML error page):\n'); md('```text'); md(`${br.status} ${br.headers.get('content-type')} — ${(await br.text()).replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 160)}`); md('```\n');

md('### Token endpoint\n');
const tok = await show('authorization_code', 'POST', '/token', { form: { grant_type: 'authorization_code', client_id: 'grantdesk-desktop', code: cb.searchParams.get('code')!, redirect_uri: redirectUri, code_verifier: verifier } });
const rt1 = tok.body.refresh_token;
const rot = await show('refresh_token (rotates)', 'POST', '/token', { form: { grant_type: 'refresh_token', client_id: 'grantdesk-desktop', refresh_token: rt1 } });
await show('refresh_token reuse (outside leeway: the whole grant is revoked)', 'POST', '/token', { form: { grant_type: 'refresh_token', client_id: 'grantdesk-desktop', refresh_token: rt1 } });
await show('after the reuse, the rotated refresh token is dead too', 'POST', '/token', { form: { grant_type: 'refresh_token', client_id: 'grantdesk-desktop', refresh_token: rot.body.refresh_token } });
await show('access token of a revoked grant', 'GET', '/v1/workspace', { token: rot.body.access_token });

// fresh login for the rest
const freshLogin = async () => {
  const v = oauth.generateRandomCodeVerifier(); const u = new URL(authUrl); u.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(v));
  let cur = u.href; const jar2 = new Map<string, string>();
  for (let i = 0; i < 8 && !cur.startsWith(redirectUri); i++) {
    const r = await fetch(cur, { redirect: 'manual', headers: { cookie: [...jar2].map(([k, x]) => `${k}=${x}`).join('; ') } });
    for (const c of r.headers.getSetCookie()) { const kv = c.split(';')[0]!; const j = kv.indexOf('='); jar2.set(kv.slice(0, j), kv.slice(j + 1)); }
    cur = new URL(r.headers.get('location')!, cur).href;
  }
  const r = await fetch(sb.issuer + '/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', client_id: 'grantdesk-desktop', code: new URL(cur).searchParams.get('code')!, redirect_uri: redirectUri, code_verifier: v }) });
  return (await r.json() as any);
};
const at2 = await freshLogin();
const T = at2.access_token;
md('### Introspection and revocation\n');
await show('introspection (RFC 7662)', 'POST', '/token/introspection', { form: { client_id: 'grantdesk-desktop', token: T } });
await show('introspection of an unknown token', 'POST', '/token/introspection', { form: { client_id: 'grantdesk-desktop', token: 'nope' } });
const other = await freshLogin();
await show('revocation (RFC 7009) — revokes the whole grant', 'POST', '/token/revocation', { form: { client_id: 'grantdesk-desktop', token: other.refresh_token, token_type_hint: 'refresh_token' } });
await show('the grant\'s access token after revocation (the tail: it works until its own exp, §4.5)', 'GET', '/v1/workspace', { token: other.access_token });

md('### Management API\n');
await show('workspace', 'GET', '/v1/workspace', { token: T });
await show('scope catalogue', 'GET', '/v1/scopes', { token: T, n: 3 });
const key = await show('create API key (secret shown once)', 'POST', '/v1/api-keys', { token: T, body: { name: 'nightly ETL', scopes: ['contacts:read', 'deals:read'], ip_allowlist: ['198.51.100.0/24'], expires_in_days: 90, rate_limit_per_minute: 120 } });
await show('list API keys', 'GET', '/v1/api-keys', { token: T });
await show('update API key', 'PATCH', `/v1/api-keys/${key.body.id}`, { token: T, body: { name: 'nightly ETL (eu)', ip_allowlist: ['198.51.100.0/24', '2001:db8::/32'] } });
const rotk = await show('rotate API key (new secret once; old secret valid for grace_days)', 'POST', `/v1/api-keys/${key.body.id}/rotate`, { token: T, body: { grace_days: 7 } });
await show('API key used from outside its allowlist', 'GET', '/v1/contacts', { token: rotk.body.secret });
await show('revoke API key', 'POST', `/v1/api-keys/${rotk.body.id}/revoke`, { token: T });
await show('revoked API key', 'GET', '/v1/contacts', { token: rotk.body.secret, headers: { 'x-sandbox-caller-ip': '198.51.100.20' } });
await show('apps', 'GET', '/v1/apps', { token: T });
const apps = (await (await fetch(sb.issuer + '/v1/apps', { headers: { authorization: `Bearer ${T}` } })).json() as any).data;
const seededApp = apps.find((a: any) => a.client_id !== 'grantdesk-desktop');
if (seededApp) await show('revoke app', 'POST', `/v1/apps/${seededApp.id}/revoke`, { token: T });
const mc = await show('create machine client (secret shown once)', 'POST', '/v1/machine-clients', { token: T, body: { name: 'warehouse-sync', scopes: ['contacts:read'], daily_quota: 2 } });
await show('list machine clients', 'GET', '/v1/machine-clients', { token: T });
const basic = Buffer.from(`${mc.body.client_id}:${mc.body.client_secret}`).toString('base64');
await show('client_credentials (quota headers)', 'POST', '/token', { basic, form: { grant_type: 'client_credentials', scope: 'contacts:read' } });
await show('client_credentials, last one of the day (warning header)', 'POST', '/token', { basic, form: { grant_type: 'client_credentials', scope: 'contacts:read' } });
await show('client_credentials over quota', 'POST', '/token', { basic, form: { grant_type: 'client_credentials', scope: 'contacts:read' } });
await show('client_credentials with a wrong secret', 'POST', '/token', { basic: Buffer.from(`${mc.body.client_id}:wrong`).toString('base64'), form: { grant_type: 'client_credentials' } });
await show('machine client usage', 'GET', `/v1/machine-clients/${mc.body.id}/usage`, { token: T });
await show('rotate machine client secret', 'POST', `/v1/machine-clients/${mc.body.id}/rotate`, { token: T, body: { grace_days: 1 } });
await show('disable machine client', 'POST', `/v1/machine-clients/${mc.body.id}/disable`, { token: T });
await show('enable machine client', 'POST', `/v1/machine-clients/${mc.body.id}/enable`, { token: T });
const st = await show('create service token', 'POST', '/v1/service-tokens', { token: T, body: { scopes: ['contacts:read'], ttl_minutes: 15 } });
await show('list service tokens', 'GET', '/v1/service-tokens', { token: T });
await show('service token calling a business endpoint', 'GET', '/v1/contacts', { token: st.body.token });
await show('contacts export (pii)', 'GET', '/v1/contacts/export?format=csv', { token: st.body.token, n: 1 });
const b = await show('create scope bundle', 'POST', '/v1/scope-bundles', { token: T, body: { name: 'CRM read-only', description: 'for BI tools', scopes: ['contacts:read', 'companies:read', 'deals:read'] } });
await show('list scope bundles', 'GET', '/v1/scope-bundles', { token: T });
await show('update scope bundle', 'PATCH', `/v1/scope-bundles/${b.body.id}`, { token: T, body: { scopes: ['contacts:read'] } });
await show('delete scope bundle', 'DELETE', `/v1/scope-bundles/${b.body.id}`, { token: T });
await show('audit head', 'GET', '/v1/audit-events/head', { token: T });
await show('audit page', 'GET', '/v1/audit-events?after_seq=0&limit=2', { token: T });
// before the Errors section moves the clock an hour on (the sandbox's own clock only: tokens would read expired)
await captureMfa({ sb, ws, adminToken: sb.adminToken!, show, md });
await captureGuardrails({ sb, ws, adminToken: sb.adminToken!, show, md });
await captureMcp({ sb, ws, adminToken: sb.adminToken!, show, md });
md('### Errors\n');
await show('insufficient_scope (403)', 'GET', '/v1/contacts', { token: T });
await show('missing bearer token', 'GET', '/v1/workspace');
await show('unknown token', 'GET', '/v1/workspace', { token: 'not-a-real-token' });
await show('validation error', 'POST', '/v1/service-tokens', { token: T, body: { scopes: ['contacts:read'], ttl_minutes: 90 } });
await show('unknown scope', 'POST', '/v1/api-keys', { token: T, body: { name: 'x', scopes: ['contacts:*'] } });
await show('not found', 'POST', '/v1/api-keys/key_missing/revoke', { token: T });
await show('limit too large', 'GET', '/v1/audit-events?limit=6000', { token: T });
const rl = await (async () => { const r = await fetch(sb.issuer + '/v1/api-keys', { method: 'POST', headers: { authorization: `Bearer ${T}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'rl', scopes: ['contacts:read'], rate_limit_per_minute: 1 }) }); return (await r.json() as any).secret; })();
await fetch(sb.issuer + '/v1/contacts', { headers: { authorization: `Bearer ${rl}` } });
await show('per-key rate limit', 'GET', '/v1/contacts', { token: rl });
await fetch(`${sb.issuer}/__admin/clock`, { method: 'POST', headers: { authorization: `Bearer ${sb.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ advance_seconds: 3601 }) });
await show('expired access token', 'GET', '/v1/workspace', { token: T });
await show('token endpoint: invalid_grant', 'POST', '/token', { form: { grant_type: 'refresh_token', client_id: 'grantdesk-desktop', refresh_token: 'bogus' } });
await show('token endpoint: PKCE verifier mismatch', 'POST', '/token', { form: { grant_type: 'authorization_code', client_id: 'grantdesk-desktop', code: 'bogus', redirect_uri: redirectUri, code_verifier: 'x'.repeat(43) } });

md('### Device flow\n');
const dev = await show('device authorization', 'POST', '/device/auth', { form: { client_id: 'grantdesk-desktop', scope: 'offline_access audit:read', workspace: ws } });
await show('polling before the user confirmed', 'POST', '/token', { form: { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: 'grantdesk-desktop', device_code: dev.body.device_code } });
md('### Admin API\n');
const A = sb.adminToken!;
await show('set a fault', 'POST', '/__admin/faults', { token: A, body: { route: 'audit-events', error_rate: 0.3, latency_ms: 200 } });
await show('set faults from a spec', 'POST', '/__admin/faults', { token: A, body: { spec: `token:reset=0.1;audit-events:tamper=${ws}@17` } });
await show('injected 429 burst', 'POST', '/__admin/faults', { token: A, body: { route: 'workspace', burst_429: 1, retry_after: 2 } });
await show('what the client sees', 'GET', '/v1/workspace', { token: st.body.token });
await show('clear faults', 'DELETE', '/__admin/faults', { token: A });
await show('advance the clock', 'POST', '/__admin/clock', { token: A, body: { advance_seconds: 90 } });
await show('runtime config', 'POST', '/__admin/config', { token: A, body: { reuse_leeway_seconds: 10 } });
await show('mint a service token for tests', 'POST', '/__admin/tokens', { token: A, body: { workspace: ws, scopes: ['audit:read'], ttl_minutes: 60 } });
await show('true state', 'GET', `/__admin/state?workspace=${ws}`, { token: A, n: 1 });
// last: it moves the clock past an access token's exp (the process clock, so tokens issued now expire on it too)
await captureTailAndReviews({ sb, ws, adminToken: A, show, md, login: freshLogin });
const text = out.join('\n') + '\n';
const w = process.argv.indexOf('--write');
if (w > 0 && process.argv[w + 1]) {
  // Replace everything after the marker in the contract document; the hand-written part above it is kept.
  const file = process.argv[w + 1]!;
  const doc = readFileSync(file, 'utf8');
  const marker = doc.indexOf('<!-- BEGIN CAPTURED EXAMPLES');
  if (marker < 0) throw new Error(`no BEGIN CAPTURED EXAMPLES marker in ${file}`);
  const eol = doc.indexOf('\n', marker);
  writeFileSync(file, doc.slice(0, eol + 1) + text);
} else process.stdout.write(text);
await sb.close();
