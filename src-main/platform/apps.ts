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

export function appsApi(api: WorkspaceApi) {
  return {
    list: (ws: string, o?: CallOptions) => send(api, ws, { method: 'GET', path: APPS, schema: listOf(appSchema) }, LIST_LIMITS, o),
    revoke: (ws: string, id: string, o?: CallOptions) => send(api, ws, { method: 'POST', path: `${APPS}/${seg(id)}/revoke`, body: {}, schema: statusOnly }, RECORD_LIMITS, o),
  };
}
