import type { EventName, EventPayload } from '../../src-common/contract/index.ts';

export interface EventBus {
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
  subscribe(listener: <E extends EventName>(name: E, payload: EventPayload<E>) => void): () => void;
}
