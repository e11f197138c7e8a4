// Contract commands `rotation.*`: the API key rotation wizard (resumable, persisted without secrets), the one-go
// rotation, and the expiry calendar. Merged in index.ts. Secret fields: see secret-once.ts.
import { rotationDueCommand } from './rotation-due.ts';
import { z } from 'zod';
import { appErrorSchema } from './errors.ts';
import { command } from './define.ts';
import { graceSchema } from './grace.ts';
import { idSchema, workspaceRefSchema } from './ids.ts';
import { secretOnce } from './secret-once.ts';
import { deliveryExitCode, deliveryFailureSchema, deliveryOutcomeFields, deliveryRequestFields } from './secret-delivery.ts';

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

/** what became of the new secret of the wizard's last rotation, when it went to a delivery target */
export const wizardDeliverySchema = z.object({
  target: z.string(),
  ok: z.boolean(),
  at: z.string(),
  exitCode: z.number().int().nullable(),
  reason: deliveryFailureSchema.shape.reason.nullable(),
  /** redacted, as in deliveryFailed */
  stderrTail: z.string(),
  message: z.string(),
  /** the undelivered secret is still held in main memory (delivery.reveal / delivery.retry with pendingId) */
  secretHeld: z.boolean(),
  pendingId: z.string().nullable(),
  /** until when it is held (null when not held) */
  heldUntil: z.string().nullable(),
});
export type WizardDelivery = z.infer<typeof wizardDeliverySchema>;

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
  /** delivery of the new secret to a target (null: shown once, the classic way) */
  delivery: wizardDeliverySchema.nullable(),
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
  /** the cache holds events, but none after the rotation: it cannot show the old key's traffic since, nor that it is quiet */
  auditEndsBeforeRotation: z.boolean(),
  since: z.string().nullable(),
  /** the platform's last_used_at of the old key (authoritative, independent of the audit cache) */
  oldKeyLastUsedAt: z.string().nullable(),
  oldKeyStatus: z.string().nullable(),
  /** no old-key calls since the rotation, or for at least quietHours, by audit data NEWER than the rotation (and the platform's last_used_at); never from a cache that ends before it */
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
  'rotation.start': command({
    input: z.object({ workspace: workspaceRefSchema, keyId: idSchema, graceDays: z.number().int().min(0).max(30).optional() }).strict(),
    output: wizardSchema,
    mutates: true,
    cli: { words: ['rotation', 'start'], positionals: ['workspace', 'keyId'], summary: 'Start (or resume) the rotation wizard for an API key' },
  }),
  'rotation.advance': command({
    input: z
      .object({
        wizardId: idSchema,
        action: adv,
        /** review: the grace period 0–30 days */
        graceDays: z.number().int().min(0).max(30).optional(),
        /** review: replace the IP allowlist (CIDRs, validated) before rotating; the new key inherits it */
        ipAllowlist: z.array(z.string().min(1).max(100)).max(100).optional(),
        /** review: change the rate limit before rotating (null removes it) */
        rateLimitPerMinute: z.number().int().min(1).max(100000).nullable().optional(),
        /** rotate: pipe the new secret to a delivery target (or, from the CLI, a command) instead of showing it */
        ...deliveryRequestFields,
      })
      .strict(),
    output: z.object({
      wizard: wizardSchema,
      /** only for action 'rotate': the new key's secret, this one time; absent when it was delivered or is held */
      secret: secretOnce('the new key, shown once').nullable().optional(),
      ...deliveryOutcomeFields,
    }),
    mutates: true,
    cli: { words: ['rotation', 'advance'], positionals: ['wizardId', 'action'], summary: 'Advance a rotation wizard one step (review, rotate, acknowledge, verify, watch, finish, cancel)', exitCode: deliveryExitCode },
  }),
  'rotation.status': command({
    input: z.object({ wizardId: idSchema.optional(), workspace: workspaceRefSchema.optional(), includeFinished: z.boolean().optional() }).strict(),
    output: z.object({ wizards: z.array(wizardSchema), traffic: graceTrafficSchema.nullable() }),
    mutates: false,
    cli: { words: ['rotation', 'status'], positionals: ['wizardId'], summary: 'Rotation wizards in progress (resumable), and the grace-period traffic of one' },
  }),
  'rotation.endGrace': command({
    input: z.object({ wizardId: idSchema, force: z.boolean().optional() }).strict(),
    output: z.object({ wizard: wizardSchema, method: z.string() }),
    mutates: true,
    cli: { words: ['rotation', 'end-grace'], positionals: ['wizardId'], summary: 'End the grace period now: the old key stops working (refused while it is still used unless --force)' },
  }),
  'rotation.rotate': command({
    input: z.object({ workspace: workspaceRefSchema, keyId: idSchema, grace: graceSchema.optional(), ...deliveryRequestFields }).strict(),
    output: z.object({ wizard: wizardSchema, secret: secretOnce('the new key, shown once').nullable().optional(), verification: verificationSchema.nullable(), ...deliveryOutcomeFields }),
    mutates: true,
    cli: { words: ['rotate'], positionals: ['workspace', 'keyId'], summary: 'Rotate an API key in one go (--grace 7d): prints the new secret once (or pipes it to --deliver-to / --deliver-cmd), verifies it, then watches the grace period', exitCode: deliveryExitCode },
  }),
  'rotation.calendar': command({
    input: z
      .object({
        workspace: workspaceRefSchema.optional(),
        kinds: z.array(calendarKindSchema).optional(),
        withinDays: z.number().int().min(1).max(3650).optional(),
        includeOverdue: z.boolean().optional(),
      })
      .strict(),
    output: calendarSchema,
    mutates: false,
    cli: { words: ['calendar'], summary: 'What expires or is due next across all workspaces' },
  }),
  'rotation.due': rotationDueCommand,
} as const;
