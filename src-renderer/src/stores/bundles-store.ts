// The Bundles panel (scope matrix screen): one workspace's scope bundles live from the platform (bundles.list), create /
// edit / delete there, and a push of one bundle to many workspaces with its per-workspace results. Created once in
// createAppStores.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { AppErrorData, BundlePush, CallResult, ScopeBundle } from '../../../src-common/contract/index.ts';

export interface BundleDraft {
  name: string;
  scopes: string[];
  description: string;
}

export interface BundlesState {
  workspace: string | null;
  bundles: ScopeBundle[];
  loading: boolean;
  busy: boolean;
  error: AppErrorData | null;
  lastPush: BundlePush | null;
  pushing: boolean;
  open(workspace: string): Promise<void>;
  load(): Promise<void>;
  create(d: BundleDraft): Promise<boolean>;
  edit(bundleId: string, d: BundleDraft): Promise<boolean>;
  remove(bundleId: string): Promise<boolean>;
  push(name: string, workspaces: string[], scopes: string[], description: string): Promise<BundlePush | null>;
  clearPush(): void;
  dismissError(): void;
}
export type BundlesStore = StoreApi<BundlesState>;

export function createBundlesStore(api: GrantdeskApi): BundlesStore {
  return createStore<BundlesState>()((set, get) => {
    let seq = 0;
    const write = async <T>(call: (workspace: string) => Promise<CallResult<T>>): Promise<boolean> => {
      const ws = get().workspace;
      if (!ws) return false;
      set({ busy: true, error: null });
      const r = await call(ws);
      set({ busy: false });
      if (!r.ok) {
        set({ error: r.error });
        return false;
      }
      await get().load();
      return true;
    };
    return {
      workspace: null,
      bundles: [],
      loading: false,
      busy: false,
      error: null,
      lastPush: null,
      pushing: false,
      async open(workspace) {
        if (get().workspace !== workspace) set({ workspace, bundles: [], error: null });
        await get().load();
      },
      async load() {
        const ws = get().workspace;
        if (!ws) return;
        const mine = ++seq;
        set({ loading: true });
        const r = await api.bundlesList({ workspace: ws });
        if (mine !== seq) return;
        if (r.ok) set({ loading: false, bundles: r.value.bundles });
        else set({ loading: false, error: r.error });
      },
      create: (d) => write((workspace) => api.bundlesCreate({ workspace, name: d.name, scopes: d.scopes, ...(d.description ? { description: d.description } : {}) })),
      edit: (bundleId, d) => write((workspace) => api.bundlesEdit({ workspace, bundle: bundleId, name: d.name, scopes: d.scopes, description: d.description })),
      remove: (bundleId) => write((workspace) => api.bundlesDelete({ workspace, bundle: bundleId })),
      async push(name, workspaces, scopes, description) {
        set({ pushing: true, error: null, lastPush: null });
        const r = await api.bundlesPush({ name, workspaces, scopes, ...(description ? { description } : {}) });
        set({ pushing: false });
        if (!r.ok) {
          set({ error: r.error });
          return null;
        }
        set({ lastPush: r.value });
        await get().load();
        return r.value;
      },
      clearPush() {
        set({ lastPush: null });
      },
      dismissError() {
        set({ error: null });
      },
    };
  });
}

export const selectBundlesWorkspace = (s: BundlesState) => s.workspace;
export const selectBundles = (s: BundlesState) => s.bundles;
export const selectBundlesLoading = (s: BundlesState) => s.loading;
export const selectBundlesBusy = (s: BundlesState) => s.busy;
export const selectBundlesError = (s: BundlesState) => s.error;
export const selectLastPush = (s: BundlesState) => s.lastPush;
export const selectPushing = (s: BundlesState) => s.pushing;
