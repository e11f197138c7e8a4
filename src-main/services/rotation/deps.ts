// What the rotation services need from the outside world. Everything network goes through ports.
import type { Clock } from '../../ports/clock.ts';
import type { Db } from '../../ports/db.ts';
import type { EventBus } from '../../ports/events.ts';
import type { HttpClient } from '../../ports/http.ts';
import type { Logger } from '../../ports/logger.ts';
import type { KeyedLock } from '../../ports/lock.ts';
import type { Output } from '../../../src-common/contract/index.ts';
import type { SecretDelivery } from '../../ports/secret-delivery.ts';
import type { WorkspaceDirectory, WorkspaceRef } from '../../ports/platform.ts';
import type { PlatformClient } from '../../platform/index.ts';
import { AppError } from '../../rpc/app-error.ts';
import type { AuditReadModel } from '../audit/index.ts';
import type { DirectoryReadModel, PlatformEndpoints } from '../connections/index.ts';
import type { InventoryReadModel } from '../inventory/index.ts';
import type { ReviewReadModel } from '../review/index.ts';

export type { PlatformEndpoints } from '../connections/index.ts';

/** Read models of the other domains, passed in by composition.ts (rotation never reads another domain's tables). */
export interface RotationReadPorts {
  /** audit cache: coverage and the traffic of an old and a new key since a rotation */
  audit: Pick<AuditReadModel, 'coverage' | 'graceTraffic' | 'forEachCall'>;
  /** inventory cache: credentials for the expiry calendar */
  inventory: Pick<InventoryReadModel, 'credentials' | 'scopeRoutes' | 'scopeCatalogue'>;
  /** connections: Grantdesk's own grant per workspace (scopes, consent time) */
  grants: Pick<DirectoryReadModel, 'ownGrant' | 'ownGrants'>;
  /** reviews: when auditor review grants end */
  reviews: Pick<ReviewReadModel, 'grantEnds'>;
}

export interface RotationDeps extends RotationReadPorts {
  db: Db;
  clock: Clock;
  bus: EventBus;
  logger: Logger;
  workspaces: WorkspaceDirectory;
  /** the one platform client (over the routed WorkspaceApi: the review's grant in review mode) */
  platform: PlatformClient;
  /** re-reads one workspace's inventory after a credential changed in place (guardrails edit), so the cache shows it */
  refreshInventory?: (workspaceId: string) => Promise<void>;
  /** direct calls made with a new key or client secret rather than a workspace grant */
  http: HttpClient;
  endpoints: (workspaceId: string) => Promise<PlatformEndpoints>;
  /** runs a delivery target's command with a new secret on its stdin (adapters/deliver-command.ts) */
  secretDelivery: SecretDelivery;
  /** rotation waves: the audit domain's sync of these workspaces (the gate reads the synced cache) */
  syncAudit?: (workspaceIds: string[]) => Promise<Output<'audit.sync'>>;
  /** rotation waves: one process at a time advances a wave (adapters/file-lock.ts) */
  lock?: KeyedLock;
}

export function resolveWorkspace(deps: RotationDeps, ref: string): WorkspaceRef {
  const list = deps.workspaces.list();
  const lower = ref.toLowerCase();
  const ws = list.find((w) => w.id === ref) ?? list.find((w) => w.name.toLowerCase() === lower);
  if (!ws) throw new AppError('not_found', `No connected workspace "${ref.slice(0, 80)}"`);
  if (ws.status === 'needs_reconsent') throw new AppError('needs_reconsent', `Workspace ${ws.name} needs to be reconnected`);
  if (ws.status === 'disconnected') throw new AppError('not_found', `Workspace ${ws.name} is disconnected`);
  return ws;
}

export const iso = (ms: number) => new Date(ms).toISOString();
