// The rotation domain's one public entry: its services, built once in composition.ts. Other domains' data reaches rotation
// only as ports (RotationReadPorts: their read models); the rot_* tables are read and written only inside services/rotation.
import { buildCalendar } from './calendar.ts';
import { createClientsService } from './clients-service.ts';
import { createDeliveryService } from './delivery-service.ts';
import type { RotationDeps } from './deps.ts';
import { createRotationService } from './rotation-service.ts';
import { createWizardRepo } from './wizard-repo.ts';
import { createGuardrailsService } from './guardrails-service.ts';
import { createDueRotation } from './due.ts';
import type { Db } from '../../ports/db.ts';
import { createWaveRepo } from './wave-repo.ts';
import { createWaveService } from './wave-service.ts';

export type { RotationDeps, RotationReadPorts, PlatformEndpoints } from './deps.ts';

export function createRotationServices(deps: RotationDeps) {
  const delivery = createDeliveryService({ db: deps.db, clock: deps.clock, logger: deps.logger, delivery: deps.secretDelivery });
  const rotation = createRotationService(deps, delivery);
  const clients = createClientsService(deps, delivery);
  return {
    rotation,
    clients,
    delivery,
    calendar: (input: Parameters<typeof buildCalendar>[1]) => buildCalendar(deps, input),
    /** guardrails edited in place (keys.edit, clients.edit) and their dry runs from the cache */
    guardrails: createGuardrailsService(deps),
    /** grantdesk rotate --due: every key and client secret past its age or expiry policy, delivered headless */
    /** rotation waves: one key name across many workspaces, batch by batch behind the audit log's evidence */
    waves: createWaveService(deps, delivery),
    due: createDueRotation(deps, { rotateKey: (i, caps) => rotation.rotateNow(i, caps), rotateClient: (i, caps) => clients.rotate(i, caps) }),
  };
}
/** An auditor review's purge of these workspaces' rotation wizards and logs; run with secure_delete on. */
export function createRotationPurge(db: Db): (workspaceIds: readonly string[]) => void {
  const repo = createWizardRepo(db);
  const waves = createWaveRepo(db);
  return (ids) => {
    repo.purgeWorkspaces(ids);
    waves.purgeWorkspaces(ids);
  };
}
export type RotationServices = ReturnType<typeof createRotationServices>;
