// The Offboarding screen: choose one integration (OAuth client id, or an API key / machine-client name pattern) or one
// staff member, one preview grouped per workspace, the typed confirmation, per-row results and a retry of the failed
// rows. The choices come from the cache (inventory credentials, who connected each workspace). Created once in
// createAppStores.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { AppErrorData, OffboardPreview, OffboardResult } from '../../../src-common/contract/index.ts';

export type OffboardKind = 'clientId' | 'match' | 'staff';

export interface IntegrationChoice {
  clientId: string;
  name: string;
  /** active installs (apps) or clients across workspaces */
  count: number;
}
export interface StaffChoice {
  email: string | null;
  name: string | null;
  workspaces: number;
}

export interface OffboardingState {
  kind: OffboardKind;
  value: string;
  integrations: IntegrationChoice[];
  staff: StaffChoice[];
  preview: OffboardPreview | null;
  previewing: boolean;
  result: OffboardResult | null;
  running: boolean;
  error: AppErrorData | null;
  load(): Promise<void>;
  choose(kind: OffboardKind, value: string): void;
  runPreview(): Promise<void>;
  run(confirm: string): Promise<void>;
  retry(): Promise<void>;
  dismissError(): void;
}
export type OffboardingStore = StoreApi<OffboardingState>;

export function createOffboardingStore(api: GrantdeskApi): OffboardingStore {
  return createStore<OffboardingState>()((set, get) => {
    let seq = 0;
    const selector = () => {
      const { kind, value } = get();
      return { [kind]: value.trim() } as { clientId?: string; match?: string; staff?: string };
    };
    return {
      kind: 'clientId',
      value: '',
      integrations: [],
      staff: [],
      preview: null,
      previewing: false,
      result: null,
      running: false,
      error: null,
      async load() {
        const [creds, wss] = await Promise.all([api.inventoryCredentials({}), api.workspacesList({})]);
        if (creds.ok) {
          const by = new Map<string, IntegrationChoice>();
          for (const c of creds.value.credentials) {
            if (!c.clientId || c.isGrantdesk || (c.type !== 'app' && c.type !== 'machine_client') || !c.revocable) continue;
            const cur = by.get(c.clientId) ?? { clientId: c.clientId, name: c.name, count: 0 };
            cur.count++;
            by.set(c.clientId, cur);
          }
          set({ integrations: [...by.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)) });
        } else set({ error: creds.error });
        if (wss.ok) {
          const by = new Map<string, StaffChoice>();
          for (const w of wss.value) {
            const p = w.connectedBy;
            if (!p || w.status === 'disconnected') continue;
            const key = (p.email ?? p.name ?? '').toLowerCase();
            const cur = by.get(key) ?? { email: p.email, name: p.name, workspaces: 0 };
            cur.workspaces++;
            by.set(key, cur);
          }
          set({ staff: [...by.values()].sort((a, b) => (a.name ?? a.email ?? '').localeCompare(b.name ?? b.email ?? '')) });
        } else set({ error: wss.error });
      },
      choose(kind, value) {
        seq++;
        set({ kind, value, preview: null, error: null });
      },
      async runPreview() {
        if (!get().value.trim()) return;
        const mine = ++seq;
        set({ previewing: true, error: null, preview: null, result: null });
        const r = await api.offboardPreview(selector());
        if (mine !== seq) return;
        set({ previewing: false, ...(r.ok ? { preview: r.value } : { error: r.error }) });
      },
      async run(confirm) {
        set({ running: true, error: null });
        const r = await api.offboardRun({ ...selector(), confirm });
        set({ running: false, ...(r.ok ? { result: r.value, preview: null } : { error: r.error }) });
        if (r.ok) void get().load();
      },
      async retry() {
        const batch = get().result?.batchId;
        if (!batch) return;
        set({ running: true, error: null });
        const r = await api.offboardRetry({ batch });
        set({ running: false, ...(r.ok ? { result: r.value } : { error: r.error }) });
      },
      dismissError: () => set({ error: null }),
    };
  });
}

export const selectOffboardKind = (s: OffboardingState) => s.kind;
export const selectOffboardValue = (s: OffboardingState) => s.value;
export const selectOffboardIntegrations = (s: OffboardingState) => s.integrations;
export const selectOffboardStaff = (s: OffboardingState) => s.staff;
export const selectOffboardPreview = (s: OffboardingState) => s.preview;
export const selectOffboardPreviewing = (s: OffboardingState) => s.previewing;
export const selectOffboardResult = (s: OffboardingState) => s.result;
export const selectOffboardRunning = (s: OffboardingState) => s.running;
export const selectOffboardError = (s: OffboardingState) => s.error;
