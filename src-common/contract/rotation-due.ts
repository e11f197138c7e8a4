// The schemas of `grantdesk rotate --due` (rotation.due, declared in rotation.ts): the scheduled rotation a cron job or CI
// runs — every API key and machine-client secret past its age or expiry policy, each new secret delivered to a secrets
// manager, never printed.
import { z } from 'zod';
import { command } from './define.ts';
import { workspaceIdSchema } from './ids.ts';
import { deliveryCommandSchema, deliveryTargetNameSchema } from './secret-delivery.ts';

const daysSchema = z.string().max(8).regex(/^[1-9][0-9]{0,3}d$/, 'write a number of days like 90d');

export const dueRowSchema = z.object({
  workspaceId: z.string(),
  workspaceName: z.string(),
  credentialId: z.string(),
  credentialName: z.string(),
  type: z.enum(['api_key', 'machine_client']),
  /** why it is due: its secret is older than --max-age, or it expires within --expiring-within */
  reason: z.enum(['age', 'expiry']),
  ageDays: z.number().int(),
  expiresAt: z.string().nullable(),
  outcome: z.enum(['planned', 'rotated', 'failed']),
  /** the new key's id (an API key rotation creates a new key; a machine client keeps its id) */
  newCredentialId: z.string().nullable(),
  /** a sentence for a failure (the secret is never in it) */
  message: z.string().nullable(),
});
export type DueRow = z.infer<typeof dueRowSchema>;

export const rotationDueCommand = command({
  input: z
    .object({
      maxAge: daysSchema.optional(),
      expiringWithin: daysSchema.optional(),
      /** grace period for the old secret, days (default 7) */
      grace: z.number().int().min(0).max(30).optional(),
      workspaces: z.array(workspaceIdSchema).max(500).optional(),
      deliverTo: deliveryTargetNameSchema.optional(),
      deliverCmd: deliveryCommandSchema.optional(),
      dryRun: z.boolean().optional(),
    })
    .strict(),
  output: z.object({
    rows: z.array(dueRowSchema),
    rotated: z.number().int(),
    failed: z.number().int(),
    /** workspaces whose lists could not be read (no row is planned for them), each with a sentence */
    unreadable: z.array(z.object({ workspaceId: z.string(), workspaceName: z.string(), message: z.string() })),
    maxAgeDays: z.number().int(),
    expiringWithinDays: z.number().int(),
    /** 0 all due ones rotated (or planned, in a dry run), 1 some failed or a workspace was unreadable, 3 nothing due */
    exitCode: z.union([z.literal(0), z.literal(1), z.literal(3)]),
  }),
  mutates: true,
  cli: {
    words: ['rotate', '--due'],
    summary: 'Rotate every API key and client secret past --max-age (default 90d) or expiring within --expiring-within (default 14d), headless: each secret to --deliver-to/--deliver-cmd; --dry-run lists; exit 0 done, 1 some failed, 3 nothing due',
    exitCode: (o) => (o as { exitCode: number }).exitCode,
  },
});
