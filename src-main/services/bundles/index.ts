// The bundles domain's one public entry: scope bundles managed live on the platform and pushed across workspaces. It owns
// no table: the synced copies live in the inventory (inv_bundles), read here through the inventory read model.
export { createBundlesService, type BundlesDeps, type BundlesService } from './bundles-service.ts';
