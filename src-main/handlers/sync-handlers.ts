import type { HandlerMap } from '../rpc/handlers.ts';
import type { Services } from '../services/services.ts';

export function syncHandlers(s: Services): HandlerMap<'sync.all' | 'sync.health'> {
  return {
    'sync.all': (i) => s.sync.all(i),
    'sync.health': () => s.sync.health(),
  };
}
