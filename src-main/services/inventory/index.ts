// The inventory domain's one public entry. Other domains (and composition.ts) import the inventory domain only from here;
// the inv_* tables are read and written only inside services/inventory (test/node/architecture/table-ownership.test.ts).
export { createInventoryService, type InventoryDeps, type InventoryService } from './inventory-service.ts';
export { createInventoryReadModel, type InventoryCredential, type InventoryReadModel } from './read-model.ts';
export type { CachedCredential, CatalogueScope } from './repository.ts';
export type { ScopeRoute } from './scope-routes.ts';
export type { McpCatalogueState, McpToolScopes } from './mcp-tools.ts';

import type { Db } from '../../ports/db.ts';
import { createInventoryRepository } from './repository.ts';
/** An auditor review's purge of these workspaces from every inv_* table; run with secure_delete on. */
export function createInventoryPurge(db: Db): (workspaceIds: readonly string[]) => void {
  const repo = createInventoryRepository(db);
  return (ids) => repo.purgeWorkspaces(ids);
}
