// Contract commands `sync.*`: one sync that brings the local cache (audit log AND credential inventory) up to date, and
// per workspace when each part was last synced (the Workspaces screen's health columns). Merged in index.ts.
import { z } from 'zod';
import { command } from './define.ts';
import { workspaceIdSchema } from './ids.ts';
import { syncResultSchema } from './audit.ts';
import { inventorySyncResultSchema } from './inventory.ts';

export const workspaceSyncHealthSchema = z.object({
  workspaceId: z.string(),
  /** last successful audit-log sync (null: never) and the last audit error as a sentence */
  auditSyncedAt: z.string().nullable(),
  auditError: z.string().nullable(),
  /** last successful inventory sync (null: never) and the last inventory error as a sentence */
  inventorySyncedAt: z.string().nullable(),
  inventoryError: z.string().nullable(),
});
export type WorkspaceSyncHealth = z.infer<typeof workspaceSyncHealthSchema>;

export const syncCommands = {
  'sync.all': command({
    input: z
      .object({
        workspaces: z.array(workspaceIdSchema).max(500).optional(),
        /** only the audit log (the inventory is left as it is) */
        auditOnly: z.boolean().optional(),
        /** only the credential inventory (the audit log is left as it is) */
        inventoryOnly: z.boolean().optional(),
      })
      .strict()
      .refine((v) => !(v.auditOnly && v.inventoryOnly), { message: 'choose --audit-only or --inventory-only, not both', path: ['inventoryOnly'] }),
    output: z.object({
      /** null when skipped (--inventory-only) */
      audit: z.object({ results: z.array(syncResultSchema) }).nullable(),
      /** null when skipped (--audit-only) */
      inventory: inventorySyncResultSchema.nullable(),
    }),
    mutates: true,
    localOnly: true,
    reviewLog: 'Synced the audit log and credentials',
    cli: {
      words: ['sync'],
      positionals: ['workspaces'],
      variadic: 'workspaces',
      summary: 'Bring the local cache up to date: the audit log (hash chain verified) and the credential inventory of connected workspaces (all when none named); --audit-only or --inventory-only for one part',
    },
  }),
  'sync.health': command({
    input: z.object({}).strict(),
    output: z.object({ workspaces: z.array(workspaceSyncHealthSchema) }),
    mutates: false,
    cli: { words: ['sync', 'status'], summary: 'When each workspace\'s audit log and credential inventory were last synced, and the last error of each' },
  }),
} as const;
