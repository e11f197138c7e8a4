import { eventSchemas, type EventName, type EventPayload } from '../../src-common/contract/index.ts';
import type { EventBus } from '../ports/events.ts';

export function createEventBus(): EventBus {
  const listeners = new Set<<E extends EventName>(name: E, payload: EventPayload<E>) => void>();
  return {
    emit(name, payload) {
      // Validated before anything leaves main, like command outputs.
      const parsed = eventSchemas[name].parse(payload) as EventPayload<typeof name>;
      for (const l of listeners) {
        try {
          l(name, parsed);
        } catch {
          // a broken transport must not break the emitter or the other listeners
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
