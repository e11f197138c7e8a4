// Contract commands `archive.*`: audit events older than the cache's retention window moved out of the cache into
// Parquet files (hive-partitioned by workspace and month, so DuckDB, Athena, Trino and Spark read the same files), with a
// manifest per run that `grantdesk verify DIR` checks file by file and event by event; the explorer's filters over them.
import { z } from 'zod';
import { command } from './define.ts';
import { auditFilterShape, auditInstantSchema, auditPageSchema } from './audit.ts';
import { archiveIdSchema, workspaceIdSchema } from './ids.ts';

/** A folder of archives: any path from the command line; from the app, a plain folder name inside the data dir's archives folder. */
const archiveFolder = z.string().min(1).max(4096);

export const archiveFileSchema = z.object({
  /** relative to the archive folder: workspace_id=…/month=YYYY-MM/part-….parquet */
  path: z.string(),
  workspaceId: z.string(),
  month: z.string().regex(/^\d{4}-\d{2}$/),
  rows: z.number().int().min(1),
  firstSeq: z.number().int().min(1),
  lastSeq: z.number().int().min(1),
  /** the chain anchors: prev_hash of the first event, hash of the last */
  firstPrevHash: z.string().regex(/^[0-9a-f]{64}$/),
  lastHash: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ArchiveFile = z.infer<typeof archiveFileSchema>;

export const archiveManifestSchema = z.object({
  manifestVersion: z.literal(1),
  archiveId: archiveIdSchema,
  createdAt: z.string(),
  appVersion: z.string(),
  /** events that occurred before this instant were archived (the retention cut) */
  before: z.string(),
  /** the audit_events columns in every file (workspace_id comes from the folder name, as hive partitioning has it) */
  columns: z.array(z.object({ name: z.string(), type: z.string() })),
  files: z.array(archiveFileSchema),
  workspaces: z.array(
    z.object({
      workspaceId: z.string(),
      rows: z.number().int(),
      firstSeq: z.number().int(),
      lastSeq: z.number().int(),
      firstPrevHash: z.string(),
      lastHash: z.string(),
    }),
  ),
  rowCount: z.number().int(),
  byteLength: z.number().int(),
});
export type ArchiveManifest = z.infer<typeof archiveManifestSchema>;

export const archiveWorkspaceResultSchema = z.object({
  workspaceId: z.string(),
  /** events moved into this run's files */
  rows: z.number().int(),
  firstSeq: z.number().int().nullable(),
  lastSeq: z.number().int().nullable(),
  files: z.number().int(),
  /** why nothing (more) was archived for it, in words; null when it was */
  skipped: z.string().nullable(),
});

export const archiveResultSchema = z.object({
  archiveId: z.string().nullable(),
  folder: z.string(),
  manifestPath: z.string().nullable(),
  before: z.string(),
  files: z.number().int(),
  rows: z.number().int(),
  bytes: z.number().int(),
  /** events removed from the cache (this run's, and an interrupted earlier run's that its manifest already holds) */
  removedFromCache: z.number().int(),
  /** of those, events an earlier run had archived without removing them (it was interrupted) */
  resumed: z.number().int(),
  workspaces: z.array(archiveWorkspaceResultSchema),
  /** Parquet files in the folder that no manifest lists (a run interrupted before its manifest): never read, never removed */
  orphans: z.array(z.string()),
});
export type ArchiveResult = z.infer<typeof archiveResultSchema>;

export const archiveCheckSchema = z.object({ name: z.string(), ok: z.boolean(), detail: z.string() });
export const archiveVerifyReportSchema = z.object({
  ok: z.boolean(),
  folder: z.string(),
  archives: z.array(z.string()),
  rows: z.number().int(),
  files: z.number().int(),
  checks: z.array(archiveCheckSchema),
  orphans: z.array(z.string()),
});
export type ArchiveVerifyReport = z.infer<typeof archiveVerifyReportSchema>;

export const archiveCommands = {
  'archive.create': command({
    input: z
      .object({
        /** the archive folder (created if absent; new runs add files beside the earlier ones, never over them) */
        out: archiveFolder,
        /** archive events that occurred before this instant (or date, UTC midnight); default: now minus the cache retention */
        before: auditInstantSchema.optional(),
        workspaces: z.array(workspaceIdSchema).max(500).optional(),
      })
      .strict(),
    output: archiveResultSchema,
    mutates: true,
    reviewLog: 'Archived audit events',
    cli: { words: ['archive'], summary: 'Move audit events older than the retention window (or --before DATE) out of the cache into Parquet files under --out DIR, with a manifest; removed from the cache only once the files are written and re-verified' },
  }),
  'archive.verify': command({
    input: z.object({ archive: archiveFolder }).strict(),
    output: archiveVerifyReportSchema,
    mutates: false,
    reviewLog: 'Verified an archive',
    cli: { words: ['archive', 'verify'], positionals: ['archive'], summary: 'Re-check an archive folder offline: every file against its manifest (bytes, SHA-256, rows), every event re-hashed, the chain across files, runs and the cache' },
  }),
  'archive.query': command({
    input: z
      .object({
        archive: archiveFolder,
        ...auditFilterShape,
        /** the cached events too, newest first across both (an event in both is shown once) */
        includeCache: z.boolean().default(false),
        cursor: z.string().max(200).optional(),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    output: auditPageSchema,
    mutates: false,
    reviewLog: 'Searched the audit archive',
    cli: { words: ['audit', 'query', '--archive'], positionals: ['archive'], summary: 'The explorer’s filters over an archive folder (DuckDB over its Parquet files), e.g. audit query --archive DIR --endpoint /v1/contacts* [--include-cache]' },
  }),
} as const;
