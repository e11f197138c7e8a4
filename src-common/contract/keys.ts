// Contract commands `keys.*`: the API keys of a workspace (live from the platform). Merged in index.ts.
import { z } from 'zod';
import { command } from './define.ts';
import { credentialRefSchema, scopeListSchema, workspaceRefSchema } from './ids.ts';
import { guardrailSetSchema, guardrailsDryRunSchema, keyGuardrailsInputFields, sinceDaysSchema, renderDryRun } from './guardrails.ts';
import { secretOnce } from './secret-once.ts';
import { deliveryExitCode, deliveryOutcomeFields, deliveryRequestFields } from './secret-delivery.ts';

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
        ...deliveryRequestFields,
      })
      .strict(),
    /** `secret` is absent when the key was delivered (--deliver-to / --deliver-cmd), or delivery failed and it is held */
    output: z.object({ workspaceId: z.string(), key: apiKeySummarySchema, secret: secretOnce('the new key, shown once').optional(), ...deliveryOutcomeFields }),
    mutates: true,
    cli: { words: ['keys', 'create'], positionals: ['workspace'], summary: 'Create an API key (--name, --scopes a,b); the secret is printed once, or piped to --deliver-to NAME / --deliver-cmd CMD', exitCode: deliveryExitCode },
  }),
  // A dry run is its own command (mutates: false) so it works wherever reading does, an auditor review included, while
  // the edit itself is refused there: review mode refuses by the contract's static flag before reading any input.
  'keys.editDryRun': command({
    input: z.object({ workspace: workspaceRefSchema, key: credentialRefSchema, ...keyGuardrailsInputFields, sinceDays: sinceDaysSchema.optional() }).strict(),
    output: guardrailsDryRunSchema,
    mutates: false,
    cli: {
      words: ['keys', 'edit', '--dry-run'],
      positionals: ['workspace', 'key'],
      summary: 'Which calls of the last N days (--since-days, default 30) the proposed guardrails would have refused (403 scope, 401 IP, 429 rate), from the cache; changes nothing',
      render: renderDryRun,
    },
  }),
  'keys.edit': command({
    input: z.object({ workspace: workspaceRefSchema, key: credentialRefSchema, ...keyGuardrailsInputFields }).strict(),
    output: z.object({
      workspaceId: z.string(),
      workspaceName: z.string(),
      key: apiKeySummarySchema,
      before: guardrailSetSchema,
      after: guardrailSetSchema,
      changes: z.array(z.string()),
      /** a sentence when the local inventory could not be refreshed after the change (it shows the change after the next sync) */
      note: z.string().nullable(),
    }),
    mutates: true,
    cli: {
      words: ['keys', 'edit'],
      positionals: ['workspace', 'key'],
      summary: "Change an API key's guardrails in place (--scopes a,b, --ip-allowlist a,b, --expires-in-days N, --rate-limit-per-minute N, --remove-expiry, --remove-rate-limit); --dry-run first",
    },
  }),
} as const;
