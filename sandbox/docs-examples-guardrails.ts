/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic JSON bodies */
// Captured exchanges of guardrails after creation (docs/platform-api.md §5.3, §10), run by sandbox/docs-examples.ts
// against its live sandbox: the scope catalogue with its route → scope table, the admin replay of a key's logged calls
// against proposed guardrails, the key's PATCH (scopes, allowlist, expiry in days, rate limit) and its cap, and a machine
// client's allowlist at creation and PATCH (scopes refused). The operator calls with an admin-minted service token.
import type { SandboxHandle } from './server.ts';

type Show = (title: string, method: string, path: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string>; n?: number }) => Promise<{ status: number; body: any; headers: Headers }>;

export async function captureGuardrails(c: { sb: SandboxHandle; ws: string; adminToken: string; show: Show; md: (s: string) => void }): Promise<void> {
  const { sb, ws, show, md } = c;
  const post = async (path: string, token: string, body: unknown) =>
    (await fetch(`${sb.issuer}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<any>;
  const op = (await post('/__admin/tokens', c.adminToken, { workspace: ws, scopes: ['credentials:read', 'credentials:write'], ttl_minutes: 60 })).token as string;

  md('### Guardrails after creation\n');
  await show('scope catalogue with the route → scope table (GET /v1/scopes)', 'GET', '/v1/scopes', { token: op, n: 3 });
  const key = await post('/v1/api-keys', op, { name: 'orders sync', scopes: ['contacts:read', 'credentials:read'] });
  // the key's traffic: two callers inside 198.51.100.0/24, one outside
  for (const ip of ['198.51.100.7', '198.51.100.8', '203.0.113.9']) await fetch(`${sb.issuer}/v1/contacts`, { headers: { authorization: `Bearer ${key.secret}`, 'x-sandbox-caller-ip': ip } });
  await show('replay a key\'s logged calls against proposed guardrails (admin truth)', 'POST', '/__admin/replay', {
    token: c.adminToken,
    body: { workspace_id: ws, credential_id: key.id, since: new Date(Date.now() - 86_400_000).toISOString(), scopes: ['credentials:read'], ip_allowlist: ['198.51.100.0/24'], rate_limit_per_minute: 1 },
  });
  await show('change an API key\'s guardrails in place', 'PATCH', `/v1/api-keys/${key.id}`, { token: op, body: { scopes: ['contacts:read'], ip_allowlist: ['198.51.100.0/24'], expires_in_days: 30, rate_limit_per_minute: 60 } });
  await show('expires_in_days past the cap', 'PATCH', `/v1/api-keys/${key.id}`, { token: op, body: { expires_in_days: 3651 } });
  const mc = await show('create a machine client with an IP allowlist', 'POST', '/v1/machine-clients', { token: op, body: { name: 'warehouse-sync', scopes: ['contacts:read'], daily_quota: 500, ip_allowlist: ['198.51.100.0/24'] } });
  await show('change a machine client in place (allowlist, name, quota)', 'PATCH', `/v1/machine-clients/${mc.body.id}`, { token: op, body: { ip_allowlist: ['198.51.100.0/24', '2001:db8::/48'], name: 'warehouse-sync (eu)', daily_quota: 1000 } });
  await show('a machine client\'s scopes cannot be changed', 'PATCH', `/v1/machine-clients/${mc.body.id}`, { token: op, body: { scopes: ['contacts:read', 'deals:read'] } });
}
