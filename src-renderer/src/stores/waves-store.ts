// Rotation waves (wave.*): the waves on this machine, each with its progress per workspace and why it is paused or
// waiting. Starting a wave needs a delivery command or target and is done from the CLI (`grantdesk wave rotate`); the
// screen resumes (checks the audit log and advances as far as the evidence allows) and cancels. A vanilla zustand store
// created once in createAppStores; it reloads when main says rotation state changed. Nothing advances by itself here:
// a waiting wave moves when someone presses Resume or a cron job runs `grantdesk wave resume ID`.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { AppErrorData, Wave } from '../../../src-common/contract/index.ts';

export interface WavesState {
  loaded: boolean;
  waves: Wave[];
  /** the wave a resume or cancel is running for */
  busy: string | null;
  error: AppErrorData | null;
  load(): Promise<void>;
  resume(id: string): Promise<void>;
  cancel(id: string): Promise<void>;
  dismissError(): void;
  connect(): () => void;
}
export type WavesStore = StoreApi<WavesState>;

export function createWavesStore(api: GrantdeskApi): WavesStore {
  const put = (set: (p: Partial<WavesState>) => void, get: () => WavesState, w: Wave) => set({ waves: get().waves.map((x) => (x.id === w.id ? w : x)) });
  return createStore<WavesState>()((set, get) => ({
    loaded: false,
    waves: [],
    busy: null,
    error: null,
    async load() {
      const r = await api.waveStatus({});
      if (r.ok) set({ waves: r.value.waves, loaded: true });
      else set({ error: r.error, loaded: true });
    },
    async resume(id) {
      set({ busy: id, error: null });
      const r = await api.waveResume({ id });
      set({ busy: null });
      if (r.ok) put(set, get, r.value);
      else set({ error: r.error });
    },
    async cancel(id) {
      set({ busy: id, error: null });
      const r = await api.waveCancel({ id });
      set({ busy: null });
      if (r.ok) put(set, get, r.value);
      else set({ error: r.error });
    },
    dismissError() {
      set({ error: null });
    },
    connect() {
      return api.onStateChanged((p) => {
        if (p.topic === 'rotation' && get().busy === null) void get().load();
      });
    },
  }));
}

export const selectWavesLoaded = (s: WavesState) => s.loaded;
export const selectWaves = (s: WavesState) => s.waves;
export const selectWavesBusy = (s: WavesState) => s.busy;
export const selectWavesError = (s: WavesState) => s.error;
