// Inventory state for the scope matrix and the credentials list: a vanilla zustand store with the api injected.
// One store per api (kept across screen switches); reloads coalesce and follow state.changed('inventory').
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../../src-common/contract/api.ts';
import type { AppErrorData, Matrix, MatrixFilters, RevokeResult, RevokeTarget } from '../../../../src-common/contract/index.ts';

export interface DrawerRef {
  workspaceId: string;
  credentialId: string;
}

export interface InventoryState {
  filters: MatrixFilters;
  matrix: Matrix | null;
  loading: boolean;
  syncing: boolean;
  error: AppErrorData | null;
  expanded: Set<string>;
  /** bulk selection: `${workspaceId}\u0000${credentialId}` */
  selected: Set<string>;
  drawer: DrawerRef | null;
  /** the open revoke dialog: bulk confirms with the count, a single revoke with the workspace name */
  revokeDialog: RevokeRequest | null;
  lastResult: RevokeResult | null;
  load(): Promise<void>;
  setFilters(patch: Partial<MatrixFilters>): void;
  resetFilters(): void;
  toggleExpanded(workspaceId: string): void;
  setAllExpanded(on: boolean): void;
  toggleSelected(workspaceId: string, credentialId: string): void;
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

const stores = new WeakMap<GrantdeskApi, InventoryStore>();
export function inventoryStoreFor(api: GrantdeskApi): InventoryStore {
  let s = stores.get(api);
  if (!s) {
    s = createInventoryStore(api);
    stores.set(api, s);
  }
  return s;
}

const clean = (f: MatrixFilters): MatrixFilters => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === false || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out as MatrixFilters;
};

export function createInventoryStore(api: GrantdeskApi): InventoryStore {
  let inFlight: Promise<void> | null = null;
  let again = false;
  return createStore<InventoryState>()((set, get) => ({
    filters: {},
    matrix: null,
    loading: false,
    syncing: false,
    error: null,
    expanded: new Set(),
    selected: new Set(),
    drawer: null,
    revokeDialog: null,
    lastResult: null,
    load() {
      if (inFlight) {
        again = true;
        return inFlight;
      }
      set({ loading: true });
      inFlight = (async () => {
        do {
          again = false;
          const r = await api.inventoryMatrix(clean(get().filters));
          if (r.ok && typeof r.value !== 'string') {
            performance.mark('grantdesk:matrix-data');
            set({ matrix: r.value, error: null });
          } else if (!r.ok) set({ error: r.error });
        } while (again);
        set({ loading: false });
        inFlight = null;
      })();
      return inFlight;
    },
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
    clearSelection() {
      set({ selected: new Set() });
    },
    openDrawer(ref) {
      set({ drawer: ref });
    },
    openRevoke(req) {
      set({ revokeDialog: req });
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
      await get().load();
    },
    async setBaseline(bundle) {
      const r = await api.inventorySetBaseline(bundle === null ? { clear: true } : { bundle });
      if (!r.ok) set({ error: r.error });
      await get().load();
    },
    async exportCsv() {
      const r = await api.inventoryMatrix({ ...clean(get().filters), csv: true });
      if (!r.ok) {
        set({ error: r.error });
        return null;
      }
      return typeof r.value === 'string' ? r.value : null;
    },
    dismissError() {
      set({ error: null });
    },
    connect() {
      return api.onStateChanged((p) => {
        if (p.topic === 'inventory' || p.topic === 'workspaces') void get().load();
      });
    },
  }));
}

export const selectMatrix = (s: InventoryState) => s.matrix;
export const selectFilters = (s: InventoryState) => s.filters;
export const selectError = (s: InventoryState) => s.error;
