// The rotation domain's one public entry: its services, built once in composition.ts. Other domains' data reaches rotation
// only as ports (RotationReadPorts: their read models); the rot_* tables are read and written only inside services/rotation.
import { buildCalendar } from './calendar.ts';
import { createClientsService } from './clients-service.ts';
import type { RotationDeps } from './deps.ts';
import { createRotationService } from './rotation-service.ts';
import { createWizardRepo } from './wizard-repo.ts';
import type { Db } from '../../ports/db.ts';

export type { RotationDeps, RotationReadPorts, PlatformEndpoints } from './deps.ts';

export function createRotationServices(deps: RotationDeps) {
  const rotation = createRotationService(deps);
  const clients = createClientsService(deps);
  return {
    rotation,
    clients,
    calendar: (input: Parameters<typeof buildCalendar>[1]) => buildCalendar(deps, input),
  };
}
/** An auditor review's purge of these workspaces' rotation wizards and logs; run with secure_delete on. */
export function createRotationPurge(db: Db): (workspaceIds: readonly string[]) => void {
  const repo = createWizardRepo(db);
  return (ids) => repo.purgeWorkspaces(ids);
}
export type RotationServices = ReturnType<typeof createRotationServices>;
