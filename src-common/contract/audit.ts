// Contract commands of the audit domain: sync of the platform's hash-chained audit log into the local cache, the offline
// explorer (keyset pages, filters, full text, timeline), verifiable exports and their offline verification.
import { z } from 'zod';
import { command } from './define.ts';
import { exportIdSchema, taskIdSchema, workspaceIdSchema } from './ids.ts';

export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
/** Which door a call came through: the REST API, the platform's MCP endpoint (a tool call), an inbound webhook delivery. */
export const AUDIT_SURFACES = ['api', 'mcp', 'webhook'] as const;
export type AuditSurface = (typeof AUDIT_SURFACES)[number];

/** An ISO-8601 instant with offset, or a calendar date (`2026-02-01`, read as UTC midnight). */
export const auditInstantSchema = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

/** Explorer and export filters. Every field narrows; absent means "any". Kept verbatim in export manifests. */
export const auditFilterShape = {
  workspaces: z.array(workspaceIdSchema).max(500).optional(),
  credential: z.string().min(1).max(300).optional(),
  credentialType: z.string().min(1).max(100).optional(),
  /** one IP (v4 or v6) or a CIDR block */
  ip: z.string().min(2).max(64).optional(),
  /** exact endpoint path, or a prefix when it ends with `*` (e.g. `/v1/contacts*`) */
  endpoint: z.string().min(1).max(500).optional(),
  method: z.string().min(1).max(16).optional(),
  statusClass: z.array(z.enum(STATUS_CLASSES)).max(5).optional(),
  pii: z.boolean().optional(),
  /** ISO-8601 instant (or a date, UTC midnight: `2026-02-01`), inclusive */
  from: auditInstantSchema.optional(),
  /** ISO-8601 instant (or a date, UTC midnight: `2026-03-01`), exclusive */
  to: auditInstantSchema.optional(),
  /** full-text words (all must match; the last one as a prefix) */
  q: z.string().max(500).optional(),
  /**
   * Grantdesk's own sync calls (events of a credential that is a grant of Grantdesk's own OAuth client in that
   * workspace, as the connections domain and the inventory know it): 'exclude' hides them; absent or 'include' keeps
   * them. The explorer hides them by default (its route then carries no own-traffic flag).
   */
  ownTraffic: z.enum(['include', 'exclude']).optional(),
  /** api (also every event of a platform that does not say), mcp (MCP tool calls) or webhook (inbound deliveries) */
  surface: z.enum(AUDIT_SURFACES).optional(),
  /** exact MCP tool name (the events of MCP calls that named this tool) */
  mcpTool: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/).optional(),
};
export const auditFilterSchema = z.object(auditFilterShape).strict();
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export const auditEventRowSchema = z.object({
  workspaceId: z.string(),
  seq: z.number().int(),
  eventId: z.string(),
  occurredAt: z.string(),
  credentialId: z.string().nullable(),
  credentialType: z.string().nullable(),
  callerIp: z.string().nullable(),
  method: z.string().nullable(),
  endpoint: z.string().nullable(),
  status: z.number().int().nullable(),
  durationMs: z.number().nullable(),
  piiAccessed: z.boolean(),
  /** the event's params as JSON text: hostile, render as inert text only */
  paramsJson: z.string(),
  /** api when the platform did not say (an older platform) */
  surface: z.enum(AUDIT_SURFACES),
  /** the MCP tool an MCP call named (surface mcp only), else null */
  mcpTool: z.string().nullable(),
  /** the workspace's name (connections directory); null when this Grantdesk does not know it */
  workspaceName: z.string().nullable(),
  /** the credential's name (inventory cache); null before an inventory sync or for a credential the platform no longer lists */
  credentialName: z.string().nullable(),
  /** a call Grantdesk itself made (its own grant into the workspace) */
  own: z.boolean(),
});
export type AuditEventRow = z.infer<typeof auditEventRowSchema>;

/**
 * How far the full-text index reaches: it is built behind the sync (the indexer), so right after a large sync it may
 * cover fewer events than the cache holds; full-text answers cover only `indexedEvents`.
 */
export const searchCoverageSchema = z.object({ indexedEvents: z.number().int(), cachedEvents: z.number().int() });
export type SearchCoverage = z.infer<typeof searchCoverageSchema>;

export const auditPageSchema = z.object({
  rows: z.array(auditEventRowSchema),
  /** opaque keyset cursor for the next (older) page; null at the end */
  nextCursor: z.string().nullable(),
  /** with full text (q): the events the answer covers; every other filter always covers the whole cache */
  search: searchCoverageSchema.optional(),
});
export type AuditPage = z.infer<typeof auditPageSchema>;

export const chainStatusSchema = z.object({
  /** the stored event re-hashes to its stored hash (JCS + SHA-256, computed here) */
  hashValid: z.boolean(),
  /** its prev_hash equals the stored hash of seq-1 (or 64 zeros at seq 1) */
  linkValid: z.boolean(),
  /** seq is at or below the workspace's verified chain head */
  withinVerifiedHead: z.boolean(),
  /** a tamper alarm was raised for this exact seq */
  tampered: z.boolean(),
  prevHash: z.string(),
  hash: z.string(),
  verifiedHeadSeq: z.number().int(),
});

export const auditEventDetailSchema = z.object({ event: auditEventRowSchema, chain: chainStatusSchema });

export const gapSchema = z.object({ fromSeq: z.number().int(), toSeq: z.number().int(), detectedAt: z.string(), resolvedAt: z.string().nullable() });
export const tamperSchema = z.object({ seq: z.number().int(), detectedAt: z.string(), reason: z.string() });

export const workspaceAuditStatusSchema = z.object({
  workspaceId: z.string(),
  cursorSeq: z.number().int(),
  headHash: z.string(),
  remoteHeadSeq: z.number().int().nullable(),
  eventCount: z.number().int(),
  lastSyncAt: z.string().nullable(),
  lastError: z.string().nullable(),
  state: z.enum(['never', 'ok', 'behind', 'gap', 'tamper', 'error']),
  gaps: z.array(gapSchema),
  tamper: z.array(tamperSchema),
});
export type WorkspaceAuditStatus = z.infer<typeof workspaceAuditStatusSchema>;

export const syncResultSchema = z.object({
  workspaceId: z.string(),
  outcome: z.enum(['ok', 'tamper', 'gap', 'error', 'rate_limited', 'cancelled']),
  inserted: z.number().int(),
  cursorSeq: z.number().int(),
  remoteHeadSeq: z.number().int().nullable(),
  /** a sentence; for rate_limited it says when to retry */
  message: z.string().nullable(),
  /** rate_limited: the instant the platform said to retry after (from its Retry-After header), or null */
  retryAt: z.string().nullable(),
});

export const manifestWorkspaceSchema = z.object({
  workspaceId: z.string(),
  rows: z.number().int(),
  firstSeq: z.number().int().nullable(),
  lastSeq: z.number().int().nullable(),
  chain: z.object({
    status: z.enum(['verified', 'tamper', 'unsynced']),
    headSeq: z.number().int(),
    headHash: z.string(),
    tamperSeqs: z.array(z.number().int()),
  }),
  gaps: z.array(z.object({ fromSeq: z.number().int(), toSeq: z.number().int() })),
});

export const exportManifestSchema = z.object({
  manifestVersion: z.literal(1),
  exportId: z.string(),
  generatedAt: z.string(),
  appVersion: z.string(),
  file: z.string(),
  format: z.enum(['csv', 'jsonl']),
  encoding: z.literal('utf-8'),
  bom: z.boolean(),
  filters: z.record(z.string(), z.unknown()),
  timeRange: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  columns: z.array(z.string()),
  rowCount: z.number().int(),
  byteLength: z.number().int(),
  sha256: z.string(),
  workspaces: z.array(manifestWorkspaceSchema),
  /** present when the export was made in review mode (review domain): who exported, under which reviews */
  review: z.object({ bundleId: z.string(), reviewIds: z.array(z.string()), reviewer: z.object({ name: z.string(), email: z.string() }), expiresAt: z.string() }).optional(),
});
export type ExportManifest = z.infer<typeof exportManifestSchema>;

export const exportRecordSchema = z.object({
  exportId: z.string(),
  createdAt: z.string(),
  path: z.string(),
  manifestPath: z.string(),
  format: z.enum(['csv', 'jsonl']),
  bom: z.boolean(),
  rowCount: z.number().int(),
  byteLength: z.number().int(),
  sha256: z.string(),
  filtersJson: z.string(),
  /** names for the ids in the filters (workspaces: connections directory; credential: inventory), for filters in words */
  filterNames: z.object({ workspaces: z.record(z.string(), z.string()), credential: z.string().nullable() }),
  lastVerifiedAt: z.string().nullable(),
  lastVerifyOk: z.boolean().nullable(),
});
export type ExportRecord = z.infer<typeof exportRecordSchema>;

/** Who called: the filtered events by credential (per workspace) and by caller IP, with first and last seen. */
export const summaryCredentialSchema = z.object({
  workspaceId: z.string(),
  workspaceName: z.string().nullable(),
  credentialId: z.string().nullable(),
  credentialType: z.string().nullable(),
  credentialName: z.string().nullable(),
  own: z.boolean(),
  calls: z.number().int(),
  firstAt: z.string(),
  lastAt: z.string(),
});
export const summaryIpSchema = z.object({
  ip: z.string().nullable(),
  calls: z.number().int(),
  firstAt: z.string(),
  lastAt: z.string(),
});
export const auditSummarySchema = z.object({
  /** exact number of cached events matching the filters (a COUNT, not a page length) */
  count: z.number().int(),
  /** events of Grantdesk's own sync calls that match the other filters (hidden when ownTraffic is 'exclude') */
  ownCalls: z.number().int(),
  byCredential: z.array(summaryCredentialSchema),
  /** distinct (workspace, credential) pairs; byCredential holds the busiest `top` */
  credentialsTotal: z.number().int(),
  byCallerIp: z.array(summaryIpSchema),
  ipsTotal: z.number().int(),
  /** the cache: workspaces with at least one synced page, and the newest sync */
  cache: z.object({ syncedWorkspaces: z.number().int(), lastSyncAt: z.string().nullable(), search: searchCoverageSchema.optional() }),
  /** credentials whose names the inventory cache knows (0: inventory never synced, names and own calls unknown) */
  namedCredentials: z.number().int(),
});
export type AuditSummary = z.infer<typeof auditSummarySchema>;

export const verifyCheckSchema = z.object({ name: z.string(), ok: z.boolean(), detail: z.string() });
export const verifyReportSchema = z.object({ ok: z.boolean(), manifestPath: z.string(), exportId: z.string(), checks: z.array(verifyCheckSchema) });
export type VerifyReport = z.infer<typeof verifyReportSchema>;

export const auditCommands = {
  'audit.sync': command({
    input: z.object({ workspaces: z.array(workspaceIdSchema).max(500).optional(), taskId: taskIdSchema.optional() }).strict(),
    output: z.object({ results: z.array(syncResultSchema) }),
    mutates: true,
    localOnly: true,
    reviewLog: 'Synced the audit log',
    cli: { words: ['audit', 'sync'], positionals: ['workspaces'], variadic: 'workspaces', summary: 'Sync only the audit events of connected workspaces (all when none named) into the local cache, verifying the hash chain (`grantdesk sync` also syncs the inventory)' },
  }),
  'audit.query': command({
    input: z.object({ ...auditFilterShape, cursor: z.string().max(200).optional(), limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    output: auditPageSchema,
    mutates: false,
    reviewLog: 'Searched the audit log',
    cli: { words: ['audit', 'query'], summary: 'Query cached audit events, newest first (works offline), e.g. --endpoint /v1/contacts/export --from 2025-02-01T00:00:00Z' },
  }),
  'audit.timeline': command({
    input: z.object({ ...auditFilterShape, buckets: z.number().int().min(1).max(1000).default(120) }).strict(),
    output: z.object({ fromMs: z.number(), toMs: z.number(), bucketMs: z.number(), counts: z.array(z.number().int()), total: z.number().int() }),
    mutates: false,
    cli: { words: ['audit', 'timeline'], summary: 'Event counts over time for the given filters' },
  }),
  'audit.summary': command({
    input: z.object({ ...auditFilterShape, top: z.number().int().min(1).max(500).default(50) }).strict(),
    output: auditSummarySchema,
    mutates: false,
    cli: { words: ['audit', 'summary'], summary: 'Exact count of cached events for the filters, and who made them: by credential and by caller IP, with first and last seen' },
  }),
  'audit.event': command({
    input: z.object({ workspaceId: workspaceIdSchema, seq: z.number().int().min(1) }).strict(),
    output: auditEventDetailSchema,
    mutates: false,
    reviewLog: 'Opened an audit event',
    cli: { words: ['audit', 'event'], positionals: ['workspaceId', 'seq'], summary: 'Show one cached event with its chain status' },
  }),
  'audit.status': command({
    input: z.object({ workspaces: z.array(workspaceIdSchema).max(500).optional() }).strict(),
    output: z.object({ workspaces: z.array(workspaceAuditStatusSchema) }),
    mutates: false,
    cli: { words: ['audit', 'status'], positionals: ['workspaces'], variadic: 'workspaces', summary: 'Per-workspace sync cursor, verified chain head, gaps and tamper alarms' },
  }),
  'audit.export': command({
    input: z
      .object({
        ...auditFilterShape,
        /** CLI: any path. UI/serve: a file name inside the data dir's exports folder (default: a generated name). */
        out: z.string().min(1).max(4096).optional(),
        format: z.enum(['csv', 'jsonl']).default('csv'),
        bom: z.boolean().default(false),
        /** CLI only (file access anywhere): replace an existing file and its manifest on purpose; otherwise one is refused */
        force: z.boolean().default(false),
        taskId: taskIdSchema.optional(),
      })
      .strict(),
    output: z.object({ exportId: z.string(), path: z.string(), manifestPath: z.string(), rowCount: z.number().int(), byteLength: z.number().int(), sha256: z.string() }),
    mutates: false,
    reviewLog: 'Exported audit events',
    cli: { words: ['export', 'audit'], summary: 'Export cached audit events to CSV (RFC 4180, formula-safe) or JSON Lines with a verifiable manifest beside it' },
  }),
  'audit.cancel': command({
    input: z.object({ taskId: taskIdSchema }).strict(),
    output: z.object({ cancelled: z.boolean() }),
    mutates: false,
  }),
  'audit.verify': command({
    input: z.object({ manifest: z.string().min(1).max(4096).optional(), exportId: exportIdSchema.optional() }).strict(),
    output: verifyReportSchema,
    mutates: false,
    reviewLog: 'Verified an export',
    cli: { words: ['verify'], positionals: ['manifest'], summary: 'Re-check an export offline against its manifest (bytes, SHA-256, rows, order, per-event hashes and chain links)' },
  }),
  'audit.openExport': command({
    input: z.object({ exportId: exportIdSchema }).strict(),
    output: z.object({ action: z.enum(['revealed', 'downloaded']), fileName: z.string() }),
    mutates: false,
  }),
  'audit.exports': command({
    input: z.object({ limit: z.number().int().min(1).max(1000).default(100) }).strict(),
    output: z.object({ exports: z.array(exportRecordSchema) }),
    mutates: false,
    cli: { words: ['export', 'history'], summary: 'List past exports and their last verification' },
  }),
} as const;
