// Workspaces and platforms as the overview sees them, each workspace's sync ages (sync.health), bulk refresh / sync /
// disconnect, and re-consent with chosen scopes (Insights, Calendar). Vanilla store created once in createAppStores with
// the api injected; refreshed on state.changed. An error from a dialog's action (add platform, connect) is kept apart
// (formError) so the dialog that caused it shows it.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { AppErrorData, Platform, Role, Workspace, WorkspaceSyncHealth } from '../../../src-common/contract/index.ts';

/** where an action was started: a row/toolbar (errors in the screen's banner) or a dialog (errors in that dialog) */
export type ErrorPlace = 'screen' | 'dialog';
export interface BulkOutcome {
  done: number;
  failed: Array<{ workspaceId: string; message: string }>;
}

export interface WorkspacesState {
  workspaces: Workspace[];
  platforms: Platform[];
  loaded: boolean;
  error: AppErrorData | null;
  busy: Record<string, string>;
  /** per workspace: last audit and inventory sync and their last errors */
  health: Record<string, WorkspaceSyncHealth>;
  /** the error of the open dialog's action */
  formError: AppErrorData | null;
  /** a bulk action running ('refresh' | 'sync' | 'disconnect') and the last one's outcome */
  bulkRunning: null | 'refresh' | 'sync' | 'disconnect';
  bulkOutcome: null | (BulkOutcome & { action: 'refresh' | 'sync' | 'disconnect' });
  /** a re-consent with chosen scopes is waiting for the browser */
  reconsenting: boolean;
  reconsentError: AppErrorData | null;
  load(): Promise<void>;
  connect(workspace: string, platform: string | undefined, role: Role, place?: ErrorPlace): Promise<boolean>;
  loadHealth(): Promise<void>;
  refreshMany(workspaces: string[]): Promise<BulkOutcome>;
  syncMany(workspaces: string[]): Promise<BulkOutcome>;
  disconnectMany(workspaces: string[]): Promise<BulkOutcome>;
  dismissFormError(): void;
  dismissBulkOutcome(): void;
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
      health: {},
      formError: null,
      bulkRunning: null,
      bulkOutcome: null,
      reconsenting: false,
      reconsentError: null,
      async load() {
        const [w, p] = await Promise.all([api.workspacesList({}), api.platformsList({})]);
        if (w.ok && p.ok) set({ workspaces: w.value, platforms: p.value, loaded: true });
        else set({ error: !w.ok ? w.error : !p.ok ? p.error : null, loaded: true });
      },
      async connect(workspace, platform, role, place = 'screen') {
        busy(workspace, 'connecting');
        if (place === 'dialog') set({ formError: null });
        const r = await api.workspacesConnect({ workspace, platform, role });
        busy(workspace, null);
        if (!r.ok) set(place === 'dialog' ? { formError: r.error } : { error: r.error });
        await get().load();
        return r.ok;
      },
      async bulkConnect(workspaces, platform, role) {
        set({ formError: null });
        const r = await api.workspacesBulkConnect({ workspaces, platform, role });
        await get().load();
        if (!r.ok) {
          set({ formError: r.error });
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
        set({ formError: null });
        const r = await api.platformsAdd({ issuer, name, clientId });
        // the generic remedies (e.g. "works offline from its cache") do not fit a platform that was never reached
        if (!r.ok)
          set({
            formError: ['network_error', 'timeout', 'not_found', 'invalid_response', 'platform_error'].includes(r.error.code)
              ? { ...r.error, remedy: `Check the issuer URL: Grantdesk reads the platform's sign-in metadata from ${issuer.replace(/\/$/, '')}/.well-known/oauth-authorization-server. Make sure this computer can reach it, then add the platform again.` }
              : r.error,
          });
        await get().load();
        return r.ok;
      },
      async reconsent(workspace, scopes) {
        set({ reconsenting: true, reconsentError: null });
        const r = await api.workspacesConnect({ workspace, scopes });
        set({ reconsenting: false, reconsentError: r.ok ? null : r.error });
        return r.ok;
      },
      async loadHealth() {
        const r = await api.syncHealth({});
        if (r.ok) set({ health: Object.fromEntries(r.value.workspaces.map((h) => [h.workspaceId, h])) });
      },
      async refreshMany(workspaces) {
        set({ bulkRunning: 'refresh', bulkOutcome: null });
        const failed: BulkOutcome['failed'] = [];
        for (const w of workspaces) {
          busy(w, 'refreshing');
          const r = await api.workspacesRefresh({ workspace: w, force: true });
          busy(w, null);
          if (!r.ok) failed.push({ workspaceId: w, message: r.error.message });
        }
        const out = { done: workspaces.length - failed.length, failed };
        set({ bulkRunning: null, bulkOutcome: { ...out, action: 'refresh' } });
        await get().load();
        return out;
      },
      async syncMany(workspaces) {
        set({ bulkRunning: 'sync', bulkOutcome: null });
        const r = await api.syncAll({ workspaces });
        let out: BulkOutcome;
        if (!r.ok) out = { done: 0, failed: workspaces.map((w) => ({ workspaceId: w, message: r.error.message })) };
        else {
          const bad = new Map<string, string>();
          for (const a of r.value.audit?.results ?? []) if (a.outcome !== 'ok') bad.set(a.workspaceId, a.message ?? `The audit sync ended with ${a.outcome}.`);
          for (const n of r.value.inventory?.workspaces ?? []) if (!n.ok && !bad.has(n.workspaceId)) bad.set(n.workspaceId, n.error?.message ?? 'The inventory sync failed.');
          out = { done: workspaces.length - bad.size, failed: [...bad].map(([workspaceId, message]) => ({ workspaceId, message })) };
        }
        set({ bulkRunning: null, bulkOutcome: { ...out, action: 'sync' } });
        await get().loadHealth();
        return out;
      },
      async disconnectMany(workspaces) {
        set({ bulkRunning: 'disconnect', bulkOutcome: null });
        const failed: BulkOutcome['failed'] = [];
        for (const w of workspaces) {
          busy(w, 'disconnecting');
          const r = await api.workspacesDisconnect({ workspace: w });
          busy(w, null);
          if (!r.ok) failed.push({ workspaceId: w, message: r.error.message });
        }
        const out = { done: workspaces.length - failed.length, failed };
        set({ bulkRunning: null, bulkOutcome: { ...out, action: 'disconnect' } });
        await get().load();
        return out;
      },
      dismissFormError: () => set({ formError: null }),
      dismissBulkOutcome: () => set({ bulkOutcome: null }),
      dismissError: () => set({ error: null }),
      dismissReconsentError: () => set({ reconsentError: null }),
      connectEvents() {
        return api.onStateChanged((e) => {
          if (e.topic === 'workspaces' || e.topic === 'platforms') void get().load();
          if (e.topic === 'audit' || e.topic === 'inventory' || e.topic === 'workspaces') void get().loadHealth();
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
export const selectSyncHealth = (s: WorkspacesState) => s.health;
export const selectFormError = (s: WorkspacesState) => s.formError;
export const selectBulkRunning = (s: WorkspacesState) => s.bulkRunning;
export const selectBulkOutcome = (s: WorkspacesState) => s.bulkOutcome;
export const selectReconsenting = (s: WorkspacesState) => s.reconsenting;
export const selectReconsentError = (s: WorkspacesState) => s.reconsentError;
