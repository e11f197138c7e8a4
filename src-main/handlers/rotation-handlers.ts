// Rotation domain: contract command → service call. Thin on purpose.
import type { HandlerMap } from '../rpc/handlers.ts';
import type { Services } from '../services/services.ts';

type RotationCommand =
  | 'keys.list'
  | 'keys.create'
  | 'rotation.start'
  | 'rotation.advance'
  | 'rotation.status'
  | 'rotation.endGrace'
  | 'rotation.rotate'
  | 'rotation.calendar'
  | 'serviceTokens.mint'
  | 'clients.list'
  | 'clients.create'
  | 'clients.rotate'
  | 'clients.disable'
  | 'clients.enable'
  | 'clients.usage'
  | 'reconsent.plan';

export function rotationHandlers(s: Services): HandlerMap<RotationCommand> {
  const r = s.rotation;
  return {
    'keys.list': (i) => r.rotation.keysList(i),
    'keys.create': (i) => r.rotation.keysCreate(i),
    'rotation.start': (i) => r.rotation.start(i),
    'rotation.advance': (i) => r.rotation.advance(i),
    'rotation.status': (i) => r.rotation.status(i),
    'rotation.endGrace': (i) => r.rotation.endGrace(i),
    'rotation.rotate': (i) => r.rotation.rotateNow(i),
    'rotation.calendar': (i) => r.calendar(i),
    'serviceTokens.mint': (i) => r.clients.mintServiceToken(i),
    'clients.list': (i) => r.clients.list(i),
    'clients.create': (i) => r.clients.create(i),
    'clients.rotate': (i) => r.clients.rotate(i),
    'clients.disable': (i) => r.clients.setEnabled(i, false),
    'clients.enable': (i) => r.clients.setEnabled(i, true),
    'clients.usage': (i) => r.clients.usage(i),
    'reconsent.plan': (i) => r.clients.reconsentPlan(i),
  };
}
