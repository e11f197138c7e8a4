/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic JSON bodies */
// Guardrails after creation on the sandbox platform: the published route → scope table, PATCH of an API key's expiry in
// days and of a machine client's allowlist, and the admin replay, whose verdicts must equal what the live API answers
// for the same calls under the same guardrails (401 ip_not_allowed, 429 rate_limited, 403 insufficient_scope).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { admin, api, boot } from './helpers.ts';

let h: Awaited<ReturnType<typeof boot>>;
let ws: string;
let other: string;
let op: string;
before(async () => {
  h = await boot({ workspaces: 2, events: 80, seed: 31 });
  ws = h.sb.workspaces[0]!.id;
  other = h.sb.workspaces[1]!.id;
  op = (await admin(h.sb, 'POST', '/tokens', { workspace: ws, scopes: ['credentials:read', 'credentials:write'] })).body.token;
});
after(async () => {
  await h.sb.close();
});

test('GET /v1/scopes publishes every route with its scope, in matching order', async () => {
  const r = await api(h.sb, op, 'GET', '/v1/scopes');
  assert.equal(r.status, 200);
  const routes: Array<{ method: string; path: string; scope: string | null }> = r.body.routes;
  const find = (m: string, p: string) => routes.find((x) => x.method === m && x.path === p);
  assert.equal(find('GET', '/v1/workspace')!.scope, null);
  assert.equal(find('PATCH', '/v1/api-keys/{id}')!.scope, 'credentials:write');
  assert.equal(find('PATCH', '/v1/machine-clients/{id}')!.scope, 'credentials:write');
  assert.equal(find('DELETE', '/v1/scope-bundles/{id}')!.scope, 'credentials:write', 'the table says what the router enforces, not a naming rule');
  assert.equal(find('GET', '/v1/audit-events/head')!.scope, 'audit:read');
  assert.equal(find('GET', '/v1/deals/{id}')!.scope, 'deals:read', 'business routes of the seeded history are published too');
  assert.equal(find('DELETE', '/v1/invoices/{id}')!.scope, 'invoices:delete');
  const idx = (m: string, p: string) => routes.findIndex((x) => x.method === m && x.path === p);
  assert.ok(idx('GET', '/v1/contacts/export') < idx('GET', '/v1/contacts/{id}'), 'the literal route comes before the template that would also match it');
  assert.equal(new Set(routes.map((x) => `${x.method} ${x.path}`)).size, routes.length, 'each route once');
});

test('PATCH /v1/api-keys/{id} takes expires_in_days within the platform cap (1–3650)', async () => {
  const k = (await api(h.sb, op, 'POST', '/v1/api-keys', { name: 'exp', scopes: ['contacts:read'] })).body;
  assert.equal(k.expires_at, null);
  const ok = await api(h.sb, op, 'PATCH', `/v1/api-keys/${k.id}`, { expires_in_days: 30 });
  assert.equal(ok.status, 200);
  const days = (Date.parse(ok.body.expires_at) - Date.now()) / 86_400_000;
  assert.ok(days > 29.9 && days <= 30, `expires in 30 days (got ${days})`);
  for (const bad of [0, -1, 3651, 1.5]) {
    const r = await api(h.sb, op, 'PATCH', `/v1/api-keys/${k.id}`, { expires_in_days: bad });
    assert.equal(r.status, 400, `expires_in_days ${bad}`);
    assert.match(r.body.error_description, /expires_in_days must be an integer between 1 and 3650/);
  }
});

test('PATCH /v1/machine-clients/{id}: allowlist, name and quota; scopes are refused; another workspace\'s client is not found', async () => {
  const mc = (await api(h.sb, op, 'POST', '/v1/machine-clients', { name: 'warehouse', scopes: ['contacts:read'], ip_allowlist: ['198.51.100.0/24'] })).body;
  assert.deepEqual(mc.ip_allowlist, ['198.51.100.0/24'], 'the allowlist given at creation is shown');
  const p = await api(h.sb, op, 'PATCH', `/v1/machine-clients/${mc.id}`, { ip_allowlist: ['203.0.113.7', '2001:db8::/48'], name: 'warehouse (eu)', daily_quota: 500 });
  assert.equal(p.status, 200);
  assert.deepEqual(p.body.ip_allowlist, ['203.0.113.7/32', '2001:db8::/48']);
  assert.equal(p.body.name, 'warehouse (eu)');
  assert.equal(p.body.daily_quota, 500);
  const listed = (await api(h.sb, op, 'GET', '/v1/machine-clients')).body.data.find((x: any) => x.id === mc.id);
  assert.deepEqual(listed.ip_allowlist, ['203.0.113.7/32', '2001:db8::/48']);
  const scopes = await api(h.sb, op, 'PATCH', `/v1/machine-clients/${mc.id}`, { scopes: ['contacts:read', 'deals:read'] });
  assert.equal(scopes.status, 400);
  assert.match(scopes.body.error_description, /scopes cannot be changed/);
  const bad = await api(h.sb, op, 'PATCH', `/v1/machine-clients/${mc.id}`, { ip_allowlist: ['10.0.0.300/8'] });
  assert.equal(bad.status, 400);
  const opOther = (await admin(h.sb, 'POST', '/tokens', { workspace: other, scopes: ['credentials:write'] })).body.token;
  const cross = await api(h.sb, opOther, 'PATCH', `/v1/machine-clients/${mc.id}`, { name: 'stolen' });
  assert.equal(cross.status, 404);

  // the new allowlist holds for the client's tokens at once
  const basic = Buffer.from(`${mc.client_id}:${mc.client_secret}`).toString('base64');
  const tr = await fetch(`${h.sb.issuer}/token`, { method: 'POST', headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&scope=contacts:read' });
  const at = ((await tr.json()) as any).access_token as string;
  assert.equal((await api(h.sb, at, 'GET', '/v1/contacts', undefined, { 'x-sandbox-caller-ip': '198.51.100.9' })).status, 401);
  assert.equal((await api(h.sb, at, 'GET', '/v1/contacts', undefined, { 'x-sandbox-caller-ip': '203.0.113.7' })).status, 200);
});

test('the admin replay judges logged calls exactly as the live API judges them under the same guardrails', async () => {
  const k = (await api(h.sb, op, 'POST', '/v1/api-keys', { name: 'replayed', scopes: ['contacts:read', 'credentials:read'] })).body;
  const calls: Array<[string, string]> = [
    ['/v1/contacts', '198.51.100.4'],
    ['/v1/api-keys', '198.51.100.4'],
    ['/v1/contacts', '203.0.113.9'],
    ['/v1/workspace', '203.0.113.9'],
    ['/v1/contacts', '198.51.100.5'],
    ['/v1/api-keys', '::ffff:198.51.100.6'],
    ['/v1/contacts', '2001:db8::5'],
  ];
  const since = new Date(Date.now() - 1000).toISOString();
  const proposed = { scopes: ['contacts:read'], ip_allowlist: ['198.51.100.0/24'], rate_limit_per_minute: 2 };

  // 1. the calls made under the current guardrails (everything allowed), then the replay of the proposed ones
  for (const [path, ip] of calls) assert.equal((await api(h.sb, k.secret, 'GET', path, undefined, { 'x-sandbox-caller-ip': ip })).status, 200);
  const replay = await admin(h.sb, 'POST', '/replay', { workspace_id: ws, credential_id: k.id, since, ...proposed });
  assert.equal(replay.status, 200);
  const c = replay.body.credentials[0];
  assert.equal(c.calls, calls.length);
  const reasons = c.events.map((e: any) => `${e.endpoint} ${e.caller_ip} ${e.reason}`);
  // the IPv4-mapped caller is matched as IPv4 (inside the /24); rate counts only calls that passed the allowlist
  const minutes = new Set(c.events.map((e: any) => e.occurred_at.slice(0, 16)));
  // within one minute (nearly always) the verdicts are known in advance; across a minute boundary the rate window restarts
  if (minutes.size === 1) {
    assert.deepEqual(reasons, ['/v1/api-keys 198.51.100.4 scope', '/v1/contacts 203.0.113.9 ip', '/v1/workspace 203.0.113.9 ip', '/v1/contacts 198.51.100.5 rate', '/v1/api-keys 198.51.100.6 rate', '/v1/contacts 2001:db8::5 ip']);
  }
  assert.deepEqual(c.refused, { ip: c.events.filter((e: any) => e.reason === 'ip').length, rate: c.events.filter((e: any) => e.reason === 'rate').length, scope: c.events.filter((e: any) => e.reason === 'scope').length });
  assert.equal(c.events.find((e: any) => e.reason === 'scope')?.required_scope, 'credentials:read');

  // 2. apply the proposed guardrails, make the same calls live, and replay them with the (now current) guardrails
  assert.equal((await api(h.sb, op, 'PATCH', `/v1/api-keys/${k.id}`, proposed)).status, 200);
  const since2 = new Date().toISOString();
  const live: Array<{ path: string; ip: string; status: number; error?: string }> = [];
  for (const [path, ip] of calls) {
    const r = await api(h.sb, k.secret, 'GET', path, undefined, { 'x-sandbox-caller-ip': ip });
    live.push({ path, ip, status: r.status, error: r.body?.error });
  }
  const truth = (await admin(h.sb, 'POST', '/replay', { workspace_id: ws, credential_id: k.id, since: since2 })).body.credentials[0];
  const REASON: Record<string, string> = { ip_not_allowed: 'ip', rate_limited: 'rate', insufficient_scope: 'scope' };
  const liveRefused = live.filter((x) => x.status >= 400).map((x) => REASON[x.error!]);
  assert.ok(liveRefused.every(Boolean), `only guardrail refusals: ${JSON.stringify(live)}`);
  assert.deepEqual(truth.events.map((e: any) => e.reason), liveRefused, 'the replay refuses exactly the calls the live API refused, for the same reasons');
  assert.equal(truth.calls, calls.length);
  assert.ok(liveRefused.includes('ip') && liveRefused.includes('scope'), 'the live run exercised the allowlist and the scope check');
});

test('the admin replay refuses a credential of another workspace and a missing since', async () => {
  const k = (await api(h.sb, op, 'POST', '/v1/api-keys', { name: 'mine', scopes: ['contacts:read'] })).body;
  const cross = await admin(h.sb, 'POST', '/replay', { workspace_id: other, credential_id: k.id, since: new Date(0).toISOString() });
  assert.equal(cross.status, 400);
  assert.match(cross.body.error_description, /no credential/);
  const noSince = await admin(h.sb, 'POST', '/replay', { workspace_id: ws, credential_id: k.id });
  assert.equal(noSince.status, 400);
});
