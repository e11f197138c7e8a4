// Contract commands of the rotation domain: API key rotation wizard (resumable, persisted without secrets), API keys,
// machine clients with quotas, service tokens, the re-consent plan and the expiry calendar. Merged in index.ts.
//
// Secrets: a field built with `secretOnce()` carries a freshly issued secret. It appears only in the output of the one
// command that created it (keys.create, rotation.advance {action:'rotate'}, rotation.rotate, clients.create,
// clients.rotate, serviceTokens.mint) and is never stored, logged, emitted as an event or returned again.
import { z } from 'zod';
import { appErrorSchema } from './errors.ts';
import { command } from './define.ts';

/** Marks a contract field as a secret that is shown exactly once (see SECRET_ONCE_FIELDS). */
export function secretOnce(description: string) {
  return z.string().min(1).max(500).meta({ secretOnce: true, description });
}

const workspaceRef = z.string().min(1).max(200);
const id = z.string().min(1).max(200).regex(/^[A-Za-z0-9_-]+$/, 'an id is letters, digits, _ and -');
const scopeName = z.string().regex(/^[a-z][a-z0-9_-]*:[a-z][a-z0-9_-]*$/, 'a scope looks like resource:action');
const scopeList = z.array(scopeName).min(1).max(100);
/** `7d`, `7` (days) — the CLI's `--grace 7d`; 0–30 days. */
export const graceSchema = z
  .union([z.number().int().min(0).max(30), z.string().regex(/^(?:[0-9]|[12][0-9]|30)d?$/, 'grace is 0–30 days, e.g. 7d')])
  .transform((v) => (typeof v === 'number' ? v : Number(v.replace(/d$/, ''))));
/** `15m`, `15` (minutes) or `1h`; 5–60 minutes. */
export const ttlSchema = z
  .union([z.number().int().min(5).max(60), z.string().regex(/^\d{1,2}m?$|^1h$/, 'ttl is 5–60 minutes, e.g. 15m')])
  .transform((v) => (typeof v === 'number' ? v : v === '1h' ? 60 : Number(v.replace(/m$/, ''))))
  .refine((n) => n >= 5 && n <= 60, { message: 'ttl must be 5–60 minutes' });

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

export const cidrCheckSchema = z.object({
  input: z.string(),
  valid: z.boolean(),
  /** canonical form (`10.0.0.0/8`), null when invalid */
  normalized: z.string().nullable(),
  kind: z.enum(['ipv4', 'ipv6']).nullable(),
  /** addresses covered (as a string: IPv6 ranges exceed Number) */
  size: z.string().nullable(),
  problem: z.string().nullable(),
});
export type CidrCheck = z.infer<typeof cidrCheckSchema>;

export const guardrailsSchema = z.object({
  scopes: z.array(z.string()),
  writeOrDeleteScopes: z.array(z.string()),
  ipAllowlist: z.array(cidrCheckSchema),
  expiresAt: z.string().nullable(),
  /** days until the key (and the new one, which inherits it) expires; negative when already expired */
  expiresInDays: z.number().nullable(),
  rateLimitPerMinute: z.number().nullable(),
  /** plain-language findings the user reviews before rotating */
  warnings: z.array(z.string()),
});
export type Guardrails = z.infer<typeof guardrailsSchema>;

export const WIZARD_STEPS = ['chosen', 'reviewed', 'rotating', 'rotated', 'acknowledged', 'verified', 'grace', 'finished', 'ended_early', 'cancelled'] as const;
export const wizardStepSchema = z.enum(WIZARD_STEPS);
export type WizardStep = z.infer<typeof wizardStepSchema>;

export const verificationSchema = z.object({
  ok: z.boolean(),
  /** `direct`: an authenticated call with the new secret; `metadata`: the secret was no longer in memory, the key's platform status was checked */
  method: z.enum(['direct', 'metadata']),
  at: z.string(),
  status: z.number().nullable(),
  detail: z.string(),
});
export type Verification = z.infer<typeof verificationSchema>;

export const wizardSchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  workspaceName: z.string(),
  keyName: z.string(),
  oldKeyId: z.string(),
  oldKeyLabel: z.string(),
  step: wizardStepSchema,
  graceDays: z.number().int(),
  guardrails: guardrailsSchema.nullable(),
  newKeyId: z.string().nullable(),
  newKeyLabel: z.string().nullable(),
  rotatedAt: z.string().nullable(),
  graceEndsAt: z.string().nullable(),
  /** a rotation reached the platform but its response (and secret) was lost; `rotate` again re-issues a secret for the new key */
  secretLost: z.boolean(),
  /** the new secret is still in main memory (only between rotate and verify, never across restarts) */
  secretInMemory: z.boolean(),
  acknowledgedAt: z.string().nullable(),
  verification: verificationSchema.nullable(),
  endedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** what the user can do next */
  next: z.array(z.enum(['review', 'rotate', 'acknowledge', 'verify', 'watch', 'finish', 'endGrace', 'cancel'])),
  lastError: appErrorSchema.nullable(),
});
export type Wizard = z.infer<typeof wizardSchema>;

export const graceTrafficSchema = z.object({
  wizardId: z.string(),
  auditState: z.enum(['synced', 'not_synced']),
  /** newest cached audit event of the workspace: the chart is only as fresh as this */
  auditCoverageUntil: z.string().nullable(),
  since: z.string().nullable(),
  /** the platform's last_used_at of the old key (authoritative, independent of the audit cache) */
  oldKeyLastUsedAt: z.string().nullable(),
  oldKeyStatus: z.string().nullable(),
  /** no old-key calls for at least quietHours (by the audit cache and the platform's last_used_at) */
  quiet: z.boolean(),
  quietHours: z.number(),
  buckets: z.array(z.object({ start: z.string(), oldKeyCalls: z.number().int(), newKeyCalls: z.number().int() })),
  bucketHours: z.number(),
  byCallerIp: z.array(z.object({ ip: z.string(), calls: z.number().int(), lastAt: z.string() })),
  byEndpoint: z.array(z.object({ method: z.string(), endpoint: z.string(), calls: z.number().int(), lastAt: z.string() })),
  oldKeyCalls: z.number().int(),
  newKeyCalls: z.number().int(),
});
export type GraceTraffic = z.infer<typeof graceTrafficSchema>;

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

export const CALENDAR_KINDS = ['key_expiry', 'grace_end', 'secret_age', 'grant_lifetime', 'review_end', 'token_expiry'] as const;
export const calendarKindSchema = z.enum(CALENDAR_KINDS);
export type CalendarKind = z.infer<typeof calendarKindSchema>;

export const calendarItemSchema = z.object({
  key: z.string(),
  kind: calendarKindSchema,
  at: z.string(),
  daysLeft: z.number(),
  severity: z.enum(['overdue', 'soon', 'later']),
  workspaceId: z.string(),
  workspaceName: z.string(),
  credentialId: z.string().nullable(),
  credentialType: z.string().nullable(),
  title: z.string(),
  detail: z.string(),
  /** the wizard this item opens */
  action: z.object({
    kind: z.enum(['rotate_key', 'watch_grace', 'rotate_client', 'reconsent', 'none']),
    wizardId: z.string().nullable(),
  }),
});
export type CalendarItem = z.infer<typeof calendarItemSchema>;

export const calendarSchema = z.object({
  generatedAt: z.string(),
  items: z.array(calendarItemSchema),
  /** which caches fed the calendar and which are missing (never silently empty) */
  sources: z.array(z.object({ name: z.string(), state: z.enum(['ok', 'missing', 'empty']), detail: z.string() })),
  workspaces: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type Calendar = z.infer<typeof calendarSchema>;

const adv = z.enum(['review', 'rotate', 'acknowledge', 'verify', 'watch', 'finish', 'cancel']);

export const rotationCommands = {
  'keys.list': command({
    input: z.object({ workspace: workspaceRef, includeRevoked: z.boolean().optional() }).strict(),
    output: z.object({ workspaceId: z.string(), workspaceName: z.string(), keys: z.array(apiKeySummarySchema) }),
    mutates: false,
    cli: { words: ['keys', 'list'], positionals: ['workspace'], summary: 'List the API keys of a workspace (live from the platform)' },
  }),
  'keys.create': command({
    input: z
      .object({
        workspace: workspaceRef,
        name: z.string().min(1).max(200),
        scopes: scopeList,
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
  'rotation.start': command({
    input: z.object({ workspace: workspaceRef, keyId: id, graceDays: z.number().int().min(0).max(30).optional() }).strict(),
    output: wizardSchema,
    mutates: true,
    cli: { words: ['rotation', 'start'], positionals: ['workspace', 'keyId'], summary: 'Start (or resume) the rotation wizard for an API key' },
  }),
  'rotation.advance': command({
    input: z
      .object({
        wizardId: id,
        action: adv,
        /** review: the grace period 0–30 days */
        graceDays: z.number().int().min(0).max(30).optional(),
        /** review: replace the IP allowlist (CIDRs, validated) before rotating; the new key inherits it */
        ipAllowlist: z.array(z.string().min(1).max(100)).max(100).optional(),
        /** review: change the rate limit before rotating (null removes it) */
        rateLimitPerMinute: z.number().int().min(1).max(100000).nullable().optional(),
      })
      .strict(),
    output: z.object({
      wizard: wizardSchema,
      /** only for action 'rotate': the new key's secret, this one time */
      secret: secretOnce('the new key, shown once').nullable(),
    }),
    mutates: true,
    cli: { words: ['rotation', 'advance'], positionals: ['wizardId', 'action'], summary: 'Advance a rotation wizard one step (review, rotate, acknowledge, verify, watch, finish, cancel)' },
  }),
  'rotation.status': command({
    input: z.object({ wizardId: id.optional(), workspace: workspaceRef.optional(), includeFinished: z.boolean().optional() }).strict(),
    output: z.object({ wizards: z.array(wizardSchema), traffic: graceTrafficSchema.nullable() }),
    mutates: false,
    cli: { words: ['rotation', 'status'], positionals: ['wizardId'], summary: 'Rotation wizards in progress (resumable), and the grace-period traffic of one' },
  }),
  'rotation.endGrace': command({
    input: z.object({ wizardId: id, force: z.boolean().optional() }).strict(),
    output: z.object({ wizard: wizardSchema, method: z.string() }),
    mutates: true,
    cli: { words: ['rotation', 'end-grace'], positionals: ['wizardId'], summary: 'End the grace period now: the old key stops working (refused while it is still used unless --force)' },
  }),
  'rotation.rotate': command({
    input: z.object({ workspace: workspaceRef, keyId: id, grace: graceSchema.optional() }).strict(),
    output: z.object({ wizard: wizardSchema, secret: secretOnce('the new key, shown once').nullable(), verification: verificationSchema.nullable() }),
    mutates: true,
    cli: { words: ['rotate'], positionals: ['workspace', 'keyId'], summary: 'Rotate an API key in one go (--grace 7d): prints the new secret once, verifies it, then watches the grace period' },
  }),
  'rotation.calendar': command({
    input: z
      .object({
        workspace: workspaceRef.optional(),
        kinds: z.array(calendarKindSchema).optional(),
        withinDays: z.number().int().min(1).max(3650).optional(),
        includeOverdue: z.boolean().optional(),
      })
      .strict(),
    output: calendarSchema,
    mutates: false,
    cli: { words: ['calendar'], summary: 'What expires or is due next across all workspaces' },
  }),
  'serviceTokens.mint': command({
    input: z.object({ workspace: workspaceRef, scopes: scopeList, ttl: ttlSchema, name: z.string().min(1).max(200).optional() }).strict(),
    output: z.object({ workspaceId: z.string(), id: z.string(), scopes: z.array(z.string()), expiresAt: z.string(), ttlMinutes: z.number(), token: secretOnce('the service token, shown once') }),
    mutates: true,
    cli: { words: ['service-token', 'mint'], positionals: ['workspace'], summary: 'Mint a short-lived service token (--scopes a,b --ttl 15m); printed once, never stored' },
  }),
  'clients.list': command({
    input: z.object({ workspace: workspaceRef }).strict(),
    output: z.object({ workspaceId: z.string(), workspaceName: z.string(), clients: z.array(machineClientSchema) }),
    mutates: false,
    cli: { words: ['clients', 'list'], positionals: ['workspace'], summary: 'List machine clients with secret age and quota' },
  }),
  'clients.create': command({
    input: z.object({ workspace: workspaceRef, name: z.string().min(1).max(200), scopes: scopeList, dailyQuota: z.number().int().min(1).max(10_000_000) }).strict(),
    output: z.object({ client: machineClientSchema, clientSecret: secretOnce('the client secret, shown once'), check: quotaCheckSchema }),
    mutates: true,
    cli: { words: ['clients', 'create'], positionals: ['workspace'], summary: 'Create a machine client (--name, --scopes a,b, --daily-quota N); secret printed once' },
  }),
  'clients.rotate': command({
    input: z.object({ workspace: workspaceRef, clientId: id, grace: graceSchema.optional() }).strict(),
    output: z.object({ client: machineClientSchema, clientSecret: secretOnce('the client secret, shown once'), check: quotaCheckSchema }),
    mutates: true,
    cli: { words: ['clients', 'rotate'], positionals: ['workspace', 'clientId'], summary: 'Rotate a machine client secret (--grace 7d); new secret printed once and checked' },
  }),
  'clients.disable': command({
    input: z.object({ workspace: workspaceRef, clientId: id }).strict(),
    output: z.object({ client: machineClientSchema }),
    mutates: true,
    cli: { words: ['clients', 'disable'], positionals: ['workspace', 'clientId'], summary: 'Disable a machine client at once' },
  }),
  'clients.enable': command({
    input: z.object({ workspace: workspaceRef, clientId: id }).strict(),
    output: z.object({ client: machineClientSchema }),
    mutates: true,
    cli: { words: ['clients', 'enable'], positionals: ['workspace', 'clientId'], summary: 'Enable a machine client again' },
  }),
  'clients.usage': command({
    input: z.object({ workspace: workspaceRef, clientId: id }).strict(),
    output: usageSchema,
    mutates: false,
    cli: { words: ['clients', 'usage'], positionals: ['workspace', 'clientId'], summary: 'Token requests today against the daily quota, 30 days and a forecast' },
  }),
  'reconsent.plan': command({
    input: z.object({ workspace: workspaceRef, scopes: z.array(scopeName).max(100).optional(), drop: z.array(scopeName).max(100).optional() }).strict(),
    output: z.object({
      workspaceId: z.string(),
      workspaceName: z.string(),
      before: z.array(z.string()),
      after: z.array(z.string()),
      added: z.array(z.string()),
      removed: z.array(z.string()),
      /** scopes Grantdesk itself needs for its features (removing them disables that feature) */
      requiredByGrantdesk: z.array(z.object({ scope: z.string(), feature: z.string() })),
      warnings: z.array(z.string()),
      /** the command that runs the PKCE flow again with `after` */
      handoff: z.object({ command: z.string(), available: z.boolean(), input: z.object({ workspace: z.string(), scopes: z.array(z.string()) }) }),
    }),
    mutates: false,
    cli: { words: ['reconsent', 'plan'], positionals: ['workspace'], summary: 'Before/after scopes for re-consenting a workspace grant (--drop a,b or --scopes a,b)' },
  }),
} as const;

/** Output paths of every secretOnce field per command, found from the schema metadata (used by tests and the CLI). */
export function secretOnceFields(schema: z.ZodType, path: string[] = []): string[][] {
  const def = (schema as unknown as { _zod: { def: { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType } } })._zod.def;
  const meta = z.globalRegistry.get(schema) as { secretOnce?: boolean } | undefined;
  if (meta?.secretOnce) return [path];
  if (def.type === 'nullable' || def.type === 'optional') return secretOnceFields(def.innerType!, path);
  if (def.type === 'object' && def.shape) return Object.entries(def.shape).flatMap(([k, v]) => secretOnceFields(v, [...path, k]));
  return [];
}
