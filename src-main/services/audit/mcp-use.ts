// MCP tool calls in the cache, for least-privilege insights (services/review/insights.ts through the audit read model):
// per credential, the calls of each tool and their status. An MCP call needs every scope of its tool (the platform's
// tool catalogue, kept by the inventory domain), which the REST route of the call (POST /mcp) does not tell.
import type { Db } from '../../ports/db.ts';
import { RID_SLOTS } from './repo.ts';

export interface McpToolUse {
  /** null: an MCP call that named no tool (tools/list, or a tool name the platform did not record) */
  tool: string | null;
  status: number | null;
  n: number;
}

export function createMcpUseReader(db: Db) {
  // `surface = 'mcp'` as written in the partial index audit_events_mcp_cred_rid (migration 23): only MCP rows are read
  const byTool = db.prepare<[string, string, number], McpToolUse>(
    "SELECT mcp_tool AS tool, status, count(*) AS n FROM audit_events WHERE credential_id = ? AND workspace_id = ? AND surface = 'mcp' AND rid >= ? GROUP BY mcp_tool, status",
  );
  return {
    /** A credential's MCP calls since `sinceMs`, per tool and status. */
    mcpToolCalls: (workspaceId: string, credentialId: string, sinceMs: number): McpToolUse[] => byTool.all(credentialId, workspaceId, sinceMs * RID_SLOTS),
  };
}
