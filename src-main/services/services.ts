import type { ConnectionsService } from './connections/index.ts';
import type { HealthService } from './health-service.ts';
import type { InventoryService } from './inventory/index.ts';
import type { SettingsService } from './settings-service.ts';
import type { RotationServices } from './rotation/index.ts';
import type { ArchiveService, AuditService } from './audit/index.ts';
import type { ReviewFacade } from './review/index.ts';
import type { SyncService } from './sync/index.ts';
import type { BundlesService } from './bundles/index.ts';
import type { PolicyService } from './policy/index.ts';
import type { AlertsService } from './alerts/index.ts';
import type { IncidentService } from './incident/index.ts';
import type { OffboardingService } from './offboarding/index.ts';

/** Every service the handlers may call. Built once in composition.ts. */
export interface Services {
  health: HealthService;
  settings: SettingsService;
  connections: ConnectionsService;
  inventory: InventoryService;
  rotation: RotationServices;
  audit: AuditService;
  /** audit events older than the retention window, in Parquet files (grantdesk archive, verify DIR, audit query --archive) */
  archive: ArchiveService;
  review: ReviewFacade;
  /** the whole cache in one sync (audit + inventory) and per-workspace sync ages */
  sync: SyncService;
  /** scope bundles managed live and pushed across workspaces */
  bundles: BundlesService;
  /** the agency policy file, workspace tags, policy checks */
  policy: PolicyService;
  /** alerts: webhook, notifications, snoozes */
  alerts: AlertsService;
  /** leaked-secret response: identify a pasted secret, its activity, revoke or rotate it, the evidence pack */
  incident: IncidentService;
  /** offboarding / emergency revoke of one integration or staff member across workspaces */
  offboarding: OffboardingService;
}
