// Live app health (version, data dir, keychain, online, review mode). Refreshed on every state.changed event.
import { coalesced } from './coalesce.ts';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { AppErrorData, Health } from '../../../src-common/contract/index.ts';

export interface HealthState {
  health: Health | null;
  error: AppErrorData | null;
  loading: boolean;
  refresh(): Promise<void>;
  dismissError(): void;
  /** subscribe to main's events; returns the unsubscribe */
  connect(): () => void;
}

export type HealthStore = StoreApi<HealthState>;

export function createHealthStore(api: GrantdeskApi): HealthStore {
  return createStore<HealthState>()((set, get) => {
    // bursts of events become at most one call in flight plus one queued
    const refresh = coalesced(
      async () => {
        const r = await api.appHealth({});
        if (r.ok) set({ health: r.value, error: null });
        else set({ error: r.error });
      },
      { before: () => set({ loading: true }), after: () => set({ loading: false }) },
    );
    return {
      health: null,
      error: null,
      loading: false,
      refresh,
      dismissError() {
        set({ error: null });
      },
      connect() {
        return api.onStateChanged(() => void get().refresh());
      },
    };
  });
}

export const selectHealth = (s: HealthState) => s.health;
export const selectHealthError = (s: HealthState) => s.error;
export const selectKeychain = (s: HealthState) => s.health?.keychain ?? null;
export const selectOnline = (s: HealthState): boolean | null => (s.error?.code === 'network_error' ? false : (s.health?.online ?? null));
export const selectReviewMode = (s: HealthState) => s.health?.reviewMode ?? false;
export const selectSessionOnly = (s: HealthState) => s.health?.keychain.state === 'session-only';
