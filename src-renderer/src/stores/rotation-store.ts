// Rotation screen state: workspaces, the calendar with its filters, rotations in progress. A vanilla zustand store with
// the api injected. Secrets never enter this store: they live in the one dialog that shows them, until acknowledged.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../../src-common/contract/api.ts';
import type { AppErrorData, Calendar, CalendarKind, Wizard } from '../../../../src-common/contract/index.ts';

export interface CalendarFilters {
  workspace: string;
  kinds: CalendarKind[];
  withinDays: number;
  includeOverdue: boolean;
}

export interface RotationState {
  workspaces: Array<{ id: string; name: string; status: string }>;
  calendar: Calendar | null;
  filters: CalendarFilters;
  wizards: Wizard[];
  loading: boolean;
  error: AppErrorData | null;
  load(): Promise<void>;
  setFilters(patch: Partial<CalendarFilters>): Promise<void>;
  dismissError(): void;
  connect(): () => void;
}
export type RotationStore = StoreApi<RotationState>;

export const ALL_KINDS: CalendarKind[] = ['key_expiry', 'grace_end', 'secret_age', 'grant_lifetime', 'review_end', 'token_expiry'];

export function createRotationStore(api: GrantdeskApi): RotationStore {
  return createStore<RotationState>()((set, get) => ({
    workspaces: [],
    calendar: null,
    filters: { workspace: '', kinds: ALL_KINDS, withinDays: 90, includeOverdue: true },
    wizards: [],
    loading: false,
    error: null,
    async load() {
      set({ loading: true });
      const f = get().filters;
      const [ws, cal, wz] = await Promise.all([
        api.workspacesList({}),
        api.rotationCalendar({ workspace: f.workspace || undefined, kinds: f.kinds, withinDays: f.withinDays, includeOverdue: f.includeOverdue }),
        api.rotationStatus({}),
      ]);
      set({
        loading: false,
        workspaces: ws.ok ? ws.value.filter((w) => w.status === 'connected').map((w) => ({ id: w.id, name: w.name, status: w.status })) : get().workspaces,
        calendar: cal.ok ? cal.value : get().calendar,
        wizards: wz.ok ? wz.value.wizards : get().wizards,
        error: !ws.ok ? ws.error : !cal.ok ? cal.error : !wz.ok ? wz.error : null,
      });
    },
    async setFilters(patch) {
      set({ filters: { ...get().filters, ...patch } });
      await get().load();
    },
    dismissError() {
      set({ error: null });
    },
    connect() {
      return api.onStateChanged((e) => {
        if (e.topic === 'rotation' || e.topic === 'inventory' || e.topic === 'workspaces') void get().load();
      });
    },
  }));
}

export const selectCalendar = (s: RotationState) => s.calendar;
export const selectFilters = (s: RotationState) => s.filters;
export const selectWorkspaces = (s: RotationState) => s.workspaces;
export const selectWizards = (s: RotationState) => s.wizards;
export const selectRotationError = (s: RotationState) => s.error;
export const selectLoading = (s: RotationState) => s.loading;
