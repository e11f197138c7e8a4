// Contract commands `keys.*`: the API keys of a workspace (live from the platform). Merged in index.ts.
import { z } from 'zod';
import { command } from './define.ts';
import { scopeListSchema, workspaceRefSchema } from './ids.ts';
import { secretOnce } from './secret-once.ts';

export const apiKeySummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** `sk_live_…AbCd` */
  label: z.string(),
  scopes: z.array(z.string()),
  ipAllowlist: z.array(z.string()),
  expiresAt: z.string().nullable(),
  rateLimitPerMinute: z.number().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  status: z.string(),
  graceEndsAt: z.string().nullable(),
  rotatedFrom: z.string().nullable(),
});
export type ApiKeySummary = z.infer<typeof apiKeySummarySchema>;

export const keysCommands = {
  'keys.list': command({
    input: z.object({ workspace: workspaceRefSchema, includeRevoked: z.boolean().optional() }).strict(),
    output: z.object({ workspaceId: z.string(), workspaceName: z.string(), keys: z.array(apiKeySummarySchema) }),
    mutates: false,
    cli: { words: ['keys', 'list'], positionals: ['workspace'], summary: 'List the API keys of a workspace (live from the platform)' },
  }),
  'keys.create': command({
    input: z
      .object({
        workspace: workspaceRefSchema,
        name: z.string().min(1).max(200),
        scopes: scopeListSchema,
        ipAllowlist: z.array(z.string().min(1).max(100)).max(100).optional(),
        expiresInDays: z.number().int().min(1).max(3650).optional(),
        rateLimitPerMinute: z.number().int().min(1).max(100000).optional(),
        environment: z.enum(['live', 'test']).optional(),
      })
      .strict(),
    output: z.object({ workspaceId: z.string(), key: apiKeySummarySchema, secret: secretOnce('the new key, shown once') }),
    mutates: true,
    cli: { words: ['keys', 'create'], positionals: ['workspace'], summary: 'Create an API key (--name, --scopes a,b); the secret is printed once' },
  }),
} as const;
