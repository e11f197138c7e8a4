// Rotation domain: contract command → service call. Thin on purpose.
import type { HandlerMap } from '../rpc/handlers.ts';
import type { Services } from '../services/services.ts';

type RotationCommand =
  | 'keys.list'
  | 'keys.create'
  | 'keys.editDryRun'
  | 'keys.edit'
  | 'clients.editDryRun'
  | 'clients.edit'
  | 'rotation.start'
  | 'rotation.advance'
  | 'rotation.status'
  | 'rotation.endGrace'
  | 'rotation.rotate'
  | 'rotation.due'
  | 'rotation.calendar'
  | 'serviceTokens.mint'
  | 'clients.list'
  | 'clients.create'
  | 'clients.rotate'
  | 'clients.disable'
  | 'clients.enable'
  | 'clients.usage'
  | 'reconsent.plan'
  | 'delivery.list'
  | 'delivery.add'
  | 'delivery.remove'
  | 'delivery.reveal'
  | 'delivery.retry'
  | 'delivery.discard';

export function rotationHandlers(s: Services): HandlerMap<RotationCommand> {
  const r = s.rotation;
  return {
    'keys.list': (i) => r.rotation.keysList(i),
    'keys.create': (i, ctx) => r.rotation.keysCreate(i, ctx.capabilities),
    'rotation.start': (i) => r.rotation.start(i),
    'rotation.advance': (i, ctx) => r.rotation.advance(i, ctx.capabilities),
    'rotation.status': (i) => r.rotation.status(i),
    'keys.editDryRun': (i) => r.guardrails.keysEditDryRun(i),
    'keys.edit': (i) => r.guardrails.keysEdit(i),
    'clients.editDryRun': (i) => r.guardrails.clientsEditDryRun(i),
    'clients.edit': (i) => r.guardrails.clientsEdit(i),
    'rotation.endGrace': (i) => r.rotation.endGrace(i),
    'rotation.rotate': (i, ctx) => r.rotation.rotateNow(i, ctx.capabilities),
    'rotation.due': (i, ctx) => r.due(i, ctx.capabilities),
    'rotation.calendar': (i) => r.calendar(i),
    'serviceTokens.mint': (i) => r.clients.mintServiceToken(i),
    'clients.list': (i) => r.clients.list(i),
    'clients.create': (i, ctx) => r.clients.create(i, ctx.capabilities),
    'clients.rotate': (i, ctx) => r.clients.rotate(i, ctx.capabilities),
    'clients.disable': (i) => r.clients.setEnabled(i, false),
    'clients.enable': (i) => r.clients.setEnabled(i, true),
    'clients.usage': (i) => r.clients.usage(i),
    'reconsent.plan': (i) => r.clients.reconsentPlan(i),
    'delivery.list': () => r.delivery.list(),
    'delivery.add': (i, ctx) => r.delivery.add(i, ctx.capabilities),
    'delivery.remove': (i, ctx) => r.delivery.remove(i, ctx.capabilities),
    'delivery.reveal': (i) => r.delivery.reveal(i),
    'delivery.retry': (i, ctx) => r.delivery.retry(i, ctx.capabilities),
    'delivery.discard': (i) => r.delivery.discard(i),
  };
}
