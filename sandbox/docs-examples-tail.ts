/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic JSON bodies */
// Captured exchanges of the revocation tail (docs/platform-api.md §4.5) and the review lifecycle (§10a), run by
// sandbox/docs-examples.ts against its live sandbox: an app revoked while its grant holds a live access token (the answer
// says until when it works), that token during the tail (calls and introspection) and after its exp; a review extended,
// extended past its cap, withdrawn before anyone redeemed it (the code then fails), and a redeemed review revoked (its
// token dead at once). Operators call with admin-minted service tokens (no person's sign-in: no MFA step-up).
import type { SandboxHandle } from './server.ts';

type Show = (title: string, method: string, path: string, opts?: { token?: string; body?: unknown; form?: Record<string, string>; n?: number }) => Promise<{ status: number; body: any; headers: Headers }>;
const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const CODE_TYPE = 'urn:grantdesk:params:oauth:token-type:review-code';

export async function captureTailAndReviews(c: { sb: SandboxHandle; ws: string; adminToken: string; show: Show; md: (s: string) => void; login: () => Promise<any> }): Promise<void> {
  const { sb, ws, show, md } = c;
  const admin = async (path: string, body: unknown) =>
    (await fetch(`${sb.issuer}/__admin${path}`, { method: 'POST', headers: { authorization: `Bearer ${c.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<any>;
  const op = (await admin('/tokens', { workspace: ws, scopes: ['credentials:read', 'credentials:write', 'audit:read'], ttl_minutes: 60 })).token as string;

  md('### Revocation tail\n');
  const victim = await c.login();
  const intro = await (await fetch(`${sb.issuer}/token/introspection`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: 'grantdesk-desktop', token: victim.access_token }) })).json() as any;
  const rv = await show('revoke an app whose grant holds a live access token', 'POST', `/v1/apps/${intro.credential_id}/revoke`, { token: op });
  await show('its refresh token: dead at once', 'POST', '/token', { form: { grant_type: 'refresh_token', client_id: 'grantdesk-desktop', refresh_token: victim.refresh_token } });
  await show('its access token during the tail: still works', 'GET', '/v1/workspace', { token: victim.access_token });
  await show('introspection during the tail: active until exp', 'POST', '/token/introspection', { form: { client_id: 'grantdesk-desktop', token: victim.access_token } });
  const wait = Math.ceil((Date.parse(rv.body.access_tokens_valid_until) - Date.parse((await admin('/clock', { advance_seconds: 0 })).now)) / 1000) + 1;
  await show('past access_tokens_valid_until', 'POST', '/__admin/clock', { token: c.adminToken, body: { advance_seconds: wait } });
  await show('its access token after its exp', 'GET', '/v1/workspace', { token: victim.access_token });

  md('### Review lifecycle\n');
  const op2 = (await admin('/tokens', { workspace: ws, scopes: ['credentials:read', 'credentials:write'], ttl_minutes: 60 })).token as string;
  const body = { scopes: ['audit:read'], duration_days: 10, reviewer_name: 'Ada Auditor', reviewer_email: 'ada@audit.example' };
  const a = await show('issue a review', 'POST', '/v1/reviews', { token: op2, body });
  await show('extend it by 5 days', 'POST', `/v1/reviews/${a.body.id}/extend`, { token: op2, body: { days: 5 } });
  await show('extend past 30 days from its issue', 'POST', `/v1/reviews/${a.body.id}/extend`, { token: op2, body: { days: 16 } });
  await show('withdraw its code before anyone redeemed it', 'POST', `/v1/reviews/${a.body.id}/withdraw`, { token: op2 });
  await show('redeeming the withdrawn code', 'POST', '/token', { form: { client_id: 'grantdesk-desktop', grant_type: EXCHANGE, subject_token: a.body.redeem_code, subject_token_type: CODE_TYPE } });
  const b = await show('issue another review', 'POST', '/v1/reviews', { token: op2, body: { ...body, duration_days: 3 } });
  const t = await fetch(`${sb.issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: 'grantdesk-desktop', grant_type: EXCHANGE, subject_token: b.body.redeem_code, subject_token_type: CODE_TYPE }) });
  const tok = (await t.json()) as any;
  await show('withdrawing a redeemed review', 'POST', `/v1/reviews/${b.body.id}/withdraw`, { token: op2 });
  await show('revoke the redeemed review', 'POST', `/v1/reviews/${b.body.id}/revoke`, { token: op2 });
  await show("the revoked review's access token: dead at once (no tail)", 'GET', '/v1/audit-events/head', { token: tok.access_token });
  await show('list reviews', 'GET', '/v1/reviews', { token: op2, n: 3 });
}
