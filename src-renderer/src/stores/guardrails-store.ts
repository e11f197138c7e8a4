// The "Edit guardrails" dialog's calls: the dry run from the cache (keys.editDryRun / clients.editDryRun), then the edit
// in place (keys.edit / clients.edit), allowed only for exactly the proposal the shown dry run judged. Created once in
// createAppStores; nothing secret passes here (an edit never returns a secret).
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { AppErrorData, GuardrailsDryRun } from '../../../src-common/contract/index.ts';

export interface GuardrailsTarget {
  workspaceId: string;
  credentialId: string;
  type: 'api_key' | 'machine_client';
}

/** what the dialog proposes; an omitted field keeps the credential's current value */
export interface GuardrailsProposal {
  scopes?: string[];
  ipAllowlist?: string[];
  expiresInDays?: number;
  removeExpiry?: boolean;
  rateLimitPerMinute?: number;
  removeRateLimit?: boolean;
}

export interface GuardrailsApplied {
  changes: string[];
  note: string | null;
}

export interface GuardrailsState {
  target: GuardrailsTarget | null;
  sinceDays: number;
  dryRun: GuardrailsDryRun | null;
  /** the proposal (as JSON) the shown dry run judged: Apply sends exactly this one */
  checkedKey: string | null;
  checking: boolean;
  applying: boolean;
  error: AppErrorData | null;
  applied: GuardrailsApplied | null;
  open(target: GuardrailsTarget): void;
  close(): void;
  setSinceDays(days: number): void;
  check(proposal: GuardrailsProposal): Promise<void>;
  apply(proposal: GuardrailsProposal): Promise<boolean>;
  dismissError(): void;
}
export type GuardrailsStore = StoreApi<GuardrailsState>;

export const proposalKey = (p: GuardrailsProposal): string => JSON.stringify(Object.entries(p).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)));

export function createGuardrailsStore(api: GrantdeskApi): GuardrailsStore {
  return createStore<GuardrailsState>()((set, get) => {
    let seq = 0;
    return {
      target: null,
      sinceDays: 30,
      dryRun: null,
      checkedKey: null,
      checking: false,
      applying: false,
      error: null,
      applied: null,
      open(target) {
        seq++;
        set({ target, dryRun: null, checkedKey: null, checking: false, applying: false, error: null, applied: null });
      },
      close() {
        seq++;
        set({ target: null, dryRun: null, checkedKey: null, checking: false, applying: false, error: null });
      },
      setSinceDays(days) {
        set({ sinceDays: days, checkedKey: null });
      },
      async check(proposal) {
        const t = get().target;
        if (!t) return;
        const mine = ++seq;
        const key = proposalKey(proposal);
        set({ checking: true, error: null });
        const sinceDays = get().sinceDays;
        const r =
          t.type === 'api_key'
            ? await api.keysEditDryRun({ workspace: t.workspaceId, key: t.credentialId, ...proposal, sinceDays })
            : await api.clientsEditDryRun({ workspace: t.workspaceId, clientId: t.credentialId, ipAllowlist: proposal.ipAllowlist ?? [], sinceDays });
        if (mine !== seq) return; // a newer check, or the dialog closed
        if (r.ok) set({ checking: false, dryRun: r.value, checkedKey: key });
        else set({ checking: false, error: r.error, checkedKey: null });
      },
      async apply(proposal) {
        const t = get().target;
        if (!t || get().checkedKey !== proposalKey(proposal)) return false;
        set({ applying: true, error: null });
        const r =
          t.type === 'api_key'
            ? await api.keysEdit({ workspace: t.workspaceId, key: t.credentialId, ...proposal })
            : await api.clientsEdit({ workspace: t.workspaceId, clientId: t.credentialId, ...(proposal.ipAllowlist ? { ipAllowlist: proposal.ipAllowlist } : {}) });
        set({ applying: false });
        if (!r.ok) {
          set({ error: r.error });
          return false;
        }
        set({ applied: { changes: r.value.changes, note: r.value.note } });
        return true;
      },
      dismissError() {
        set({ error: null });
      },
    };
  });
}

export const selectGuardrailsTarget = (s: GuardrailsState) => s.target;
export const selectGuardrailsDryRun = (s: GuardrailsState) => s.dryRun;
export const selectGuardrailsChecking = (s: GuardrailsState) => s.checking;
export const selectGuardrailsApplying = (s: GuardrailsState) => s.applying;
export const selectGuardrailsError = (s: GuardrailsState) => s.error;
export const selectGuardrailsApplied = (s: GuardrailsState) => s.applied;
export const selectGuardrailsCheckedKey = (s: GuardrailsState) => s.checkedKey;
export const selectGuardrailsSinceDays = (s: GuardrailsState) => s.sinceDays;
