// Response shapes of the platform endpoints the rotation domain calls (docs/platform-api.md). Unknown extra fields are
// dropped; missing or mistyped ones reject the whole response (AppError invalid_response, raised by WorkspaceApi).
import { z } from 'zod';

const ts = z.string().min(1).max(64);
const scopes = z.array(z.string().max(100)).max(500);

export const pApiKey = z.object({
  id: z.string().max(200),
  name: z.string().max(1000),
  prefix: z.string().max(50).nullable(),
  last_four: z.string().max(8).nullable(),
  scopes,
  ip_allowlist: z.array(z.string().max(100)).max(500),
  expires_at: ts.nullable(),
  rate_limit_per_minute: z.number().nullable(),
  created_at: ts,
  last_used_at: ts.nullable(),
  status: z.string().max(50),
  grace_ends_at: ts.nullable().optional(),
  rotated_from: z.string().max(200).nullable().optional(),
});
export type PApiKey = z.infer<typeof pApiKey>;
export const pApiKeyList = z.object({ data: z.array(pApiKey).max(10000) });
/** create/rotate: the metadata plus the secret, once */
export const pApiKeyWithSecret = pApiKey.extend({ secret: z.string().min(8).max(500) });

export const pMachineClient = z.object({
  id: z.string().max(200),
  name: z.string().max(1000),
  client_id: z.string().max(200),
  scopes,
  daily_quota: z.number().nullable(),
  status: z.string().max(50),
  secret_created_at: ts.nullable().optional(),
  grace_ends_at: ts.nullable().optional(),
  created_at: ts,
  last_used_at: ts.nullable(),
});
export type PMachineClient = z.infer<typeof pMachineClient>;
export const pMachineClientList = z.object({ data: z.array(pMachineClient).max(10000) });
export const pMachineClientWithSecret = pMachineClient.extend({ client_secret: z.string().min(8).max(500) });
export const pUsage = z.object({
  id: z.string().max(200),
  client_id: z.string().max(200),
  daily_quota: z.number(),
  used_today: z.number(),
  remaining_today: z.number(),
  data: z.array(z.object({ date: z.string().max(20), token_requests: z.number() })).max(400),
});

export const pServiceToken = z.object({
  id: z.string().max(200),
  scopes,
  expires_at: ts,
  created_at: ts,
  token: z.string().min(8).max(1000),
});

export const pApp = z.object({
  id: z.string().max(200),
  name: z.string().max(1000),
  client_id: z.string().max(200),
  scopes,
  granted_at: ts,
  last_used_at: ts.nullable(),
  status: z.string().max(50),
});
export const pAppList = z.object({ data: z.array(pApp).max(10000) });
export const pScopeCatalogue = z.object({ scopes: z.array(z.object({ name: z.string().max(100) }).passthrough()).max(2000) });
