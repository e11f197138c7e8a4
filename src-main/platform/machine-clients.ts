// Machine clients (client_credentials): list, create and rotate (secret once), patch (name, allowlist, quota),
// enable/disable, usage.
import { z } from 'zod';
import type { WorkspaceApi } from '../ports/platform.ts';
import { CREATE_LIMITS, LIST_LIMITS, listOf, RECORD_LIMITS, seg, send, type CallOptions } from './call.ts';

/** the collection; every path of this area is under it */
const CLIENTS = '/v1/machine-clients';

const iso = z.string().min(1).max(64);

export const machineClientSchema = z.object({
  id: z.string().max(200),
  name: z.string().max(1000),
  client_id: z.string().max(200),
  scopes: z.array(z.string().max(100)).max(500),
  daily_quota: z.number().nullable(),
  status: z.string().max(50),
  secret_created_at: iso.nullable().optional(),
  grace_ends_at: iso.nullable().optional(),
  created_at: iso,
  last_used_at: iso.nullable(),
  ip_allowlist: z.array(z.string().max(100)).max(500).optional(),
});
export type MachineClient = z.infer<typeof machineClientSchema>;
export const machineClientWithSecretSchema = machineClientSchema.extend({ client_secret: z.string().min(8).max(500) });
export const usageSchema = z.object({
  id: z.string().max(200),
  client_id: z.string().max(200),
  daily_quota: z.number(),
  used_today: z.number(),
  remaining_today: z.number(),
  data: z.array(z.object({ date: z.string().max(20), token_requests: z.number() })).max(400),
});
export type MachineClientUsage = z.infer<typeof usageSchema>;

export function machineClientsApi(api: WorkspaceApi) {
  return {
    list: (ws: string, o?: CallOptions) => send(api, ws, { method: 'GET', path: CLIENTS, schema: listOf(machineClientSchema) }, LIST_LIMITS, o),
    create: (ws: string, body: { name: string; scopes: string[]; daily_quota: number; ip_allowlist?: string[] }, o?: CallOptions) =>
      send(api, ws, { method: 'POST', path: CLIENTS, body, schema: machineClientWithSecretSchema }, CREATE_LIMITS, o),
    rotate: (ws: string, id: string, body: { grace_days: number }, o?: CallOptions) =>
      send(api, ws, { method: 'POST', path: `${CLIENTS}/${seg(id)}/rotate`, body, schema: machineClientWithSecretSchema }, CREATE_LIMITS, o),
    /** PATCH: name, ip_allowlist, daily_quota (a machine client's scopes are fixed at creation) */
    patch: (ws: string, id: string, body: { name?: string; ip_allowlist?: string[]; daily_quota?: number }, o?: CallOptions) =>
      send(api, ws, { method: 'PATCH', path: `${CLIENTS}/${seg(id)}`, body, schema: machineClientSchema }, RECORD_LIMITS, o),
    /** enable or disable: the one call both the clients screen and the inventory's revoke use */
    setEnabled: (ws: string, id: string, enabled: boolean, o?: CallOptions) =>
      send(api, ws, { method: 'POST', path: `${CLIENTS}/${seg(id)}/${enabled ? 'enable' : 'disable'}`, body: {}, schema: machineClientSchema }, RECORD_LIMITS, o),
    usage: (ws: string, id: string, o?: CallOptions) => send(api, ws, { method: 'GET', path: `${CLIENTS}/${seg(id)}/usage`, schema: usageSchema }, RECORD_LIMITS, o),
  };
}
