/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic JSON-RPC bodies */
// The platform's MCP surface: the tool catalogue (GET /v1/mcp/tools, any valid token) and the MCP endpoint itself
// (POST /mcp, JSON-RPC 2.0 over streamable HTTP with JSON responses). Both are management routes, so bearer auth, IP
// allowlists, rate limits and the audit event come from sandbox/management.ts; a tools/call checks the tool's scopes here
// and marks its audit event as surface "mcp" with the tool's name (docs/platform-api.md §6a).
import type { DB } from './db.ts';
import type { Caller } from './management.ts';
import { ApiError } from './management-input.ts';
import { MCP_PATH, MCP_TOOL_BY_NAME, MCP_TOOLS } from './mcp-tools.ts';

/** What the audit event of a call records beyond the route (sandbox/management.ts reads it after the handler). */
export interface AuditMark { surface: 'mcp'; mcp_tool: string | null; pii?: boolean }

interface McpCtx { caller: Caller; body: any; audit?: AuditMark }
interface RouteDef { method: string; path: string; scope: string | null; surface?: 'mcp'; handler: (c: McpCtx) => any }

const rpc = (id: unknown, result: unknown) => ({ body: { jsonrpc: '2.0', id: rpcId(id), result } });
const rpcError = (status: number, id: unknown, code: number, message: string) => ({ status, body: { jsonrpc: '2.0', id: rpcId(id), error: { code, message } } });
// a request id is echoed only when it is a JSON-RPC id (string or integer); anything else answers with null
const rpcId = (id: unknown) => (typeof id === 'string' && id.length <= 200) || Number.isSafeInteger(id) ? id : null;
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function mcpRoutes(db: DB): RouteDef[] {
  const contacts = db.prepare('SELECT json FROM contacts WHERE workspace_id = ? ORDER BY id').pluck(true);
  function run(name: string, args: Record<string, unknown>, caller: Caller): unknown {
    if (name === 'search_contacts' || name === 'get_contact') {
      const all = (contacts.all(caller.workspaceId) as string[]).map((j) => JSON.parse(j));
      const q = typeof args.query === 'string' ? args.query.toLowerCase() : '';
      const hits = name === 'get_contact' ? all.filter((c) => c.id === args.contact_id) : all.filter((c) => !q || `${c.first_name} ${c.last_name} ${c.company} ${c.notes}`.toLowerCase().includes(q));
      return { content: [{ type: 'text', text: `${hits.length} contact${hits.length === 1 ? '' : 's'} found` }], structuredContent: { contacts: hits.slice(0, 50) }, isError: false };
    }
    // the other tools act on business data the sandbox does not hold (like the seeded business routes): an empty answer
    return { content: [{ type: 'text', text: 'No matching records' }], structuredContent: { items: [] }, isError: false };
  }

  return [
    {
      method: 'GET', path: '/v1/mcp/tools', scope: null,
      handler: () => ({ body: { tools: MCP_TOOLS.map((t) => ({ name: t.name, description: t.description, scopes: [...t.scopes] })) } }),
    },
    {
      method: 'POST', path: MCP_PATH, scope: null, surface: 'mcp',
      handler: (c) => {
        const b = c.body;
        c.audit = { surface: 'mcp', mcp_tool: null };
        if (!isObject(b) || b.jsonrpc !== '2.0' || typeof b.method !== 'string') return rpcError(400, b?.id, -32600, 'Invalid Request: expected one JSON-RPC 2.0 request object');
        if (b.method === 'tools/list') return rpc(b.id, { tools: MCP_TOOLS.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema })) });
        if (b.method !== 'tools/call') return rpcError(400, b.id, -32601, 'Method not found: this endpoint serves tools/list and tools/call');
        const p = isObject(b.params) ? b.params : {};
        const tool = typeof p.name === 'string' ? MCP_TOOL_BY_NAME.get(p.name) : undefined;
        // an unknown tool is not recorded as mcp_tool (the name is the caller's text; params keep the request as sent)
        if (!tool) return rpcError(400, b.id, -32602, 'Unknown tool: GET /v1/mcp/tools lists the tools');
        c.audit = { surface: 'mcp', mcp_tool: tool.name, pii: tool.pii };
        const missing = tool.scopes.filter((s) => !c.caller.scopes.has(s));
        if (missing.length) {
          throw new ApiError(403, 'insufficient_scope', `the ${tool.name} tool requires the ${tool.scopes.join(', ')} scope${tool.scopes.length > 1 ? 's' : ''}; the credential lacks ${missing.join(', ')}`,
            { required_scope: missing.join(' ') }, { 'www-authenticate': `Bearer error="insufficient_scope", scope="${tool.scopes.join(' ')}"` });
        }
        if (p.arguments !== undefined && !isObject(p.arguments)) return rpcError(400, b.id, -32602, 'Invalid params: arguments must be an object');
        return rpc(b.id, run(tool.name, (p.arguments as Record<string, unknown> | undefined) ?? {}, c.caller));
      },
    },
  ];
}
