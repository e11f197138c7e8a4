// Apps (OAuth grants of third-party apps into the workspace): list, revoke.
import { z } from 'zod';
import type { WorkspaceApi } from '../ports/platform.ts';
import { LIST_LIMITS, listOf, RECORD_LIMITS, seg, send, statusOnly, type CallOptions } from './call.ts';

/** the collection; every path of this area is under it */
const APPS = '/v1/apps';

export const appSchema = z.object({
  id: z.string().max(200),
  name: z.string().max(1000),
  client_id: z.string().max(200),
  scopes: z.array(z.string().max(100)).max(500),
  granted_at: z.string().min(1).max(64),
  last_used_at: z.string().min(1).max(64).nullable(),
  status: z.string().max(50),
});
export type App = z.infer<typeof appSchema>;
/**
 * The revoke answer: the app, and until when the access tokens it already issued keep working (an ISO time, or null when
 * none is outstanding; docs/platform-api.md §4.5). Hostile input: kept unparsed here and judged by the inventory's
 * revocation tail (a garbage value never fails the revocation that already happened).
 */
export const appRevokedSchema = statusOnly.extend({ access_tokens_valid_until: z.unknown().optional() });

export function appsApi(api: WorkspaceApi) {
  return {
    list: (ws: string, o?: CallOptions) => send(api, ws, { method: 'GET', path: APPS, schema: listOf(appSchema) }, LIST_LIMITS, o),
    revoke: (ws: string, id: string, o?: CallOptions) => send(api, ws, { method: 'POST', path: `${APPS}/${seg(id)}/revoke`, body: {}, schema: appRevokedSchema }, RECORD_LIMITS, o),
  };
}
