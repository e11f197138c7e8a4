// Response shapes of the platform endpoints the rotation domain calls (docs/platform-api.md). Unknown extra fields are
// dropped; missing or mistyped ones reject the whole response (AppError invalid_response, raised by WorkspaceApi).
import { z } from 'zod';

// Credential metadata shapes are the inventory's (one definition of what the platform returns); rotation adds the
// one-time secrets and the endpoints only it calls.
import { apiKeySchema, appSchema, machineClientSchema, listOf, scopeCatalogueSchema, statusOnly } from '../inventory/index.ts';

const ts = z.string().min(1).max(64);
const scopes = z.array(z.string().max(100)).max(500);

export const pApiKey = apiKeySchema;
export type PApiKey = z.infer<typeof pApiKey>;
export const pApiKeyList = listOf(pApiKey);
/** create/rotate: the metadata plus the secret, once */
export const pApiKeyWithSecret = pApiKey.extend({ secret: z.string().min(8).max(500) });

export const pMachineClient = machineClientSchema;
export type PMachineClient = z.infer<typeof pMachineClient>;
export const pMachineClientList = listOf(pMachineClient);
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

export const pApp = appSchema;
export const pAppList = listOf(pApp);
export const pScopeCatalogue = scopeCatalogueSchema;
export { statusOnly };
