// Explorer state shared by the audit explorer and the exports screen (the export uses the explorer's current filters).
// A vanilla zustand store created once in createAppStores; every string from events is data and is rendered as text only.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { AppErrorData, AuditEventRow, AuditFilter, Output } from '../../../src-common/contract/index.ts';

export type Timeline = Output<'audit.timeline'>;
export type EventDetail = Output<'audit.event'>;

export interface AuditState {
  filters: AuditFilter;
  rows: AuditEventRow[];
  nextCursor: string | null;
  loading: boolean;
  error: AppErrorData | null;
  timeline: Timeline | null;
  detail: EventDetail | null;
  generation: number;
  syncing: boolean;
  syncError: AppErrorData | null;
  setFilters(f: AuditFilter): void;
  reload(): Promise<void>;
  loadMore(): Promise<void>;
  openEvent(workspaceId: string, seq: number): Promise<void>;
  closeEvent(): void;
  /** audit.sync (localOnly: allowed in review mode), then reload */
  sync(): Promise<void>;
  dismissError(): void;
  dismissSyncError(): void;
  /** reload on state.changed('audit'); returns the unsubscribe */
  connect(): () => void;
}

export type AuditStore = StoreApi<AuditState>;

/** Drops empty strings/arrays so the contract sees only real filters. */
export function cleanFilters(f: AuditFilter): AuditFilter {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = typeof v === 'string' ? v.trim() : v;
  }
  return out as AuditFilter;
}

export function createAuditStore(api: GrantdeskApi): AuditStore {
  return createStore<AuditState>()((set, get) => ({
    filters: {},
    rows: [],
    nextCursor: null,
    loading: false,
    error: null,
    timeline: null,
    detail: null,
    generation: 0,
    syncing: false,
    syncError: null,
    setFilters(f) {
      set({ filters: cleanFilters(f) });
      void get().reload();
    },
    async reload() {
      const gen = get().generation + 1;
      const filters = get().filters;
      set({ generation: gen, loading: true, rows: [], nextCursor: null });
      const [page, tl] = await Promise.all([api.auditQuery({ ...filters, limit: 200 }), api.auditTimeline({ ...filters, from: undefined, to: undefined, buckets: 120 })]);
      if (get().generation !== gen) return; // a newer filter won
      if (!page.ok) return set({ loading: false, error: page.error });
      set({ rows: page.value.rows, nextCursor: page.value.nextCursor, loading: false, error: null, timeline: tl.ok ? tl.value : get().timeline });
    },
    async loadMore() {
      const { nextCursor, loading, generation, filters } = get();
      if (!nextCursor || loading) return;
      set({ loading: true });
      const page = await api.auditQuery({ ...filters, limit: 500, cursor: nextCursor });
      if (get().generation !== generation) return;
      if (!page.ok) return set({ loading: false, error: page.error });
      set((s) => ({ rows: [...s.rows, ...page.value.rows], nextCursor: page.value.nextCursor, loading: false }));
    },
    async openEvent(workspaceId, seq) {
      const r = await api.auditEvent({ workspaceId, seq });
      if (r.ok) set({ detail: r.value });
      else set({ error: r.error });
    },
    closeEvent() {
      set({ detail: null });
    },
    async sync() {
      set({ syncing: true });
      const r = await api.auditSync({});
      set({ syncing: false, syncError: r.ok ? null : r.error });
      if (r.ok) void get().reload();
    },
    dismissError() {
      set({ error: null });
    },
    dismissSyncError() {
      set({ syncError: null });
    },
    connect() {
      return api.onStateChanged((p) => {
        if (p.topic === 'audit') void get().reload();
      });
    },
  }));
}

export const selectAuditRows = (s: AuditState) => s.rows;
export const selectAuditNextCursor = (s: AuditState) => s.nextCursor;
export const selectAuditLoading = (s: AuditState) => s.loading;
export const selectAuditError = (s: AuditState) => s.error;
export const selectAuditTimeline = (s: AuditState) => s.timeline;
export const selectAuditFilters = (s: AuditState) => s.filters;
export const selectAuditDetail = (s: AuditState) => s.detail;
export const selectAuditSyncing = (s: AuditState) => s.syncing;
export const selectAuditSyncError = (s: AuditState) => s.syncError;
