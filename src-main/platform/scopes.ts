// Scopes: the workspace's scope catalogue (GET /v1/scopes), with the platform's route → scope table when it publishes
// one, and (for the inventory) its scope bundles, which live in scope-bundles.ts.
import { z } from 'zod';
import type { WorkspaceApi } from '../ports/platform.ts';
import { send, type CallOptions } from './call.ts';
import { bundleSchema, scopeBundlesApi, type Bundle } from './scope-bundles.ts';

export const scopeCatalogueSchema = z.object({
  scopes: z.array(z.object({ name: z.string().max(100), resource: z.string().max(100), action: z.string().max(50), description: z.string().max(2000) })).max(2000),
  /** every route with the scope it requires, in matching order (the first route whose method and path match wins) */
  routes: z
    .array(z.object({ method: z.string().max(10), path: z.string().max(500), scope: z.string().max(100).nullable() }))
    .max(5000)
    .optional(),
});
export type ScopeCatalogue = z.infer<typeof scopeCatalogueSchema>;
export { bundleSchema, type Bundle };

const READ = { deadlineMs: 20_000, maxBytes: 16 * 1024 * 1024 };

export function scopesApi(api: WorkspaceApi) {
  const bundles = scopeBundlesApi(api);
  return {
    catalogue: (ws: string, o?: CallOptions) => send(api, ws, { method: 'GET', path: '/v1/scopes', schema: scopeCatalogueSchema }, READ, o),
    bundles: bundles.list,
  };
}
