// The sandbox platform's MCP (Model Context Protocol) tool catalogue: each tool and the scopes a caller must hold to call
// it. Served by GET /v1/mcp/tools, enforced by POST /mcp (sandbox/mcp.ts) and used by the seed (sandbox/seed.ts) so
// seeded MCP calls name real tools. Every scope here is in the scope catalogue (sandbox/scopes.ts; checked at load).
import { SCOPE_NAMES } from './scopes.ts';

/** the few random helpers a tool's seeded arguments need (a subset of seed.ts's Rng) */
export interface ArgRng { pick<T>(arr: readonly T[]): T; int(n: number): number; id(len: number): string }

export interface McpToolDef {
  name: string;
  description: string;
  scopes: string[];
  /** a successful call returns contact records (PII) */
  pii: boolean;
  /** JSON Schema of the arguments (served by the JSON-RPC tools/list) */
  inputSchema: Record<string, unknown>;
  /** realistic arguments for a seeded call; `text` yields free text (hostile strings included) */
  seedArgs: (r: ArgRng, text: () => string) => Record<string, unknown>;
}

const obj = (props: Record<string, string>, required: string[] = []) => ({
  type: 'object',
  properties: Object.fromEntries(Object.entries(props).map(([k, t]) => [k, { type: t }])),
  required,
  additionalProperties: false,
});
const STAGES = ['lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost'] as const;

export const MCP_TOOLS: readonly McpToolDef[] = [
  { name: 'search_contacts', description: 'Search contacts by name, company or note', scopes: ['contacts:read'], pii: true, inputSchema: obj({ query: 'string', limit: 'integer' }, ['query']), seedArgs: (r, t) => ({ limit: r.pick([10, 25, 50]), query: t() }) },
  { name: 'get_contact', description: 'Read one contact record', scopes: ['contacts:read'], pii: true, inputSchema: obj({ contact_id: 'string' }, ['contact_id']), seedArgs: (r) => ({ contact_id: `con_${r.id(12)}` }) },
  { name: 'create_contact', description: 'Create a contact', scopes: ['contacts:write'], pii: false, inputSchema: obj({ company: 'string', note: 'string' }, ['company']), seedArgs: (_r, t) => ({ company: t(), note: t() }) },
  { name: 'list_deals', description: 'List the deals in a pipeline stage', scopes: ['deals:read'], pii: false, inputSchema: obj({ stage: 'string' }), seedArgs: (r) => ({ stage: r.pick(STAGES) }) },
  { name: 'move_deal_stage', description: 'Move a deal to another pipeline stage', scopes: ['deals:read', 'deals:write'], pii: false, inputSchema: obj({ deal_id: 'string', stage: 'string' }, ['deal_id', 'stage']), seedArgs: (r) => ({ deal_id: `dea_${r.id(10)}`, stage: r.pick(STAGES) }) },
  { name: 'pipeline_summary', description: 'Summarize the sales pipeline by company', scopes: ['companies:read', 'deals:read'], pii: false, inputSchema: obj({ quarter: 'string' }), seedArgs: (r) => ({ quarter: r.pick(['Q1', 'Q2', 'Q3', 'Q4']) }) },
  { name: 'list_open_tickets', description: 'List open support tickets', scopes: ['tickets:read'], pii: false, inputSchema: obj({ priority: 'string' }), seedArgs: (r) => ({ priority: r.pick(['low', 'normal', 'high', 'urgent']) }) },
  { name: 'create_ticket', description: 'Open a support ticket', scopes: ['tickets:write'], pii: false, inputSchema: obj({ subject: 'string' }, ['subject']), seedArgs: (_r, t) => ({ subject: t() }) },
  { name: 'get_invoice', description: 'Read one invoice', scopes: ['invoices:read'], pii: false, inputSchema: obj({ invoice_id: 'string' }, ['invoice_id']), seedArgs: (r) => ({ invoice_id: `inv_${r.id(10)}` }) },
  { name: 'send_invoice_reminder', description: 'Send a payment reminder for an invoice', scopes: ['invoices:read', 'invoices:write'], pii: false, inputSchema: obj({ invoice_id: 'string', note: 'string' }, ['invoice_id']), seedArgs: (r, t) => ({ invoice_id: `inv_${r.id(10)}`, note: t() }) },
  { name: 'search_products', description: 'Search the product catalogue', scopes: ['products:read'], pii: false, inputSchema: obj({ query: 'string' }, ['query']), seedArgs: (_r, t) => ({ query: t() }) },
  { name: 'list_files', description: 'List uploaded files in a folder', scopes: ['files:read'], pii: false, inputSchema: obj({ folder: 'string' }), seedArgs: (r) => ({ folder: r.pick(['/', '/contracts', '/invoices', '/exports']) }) },
  { name: 'list_team_members', description: 'List workspace members and their roles', scopes: ['users:read'], pii: false, inputSchema: obj({}), seedArgs: () => ({}) },
  { name: 'read_audit_log', description: 'Read recent audit events', scopes: ['audit:read'], pii: false, inputSchema: obj({ limit: 'integer' }), seedArgs: (r) => ({ limit: r.pick([20, 50, 100]) }) },
];

export const MCP_TOOL_BY_NAME: ReadonlyMap<string, McpToolDef> = new Map(MCP_TOOLS.map((t) => [t.name, t]));

for (const t of MCP_TOOLS) for (const s of t.scopes) if (!SCOPE_NAMES.has(s)) throw new Error(`MCP tool ${t.name} names unknown scope ${s}`);

/** the path of the MCP endpoint (streamable HTTP, JSON responses only) */
export const MCP_PATH = '/mcp';
