/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic JSON bodies */
// Captured exchanges of the MCP surface and the audit log's surfaces (docs/platform-api.md §6a), run by
// sandbox/docs-examples.ts against its live sandbox: the tool catalogue, an API key's JSON-RPC calls to POST /mcp
// (tools/list, a tools/call it may make, one its scopes do not cover, an unknown tool, a batch), the audit events those
// calls left (surface mcp, mcp_tool), and a seeded MCP tool call and inbound webhook delivery as the audit API serves them.
import type { SandboxHandle } from './server.ts';

type Show = (title: string, method: string, path: string, opts?: { token?: string; body?: unknown; n?: number }) => Promise<{ status: number; body: any; headers: Headers }>;

export async function captureMcp(c: { sb: SandboxHandle; ws: string; adminToken: string; show: Show; md: (s: string) => void }): Promise<void> {
  const { sb, ws, show, md } = c;
  const admin = async (method: string, path: string, body?: unknown) =>
    (await (await fetch(`${sb.issuer}/__admin${path}`, { method, headers: { authorization: `Bearer ${c.adminToken}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })).json()) as any;
  const token = async (scopes: string[]) => (await admin('POST', '/tokens', { workspace: ws, scopes })).token as string;
  md('### MCP and webhook traffic\n');
  const bare = await token([]);
  await show('MCP tool catalogue (any valid token)', 'GET', '/v1/mcp/tools', { token: bare, n: 3 });
  const mgmt = await token(['credentials:write', 'audit:read']);
  const key = (await (await fetch(`${sb.issuer}/v1/api-keys`, { method: 'POST', headers: { authorization: `Bearer ${mgmt}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'support agent (MCP)', scopes: ['contacts:read'] }) })).json()) as any;
  md(`An API key holding only \`contacts:read\` (\`${key.id}\`) calls the MCP endpoint:\n`);
  const head = (await (await fetch(`${sb.issuer}/v1/audit-events/head`, { headers: { authorization: `Bearer ${mgmt}` } })).json()) as any;
  await show('MCP tools/list', 'POST', '/mcp', { token: key.secret, body: { jsonrpc: '2.0', id: 1, method: 'tools/list' }, n: 2 });
  await show('MCP tools/call (the key holds the tool\'s scopes)', 'POST', '/mcp', { token: key.secret, body: { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'search_contacts', arguments: { query: 'hopper' } } }, n: 1 });
  await show('MCP tools/call of a tool whose scopes the key lacks (403)', 'POST', '/mcp', { token: key.secret, body: { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'create_ticket', arguments: { subject: 'refund' } } } });
  await show('MCP tools/call of an unknown tool', 'POST', '/mcp', { token: key.secret, body: { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'drop_all_tables' } } });
  await show('MCP batch (not accepted)', 'POST', '/mcp', { token: key.secret, body: [{ jsonrpc: '2.0', id: 5, method: 'tools/list' }] });
  await show('the audit events of those calls (surface mcp, mcp_tool)', 'GET', `/v1/audit-events?after_seq=${head.seq + 1}&limit=3`, { token: mgmt, n: 3 });
  const truths = (await admin('GET', `/state?workspace=${ws}`)).workspaces[0].insight_truths;
  const call = truths.mcp_events.find((e: any) => e.mcp_tool && e.status === 200);
  const hook = truths.webhook_deliveries[0];
  if (call) await show('a seeded MCP tool call by an OAuth app or API key', 'GET', `/v1/audit-events?after_seq=${call.seq - 1}&limit=1`, { token: mgmt });
  if (hook) await show('a seeded inbound webhook delivery (no credential)', 'GET', `/v1/audit-events?after_seq=${hook.seq - 1}&limit=1`, { token: mgmt });
}
