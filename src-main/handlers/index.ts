// One Handlers object merged from per-domain maps; the type makes a missing handler a compile error.
import type { Handlers } from '../rpc/handlers.ts';
import type { Services } from '../services/services.ts';
import { appHandlers } from './app-handlers.ts';
import { connectionsHandlers } from './connections-handlers.ts';
import { inventoryHandlers } from './inventory-handlers.ts';
import { rotationHandlers } from './rotation-handlers.ts';
import { auditHandlers } from './audit-handlers.ts';
import { archiveHandlers } from './archive-handlers.ts';
import { reviewHandlers } from './review-handlers.ts';
import { syncHandlers } from './sync-handlers.ts';
import { bundlesHandlers } from './bundles-handlers.ts';
import { policyHandlers } from './policy-handlers.ts';
import { alertsHandlers } from './alerts-handlers.ts';
import { waveHandlers } from './wave-handlers.ts';
import { incidentHandlers } from './incident-handlers.ts';
import { offboardingHandlers } from './offboarding-handlers.ts';

export function createHandlers(s: Services): Handlers {
  return {
    ...appHandlers(s),
    ...connectionsHandlers(s),
    ...inventoryHandlers(s),
    ...rotationHandlers(s),
    ...auditHandlers(s),
    ...archiveHandlers(s),
    ...reviewHandlers(s),
    ...syncHandlers(s),
    ...bundlesHandlers(s),
    ...policyHandlers(s),
    ...alertsHandlers(s),
    ...waveHandlers(s),
    ...incidentHandlers(s),
    ...offboardingHandlers(s),
  };
}
