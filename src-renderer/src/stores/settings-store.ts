// Settings read/write through the contract. Validation happens in main; errors come back as {code,message,remedy}.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { AppErrorData, Settings } from '../../../src-common/contract/index.ts';

export interface SettingsState {
  settings: Settings | null;
  error: AppErrorData | null;
  saving: boolean;
  /** bumps after each successful save, so a form can announce "Saved" */
  savedAt: number;
  load(): Promise<void>;
  save(patch: Partial<Settings>): Promise<boolean>;
  dismissError(): void;
  connect(): () => void;
}

export type SettingsStore = StoreApi<SettingsState>;

export function createSettingsStore(api: GrantdeskApi): SettingsStore {
  return createStore<SettingsState>()((set, get) => ({
    settings: null,
    error: null,
    saving: false,
    savedAt: 0,
    async load() {
      const r = await api.settingsGet({});
      if (r.ok) set({ settings: r.value });
      else set({ error: r.error });
    },
    async save(patch) {
      set({ saving: true, error: null });
      const r = await api.settingsSet(patch);
      if (r.ok) set({ settings: r.value, saving: false, savedAt: get().savedAt + 1 });
      else set({ error: r.error, saving: false });
      return r.ok;
    },
    dismissError() {
      set({ error: null });
    },
    connect() {
      return api.onStateChanged((e) => {
        if (e.topic === 'settings') void get().load();
      });
    },
  }));
}

export const selectSettings = (s: SettingsState) => s.settings;
export const selectTheme = (s: SettingsState) => s.settings?.theme ?? 'system';
export const selectSettingsError = (s: SettingsState) => s.error;
export const selectSaving = (s: SettingsState) => s.saving;
export const selectSavedAt = (s: SettingsState) => s.savedAt;
