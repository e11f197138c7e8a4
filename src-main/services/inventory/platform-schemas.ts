// Response shapes of the platform's credential endpoints (docs/platform-api.md). Validated on every call by WorkspaceApi;
// unknown extra fields are ignored (the platform may add some), missing or mistyped ones reject the whole response.
import { z } from 'zod';

const iso = z.string().min(1).max(64);
const scopes = z.array(z.string().max(100)).max(500);

export const scopeCatalogueSchema = z.object({
  scopes: z.array(z.object({ name: z.string().max(100), resource: z.string().max(100), action: z.string().max(50), description: z.string().max(2000) })).max(2000),
});

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

export const appSchema = z.object({
  id: z.string().max(200),
  name: z.string().max(1000),
  client_id: z.string().max(200),
  scopes,
  granted_at: iso,
  last_used_at: iso.nullable(),
  status: z.string().max(50),
});

export const machineClientSchema = z.object({
  id: z.string().max(200),
  name: z.string().max(1000),
  client_id: z.string().max(200),
  scopes,
  daily_quota: z.number().nullable(),
  status: z.string().max(50),
  secret_created_at: iso.nullable().optional(),
  grace_ends_at: iso.nullable().optional(),
  created_at: iso,
  last_used_at: iso.nullable(),
  ip_allowlist: z.array(z.string().max(100)).max(500).optional(),
});

export const serviceTokenSchema = z.object({
  id: z.string().max(200),
  name: z.string().max(1000).optional(),
  scopes,
  expires_at: iso,
  created_at: iso,
});

export const bundleSchema = z.object({
  id: z.string().max(200),
  name: z.string().max(1000),
  description: z.string().max(5000).nullable().optional(),
  scopes,
  created_at: iso.optional(),
  updated_at: iso.optional(),
});

export const listOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item).max(100000) });
export const statusOnly = z.object({ id: z.string(), status: z.string() }).passthrough();

export type ApiKey = z.infer<typeof apiKeySchema>;
export type App = z.infer<typeof appSchema>;
export type MachineClient = z.infer<typeof machineClientSchema>;
export type ServiceToken = z.infer<typeof serviceTokenSchema>;
export type Bundle = z.infer<typeof bundleSchema>;
