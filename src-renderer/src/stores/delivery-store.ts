// Delivery targets the app may offer (set up on the command line only: this window can name a target, never give a
// command) and what to do with a secret whose delivery failed: show it once, try another target, or forget it. A
// revealed secret is RETURNED to the dialog that shows it once; it never enters this store. Created once in
// createAppStores.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { AppErrorData, Delivered, DeliveryFailure, DeliveryTarget } from '../../../src-common/contract/index.ts';

export interface DeliveryState {
  targets: DeliveryTarget[];
  /** the list was read at least once (an empty list then means none are set up) */
  loaded: boolean;
  busy: boolean;
  error: AppErrorData | null;
  load(): Promise<void>;
  /** delivery.reveal: the held secret, for the caller's dialog to show once; null on error */
  reveal(pendingId: string): Promise<string | null>;
  /** delivery.retry to a configured target; null on error */
  retry(pendingId: string, target: string): Promise<{ delivered: Delivered | null; deliveryFailed: DeliveryFailure | null } | null>;
  discard(pendingId: string): Promise<void>;
  dismissError(): void;
}
export type DeliveryStore = StoreApi<DeliveryState>;

export function createDeliveryStore(api: GrantdeskApi): DeliveryStore {
  return createStore<DeliveryState>()((set) => ({
    targets: [],
    loaded: false,
    busy: false,
    error: null,
    async load() {
      const r = await api.deliveryList({});
      if (r.ok) set({ targets: r.value.targets, loaded: true });
      else set({ error: r.error, loaded: true });
    },
    async reveal(pendingId) {
      set({ busy: true, error: null });
      const r = await api.deliveryReveal({ pendingId });
      set({ busy: false });
      if (!r.ok) {
        set({ error: r.error });
        return null;
      }
      return r.value.secret;
    },
    async retry(pendingId, target) {
      set({ busy: true, error: null });
      const r = await api.deliveryRetry({ pendingId, deliverTo: target });
      set({ busy: false });
      if (!r.ok) {
        set({ error: r.error });
        return null;
      }
      return { delivered: r.value.delivered ?? null, deliveryFailed: r.value.deliveryFailed ?? null };
    },
    async discard(pendingId) {
      await api.deliveryDiscard({ pendingId });
    },
    dismissError() {
      set({ error: null });
    },
  }));
}

export const selectDeliveryTargets = (s: DeliveryState) => s.targets;
export const selectDeliveryLoaded = (s: DeliveryState) => s.loaded;
export const selectDeliveryBusy = (s: DeliveryState) => s.busy;
export const selectDeliveryError = (s: DeliveryState) => s.error;
