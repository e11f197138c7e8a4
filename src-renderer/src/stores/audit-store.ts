// Explorer state shared by the audit explorer and the exports screen (the export uses the explorer's current filters).
// A vanilla zustand store created once in createAppStores; every string from events is data and is rendered as text only.
// Filters are applied one way: a change becomes the committed filters only when main accepted it (count, summary, page
// and timeline answered); a rejected value leaves the previous filters in force and keeps a sentence for its field.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { AppErrorData, AuditEventRow, AuditFilter, AuditSummary, Output } from '../../../src-common/contract/index.ts';

export type Timeline = Output<'audit.timeline'>;
export type EventDetail = Output<'audit.event'>;
export type FilterKey = keyof AuditFilter;

export interface AuditState {
  /** the filters in force (what the count, summary, timeline and rows show) */
  filters: AuditFilter;
  /** filters being applied now (controls show them at once; they replace `filters` only if main accepts them) */
  pending: AuditFilter | null;
  rows: AuditEventRow[];
  nextCursor: string | null;
  /** exact count and who called, for `filters` */
  summary: AuditSummary | null;
  /** false until the first answer arrived */
  loaded: boolean;
  loading: boolean;
  error: AppErrorData | null;
  /** a filter value main refused: shown beside its field, never applied */
  fieldError: { field: FilterKey; message: string } | null;
  timeline: Timeline | null;
  detail: EventDetail | null;
  generation: number;
  syncing: boolean;
  syncError: AppErrorData | null;
  /** try these filters; they replace the ones in force only if main accepts them. `field`: the control that changed. */
  apply(next: AuditFilter, field?: FilterKey): Promise<boolean>;
  /** change one filter (undefined/''/[] removes it) */
  setFilter<K extends FilterKey>(key: K, value: AuditFilter[K] | undefined): Promise<boolean>;
  /** @deprecated use apply */
  setFilters(f: AuditFilter): void;
  reload(): Promise<void>;
  loadMore(): Promise<void>;
  openEvent(workspaceId: string, seq: number): Promise<void>;
  closeEvent(): void;
  /** sync.all (audit log + credential inventory for names; localOnly: allowed in review mode), then reload */
  sync(): Promise<void>;
  dismissError(): void;
  dismissSyncError(): void;
  dismissFieldError(): void;
  /** reload on state.changed('audit' | 'inventory'); returns the unsubscribe */
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

const FIELD_OF_MESSAGE: [RegExp, FilterKey][] = [
  [/^Caller IP|^ip\b/i, 'ip'],
  [/^From\b|^from\b/, 'from'],
  [/^To\b|^to\b/, 'to'],
  [/^Workspaces?\b/i, 'workspaces'],
  [/^Endpoint/i, 'endpoint'],
  [/^Credential type/i, 'credentialType'],
  [/^Credential/i, 'credential'],
  [/^Method/i, 'method'],
];

/** which filter a refusal is about: the contract's field list, else the sentence's leading label, else the changed control */
function fieldOf(err: AppErrorData, changed: FilterKey | undefined): FilterKey | undefined {
  const f = err.fields?.[0]?.field?.split('.')[0];
  if (f) return f as FilterKey;
  for (const [re, key] of FIELD_OF_MESSAGE) if (re.test(err.message)) return key;
  return changed;
}

export function createAuditStore(api: GrantdeskApi): AuditStore {
  return createStore<AuditState>()((set, get) => ({
    filters: { ownTraffic: 'exclude' },
    pending: null,
    rows: [],
    nextCursor: null,
    summary: null,
    loaded: false,
    loading: false,
    error: null,
    fieldError: null,
    timeline: null,
    detail: null,
    generation: 0,
    syncing: false,
    syncError: null,
    async apply(next, field) {
      const filters = cleanFilters(next);
      const gen = get().generation + 1;
      set({ generation: gen, loading: true, pending: filters });
      const [sum, page, tl] = await Promise.all([api.auditSummary({ ...filters, top: 50 }), api.auditQuery({ ...filters, limit: 200 }), api.auditTimeline({ ...filters, buckets: 120 })]);
      if (get().generation !== gen) return false; // a newer change won
      const failed = !sum.ok ? sum.error : !page.ok ? page.error : !tl.ok ? tl.error : null;
      if (failed) {
        if (failed.code === 'invalid_input') {
          const key = fieldOf(failed, field);
          set({ loading: false, loaded: true, pending: null, fieldError: key ? { field: key, message: failed.fields?.[0]?.message ? `${failed.fields[0].label}: ${failed.fields[0].message}` : failed.message } : null, error: key ? null : failed });
        } else set({ loading: false, loaded: true, pending: null, error: failed });
        return false;
      }
      if (!sum.ok || !page.ok || !tl.ok) return false;
      set({ filters, pending: null, summary: sum.value, rows: page.value.rows, nextCursor: page.value.nextCursor, timeline: tl.value, loading: false, loaded: true, error: null, fieldError: null });
      return true;
    },
    setFilter(key, value) {
      // on top of a change still being applied, so two quick clicks both count
      const next: AuditFilter = { ...(get().pending ?? get().filters) };
      if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) delete next[key];
      else next[key] = value;
      return get().apply(next, key);
    },
    setFilters(f) {
      void get().apply(f);
    },
    async reload() {
      await get().apply(get().filters);
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
      const r = await api.syncAll({});
      set({ syncing: false, syncError: r.ok ? null : r.error });
      if (r.ok) void get().reload();
    },
    dismissError() {
      set({ error: null });
    },
    dismissSyncError() {
      set({ syncError: null });
    },
    dismissFieldError() {
      set({ fieldError: null });
    },
    connect() {
      return api.onStateChanged((p) => {
        if (p.topic === 'audit' || p.topic === 'inventory') void get().reload();
      });
    },
  }));
}

export const selectAuditRows = (s: AuditState) => s.rows;
export const selectAuditNextCursor = (s: AuditState) => s.nextCursor;
export const selectAuditLoading = (s: AuditState) => s.loading;
export const selectAuditLoaded = (s: AuditState) => s.loaded;
export const selectAuditError = (s: AuditState) => s.error;
export const selectAuditFieldError = (s: AuditState) => s.fieldError;
export const selectAuditTimeline = (s: AuditState) => s.timeline;
export const selectAuditSummary = (s: AuditState) => s.summary;
export const selectAuditFilters = (s: AuditState) => s.filters;
/** what the filter controls show: the change being applied, else the filters in force */
export const selectAuditShownFilters = (s: AuditState) => s.pending ?? s.filters;
export const selectAuditDetail = (s: AuditState) => s.detail;
export const selectAuditSyncing = (s: AuditState) => s.syncing;
export const selectAuditSyncError = (s: AuditState) => s.syncError;
/** never synced: no workspace has a verified page in the cache yet */
export const selectAuditNeverSynced = (s: AuditState) => s.summary !== null && s.summary.cache.syncedWorkspaces === 0;
