// Calendar and Rotation screen state: workspaces, the calendar with its filters, rotations in progress, the API keys of the tools'
// workspace, the re-consent plan and service-token minting. A vanilla zustand store created once in createAppStores.
// Secrets never enter this store: mintServiceToken returns the token to the one dialog that shows it.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { ApiKeySummary, AppErrorData, Calendar, CalendarKind, Output, Wizard } from '../../../src-common/contract/index.ts';

export interface CalendarFilters {
  workspace: string;
  kinds: CalendarKind[];
  withinDays: number;
  includeOverdue: boolean;
}

export type ReconsentPlan = Output<'reconsent.plan'>;
/** what the service-token dialog shows once; never kept in a store */
export interface MintedToken {
  token: string;
  expiresAt: string;
  scopes: string[];
}

export interface RotationState {
  workspaces: Array<{ id: string; name: string; status: string }>;
  calendar: Calendar | null;
  filters: CalendarFilters;
  wizards: Wizard[];
  loading: boolean;
  error: AppErrorData | null;
  /** API keys of one workspace (the Calendar's tools) */
  keys: ApiKeySummary[];
  keysWorkspace: string | null;
  keysError: AppErrorData | null;
  plan: ReconsentPlan | null;
  planError: AppErrorData | null;
  minting: boolean;
  mintError: AppErrorData | null;
  load(): Promise<void>;
  setFilters(patch: Partial<CalendarFilters>): Promise<void>;
  dismissError(): void;
  loadKeys(workspace: string): Promise<void>;
  dismissKeysError(): void;
  loadPlan(workspace: string, drop: string[]): Promise<void>;
  clearPlan(): void;
  dismissPlanError(): void;
  /** serviceTokens.mint; the token is returned to the caller and never stored here */
  mintServiceToken(workspace: string, scopes: string[], ttl: number): Promise<MintedToken | null>;
  dismissMintError(): void;
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
    keys: [],
    keysWorkspace: null,
    keysError: null,
    plan: null,
    planError: null,
    minting: false,
    mintError: null,
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
    async loadKeys(workspace) {
      // another workspace's keys never show under this one, not even while loading
      if (get().keysWorkspace !== workspace) set({ keys: [], keysWorkspace: workspace, keysError: null });
      const r = await api.keysList({ workspace });
      if (get().keysWorkspace !== workspace) return;
      if (r.ok) set({ keys: r.value.keys });
      else set({ keysError: r.error });
    },
    dismissKeysError() {
      set({ keysError: null });
    },
    async loadPlan(workspace, drop) {
      const r = await api.reconsentPlan({ workspace, drop });
      if (r.ok) set({ plan: r.value });
      else set({ planError: r.error });
    },
    clearPlan() {
      set({ plan: null, planError: null });
    },
    dismissPlanError() {
      set({ planError: null });
    },
    async mintServiceToken(workspace, scopes, ttl) {
      set({ minting: true, mintError: null });
      const r = await api.serviceTokensMint({ workspace, scopes, ttl });
      set({ minting: false, mintError: r.ok ? null : r.error });
      return r.ok ? { token: r.value.token, expiresAt: r.value.expiresAt, scopes: r.value.scopes } : null;
    },
    dismissMintError() {
      set({ mintError: null });
    },
    connect() {
      return api.onStateChanged((e) => {
        if (e.topic === 'rotation' || e.topic === 'inventory' || e.topic === 'workspaces') void get().load();
      });
    },
  }));
}

export const selectCalendar = (s: RotationState) => s.calendar;
export const selectCalendarFilters = (s: RotationState) => s.filters;
export const selectCalendarWorkspaces = (s: RotationState) => s.workspaces;
export const selectWizards = (s: RotationState) => s.wizards;
export const selectRotationError = (s: RotationState) => s.error;
export const selectCalendarLoading = (s: RotationState) => s.loading;
export const selectKeys = (s: RotationState) => s.keys;
export const selectKeysError = (s: RotationState) => s.keysError;
export const selectPlan = (s: RotationState) => s.plan;
export const selectPlanError = (s: RotationState) => s.planError;
export const selectMinting = (s: RotationState) => s.minting;
export const selectMintError = (s: RotationState) => s.mintError;
