// Explorer state shared by the audit explorer and the exports screen (the export uses the explorer's current filters).
// A vanilla zustand store per api; every string from events is data and is rendered as text only.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../../src-common/contract/api.ts';
import type { AppErrorData, AuditEventRow, AuditFilter, Output } from '../../../../src-common/contract/index.ts';

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
  setFilters(f: AuditFilter): void;
  reload(): Promise<void>;
  loadMore(): Promise<void>;
  openEvent(workspaceId: string, seq: number): Promise<void>;
  closeEvent(): void;
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
  }));
}

const stores = new WeakMap<GrantdeskApi, AuditStore>();
export function auditStoreFor(api: GrantdeskApi): AuditStore {
  let s = stores.get(api);
  if (!s) {
    s = createAuditStore(api);
    stores.set(api, s);
  }
  return s;
}
