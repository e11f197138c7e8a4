// Scopes: the workspace's scope catalogue (GET /v1/scopes) and its scope bundles (GET /v1/scope-bundles).
import { z } from 'zod';
import type { WorkspaceApi } from '../ports/platform.ts';
import { listOf, send, type CallOptions } from './call.ts';

export const scopeCatalogueSchema = z.object({
  scopes: z.array(z.object({ name: z.string().max(100), resource: z.string().max(100), action: z.string().max(50), description: z.string().max(2000) })).max(2000),
});
export const bundleSchema = z.object({
  id: z.string().max(200),
  name: z.string().max(1000),
  description: z.string().max(5000).nullable().optional(),
  scopes: z.array(z.string().max(100)).max(500),
  created_at: z.string().min(1).max(64).optional(),
  updated_at: z.string().min(1).max(64).optional(),
});
export type ScopeCatalogue = z.infer<typeof scopeCatalogueSchema>;
export type Bundle = z.infer<typeof bundleSchema>;

const READ = { deadlineMs: 20_000, maxBytes: 16 * 1024 * 1024 };

export function scopesApi(api: WorkspaceApi) {
  return {
    catalogue: (ws: string, o?: CallOptions) => send(api, ws, { method: 'GET', path: '/v1/scopes', schema: scopeCatalogueSchema }, READ, o),
    bundles: (ws: string, o?: CallOptions) => send(api, ws, { method: 'GET', path: '/v1/scope-bundles', schema: listOf(bundleSchema) }, READ, o),
  };
}
