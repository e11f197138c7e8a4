// Inventory state for the scope matrix and the credentials list: a vanilla zustand store with the api injected.
// Created once in createAppStores (kept across screen switches); reloads coalesce and follow state.changed('inventory').
// Also the credentials list (search), the drawer's credential detail and the revoke dialog's blast-radius preview.
import { coalesced } from './coalesce.ts';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { AppErrorData, CredentialCounts, CredentialDetail, CredentialType, Matrix, MatrixFilters, Output, RevokePreview, RevokeResult, RevokeTarget } from '../../../src-common/contract/index.ts';

export interface DrawerRef {
  workspaceId: string;
  credentialId: string;
}

export type CredentialList = Output<'inventory.credentials'>;
export interface CredentialQuery {
  search: string;
  type: CredentialType | '';
  includeRevoked: boolean;
}

export interface InventoryState {
  filters: MatrixFilters;
  matrix: Matrix | null;
  /** the one credential count both screens show (from whichever of the matrix or the list arrived last) */
  counts: CredentialCounts | null;
  loading: boolean;
  syncing: boolean;
  error: AppErrorData | null;
  /** the last "Mark reviewed": how many workspaces and when (the matrix says so; otherwise the click shows nothing) */
  lastReviewed: { count: number; at: string } | null;
  expanded: Set<string>;
  /** bulk selection: `${workspaceId}\u0000${credentialId}` */
  selected: Set<string>;
  drawer: DrawerRef | null;
  /** the open revoke dialog: bulk confirms with the count, a single revoke with the workspace name */
  revokeDialog: RevokeRequest | null;
  lastResult: RevokeResult | null;
  /** the credentials screen's flat list for the last query */
  list: CredentialList | null;
  listQuery: CredentialQuery | null;
  listError: AppErrorData | null;
  /** the drawer's credential */
  detail: CredentialDetail | null;
  detailError: AppErrorData | null;
  /** the open revoke dialog's blast radius */
  preview: RevokePreview | null;
  previewError: AppErrorData | null;
  load(): Promise<void>;
  loadCredentials(q: CredentialQuery): Promise<void>;
  dismissListError(): void;
  /** reload the list on state.changed('inventory'); returns the unsubscribe */
  connectCredentials(): () => void;
  loadDetail(ref: DrawerRef): Promise<void>;
  loadPreview(req: RevokeRequest): Promise<void>;
  dismissResult(): void;
  setFilters(patch: Partial<MatrixFilters>): void;
  resetFilters(): void;
  toggleExpanded(workspaceId: string): void;
  setAllExpanded(on: boolean): void;
  toggleSelected(workspaceId: string, credentialId: string): void;
  /** select exactly these credentials (a group's violating ones, for one bulk revoke) */
  selectMany(targets: readonly { workspaceId: string; credentialId: string }[]): void;
  clearSelection(): void;
  openDrawer(ref: DrawerRef | null): void;
  openRevoke(req: RevokeRequest | null): void;
  revoke(req: RevokeRequest, confirm: string): Promise<RevokeResult | null>;
  sync(maxAgeSeconds?: number): Promise<void>;
  /** sync connected workspaces that were never synced or are older than 15 minutes (once per screen visit) */
  ensureFresh(): Promise<void>;
  markReviewed(workspaces?: string[]): Promise<void>;
  setBaseline(bundle: string | null): Promise<void>;
  exportCsv(): Promise<string | null>;
  dismissError(): void;
  connect(): () => void;
}

export type InventoryStore = StoreApi<InventoryState>;
export interface RevokeRequest {
  targets: RevokeTarget[];
  bulk: boolean;
}
export const requestInput = (req: RevokeRequest) =>
  req.bulk ? { targets: req.targets } : { workspace: req.targets[0]!.workspace, credentialId: req.targets[0]!.credentialId };
export const selKey = (workspaceId: string, credentialId: string) => `${workspaceId}\u0000${credentialId}`;

/** a filter on credentials (not on workspaces or revoked ones): the matrix then opens every workspace it keeps */
export function matrixCredentialFilterActive(f: MatrixFilters): boolean {
  return !!((f.types && f.types.length) || (f.scopes && f.scopes.length) || f.writeOrDelete || f.expiringWithinDays !== undefined || f.unusedForDays !== undefined || f.overGrantsOnly || f.driftOnly);
}

/** resolves after the browser has painted the next frame (a task queued from inside requestAnimationFrame); at once outside a browser */
const afterNextPaint = () =>
  new Promise<void>((resolve) => {
    const raf = (globalThis as { requestAnimationFrame?: (cb: () => void) => number }).requestAnimationFrame;
    if (raf) raf(() => setTimeout(resolve, 0));
    else resolve();
  });

const clean = (f: MatrixFilters): MatrixFilters => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === false || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out as MatrixFilters;
};

export function createInventoryStore(api: GrantdeskApi): InventoryStore {
  let listGen = 0;
  /** the filters the shown matrix was computed for */
  let shownKey: string | null = null;
  return createStore<InventoryState>()((set, get) => ({
    filters: {},
    matrix: null,
    counts: null,
    loading: false,
    syncing: false,
    error: null,
    lastReviewed: null,
    expanded: new Set(),
    selected: new Set(),
    drawer: null,
    revokeDialog: null,
    lastResult: null,
    list: null,
    listQuery: null,
    listError: null,
    detail: null,
    detailError: null,
    preview: null,
    previewError: null,
    load: coalesced(
      async () => {
        const filters = clean(get().filters);
        const key = JSON.stringify(filters);
        // Two passes when nothing needs credential rows yet (no credential filter opens workspaces, none is expanded): the
        // workspace rows and counts first (a small payload the grid paints at once), then every summary (rows, selection,
        // the command palette). One pass with rows open (a counts-only matrix would fold them for a moment) and on a reload
        // for the filters already shown (a sync's state.changed): the shown matrix stays until the new one replaces it.
        if (!matrixCredentialFilterActive(filters) && get().expanded.size === 0 && !(get().matrix?.depth === 'credentials' && shownKey === key)) {
          const head = await api.inventoryMatrix({ ...filters, depth: 'counts' });
          if (!head.ok) return set({ error: head.error });
          performance.mark('grantdesk:matrix-data');
          shownKey = key;
          set({ matrix: head.value, counts: head.value.counts, error: null });
          // the summaries are asked for once the grid is on screen: their request (and its JSON) never delays that frame
          await afterNextPaint();
        }
        const r = await api.inventoryMatrix(filters);
        if (r.ok) {
          performance.mark('grantdesk:matrix-data');
          performance.mark('grantdesk:matrix-full');
          shownKey = key;
          set({ matrix: r.value, counts: r.value.counts, error: null });
        } else set({ error: r.error });
      },
      { before: () => set({ loading: true }), after: () => set({ loading: false }) },
    ),
    setFilters(patch) {
      set({ filters: { ...get().filters, ...patch } });
      void get().load();
    },
    resetFilters() {
      set({ filters: {} });
      void get().load();
    },
    toggleExpanded(id) {
      const next = new Set(get().expanded);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      set({ expanded: next });
    },
    setAllExpanded(on) {
      set({ expanded: on ? new Set(get().matrix?.workspaces.map((w) => w.id) ?? []) : new Set() });
    },
    toggleSelected(w, c) {
      const next = new Set(get().selected);
      const k = selKey(w, c);
      if (next.has(k)) next.delete(k);
      else next.add(k);
      set({ selected: next });
    },
    selectMany(targets) {
      set({ selected: new Set(targets.map((t) => selKey(t.workspaceId, t.credentialId))) });
    },
    clearSelection() {
      set({ selected: new Set() });
    },
    openDrawer(ref) {
      const cur = get().drawer;
      // another credential's detail never shows in the drawer, not even for one frame
      if (!ref || !cur || cur.workspaceId !== ref.workspaceId || cur.credentialId !== ref.credentialId) set({ detail: null, detailError: null });
      set({ drawer: ref });
    },
    openRevoke(req) {
      // a previous dialog's preview (and its confirm text) never shows in this one
      set({ revokeDialog: req, preview: null, previewError: null });
    },
    async revoke(req, confirm) {
      const r = await api.inventoryRevoke({ ...requestInput(req), confirm });
      if (!r.ok) {
        set({ error: r.error });
        return null;
      }
      set({ lastResult: r.value, selected: new Set() });
      void get().load();
      return r.value;
    },
    async ensureFresh() {
      if (!get().matrix) await get().load();
      const m = get().matrix;
      if (!m || get().syncing) return;
      const stale = m.workspaces.some((w) => w.connection === 'connected' && (w.sync.ageSeconds === null || w.sync.ageSeconds > 900));
      if (stale) await get().sync(900);
    },
    async sync(maxAgeSeconds) {
      set({ syncing: true });
      const r = await api.inventorySync(maxAgeSeconds ? { maxAgeSeconds } : {});
      set({ syncing: false });
      if (!r.ok) set({ error: r.error });
      await get().load();
    },
    async markReviewed(workspaces) {
      const r = await api.inventoryMarkReviewed(workspaces ? { workspaces } : {});
      if (!r.ok) set({ error: r.error });
      else set({ lastReviewed: { count: r.value.reviewed.length, at: r.value.reviewed[0]?.reviewedAt ?? new Date().toISOString() } });
      await get().load();
    },
    async setBaseline(bundle) {
      const r = await api.inventorySetBaseline(bundle === null ? { clear: true } : { bundle });
      if (!r.ok) set({ error: r.error });
      await get().load();
    },
    async exportCsv() {
      const r = await api.inventoryMatrixCsv(clean(get().filters));
      if (!r.ok) {
        set({ error: r.error });
        return null;
      }
      return typeof r.value === 'string' ? r.value : null;
    },
    dismissError() {
      set({ error: null });
    },
    async loadCredentials(q) {
      const gen = ++listGen;
      set({ listQuery: q });
      const r = await api.inventoryCredentials({ search: q.search.trim() || undefined, types: q.type ? [q.type] : undefined, includeRevoked: q.includeRevoked || undefined });
      if (gen !== listGen) return; // a newer query won
      set(r.ok ? { list: r.value, counts: r.value.counts, listError: null } : { listError: r.error });
    },
    dismissListError() {
      set({ listError: null });
    },
    connectCredentials() {
      return api.onStateChanged((p) => {
        const q = get().listQuery;
        if (p.topic === 'inventory' && q) void get().loadCredentials(q);
      });
    },
    async loadDetail(ref) {
      set({ detail: null, detailError: null });
      const r = await api.inventoryCredential({ workspace: ref.workspaceId, credentialId: ref.credentialId });
      const open = get().drawer;
      if (open && (open.workspaceId !== ref.workspaceId || open.credentialId !== ref.credentialId)) return; // another credential opened meanwhile
      set(r.ok ? { detail: r.value } : { detailError: r.error });
    },
    async loadPreview(req) {
      set({ preview: null, previewError: null });
      const r = await api.inventoryRevokePreview(requestInput(req));
      if (get().revokeDialog !== null && get().revokeDialog !== req) return; // another dialog opened meanwhile
      set(r.ok ? { preview: r.value } : { previewError: r.error });
    },
    dismissResult() {
      set({ lastResult: null });
    },
    connect() {
      return api.onStateChanged((p) => {
        if (p.topic === 'inventory' || p.topic === 'workspaces') void get().load();
      });
    },
  }));
}

export const selectLastReviewed = (s: InventoryState) => s.lastReviewed;
export const selectMatrix = (s: InventoryState) => s.matrix;
export const selectMatrixFilters = (s: InventoryState) => s.filters;
export const selectInventoryError = (s: InventoryState) => s.error;
export const selectMatrixLoading = (s: InventoryState) => s.loading;
export const selectSyncing = (s: InventoryState) => s.syncing;
export const selectExpanded = (s: InventoryState) => s.expanded;
export const selectSelected = (s: InventoryState) => s.selected;
export const selectDrawer = (s: InventoryState) => s.drawer;
export const selectRevokeDialog = (s: InventoryState) => s.revokeDialog;
export const selectLastResult = (s: InventoryState) => s.lastResult;
export const selectCredentialList = (s: InventoryState) => s.list;
export const selectListError = (s: InventoryState) => s.listError;
export const selectDetail = (s: InventoryState) => s.detail;
export const selectDetailError = (s: InventoryState) => s.detailError;
export const selectPreview = (s: InventoryState) => s.preview;
export const selectPreviewError = (s: InventoryState) => s.previewError;

export const selectCredentialCounts = (s: InventoryState) => s.counts;
/** The one sentence both screens show for the count: every credential, whatever its status, and the inactive share. */
export function countsText(c: CredentialCounts): string {
  return `${c.total} credential${c.total === 1 ? '' : 's'} in ${c.workspaces} workspace${c.workspaces === 1 ? '' : 's'}, ${c.inactive} of them revoked, expired or disabled`;
}
