// The inventory domain's read model for other domains (rotation's expiry calendar, review's insights). Reads through the
// inventory repository: the inv_* tables are read and written only inside services/inventory.
import type { Db } from '../../ports/db.ts';
import type { InventorySyncState } from '../../../src-common/contract/index.ts';
import { createInventoryRepository, type CachedBundle, type CachedCredential, type CatalogueScope } from './repository.ts';
import { syncStateOf } from './matrix.ts';
import { createScopeRoutesRepo, type ScopeRoute } from './scope-routes.ts';
import { createMcpToolsRepo, type McpCatalogueState, type McpToolScopes } from './mcp-tools.ts';

export interface InventoryCredential extends CachedCredential {
  /** the workspace's name at its last inventory sync (null: never synced) */
  workspaceName: string | null;
}

export function createInventoryReadModel(db: Db) {
  const repo = createInventoryRepository(db);
  const routes = createScopeRoutesRepo(db);
  const mcp = createMcpToolsRepo(db);
  return {
    /** Every cached credential (every status), with the workspace name of its last sync, ordered by workspace and id. */
    credentials(): InventoryCredential[] {
      const sync = repo.syncRows();
      return repo
        .credentials()
        .map((c) => ({ ...c, workspaceName: sync.get(c.workspaceId)?.workspace_name ?? null }))
        .sort((a, b) => (a.workspaceId < b.workspaceId ? -1 : a.workspaceId > b.workspaceId ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
    /** Every workspace's scope bundles as last synced (policy baselines), ordered by name. */
    bundles: (): CachedBundle[] => repo.bundles(),
    /** The platform's route → scope table as last synced with the catalogue, in matching order (empty: none published or never synced). */
    scopeRoutes: (): ScopeRoute[] => routes.all(),
    /** The platform's MCP tools and the scopes each needs, as last synced with the scope catalogue (empty: none or never synced). */
    mcpTools: (): McpToolScopes[] => mcp.all(),
    /** When the MCP tool catalogue was last read, and why its last answer was not stored (a sentence). */
    mcpCatalogueState: (): McpCatalogueState => mcp.state(),
    /** The platform's scope catalogue as last synced (empty: never synced). */
    scopeCatalogue: (): CatalogueScope[] => repo.catalogue(),
    /** Each synced workspace's inventory sync state (a workspace never synced is absent). */
    syncStates(nowMs: number): Map<string, InventorySyncState> {
      return new Map([...repo.syncRows()].map(([id, row]) => [id, syncStateOf(row, nowMs)]));
    },
  };
}
export type InventoryReadModel = ReturnType<typeof createInventoryReadModel>;
