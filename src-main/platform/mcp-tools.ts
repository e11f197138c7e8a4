// MCP tool catalogue (GET /v1/mcp/tools, docs/platform-api.md §6a): every tool of the platform's MCP endpoint and the
// scopes a caller needs to call it. The audit log names the tool of an MCP call; this catalogue says which scopes that
// call used. Hostile input: names are MCP tool names, sizes are capped, and at most MAX_MCP_TOOLS tools are accepted.
import { z } from 'zod';
import type { WorkspaceApi } from '../ports/platform.ts';
import { MCP_TOOL_NAME } from './audit-events.ts';
import { send, type CallOptions } from './call.ts';

/** more tools than any real MCP server publishes; a longer list is refused whole, never cut */
export const MAX_MCP_TOOLS = 2000;
const MAX_TOOL_SCOPES = 50;

export const mcpToolSchema = z.object({
  name: z.string().regex(MCP_TOOL_NAME, 'is not an MCP tool name (1 to 128 letters, digits, _ - or .)'),
  description: z.string().max(2000),
  scopes: z.array(z.string().min(1).max(100)).min(1, 'names no scope').max(MAX_TOOL_SCOPES, `names more than ${MAX_TOOL_SCOPES} scopes`),
});
export type McpTool = z.infer<typeof mcpToolSchema>;

export const mcpToolCatalogueSchema = z.object({
  tools: z.array(mcpToolSchema).max(MAX_MCP_TOOLS, `lists more than ${MAX_MCP_TOOLS} tools, the most Grantdesk accepts`),
});
export type McpToolCatalogue = z.infer<typeof mcpToolCatalogueSchema>;

/** 2,000 tools with long descriptions fit; 8 MiB bounds what a hostile platform can make the app read */
const READ = { deadlineMs: 20_000, maxBytes: 8 * 1024 * 1024 };

export function mcpToolsApi(api: WorkspaceApi) {
  return {
    catalogue: (ws: string, o?: CallOptions) => send(api, ws, { method: 'GET', path: '/v1/mcp/tools', schema: mcpToolCatalogueSchema }, READ, o),
  };
}
