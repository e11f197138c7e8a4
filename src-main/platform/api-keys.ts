// API keys: list, create (secret once), patch, rotate (secret once, the old key in grace), end grace, revoke.
import { z } from 'zod';
import type { WorkspaceApi } from '../ports/platform.ts';
import { CREATE_LIMITS, LIST_LIMITS, listOf, RECORD_LIMITS, seg, send, statusOnly, type CallOptions } from './call.ts';

/** the collection; every path of this area is under it */
const KEYS = '/v1/api-keys';

const iso = z.string().min(1).max(64);
const scopes = z.array(z.string().max(100)).max(500);

export const apiKeySchema = z.object({
  id: z.string().max(200),
  name: z.string().max(1000),
  prefix: z.string().max(50).nullable(),
  last_four: z.string().max(8).nullable(),
  scopes,
  ip_allowlist: z.array(z.string().max(100)).max(500),
  expires_at: iso.nullable(),
  rate_limit_per_minute: z.number().nullable(),
  created_at: iso,
  last_used_at: iso.nullable(),
  status: z.string().max(50),
  grace_ends_at: iso.nullable().optional(),
  rotated_from: z.string().max(200).nullable().optional(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;
/** create/rotate: the metadata plus the secret, once */
export const apiKeyWithSecretSchema = apiKeySchema.extend({ secret: z.string().min(8).max(500) });
export const rotatedApiKeySchema = apiKeyWithSecretSchema.extend({ previous: apiKeySchema.optional() });

/** POST /v1/api-keys: name and scopes, plus ip_allowlist, expires_in_days, rate_limit_per_minute, environment */
export interface ApiKeyCreate {
  name: string;
  scopes: string[];
  [field: string]: unknown;
}
/** PATCH /v1/api-keys/{id}: the guardrails to change (ip_allowlist, rate_limit_per_minute) */
export type ApiKeyPatch = Record<string, unknown>;

export function apiKeysApi(api: WorkspaceApi) {
  return {
    list: (ws: string, o?: CallOptions) => send(api, ws, { method: 'GET', path: KEYS, schema: listOf(apiKeySchema) }, LIST_LIMITS, o),
    create: (ws: string, body: ApiKeyCreate, o?: CallOptions) => send(api, ws, { method: 'POST', path: KEYS, body, schema: apiKeyWithSecretSchema }, CREATE_LIMITS, o),
    patch: (ws: string, id: string, body: ApiKeyPatch, o?: CallOptions) => send(api, ws, { method: 'PATCH', path: `${KEYS}/${seg(id)}`, body, schema: apiKeySchema }, RECORD_LIMITS, o),
    rotate: (ws: string, id: string, body: { grace_days: number }, o?: CallOptions) =>
      send(api, ws, { method: 'POST', path: `${KEYS}/${seg(id)}/rotate`, body, schema: rotatedApiKeySchema }, CREATE_LIMITS, o),
    endGrace: (ws: string, id: string, o?: CallOptions) => send(api, ws, { method: 'POST', path: `${KEYS}/${seg(id)}/end-grace`, body: {}, schema: apiKeySchema }, RECORD_LIMITS, o),
    revoke: (ws: string, id: string, o?: CallOptions) => send(api, ws, { method: 'POST', path: `${KEYS}/${seg(id)}/revoke`, body: {}, schema: statusOnly }, RECORD_LIMITS, o),
  };
}
