import type { HandlerMap } from '../rpc/handlers.ts';
import type { Services } from '../services/services.ts';

export function appHandlers(s: Services): HandlerMap<'app.health' | 'settings.get' | 'settings.set'> {
  return {
    'app.health': (_i, ctx) => s.health.health(ctx.transport),
    'settings.get': () => s.settings.get(),
    'settings.set': (patch) => s.settings.update(patch),
  };
}
