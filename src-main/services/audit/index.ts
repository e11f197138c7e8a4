// The audit domain's one public entry. Other domains (and composition.ts) import the audit domain only from here; the
// audit tables are read and written only inside services/audit (test/node/architecture/table-ownership.test.ts).
export { createAuditService, type AuditService, type AuditServiceDeps } from './audit-service.ts';
export type { ReplayCall } from './replay.ts';
export { createAuditReadModel, routeOf, type Activity, type AuditReadModel, type Coverage, type EndpointUse, type IpUse, type Usage } from './read-model.ts';
export { verifyExport } from './verify.ts';
export { createArchiveService, type ArchiveService } from './archive-service.ts';
export type { AuditNameSource } from './names.ts';

import type { Db } from '../../ports/db.ts';
import { createAuditRepo } from './repo.ts';
/** An auditor review's purge of these workspaces from every audit table (full-text index first); run with secure_delete on. */
export function createAuditPurge(db: Db): (workspaceIds: readonly string[]) => void {
  const repo = createAuditRepo(db);
  const anchors = db.prepare('DELETE FROM audit_archive_anchors WHERE workspace_id = ?');
  return (ids) => {
    repo.purgeWorkspaces(ids);
    for (const id of ids) anchors.run(id);
  };
}
