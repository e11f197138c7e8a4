// Machine clients of the Calendar tools' workspace: the list, the selected client's usage, create/rotate (the new secret
// is RETURNED to the dialog that shows it once, never kept here), enable/disable. Created once in createAppStores.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { AppErrorData, CallResult, Delivered, DeliveryFailure, MachineClient, QuotaCheck, Usage } from '../../../src-common/contract/index.ts';

/** what the secret dialog shows once; lives in that dialog's component state only */
export interface IssuedSecret {
  title: string;
  /** null when it went to a delivery target, or delivery failed and main holds it (deliveryFailed.pendingId) */
  secret: string | null;
  delivered: Delivered | null;
  deliveryFailed: DeliveryFailure | null;
  check: QuotaCheck;
}

/** where a new secret goes: a delivery target's name, or null to show it once */
export type DeliverTo = string | null;
const deliveryInput = (to: DeliverTo) => (to ? { deliverTo: to } : {});
const issued = (title: string, v: { clientSecret?: string; delivered?: Delivered; deliveryFailed?: DeliveryFailure; check: QuotaCheck }): IssuedSecret => ({
  title,
  secret: v.clientSecret ?? null,
  delivered: v.delivered ?? null,
  deliveryFailed: v.deliveryFailed ?? null,
  check: v.check,
});

export interface ClientsState {
  workspace: string | null;
  clients: MachineClient[];
  selected: string | null;
  usage: Usage | null;
  busy: boolean;
  error: AppErrorData | null;
  /** show this workspace's clients (clears another workspace's list) with `focusClientId` (or nothing) selected */
  open(workspace: string, focusClientId?: string | null): Promise<void>;
  load(): Promise<void>;
  select(clientId: string | null): Promise<void>;
  create(input: { name: string; scopes: string[]; dailyQuota: number; ipAllowlist?: string[] }, deliverTo?: DeliverTo): Promise<IssuedSecret | null>;
  rotate(clientId: string, grace: string, deliverTo?: DeliverTo): Promise<IssuedSecret | null>;
  enable(clientId: string): Promise<boolean>;
  disable(clientId: string): Promise<boolean>;
  dismissError(): void;
}
export type ClientsStore = StoreApi<ClientsState>;

export function createClientsStore(api: GrantdeskApi): ClientsStore {
  return createStore<ClientsState>()((set, get) => {
    /** one write: busy while it runs, its error kept, the list (and usage) reloaded after success */
    const write = async <T>(call: (workspace: string) => Promise<CallResult<T>>): Promise<T | null> => {
      const workspace = get().workspace;
      if (!workspace) return null;
      set({ busy: true, error: null });
      const r = await call(workspace);
      set({ busy: false });
      if (!r.ok) {
        set({ error: r.error });
        return null;
      }
      await get().load();
      return r.value;
    };
    const loadUsage = async () => {
      const { workspace, selected } = get();
      if (!workspace || !selected) return set({ usage: null });
      const r = await api.clientsUsage({ workspace, clientId: selected });
      if (get().workspace !== workspace || get().selected !== selected) return;
      if (r.ok) set({ usage: r.value });
      else set({ error: r.error });
    };
    return {
      workspace: null,
      clients: [],
      selected: null,
      usage: null,
      busy: false,
      error: null,
      async open(workspace, focusClientId) {
        if (get().workspace !== workspace) set({ workspace, clients: [], usage: null, error: null });
        set({ selected: focusClientId ?? null });
        await get().load();
      },
      async load() {
        const workspace = get().workspace;
        if (!workspace) return;
        const r = await api.clientsList({ workspace });
        if (get().workspace !== workspace) return;
        if (r.ok) set({ clients: r.value.clients });
        else set({ error: r.error });
        await loadUsage();
      },
      async select(clientId) {
        set({ selected: clientId });
        await loadUsage();
      },
      async create({ name, scopes, dailyQuota, ipAllowlist }, deliverTo = null) {
        const v = await write((workspace) => api.clientsCreate({ workspace, name, scopes, dailyQuota, ...(ipAllowlist?.length ? { ipAllowlist } : {}), ...deliveryInput(deliverTo) }));
        return v ? issued(`Client secret for ${v.client.name}`, v) : null;
      },
      async rotate(clientId, grace, deliverTo = null) {
        const name = get().clients.find((c) => c.id === clientId)?.name ?? clientId;
        const v = await write((workspace) => api.clientsRotate({ workspace, clientId, grace, ...deliveryInput(deliverTo) }));
        return v ? issued(`New secret for ${name}`, v) : null;
      },
      async enable(clientId) {
        return (await write((workspace) => api.clientsEnable({ workspace, clientId }))) !== null;
      },
      async disable(clientId) {
        return (await write((workspace) => api.clientsDisable({ workspace, clientId }))) !== null;
      },
      dismissError() {
        set({ error: null });
      },
    };
  });
}

export const selectClients = (s: ClientsState) => s.clients;
export const selectSelectedClient = (s: ClientsState) => s.selected;
export const selectUsage = (s: ClientsState) => s.usage;
export const selectClientsBusy = (s: ClientsState) => s.busy;
export const selectClientsError = (s: ClientsState) => s.error;
/** the name the usage panel heads with */
export const selectUsageName = (s: ClientsState): string | null => (s.usage ? (s.clients.find((c) => c.id === s.usage!.id)?.name ?? s.usage.clientId) : null);
