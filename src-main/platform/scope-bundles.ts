// Scope bundles: a workspace's named, reusable scope sets (list, create, patch, delete).
import { z } from 'zod';
import type { WorkspaceApi } from '../ports/platform.ts';
import { CREATE_LIMITS, listOf, RECORD_LIMITS, seg, send, type CallOptions } from './call.ts';

/** the collection; every path of this area is under it */
const BUNDLES = '/v1/scope-bundles';

export const bundleSchema = z.object({
  id: z.string().max(200),
  name: z.string().max(1000),
  description: z.string().max(5000).nullable().optional(),
  scopes: z.array(z.string().max(100)).max(500),
  created_at: z.string().min(1).max(64).optional(),
  updated_at: z.string().min(1).max(64).optional(),
});
export type Bundle = z.infer<typeof bundleSchema>;

/** POST body; PATCH takes any subset */
export interface BundleBody {
  name?: string;
  description?: string | null;
  scopes?: string[];
}

const READ = { deadlineMs: 20_000, maxBytes: 16 * 1024 * 1024 };
/** DELETE answers 204 with no body */
const noContent = z.null();

export function scopeBundlesApi(api: WorkspaceApi) {
  return {
    list: (ws: string, o?: CallOptions) => send(api, ws, { method: 'GET', path: BUNDLES, schema: listOf(bundleSchema) }, READ, o),
    create: (ws: string, body: BundleBody & { name: string; scopes: string[] }, o?: CallOptions) => send(api, ws, { method: 'POST', path: BUNDLES, body, schema: bundleSchema }, CREATE_LIMITS, o),
    patch: (ws: string, id: string, body: BundleBody, o?: CallOptions) => send(api, ws, { method: 'PATCH', path: `${BUNDLES}/${seg(id)}`, body, schema: bundleSchema }, RECORD_LIMITS, o),
    remove: (ws: string, id: string, o?: CallOptions) => send(api, ws, { method: 'DELETE', path: `${BUNDLES}/${seg(id)}`, schema: noContent }, RECORD_LIMITS, o),
  };
}
