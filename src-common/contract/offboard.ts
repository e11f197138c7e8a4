// Contract commands `offboard.*`: offboarding / emergency revoke across workspaces. One integration (an OAuth client id,
// or an API key / machine-client name pattern) or one agency staff member, everywhere: one preview grouped per workspace
// (what stops working, recent callers), then per-row results that are recorded and can be retried. Merged in index.ts.
import { z } from 'zod';
import { appErrorSchema } from './errors.ts';
import { command } from './define.ts';
import { credentialTypeSchema } from './credential-type.ts';
import { oauthClientIdSchema, offboardBatchIdSchema } from './ids.ts';

/** Who or what is offboarded: exactly one of them. */
const selectorShape = {
  /** an OAuth client id, exactly (an installed app's, or a machine client's `mcc_…`) */
  clientId: oauthClientIdSchema.optional(),
  /**
   * an API key or machine-client name pattern, case-insensitive: with `*` (any run of characters) or `?` (one character)
   * a glob over the whole name, otherwise a substring of the name
   */
  match: z.string().trim().min(1).max(200).optional(),
  /** an agency staff member: the email (or full name) recorded as "connected by" on Grantdesk's own grants */
  staff: z.string().trim().min(1).max(254).optional(),
};
const exactlyOne = (v: { clientId?: string | undefined; match?: string | undefined; staff?: string | undefined }) =>
  [v.clientId, v.match, v.staff].filter((x) => x !== undefined).length === 1;
const ONE = { message: 'give exactly one of client id, match or staff' };

export const OFFBOARD_SELECTOR_KINDS = ['client_id', 'match', 'staff'] as const;
export const offboardSelectorSchema = z.object({
  kind: z.enum(OFFBOARD_SELECTOR_KINDS),
  value: z.string(),
  /** in words: "OAuth client zapier-connector", "API keys and machine clients named like *ci*", "Staff member rita@…" */
  description: z.string(),
});

const endpointUse = z.object({ method: z.string(), endpoint: z.string(), calls: z.number().int(), lastAt: z.string() });
const callerUse = z.object({ ip: z.string(), calls: z.number().int(), lastAt: z.string() });

export const OFFBOARD_ACTIONS = ['revoke', 'disable', 'disconnect'] as const;
export const offboardTargetSchema = z.object({
  /** a platform credential, or Grantdesk's own grant into the workspace (staff offboarding) */
  kind: z.enum(['credential', 'grant']),
  workspaceId: z.string(),
  workspaceName: z.string(),
  /** the credential's id (for a grant: the id of Grantdesk's grant in the cached inventory, null when not synced) */
  credentialId: z.string().nullable(),
  credentialName: z.string(),
  type: credentialTypeSchema.nullable(),
  action: z.enum(OFFBOARD_ACTIONS),
  /** what stops working, in words */
  stopsWorking: z.string(),
  lastUsedAt: z.string().nullable(),
  auditState: z.enum(['synced', 'not_synced']),
  callsInWindow: z.number().int(),
  /** the most recent callers (caller IPs) in the window, from the cached audit log */
  callers: z.array(callerUse),
  endpoints: z.array(endpointUse),
  /** OAuth access tokens already issued keep working until about then (null: stops at once) */
  tokenTailUntil: z.string().nullable(),
});
export type OffboardTarget = z.infer<typeof offboardTargetSchema>;

export const offboardWorkspaceSchema = z.object({
  workspaceId: z.string(),
  workspaceName: z.string(),
  targets: z.array(offboardTargetSchema),
  /** matches that are not touched (already revoked or disabled, service tokens), each with why */
  skipped: z.array(z.object({ credentialId: z.string(), credentialName: z.string(), reason: z.string() })),
});
export type OffboardWorkspace = z.infer<typeof offboardWorkspaceSchema>;

export const offboardPreviewSchema = z.object({
  selector: offboardSelectorSchema,
  /** every workspace with a target or a skipped match, by name */
  workspaces: z.array(offboardWorkspaceSchema),
  targets: z.number().int(),
  skipped: z.number().int(),
  /** known workspaces without a target */
  untouchedWorkspaces: z.number().int(),
  /** connected workspaces whose inventory was never synced: their credentials are not known, so not offboarded */
  notSynced: z.array(z.object({ id: z.string(), name: z.string() })),
  /** what the operator types to confirm: the number of targets */
  confirmText: z.string(),
  statement: z.string(),
  /** exactly what this offboarding covers, and what it cannot (e.g. the platform records no credential creator) */
  covers: z.string(),
  windowDays: z.number().int(),
});
export type OffboardPreview = z.infer<typeof offboardPreviewSchema>;

export const OFFBOARD_OUTCOMES = ['revoked', 'already_revoked', 'disconnected', 'failed'] as const;
/** a batch's row: what it targets (the preview's fields of its target), then how it went */
export const offboardRowSchema = offboardTargetSchema.pick({ kind: true, workspaceId: true, workspaceName: true, credentialId: true, credentialName: true, type: true, action: true }).extend({
  rowId: z.number().int(),
  outcome: z.enum(OFFBOARD_OUTCOMES),
  error: appErrorSchema.nullable(),
  /** the row's result in words (for a failure: what happened and what to do) */
  sentence: z.string(),
  attempts: z.number().int(),
  /** null: interrupted before the platform answered */
  finishedAt: z.string().nullable(),
});
export type OffboardRow = z.infer<typeof offboardRowSchema>;

export const offboardResultSchema = z.object({
  batchId: z.string(),
  selector: offboardSelectorSchema,
  createdAt: z.string(),
  actor: z.string(),
  rows: z.array(offboardRowSchema),
  succeeded: z.number().int(),
  failed: z.number().int(),
  /** the whole result in words, with the retry command when rows failed */
  sentence: z.string(),
});
export type OffboardResult = z.infer<typeof offboardResultSchema>;

/** The CLI's words for a preview: per workspace, by name, what stops working and the recent callers. */
function renderPreview(out: unknown): string {
  const p = out as OffboardPreview;
  const lines = [p.statement, p.covers, ''];
  for (const w of p.workspaces) {
    lines.push(`${w.workspaceName} (${w.workspaceId})`);
    for (const t of w.targets) {
      lines.push(`  ${t.action} ${t.credentialName}${t.credentialId ? ` [${t.credentialId}]` : ''}`, `    ${t.stopsWorking}`);
      if (t.callers.length) lines.push(`    recent callers: ${t.callers.map((c) => `${c.ip} (${c.calls}, last ${c.lastAt.slice(0, 16).replace('T', ' ')} UTC)`).join(', ')}`);
    }
    for (const x of w.skipped) lines.push(`  skip ${x.credentialName} [${x.credentialId}]: ${x.reason}`);
  }
  if (p.targets > 0) lines.push('', `To run it: the same command without --dry-run, with --yes (or --confirm ${p.confirmText}).`);
  return lines.join('\n');
}

/** The CLI's words for a batch's result: one line per row, failures with their sentence. */
function renderResult(out: unknown): string {
  const r = out as OffboardResult;
  const lines = [`Offboarding ${r.batchId}: ${r.selector.description}`];
  for (const row of r.rows) lines.push(`  ${row.outcome.padEnd(15)} ${row.workspaceName}: ${row.credentialName}${row.credentialId ? ` [${row.credentialId}]` : ''}${row.outcome === 'failed' ? `\n                  ${row.sentence}` : ''}`);
  lines.push(r.sentence);
  return lines.join('\n');
}

const batchIdSchema = offboardBatchIdSchema;

export const offboardCommands = {
  'offboard.preview': command({
    input: z.object(selectorShape).strict().refine(exactlyOne, ONE),
    output: offboardPreviewSchema,
    mutates: false,
    reviewLog: 'Previewed an offboarding',
    cli: {
      words: ['offboard', '--dry-run'],
      summary: 'What offboarding one integration (--client-id ID | --match PATTERN) or staff member (--staff EMAIL) would revoke, per workspace',
      render: renderPreview,
    },
  }),
  'offboard.run': command({
    input: z
      .object({
        ...selectorShape,
        /** the typed confirmation: the number of targets the preview shows */
        confirm: z.string().max(200).optional(),
        /** CLI only (`--yes`): confirms without typing; refused over IPC and serve */
        yes: z.boolean().optional(),
      })
      .strict()
      .refine(exactlyOne, ONE)
      .refine((v) => (v.confirm !== undefined && v.confirm !== '') || v.yes === true, {
        message: 'confirmation required: type the number of targets in confirm, or pass --yes on the command line',
        path: ['confirm'],
      }),
    output: offboardResultSchema,
    mutates: true,
    cli: {
      words: ['offboard'],
      summary: 'Offboard one integration (--client-id ID | --match PATTERN) or staff member (--staff EMAIL) in every workspace (needs --yes; --dry-run previews)',
      render: renderResult,
      exitCode: (out) => ((out as OffboardResult).failed > 0 ? 1 : 0),
    },
  }),
  'offboard.retry': command({
    input: z.object({ batch: batchIdSchema }).strict(),
    output: offboardResultSchema,
    mutates: true,
    cli: { words: ['offboard', 'retry'], positionals: ['batch'], summary: 'Retry only the failed rows of an offboarding batch', render: renderResult, exitCode: (out) => ((out as OffboardResult).failed > 0 ? 1 : 0) },
  }),
  'offboard.batch': command({
    input: z.object({ batch: batchIdSchema }).strict(),
    output: offboardResultSchema,
    mutates: false,
    cli: { words: ['offboard', 'show'], positionals: ['batch'], summary: 'One recorded offboarding batch with its per-row results', render: renderResult },
  }),
  'offboard.history': command({
    input: z.object({ limit: z.number().int().min(1).max(500).optional() }).strict(),
    output: z.object({
      batches: z.array(z.object({ batchId: z.string(), selector: offboardSelectorSchema, createdAt: z.string(), actor: z.string(), rows: z.number().int(), succeeded: z.number().int(), failed: z.number().int() })),
    }),
    mutates: false,
    cli: { words: ['offboard', 'history'], summary: 'Offboarding batches recorded on this machine, newest first' },
  }),
} as const;
