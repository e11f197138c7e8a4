// One sync for the whole local cache (`grantdesk sync`, sync.all): the audit log and the credential inventory, each
// through its own domain's entry, and per workspace when each part was last synced (sync.health). This module owns no
// table: it sees the audit and inventory domains only through the ports composition.ts hands it.
import type { InventorySyncResult, InventorySyncState, Output } from '../../../src-common/contract/index.ts';

export interface SyncPorts {
  /** the audit domain's sync (all connected workspaces when none named) */
  auditSync(workspaces: string[] | undefined): Promise<Output<'audit.sync'>>;
  /** the inventory domain's sync of one workspace, or all */
  inventorySync(workspace: string | undefined): Promise<InventorySyncResult>;
  /** the audit read model: last sync and last error per workspace */
  auditStates(): ReadonlyArray<{ workspaceId: string; lastSyncAt: string | null; lastError: string | null }>;
  /** the inventory read model: sync state per workspace */
  inventoryStates(): ReadonlyMap<string, InventorySyncState>;
  /** the workspaces this Grantdesk reaches (connected ones, or a review's) */
  workspaceIds(): string[];
}

export function createSyncService(p: SyncPorts) {
  return {
    async all(i: { workspaces?: string[]; auditOnly?: boolean; inventoryOnly?: boolean }): Promise<Output<'sync.all'>> {
      const ws = i.workspaces?.length ? [...new Set(i.workspaces)] : undefined;
      const audit = i.inventoryOnly ? null : await p.auditSync(ws);
      let inventory: InventorySyncResult | null = null;
      if (!i.auditOnly) {
        if (!ws) inventory = await p.inventorySync(undefined);
        else {
          const parts: InventorySyncResult[] = [];
          for (const w of ws) parts.push(await p.inventorySync(w));
          inventory = { workspaces: parts.flatMap((x) => x.workspaces), syncedAt: parts[parts.length - 1]!.syncedAt };
        }
      }
      return { audit, inventory };
    },
    health(): Output<'sync.health'> {
      const audit = new Map(p.auditStates().map((s) => [s.workspaceId, s]));
      const inv = p.inventoryStates();
      const ids = [...new Set([...p.workspaceIds(), ...audit.keys(), ...inv.keys()])].sort();
      return {
        workspaces: ids.map((id) => {
          const a = audit.get(id);
          const n = inv.get(id);
          return {
            workspaceId: id,
            auditSyncedAt: a?.lastSyncAt ?? null,
            auditError: a?.lastError ?? null,
            inventorySyncedAt: n?.syncedAt ?? null,
            inventoryError: n?.state === 'failed' ? (n.error?.message ?? 'The last inventory sync failed') : null,
          };
        }),
      };
    },
  };
}
export type SyncService = ReturnType<typeof createSyncService>;
