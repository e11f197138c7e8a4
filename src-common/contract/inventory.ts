// Contract commands of the inventory domain: the credential inventory, the scope matrix, credential detail and
// per-workspace revocation with a blast-radius preview. Owned by the inventory work; merged in index.ts.
import { z } from 'zod';
import { appErrorSchema } from './errors.ts';
import { command } from './define.ts';
import { credentialIdSchema, scopeNameSchema, workspaceFilterSchema, workspaceRefSchema } from './ids.ts';
import { credentialTypeSchema } from './credential-type.ts';
import { blastRadiusSchema, revocationEffectSchema, revocationRecordSchema, revocationTailSchema, revokePreviewSchema, revokeResultSchema, revokeRowSchema, revokeTargetSchema } from './revocation-shapes.ts';

export { CREDENTIAL_TYPES, credentialTypeSchema, type CredentialType } from './credential-type.ts';
export * from './revocation-shapes.ts';


export const scopeColumnSchema = z.object({
  scope: z.string(),
  resource: z.string(),
  action: z.string(),
  description: z.string(),
  /** credentials in the (filtered) matrix holding this scope */
  total: z.number().int(),
  inBaseline: z.boolean(),
});
export type ScopeColumn = z.infer<typeof scopeColumnSchema>;

export const inventorySyncStateSchema = z.object({
  syncedAt: z.string().nullable(),
  /** seconds since the last successful sync; null when never synced */
  ageSeconds: z.number().nullable(),
  state: z.enum(['never', 'ok', 'failed']),
  error: appErrorSchema.nullable(),
});
export type InventorySyncState = z.infer<typeof inventorySyncStateSchema>;

export const LIFECYCLE_STATES = ['active', 'expiring', 'expired', 'revoked', 'disabled', 'in_grace'] as const;
export const credentialLifecycleSchema = z.object({ state: z.enum(LIFECYCLE_STATES), at: z.string().nullable() });
export type CredentialLifecycle = z.infer<typeof credentialLifecycleSchema>;

/**
 * The one credential count both screens show: every credential the cache holds for the known workspaces, whatever its
 * status, and how many of them are inactive (revoked, expired or disabled). Filters and search never change it.
 */
export const credentialCountsSchema = z.object({
  total: z.number().int(),
  workspaces: z.number().int(),
  inactive: z.number().int(),
  revoked: z.number().int(),
  expired: z.number().int(),
  disabled: z.number().int(),
});
export type CredentialCounts = z.infer<typeof credentialCountsSchema>;

export const credentialSummarySchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  type: credentialTypeSchema,
  name: z.string(),
  /** `sk_live_…AbCd` for API keys, the client id for apps and machine clients */
  label: z.string().nullable(),
  clientId: z.string().nullable(),
  status: z.string(),
  scopes: z.array(z.string()),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  createdAt: z.string().nullable(),
  expiringSoon: z.boolean(),
  unused: z.boolean(),
  writeOrDelete: z.boolean(),
  /** granted but not in the baseline bundle (empty when no baseline is set) */
  overGrants: z.array(z.string()),
  /** scopes that appeared since the workspace's last review */
  drift: z.array(z.string()),
  /** true when this is Grantdesk's own grant (revoking it disconnects the workspace) */
  isGrantdesk: z.boolean(),
  revocable: z.boolean(),
  /** one status a person reads (the badge): `at` is the expiry (expiring, expired) or the grace end (in_grace) */
  lifecycle: credentialLifecycleSchema,
});
export type CredentialSummary = z.infer<typeof credentialSummarySchema>;

export const matrixWorkspaceSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** 'disconnected': known only from the cache (shown offline, not revocable from here) */
  connection: z.enum(['connected', 'needs_reconsent', 'disconnected']),
  sync: inventorySyncStateSchema,
  reviewedAt: z.string().nullable(),
  /** per column (same order as columns): credentials of this workspace holding the scope */
  columnCounts: z.array(z.number().int()),
  /** distinct scopes held by any credential of this workspace */
  total: z.number().int(),
  /** credentials of this workspace the filters keep (whether or not their summaries are in `credentials`) */
  credentialCount: z.number().int(),
  /** any of them holds a scope new since the workspace's last review */
  hasDrift: z.boolean(),
  /** the summaries; empty at depth 'counts' */
  credentials: z.array(credentialSummarySchema),
});
export type MatrixWorkspace = z.infer<typeof matrixWorkspaceSchema>;

export const matrixFiltersSchema = z
  .object({
    /** workspace ids or a case-insensitive name fragment */
    workspace: workspaceFilterSchema.optional(),
    types: z.array(credentialTypeSchema).optional(),
    /** credentials holding any of these scopes */
    scopes: z.array(scopeNameSchema).max(50).optional(),
    writeOrDelete: z.boolean().optional(),
    /** credentials expiring within N days */
    expiringWithinDays: z.number().int().min(0).max(3650).optional(),
    /** credentials never used or unused for N days */
    unusedForDays: z.number().int().min(0).max(3650).optional(),
    overGrantsOnly: z.boolean().optional(),
    driftOnly: z.boolean().optional(),
    includeRevoked: z.boolean().optional(),
  })
  .strict();
export type MatrixFilters = z.infer<typeof matrixFiltersSchema>;

export const baselineSchema = z.object({
  name: z.string(),
  scopes: z.array(z.string()),
  setAt: z.string(),
});
export type Baseline = z.infer<typeof baselineSchema>;

/** 'counts': workspace rows, column counts and totals only (what the grid paints first); 'credentials': every summary too */
export const MATRIX_DEPTHS = ['counts', 'credentials'] as const;
export const matrixInputSchema = matrixFiltersSchema.extend({ depth: z.enum(MATRIX_DEPTHS).optional() }).strict();

export const matrixSchema = z.object({
  generatedAt: z.string(),
  depth: z.enum(MATRIX_DEPTHS),
  columns: z.array(scopeColumnSchema),
  workspaces: z.array(matrixWorkspaceSchema),
  baseline: baselineSchema.nullable(),
  /** scope bundles synced from the workspaces, by name (candidates for the agency baseline) */
  bundles: z.array(z.object({ name: z.string(), scopes: z.array(z.string()), workspaces: z.number().int() })),
  totals: z.object({ workspaces: z.number().int(), credentials: z.number().int(), grants: z.number().int(), overGrants: z.number().int(), drift: z.number().int() }),
  /** the oldest successful sync among the shown workspaces (how stale the view may be) */
  oldestSyncAt: z.string().nullable(),
  counts: credentialCountsSchema,
});
export type Matrix = z.infer<typeof matrixSchema>;

export const inventorySyncResultSchema = z.object({
  workspaces: z.array(
    z.object({
      workspaceId: z.string(),
      name: z.string(),
      ok: z.boolean(),
      added: z.number().int(),
      changed: z.number().int(),
      removed: z.number().int(),
      unchanged: z.number().int(),
      skipped: z.boolean(),
      error: appErrorSchema.nullable(),
    }),
  ),
  syncedAt: z.string(),
});
export type InventorySyncResult = z.infer<typeof inventorySyncResultSchema>;

export const credentialDetailSchema = credentialSummarySchema.extend({
  workspaceName: z.string(),
  prefix: z.string().nullable(),
  lastFour: z.string().nullable(),
  ipAllowlist: z.array(z.string()),
  rateLimitPerMinute: z.number().nullable(),
  dailyQuota: z.number().nullable(),
  graceEndsAt: z.string().nullable(),
  rotatedFrom: z.string().nullable(),
  secretCreatedAt: z.string().nullable(),
  firstSeenAt: z.string(),
  sync: inventorySyncStateSchema,
  /** daily call counts for the last 30 days (oldest first) from the cached audit log; null when the audit log is not synced */
  activity: z
    .object({ days: z.array(z.object({ date: z.string(), calls: z.number().int(), errors: z.number().int() })), total: z.number().int() })
    .nullable(),
  auditState: z.enum(['synced', 'not_synced']),
  /** every active install of the same app (client id), this one included: the "revoke from all" targets */
  sameAppInstalls: z.array(z.object({ workspaceId: z.string(), workspaceName: z.string(), credentialId: z.string() })),
  /** the latest successful revocation of this credential recorded here, with whether it is fully effective yet */
  revocation: revocationRecordSchema.nullable(),
});
export type CredentialDetail = z.infer<typeof credentialDetailSchema>;


const revokeInputBase = z
  .object({
    workspace: workspaceRefSchema.optional(),
    credentialId: credentialIdSchema.optional(),
    /** bulk: one entry per workspace (e.g. app X in 12 workspaces); each is revoked separately */
    targets: z.array(revokeTargetSchema).min(1).max(1000).optional(),
    /** the typed confirmation: the workspace name for one target, the number of targets for bulk */
    confirm: z.string().max(200).optional(),
    /** CLI only (`--yes`): confirms without typing; refused over IPC and serve */
    yes: z.boolean().optional(),
  })
  .strict();

const oneShape = (v: { workspace?: string | undefined; credentialId?: string | undefined; targets?: unknown[] | undefined }) =>
  (v.targets !== undefined) !== (v.workspace !== undefined && v.credentialId !== undefined) &&
  !(v.targets !== undefined && (v.workspace !== undefined || v.credentialId !== undefined));

export const inventoryCommands = {
  'inventory.sync': command({
    input: z
      .object({
        workspace: workspaceRefSchema.optional(),
        /** skip workspaces synced less than this many seconds ago (incremental refresh); 0 syncs all */
        maxAgeSeconds: z.number().int().min(0).max(86400).optional(),
      })
      .strict(),
    output: inventorySyncResultSchema,
    mutates: true,
    localOnly: true,
    reviewLog: 'Synced the credential inventory',
    cli: { words: ['credentials', 'sync'], positionals: ['workspace'], summary: 'Sync the credential inventory (one workspace, or all)' },
  }),
  'inventory.credentials': command({
    input: z
      .object({
        workspace: workspaceRefSchema.optional(),
        search: z.string().max(200).optional(),
        types: z.array(credentialTypeSchema).optional(),
        scopes: z.array(scopeNameSchema).max(50).optional(),
        includeRevoked: z.boolean().optional(),
      })
      .strict(),
    output: z.object({
      credentials: z.array(credentialSummarySchema.extend({ workspaceName: z.string() })),
      workspaces: z.array(z.object({ id: z.string(), name: z.string(), sync: inventorySyncStateSchema })),
      counts: credentialCountsSchema,
    }),
    mutates: false,
    cli: { words: ['credentials'], positionals: ['workspace'], summary: 'List credentials from the cache (offline), with the cache age' },
  }),
  'inventory.matrix': command({
    input: matrixInputSchema,
    output: matrixSchema,
    mutates: false,
    cli: { words: ['scopes', 'matrix'], summary: 'Scope matrix: workspaces x credentials x scopes (--csv for CSV)' },
  }),
  'inventory.matrixCsv': command({
    input: matrixFiltersSchema,
    /** the same matrix as RFC 4180, formula-safe CSV text (the CLI prints it as is) */
    output: z.string(),
    mutates: false,
    reviewLog: 'Exported the scope matrix',
    cli: { words: ['scopes', 'matrix', '--csv'], summary: 'The scope matrix as RFC 4180, formula-safe CSV (same filters as scopes matrix)' },
  }),
  'inventory.credential': command({
    input: z.object({ workspace: workspaceRefSchema, credentialId: credentialIdSchema }).strict(),
    output: credentialDetailSchema,
    mutates: false,
    reviewLog: 'Opened a credential',
    cli: { words: ['credentials', 'show'], positionals: ['workspace', 'credentialId'], summary: 'One credential in detail, with recent activity' },
  }),
  'inventory.markReviewed': command({
    input: z.object({ workspaces: z.array(workspaceRefSchema).max(1000).optional() }).strict(),
    output: z.object({ reviewed: z.array(z.object({ workspaceId: z.string(), reviewedAt: z.string() })) }),
    mutates: true,
    cli: { words: ['scopes', 'mark-reviewed'], positionals: ['workspaces'], variadic: 'workspaces', summary: 'Mark the current grants reviewed (clears drift)' },
  }),
  'inventory.setBaseline': command({
    input: z
      .object({
        name: z.string().min(1).max(200).optional(),
        scopes: z.array(scopeNameSchema).max(200).optional(),
        /** take the scopes of a synced scope bundle with this name (or id) */
        bundle: z.string().min(1).max(200).optional(),
        clear: z.boolean().optional(),
      })
      .strict()
      .refine((v) => [v.scopes !== undefined, v.bundle !== undefined, v.clear === true].filter(Boolean).length === 1, {
        message: 'give exactly one of scopes, bundle or clear',
      }),
    output: z.object({ baseline: baselineSchema.nullable() }),
    mutates: true,
    cli: { words: ['scopes', 'baseline'], summary: 'Set the agency baseline bundle (--bundle NAME or --scopes a,b) or --clear' },
  }),
  'inventory.revokePreview': command({
    input: revokeInputBase.omit({ confirm: true, yes: true }).strict().refine(oneShape, { message: 'give workspace and credentialId, or targets' }),
    output: revokePreviewSchema,
    mutates: false,
    cli: { words: ['revoke', 'preview'], positionals: ['workspace', 'credentialId'], summary: 'What a revocation would break (from the cached audit log)' },
  }),
  'inventory.revoke': command({
    input: revokeInputBase
      .refine(oneShape, { message: 'give workspace and credentialId, or targets' })
      .refine((v) => (v.confirm !== undefined && v.confirm !== '') || v.yes === true, {
        message: 'confirmation required: type the workspace name (or the count for bulk) in confirm, or pass --yes on the command line',
        path: ['confirm'],
      }),
    output: revokeResultSchema,
    mutates: true,
    cli: { words: ['revoke'], positionals: ['workspace', 'credentialId'], summary: 'Revoke one credential or app grant in one workspace (needs --yes)' },
  }),
  'inventory.revocation': command({
    input: z.object({ id: z.number().int().min(1) }).strict(),
    output: revocationRecordSchema,
    mutates: false,
    cli: { words: ['revocations', 'show'], positionals: ['id'], summary: 'One recorded revocation: its access-token tail and whether it is fully effective (checked against the cached audit log)' },
  }),
  'inventory.revocations': command({
    input: z.object({ workspace: workspaceRefSchema.optional(), limit: z.number().int().min(1).max(5000).optional() }).strict(),
    output: z.object({ revocations: z.array(revocationRecordSchema) }),
    mutates: false,
    cli: { words: ['revocations'], positionals: ['workspace'], summary: 'Revocation history recorded on this machine' },
  }),
} as const;
