// The platform's MCP tool catalogue as last synced (inv_mcp_tools, migration 33): which scopes each MCP tool needs.
// Read with the scope catalogue (one workspace per sync); stored only when every tool names scopes the scope catalogue
// lists, otherwise refused whole with a sentence and the previous catalogue kept. Insights read it through the inventory
// read model to count an MCP tool call in the audit log as use of its tool's scopes.
import type { PlatformClient } from '../../platform/index.ts';
import type { Db } from '../../ports/db.ts';
import { AppError } from '../../rpc/app-error.ts';

export interface McpToolScopes {
  name: string;
  description: string;
  scopes: string[];
}

export interface McpCatalogueState {
  /** never: not read yet; none: the platform has no MCP tool catalogue (404); refused/error: `problem` says why */
  state: 'never' | 'ok' | 'none' | 'refused' | 'error';
  checkedAt: string | null;
  /** a sentence: why the last answer was not stored (the previous catalogue, if any, is still used) */
  problem: string | null;
  tools: number;
}

export function createMcpToolsRepo(db: Db) {
  const st = {
    all: db.prepare<[], { name: string; description: string; scopes_json: string }>('SELECT name, description, scopes_json FROM inv_mcp_tools ORDER BY name'),
    count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM inv_mcp_tools'),
    clear: db.prepare('DELETE FROM inv_mcp_tools'),
    insert: db.prepare('INSERT INTO inv_mcp_tools (name, description, scopes_json) VALUES (?, ?, ?)'),
    state: db.prepare<[], { state: McpCatalogueState['state']; checked_at: string; problem: string | null }>('SELECT state, checked_at, problem FROM inv_mcp_catalogue_state WHERE id = 1'),
    setState: db.prepare('INSERT INTO inv_mcp_catalogue_state (id, state, checked_at, problem) VALUES (1, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET state = excluded.state, checked_at = excluded.checked_at, problem = excluded.problem'),
  };
  return {
    all: (): McpToolScopes[] => st.all.all().map((r) => ({ name: r.name, description: r.description, scopes: JSON.parse(r.scopes_json) as string[] })),
    state(): McpCatalogueState {
      const s = st.state.get();
      return { state: s?.state ?? 'never', checkedAt: s?.checked_at ?? null, problem: s?.problem ?? null, tools: st.count.get()!.n };
    },
    replace: (tools: readonly McpToolScopes[], at: string, state: 'ok' | 'none') =>
      db.transaction(() => {
        st.clear.run();
        for (const t of tools) st.insert.run(t.name, t.description, JSON.stringify([...new Set(t.scopes)].sort()));
        st.setState.run(state, at, null);
      })(),
    /** the answer was not stored: the previous catalogue stays, with the reason beside it */
    problem: (state: 'refused' | 'error', at: string, problem: string): void => void st.setState.run(state, at, problem),
  };
}
export type McpToolsRepo = ReturnType<typeof createMcpToolsRepo>;

/** Why a catalogue that passed the client's schema is still not believable: a sentence, or null when it is fine. */
export function catalogueProblem(tools: readonly McpToolScopes[], knownScopes: ReadonlySet<string>): string | null {
  if (knownScopes.size === 0) return 'The MCP tool catalogue was not stored: the platform\'s scope catalogue is not known yet, so its tools\' scopes cannot be checked. Sync the inventory again.';
  const seen = new Set<string>();
  for (const t of tools) {
    if (seen.has(t.name)) return `The platform's MCP tool catalogue lists the tool ${t.name} twice; it was not stored (the previous catalogue is kept).`;
    seen.add(t.name);
    const unknown = t.scopes.filter((s) => !knownScopes.has(s));
    if (unknown.length) {
      const shown = unknown.slice(0, 3).map((s) => JSON.stringify(s.slice(0, 100))).join(', ');
      return `The platform's MCP tool catalogue says the tool ${t.name} needs ${unknown.length === 1 ? 'the scope' : 'scopes'} ${shown}${unknown.length > 3 ? ` and ${unknown.length - 3} more` : ''}, which its scope catalogue does not list; it was not stored (the previous catalogue is kept).`;
    }
  }
  return null;
}

/**
 * Reads the catalogue through the platform client (its schema caps the size and the names) and stores it when every
 * tool's scopes are in the scope catalogue. Never throws: a refused or failed read is recorded as a sentence, so the
 * credentials of the workspace still sync.
 */
export async function syncMcpTools(p: PlatformClient, workspaceId: string, knownScopes: ReadonlySet<string>, repo: McpToolsRepo, at: string): Promise<void> {
  let tools: McpToolScopes[];
  try {
    tools = (await p.mcpTools.catalogue(workspaceId)).tools;
  } catch (e) {
    // a platform without an MCP endpoint has no tool catalogue: that is a fact to store, not a failure
    if (e instanceof AppError && e.code === 'not_found') return repo.replace([], at, 'none');
    const why = e instanceof AppError ? e.message : 'the request failed';
    return repo.problem(e instanceof AppError && e.code === 'invalid_response' ? 'refused' : 'error', at, `The MCP tool catalogue could not be read: ${why}. The previous catalogue is kept.`);
  }
  const problem = catalogueProblem(tools, knownScopes);
  if (problem) return repo.problem('refused', at, problem);
  repo.replace(tools, at, 'ok');
}
