// Service tokens (short-lived bearer tokens): list, mint (token once).
import { z } from 'zod';
import type { WorkspaceApi } from '../ports/platform.ts';
import { CREATE_LIMITS, listOf, send, type CallOptions } from './call.ts';

/** the collection; every path of this area is under it */
const TOKENS = '/v1/service-tokens';

const iso = z.string().min(1).max(64);
const scopes = z.array(z.string().max(100)).max(500);

export const serviceTokenSchema = z.object({ id: z.string().max(200), name: z.string().max(1000).optional(), scopes, expires_at: iso, created_at: iso });
export type ServiceToken = z.infer<typeof serviceTokenSchema>;
export const mintedServiceTokenSchema = z.object({ id: z.string().max(200), scopes, expires_at: iso, created_at: iso, token: z.string().min(8).max(1000) });

const LIST = { deadlineMs: 20_000, maxBytes: 16 * 1024 * 1024 };

export function serviceTokensApi(api: WorkspaceApi) {
  return {
    list: (ws: string, o?: CallOptions) => send(api, ws, { method: 'GET', path: TOKENS, schema: listOf(serviceTokenSchema) }, LIST, o),
    mint: (ws: string, body: { scopes: string[]; ttl_minutes: number; name: string }, o?: CallOptions) =>
      send(api, ws, { method: 'POST', path: TOKENS, body, schema: mintedServiceTokenSchema }, CREATE_LIMITS, o),
  };
}
