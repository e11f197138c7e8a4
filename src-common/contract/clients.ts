// Contract commands `clients.*`: machine clients with secret age, daily quotas and usage forecasts. Merged in index.ts.
import { z } from 'zod';
import { appErrorSchema } from './errors.ts';
import { command } from './define.ts';
import { graceSchema } from './grace.ts';
import { idSchema, ipAllowlistSchema, scopeListSchema, workspaceRefSchema } from './ids.ts';
import { guardrailsDryRunSchema, sinceDaysSchema, renderDryRun } from './guardrails.ts';
import { secretOnce } from './secret-once.ts';
import { deliveryExitCode, deliveryOutcomeFields, deliveryRequestFields } from './secret-delivery.ts';

export const quotaCheckSchema = z.object({
  /** the token request made with the new secret (client_credentials) */
  ok: z.boolean(),
  status: z.number().nullable(),
  limit: z.number().nullable(),
  remaining: z.number().nullable(),
  resetAt: z.string().nullable(),
  /** the platform's X-Quota-Warning header, verbatim (sanitised) */
  warning: z.string().nullable(),
  retryAfterSeconds: z.number().nullable(),
  error: appErrorSchema.nullable(),
  /** what to do about it */
  remedy: z.string().nullable(),
});
export type QuotaCheck = z.infer<typeof quotaCheckSchema>;

export const machineClientSchema = z.object({
  id: z.string(),
  name: z.string(),
  clientId: z.string(),
  scopes: z.array(z.string()),
  dailyQuota: z.number().nullable(),
  status: z.string(),
  secretCreatedAt: z.string().nullable(),
  /** days since the secret was issued; rotation is due at 90 */
  secretAgeDays: z.number().nullable(),
  rotationDue: z.boolean(),
  graceEndsAt: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  /** CIDR blocks the client may call from (empty: any address); absent when the platform does not report it */
  ipAllowlist: z.array(z.string()).optional(),
});
export type MachineClient = z.infer<typeof machineClientSchema>;

export const usageSchema = z.object({
  workspaceId: z.string(),
  clientId: z.string(),
  id: z.string(),
  dailyQuota: z.number(),
  usedToday: z.number(),
  remainingToday: z.number(),
  /** 'ok' | 'near' (≤ 10 % left) | 'exhausted' */
  level: z.enum(['ok', 'near', 'exhausted']),
  warning: z.string().nullable(),
  remedy: z.string().nullable(),
  /** 30 days oldest first, zero-filled */
  days: z.array(z.object({ date: z.string(), requests: z.number() })),
  forecast: z.object({
    method: z.string(),
    /** expected requests per day for the next 14 days */
    perDay: z.array(z.object({ date: z.string(), expected: z.number() })),
    /** days in the next 14 whose expected requests reach the quota */
    daysOverQuota: z.array(z.string()),
  }),
});
export type Usage = z.infer<typeof usageSchema>;

export const clientsCommands = {
  'clients.list': command({
    input: z.object({ workspace: workspaceRefSchema }).strict(),
    output: z.object({ workspaceId: z.string(), workspaceName: z.string(), clients: z.array(machineClientSchema) }),
    mutates: false,
    cli: { words: ['clients', 'list'], positionals: ['workspace'], summary: 'List machine clients with secret age and quota' },
  }),
  'clients.create': command({
    input: z
      .object({ workspace: workspaceRefSchema, name: z.string().min(1).max(200), scopes: scopeListSchema, dailyQuota: z.number().int().min(1).max(10_000_000), ipAllowlist: ipAllowlistSchema.optional(), ...deliveryRequestFields })
      .strict(),
    /** `clientSecret` is absent when it was delivered, or delivery failed and it is held */
    output: z.object({ client: machineClientSchema, clientSecret: secretOnce('the client secret, shown once').optional(), check: quotaCheckSchema, ...deliveryOutcomeFields }),
    mutates: true,
    cli: { words: ['clients', 'create'], positionals: ['workspace'], summary: 'Create a machine client (--name, --scopes a,b, --daily-quota N, --ip-allowlist a,b); secret printed once, or piped to --deliver-to / --deliver-cmd', exitCode: deliveryExitCode },
  }),
  'clients.rotate': command({
    input: z.object({ workspace: workspaceRefSchema, clientId: idSchema, grace: graceSchema.optional(), ...deliveryRequestFields }).strict(),
    output: z.object({ client: machineClientSchema, clientSecret: secretOnce('the client secret, shown once').optional(), check: quotaCheckSchema, ...deliveryOutcomeFields }),
    mutates: true,
    cli: { words: ['clients', 'rotate'], positionals: ['workspace', 'clientId'], summary: 'Rotate a machine client secret (--grace 7d); new secret printed once (or piped to --deliver-to / --deliver-cmd) and checked', exitCode: deliveryExitCode },
  }),
  'clients.disable': command({
    input: z.object({ workspace: workspaceRefSchema, clientId: idSchema }).strict(),
    output: z.object({ client: machineClientSchema }),
    mutates: true,
    cli: { words: ['clients', 'disable'], positionals: ['workspace', 'clientId'], summary: 'Disable a machine client at once' },
  }),
  'clients.enable': command({
    input: z.object({ workspace: workspaceRefSchema, clientId: idSchema }).strict(),
    output: z.object({ client: machineClientSchema }),
    mutates: true,
    cli: { words: ['clients', 'enable'], positionals: ['workspace', 'clientId'], summary: 'Enable a machine client again' },
  }),
  'clients.usage': command({
    input: z.object({ workspace: workspaceRefSchema, clientId: idSchema }).strict(),
    output: usageSchema,
    mutates: false,
    cli: { words: ['clients', 'usage'], positionals: ['workspace', 'clientId'], summary: 'Token requests today against the daily quota, 30 days and a forecast' },
  }),
  // Scopes are not editable: a machine client's access tokens already carry them (create a narrower client instead).
  'clients.editDryRun': command({
    input: z.object({ workspace: workspaceRefSchema, clientId: idSchema, ipAllowlist: ipAllowlistSchema, sinceDays: sinceDaysSchema.optional() }).strict(),
    output: guardrailsDryRunSchema,
    mutates: false,
    cli: { words: ['clients', 'edit', '--dry-run'], positionals: ['workspace', 'clientId'], summary: 'Which calls of the last N days a new IP allowlist would have refused (401), from the cache; changes nothing', render: renderDryRun },
  }),
  'clients.edit': command({
    input: z
      .object({ workspace: workspaceRefSchema, clientId: idSchema, ipAllowlist: ipAllowlistSchema.optional(), name: z.string().min(1).max(200).optional(), dailyQuota: z.number().int().min(1).max(10_000_000).optional() })
      .strict(),
    output: z.object({ workspaceId: z.string(), client: machineClientSchema, changes: z.array(z.string()), note: z.string().nullable() }),
    mutates: true,
    cli: { words: ['clients', 'edit'], positionals: ['workspace', 'clientId'], summary: "Change a machine client's IP allowlist (--ip-allowlist a,b), name or daily quota in place; --dry-run first" },
  }),
} as const;
