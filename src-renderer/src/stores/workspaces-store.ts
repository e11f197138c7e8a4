// Workspaces and platforms as the overview sees them, and re-consent with chosen scopes (Insights, Calendar). Vanilla store
// created once in createAppStores with the api injected; refreshed on state.changed.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { AppErrorData, Platform, Role, Workspace } from '../../../src-common/contract/index.ts';

export interface WorkspacesState {
  workspaces: Workspace[];
  platforms: Platform[];
  loaded: boolean;
  error: AppErrorData | null;
  busy: Record<string, string>;
  /** a re-consent with chosen scopes is waiting for the browser */
  reconsenting: boolean;
  reconsentError: AppErrorData | null;
  load(): Promise<void>;
  connect(workspace: string, platform: string | undefined, role: Role): Promise<boolean>;
  bulkConnect(workspaces: string[], platform: string | undefined, role: Role): Promise<{ connected: number; failed: number } | null>;
  disconnect(workspace: string): Promise<void>;
  refresh(workspace: string): Promise<void>;
  addPlatform(issuer: string, name: string | undefined, clientId: string | undefined): Promise<boolean>;
  /** workspaces.connect with exactly these scopes (PKCE sign-in again); true when the grant was replaced */
  reconsent(workspace: string, scopes: string[]): Promise<boolean>;
  dismissError(): void;
  dismissReconsentError(): void;
  connectEvents(): () => void;
}
export type WorkspacesStore = StoreApi<WorkspacesState>;

export function createWorkspacesStore(api: GrantdeskApi): WorkspacesStore {
  return createStore<WorkspacesState>()((set, get) => {
    const busy = (id: string, what: string | null) => {
      const b = { ...get().busy };
      if (what) b[id] = what;
      else delete b[id];
      set({ busy: b });
    };
    return {
      workspaces: [],
      platforms: [],
      loaded: false,
      error: null,
      busy: {},
      reconsenting: false,
      reconsentError: null,
      async load() {
        const [w, p] = await Promise.all([api.workspacesList({}), api.platformsList({})]);
        if (w.ok && p.ok) set({ workspaces: w.value, platforms: p.value, loaded: true });
        else set({ error: !w.ok ? w.error : !p.ok ? p.error : null, loaded: true });
      },
      async connect(workspace, platform, role) {
        busy(workspace, 'connecting');
        const r = await api.workspacesConnect({ workspace, platform, role });
        busy(workspace, null);
        if (!r.ok) set({ error: r.error });
        await get().load();
        return r.ok;
      },
      async bulkConnect(workspaces, platform, role) {
        const r = await api.workspacesBulkConnect({ workspaces, platform, role });
        await get().load();
        if (!r.ok) {
          set({ error: r.error });
          return null;
        }
        return { connected: r.value.connected, failed: r.value.failed };
      },
      async disconnect(workspace) {
        busy(workspace, 'disconnecting');
        const r = await api.workspacesDisconnect({ workspace });
        busy(workspace, null);
        if (!r.ok) set({ error: r.error });
        await get().load();
      },
      async refresh(workspace) {
        busy(workspace, 'refreshing');
        const r = await api.workspacesRefresh({ workspace, force: true });
        busy(workspace, null);
        if (!r.ok) set({ error: r.error });
        await get().load();
      },
      async addPlatform(issuer, name, clientId) {
        const r = await api.platformsAdd({ issuer, name, clientId });
        if (!r.ok) set({ error: r.error });
        await get().load();
        return r.ok;
      },
      async reconsent(workspace, scopes) {
        set({ reconsenting: true, reconsentError: null });
        const r = await api.workspacesConnect({ workspace, scopes });
        set({ reconsenting: false, reconsentError: r.ok ? null : r.error });
        return r.ok;
      },
      dismissError: () => set({ error: null }),
      dismissReconsentError: () => set({ reconsentError: null }),
      connectEvents() {
        return api.onStateChanged((e) => {
          if (e.topic === 'workspaces' || e.topic === 'platforms') void get().load();
        });
      },
    };
  });
}

export const selectWorkspaces = (s: WorkspacesState) => s.workspaces;
export const selectPlatforms = (s: WorkspacesState) => s.platforms;
export const selectLoaded = (s: WorkspacesState) => s.loaded;
export const selectWorkspacesError = (s: WorkspacesState) => s.error;
export const selectBusy = (s: WorkspacesState) => s.busy;
export const selectReconsenting = (s: WorkspacesState) => s.reconsenting;
export const selectReconsentError = (s: WorkspacesState) => s.reconsentError;
