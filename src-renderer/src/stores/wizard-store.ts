// The API key rotation wizard's view of main's persisted state machine: the wizard, its grace-period traffic, busy and
// error. Created once in createAppStores (one wizard dialog is open at a time). The new secret of a rotation is
// RETURNED by advance('rotate') to the dialog that shows it once; it never enters this store.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { AppErrorData, Delivered, DeliveryFailure, GraceTraffic, Input, Wizard } from '../../../src-common/contract/index.ts';

export type WizardTarget = { wizardId: string } | { workspace: string; keyId: string };
export type WizardAction = Input<'rotation.advance'>['action'];
export type AdvanceInput = Omit<Input<'rotation.advance'>, 'wizardId'>;

export interface WizardState {
  wizard: Wizard | null;
  traffic: GraceTraffic | null;
  busy: boolean;
  /** Refresh is syncing the workspace's audit log before it re-reads the traffic */
  syncing: boolean;
  error: AppErrorData | null;
  /** resume (wizardId) or start (workspace + key) a rotation; returns the wizard or null on error */
  open(target: WizardTarget): Promise<Wizard | null>;
  /** rotation.advance; on success returns the wizard and, for 'rotate', the secret shown once (null when it went to a delivery target, or is held after a failed delivery) */
  advance(input: AdvanceInput): Promise<{ wizard: Wizard; secret: string | null; delivered: Delivered | null; deliveryFailed: DeliveryFailure | null } | null>;
  /** re-read the open wizard (after its held secret was shown or delivered elsewhere) */
  reload(): Promise<Wizard | null>;
  endGrace(force: boolean): Promise<Wizard | null>;
  /** sync the wizard's workspace's audit log (audit.sync, local only), then re-read the wizard and its traffic */
  refresh(): Promise<void>;
  close(): void;
  dismissError(): void;
}
export type WizardStore = StoreApi<WizardState>;

const TRAFFIC_STEPS = ['acknowledged', 'verified', 'grace', 'ended_early', 'finished'];
/** a sync outcome in words (the code stays out of the sentence) */
const SYNC_OUTCOME_WORDS: Record<string, string> = { tamper: 'the audit log failed its tamper check', gap: 'events are missing from the platform log', error: 'the platform call failed', rate_limited: 'the platform is rate limiting', cancelled: 'it was cancelled' };

export function createWizardStore(api: GrantdeskApi): WizardStore {
  return createStore<WizardState>()((set, get) => {
    const adopt = async (w: Wizard): Promise<Wizard> => {
      set({ wizard: w });
      if (w.rotatedAt && TRAFFIC_STEPS.includes(w.step)) {
        const st = await api.rotationStatus({ wizardId: w.id });
        if (st.ok) set({ traffic: st.value.traffic });
      } else set({ traffic: null });
      return w;
    };
    return {
      wizard: null,
      traffic: null,
      busy: false,
      syncing: false,
      error: null,
      async open(target) {
        set({ busy: true, error: null, wizard: null, traffic: null });
        const r = 'wizardId' in target ? await api.rotationStatus({ wizardId: target.wizardId }) : await api.rotationStart({ workspace: target.workspace, keyId: target.keyId });
        set({ busy: false });
        if (!r.ok) {
          set({ error: r.error });
          return null;
        }
        const w = 'wizards' in r.value ? r.value.wizards[0] : r.value;
        return w ? adopt(w) : null;
      },
      async advance(input) {
        const wizard = get().wizard;
        if (!wizard) return null;
        set({ busy: true, error: null });
        const r = await api.rotationAdvance({ ...input, wizardId: wizard.id });
        set({ busy: false });
        if (!r.ok) {
          set({ error: r.error });
          return null;
        }
        const w = await adopt(r.value.wizard);
        return { wizard: w, secret: input.action === 'rotate' ? (r.value.secret ?? null) : null, delivered: r.value.delivered ?? null, deliveryFailed: r.value.deliveryFailed ?? null };
      },
      async reload() {
        const wizard = get().wizard;
        if (!wizard) return null;
        const st = await api.rotationStatus({ wizardId: wizard.id });
        if (!st.ok) {
          set({ error: st.error });
          return null;
        }
        const w = st.value.wizards[0];
        return w && get().wizard?.id === w.id ? adopt(w) : null;
      },
      async endGrace(force) {
        const wizard = get().wizard;
        if (!wizard) return null;
        set({ busy: true, error: null });
        const r = await api.rotationEndGrace({ wizardId: wizard.id, force });
        set({ busy: false });
        if (!r.ok) {
          set({ error: r.error });
          return null;
        }
        return adopt(r.value.wizard);
      },
      async refresh() {
        const wizard = get().wizard;
        if (!wizard) return;
        // the chart is only as fresh as the audit cache: bring it up to the platform's head first
        set({ syncing: true, error: null });
        const synced = await api.auditSync({ workspaces: [wizard.workspaceId] });
        if (get().wizard?.id !== wizard.id) return;
        const failed = synced.ok ? synced.value.results.find((r) => r.outcome !== 'ok') : undefined;
        const st = await api.rotationStatus({ wizardId: wizard.id });
        if (get().wizard?.id !== wizard.id) return;
        set({ syncing: false });
        if (!synced.ok) set({ error: synced.error });
        else if (failed) set({ error: { code: 'platform_error', message: `The audit sync of ${wizard.workspaceName} did not finish (${SYNC_OUTCOME_WORDS[failed.outcome] ?? 'it stopped'}${failed.message ? `: ${failed.message.replace(/^[a-z_]+: /, '')}` : ''}). The chart shows the cache as it is.`, remedy: 'Try Refresh again; if it keeps failing, open the audit explorer for the details.' } });
        if (st.ok && st.value.wizards[0]) set({ wizard: st.value.wizards[0], traffic: st.value.traffic });
        else if (!st.ok) set({ error: st.error });
      },
      close() {
        set({ wizard: null, traffic: null, busy: false, syncing: false, error: null });
      },
      dismissError() {
        set({ error: null });
      },
    };
  });
}

export const selectWizard = (s: WizardState) => s.wizard;
export const selectTraffic = (s: WizardState) => s.traffic;
export const selectWizardBusy = (s: WizardState) => s.busy;
export const selectWizardSyncing = (s: WizardState) => s.syncing;
export const selectWizardError = (s: WizardState) => s.error;
