// Leaked-secret response: identify a pasted secret across every connected workspace, show what it did, contain it
// (revoke, or rotate with zero grace), and write an evidence pack `grantdesk verify` checks.
//
// The pasted secret is an INPUT ONLY: `incident.identify` holds it in memory to match and confirm, then drops it. It is
// never stored, logged, emitted, returned or written to the pack (test/node/incident/canary.test.ts). The CLI reads it
// from stdin or a named file, never from argv (src-main/cli/incident-secret.ts).
import { z } from 'zod';
import { command } from './define.ts';
import { incidentIdSchema } from './ids.ts';
import { secretOnce } from './secret-once.ts';
import { deliveryExitCode, deliveryOutcomeFields, deliveryRequestFields } from './secret-delivery.ts';
import { revokePreviewSchema, revokeResultSchema } from './revocation-shapes.ts';
import { wizardSchema } from './rotation.ts';

/** How a candidate was confirmed to be the pasted secret's credential. */
export const CONFIRMATIONS = ['platform', 'platform_refused_ip', 'platform_revoked', 'platform_expired'] as const;

export const incidentMatchSchema = z.object({
  workspaceId: z.string(),
  workspaceName: z.string(),
  credentialId: z.string(),
  credentialName: z.string(),
  credentialType: z.string(),
  /** the display the match rests on, e.g. sk_live_…kSkn */
  display: z.string(),
  status: z.string(),
  confirmation: z.enum(CONFIRMATIONS),
  /** the confirmation in words, with the platform's answer */
  confirmationSentence: z.string(),
});
export type IncidentMatch = z.infer<typeof incidentMatchSchema>;

export const incidentActionSchema = z.object({
  at: z.string(),
  action: z.enum(['identified', 'synced', 'revoked', 'rotated', 'pack']),
  ok: z.boolean(),
  /** what happened in words, with the platform's answer */
  sentence: z.string(),
  /** the platform's response, as recorded (ids, statuses, times; never a secret) */
  platform: z.record(z.string(), z.unknown()).nullable(),
});
export type IncidentAction = z.infer<typeof incidentActionSchema>;

export const incidentSchema = z.object({
  id: incidentIdSchema,
  openedAt: z.string(),
  match: incidentMatchSchema,
  /** the default start of the activity window: the credential's last rotation (its creation if never rotated) */
  lastRotationAt: z.string(),
  state: z.enum(['open', 'revoked', 'rotated']),
  actions: z.array(incidentActionSchema),
});
export type Incident = z.infer<typeof incidentSchema>;

const countedSchema = z.object({ calls: z.number().int(), firstAt: z.string(), lastAt: z.string() });
export const incidentActivitySchema = z.object({
  incidentId: incidentIdSchema,
  since: z.string(),
  /** how far the cached audit log reaches for the workspace (null: never synced) */
  coverageUntil: z.string().nullable(),
  calls: z.number().int(),
  errors: z.number().int(),
  piiCalls: z.number().int(),
  firstSeen: z.string().nullable(),
  lastSeen: z.string().nullable(),
  /** distinct caller IPs since `since` (callers holds the busiest 100) */
  callersTotal: z.number().int(),
  callers: z.array(countedSchema.extend({ ip: z.string(), unusual: z.boolean(), why: z.string().nullable() })),
  /** the busiest 50 endpoints */
  endpoints: z.array(z.object({ method: z.string(), endpoint: z.string(), calls: z.number().int(), lastAt: z.string() })),
  /** true when the credential called more than the 50 endpoints listed (the heading then says so, never a count it does not have) */
  endpointsCapped: z.boolean(),
  unusualIps: z.number().int(),
  /** the whole answer in words ("42 calls from 3 IPs since …; 2 IPs never seen before …") */
  sentence: z.string(),
});
export type IncidentActivity = z.infer<typeof incidentActivitySchema>;

const incidentRef = { incidentId: incidentIdSchema };

export const incidentCommands = {
  'incident.identify': command({
    input: z
      .object({
        /** the pasted secret: matched in memory and dropped; never logged, stored or returned. Up to 4 KiB (as a secret
         * file): a paste with text around the secret gets the service's sentence saying so, not a bare length refusal */
        secret: z.string().min(8).max(4096).meta({ sensitiveInput: true, description: 'the pasted secret: never logged, stored or echoed' }).optional(),
        /** a file holding the secret: only from a caller with file access anywhere (the CLI) */
        secretFile: z.string().min(1).max(4096).optional(),
      })
      .strict()
      .refine((v) => (v.secret === undefined) !== (v.secretFile === undefined), { message: 'give the secret or a file holding it' }),
    output: z.object({ incident: incidentSchema.nullable(), candidates: z.number().int(), workspacesSearched: z.number().int(), sentence: z.string() }),
    mutates: true,
    cli: {
      words: ['incident'],
      summary: 'A secret leaked: pipe it in (`grantdesk incident < secret.txt`, or --secret-file PATH; never in argv) to find its credential in every connected workspace',
      exitCode: (o) => ((o as { incident?: unknown }).incident ? 0 : 1),
    },
  }),
  'incident.list': command({
    input: z.object({}).strict(),
    output: z.object({ incidents: z.array(incidentSchema) }),
    mutates: false,
    cli: { words: ['incident', 'list'], summary: 'Incidents opened here, newest first' },
  }),
  'incident.activity': command({
    input: z
      .object({
        ...incidentRef,
        /** ISO instant or date; default: the credential's last rotation */
        since: z.string().min(10).max(40).optional(),
      })
      .strict(),
    output: incidentActivitySchema,
    mutates: false,
    cli: { words: ['incident', 'activity'], positionals: ['incidentId'], summary: 'What the leaked credential did since a time (default: its last rotation), from the audit cache' },
  }),
  'incident.containPreview': command({
    input: z.object({ ...incidentRef, action: z.enum(['revoke', 'rotate']) }).strict(),
    output: z.object({ action: z.enum(['revoke', 'rotate']), preview: revokePreviewSchema, sentence: z.string() }),
    mutates: false,
    cli: { words: ['incident', 'preview'], positionals: ['incidentId', 'action'], summary: 'What revoking or rotating the leaked credential would break' },
  }),
  'incident.revoke': command({
    input: z
      .object({
        ...incidentRef,
        /** the typed confirmation: the workspace name */
        confirm: z.string().max(200).optional(),
        /** CLI only (`--yes`) */
        yes: z.boolean().optional(),
      })
      .strict()
      .refine((v) => (v.confirm !== undefined && v.confirm !== '') || v.yes === true, { message: 'confirmation required: type the workspace name, or pass --yes on the command line', path: ['confirm'] }),
    output: z.object({ incident: incidentSchema, result: revokeResultSchema }),
    mutates: true,
    cli: { words: ['incident', 'revoke'], positionals: ['incidentId'], summary: 'Revoke the leaked credential now (needs --yes)' },
  }),
  'incident.rotate': command({
    input: z
      .object({
        ...incidentRef,
        confirm: z.string().max(200).optional(),
        yes: z.boolean().optional(),
        ...deliveryRequestFields,
      })
      .strict()
      .refine((v) => (v.confirm !== undefined && v.confirm !== '') || v.yes === true, { message: 'confirmation required: type the workspace name, or pass --yes on the command line', path: ['confirm'] }),
    output: z.object({ incident: incidentSchema, wizard: wizardSchema, secret: secretOnce('the replacement key, shown once').nullable().optional(), ...deliveryOutcomeFields }),
    mutates: true,
    cli: { words: ['incident', 'rotate'], positionals: ['incidentId'], summary: 'Rotate the leaked key with zero grace: the leaked secret stops now; the new one is shown once or delivered (--deliver-to)', exitCode: deliveryExitCode },
  }),
  'incident.pack': command({
    input: z
      .object({
        ...incidentRef,
        /** CLI: any folder (must not exist or be empty). UI/serve: a folder name inside the exports folder (default: generated) */
        out: z.string().min(1).max(4096).optional(),
        since: z.string().min(10).max(40).optional(),
      })
      .strict(),
    output: z.object({ path: z.string(), manifestPath: z.string(), files: z.number().int(), sentence: z.string() }),
    mutates: false,
    cli: { words: ['incident', 'pack'], positionals: ['incidentId'], summary: 'Write the incident evidence pack (timeline, actions, audit extract with chain status, SHA-256 manifest); check it with grantdesk verify' },
  }),
} as const;
