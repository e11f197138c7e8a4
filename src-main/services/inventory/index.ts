// The inventory domain's one public entry. Other domains (and composition.ts) import the inventory domain only from here;
// the inv_* tables are read and written only inside services/inventory (test/node/architecture/table-ownership.test.ts).
export { createInventoryService, type InventoryDeps, type InventoryService } from './inventory-service.ts';
export { createInventoryReadModel, type InventoryCredential, type InventoryReadModel } from './read-model.ts';
export type { CachedCredential, CatalogueScope } from './repository.ts';
