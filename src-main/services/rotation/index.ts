// The rotation domain's one public entry: its services, built once in composition.ts. Other domains' data reaches rotation
// only as ports (RotationReadPorts: their read models); the rot_* tables are read and written only inside services/rotation.
import { buildCalendar } from './calendar.ts';
import { createClientsService } from './clients-service.ts';
import type { RotationDeps } from './deps.ts';
import { createRotationService } from './rotation-service.ts';
import { createWizardRepo } from './wizard-repo.ts';

export type { RotationDeps, RotationReadPorts, PlatformEndpoints } from './deps.ts';
export { emptyDirectory } from './deps.ts';

export function createRotationServices(deps: RotationDeps) {
  const rotation = createRotationService(deps);
  const clients = createClientsService(deps);
  return {
    rotation,
    clients,
    calendar: (input: Parameters<typeof buildCalendar>[1]) => buildCalendar(deps, input),
    /** an auditor review's purge of the rot_* rows of these workspaces */
    purgeWorkspaces: (ids: readonly string[]) => createWizardRepo(deps.db).purgeWorkspaces(ids),
  };
}
export type RotationServices = ReturnType<typeof createRotationServices>;
