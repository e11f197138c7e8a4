// The Incident screen: paste a leaked secret, see which credential it is and what it did, contain it (revoke, or rotate
// with zero grace, after the preview and the typed workspace name), write the evidence pack and verify it.
// The pasted secret lives only in the paste field's own state and in the one identify call: this store never keeps it
// (identify takes it as an argument; nothing here stores it). A replacement key's secret is returned by `contain` to the
// dialog that shows it once, and kept only in that dialog's state.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { AppErrorData, Incident, IncidentActivity, Output } from '../../../src-common/contract/index.ts';

export type ContainAction = 'revoke' | 'rotate';

/** the longest paste sent to main (the contract's own limit on `secret`) */
const MAX_PASTE = 4096;

export interface IncidentState {
  incidents: Incident[];
  current: Incident | null;
  /** the last identify's sentence (also when nothing matched) */
  sentence: string | null;
  matched: boolean | null;
  identifying: boolean;
  activity: IncidentActivity | null;
  preview: Output<'incident.containPreview'> | null;
  containing: boolean;
  rotationSentence: string | null;
  pack: (Output<'incident.pack'> & { verified: { ok: boolean; checks: number; failed: string[] } | null }) | null;
  error: AppErrorData | null;
  load(): Promise<void>;
  identify(secret: string): Promise<boolean>;
  open(id: string): Promise<void>;
  loadActivity(since?: string): Promise<void>;
  previewContain(action: ContainAction): Promise<void>;
  cancelPreview(): void;
  /** runs the previewed action; after a rotation, the replacement's secret for the caller's dialog (null: delivered, or a revoke) */
  contain(confirm: string, deliverTo?: string): Promise<{ ok: boolean; secret: string | null }>;
  writePack(): Promise<void>;
  dismissError(): void;
}
export type IncidentStore = StoreApi<IncidentState>;

export function createIncidentStore(api: GrantdeskApi): IncidentStore {
  return createStore<IncidentState>()((set, get) => ({
    incidents: [],
    current: null,
    sentence: null,
    matched: null,
    identifying: false,
    activity: null,
    preview: null,
    containing: false,
    rotationSentence: null,
    pack: null,
    error: null,
    async load() {
      const r = await api.incidentList({});
      if (r.ok) set({ incidents: r.value.incidents });
      else set({ error: r.error });
    },
    async identify(secret) {
      // a paste far longer than any secret (a whole file, a log): said here in words, and never sent
      const length = secret.trim().length;
      if (length > MAX_PASTE) {
        set({ error: null, sentence: `This paste is ${length.toLocaleString('en-US')} characters long; an API key secret is 48 (sk_live_ or sk_test_ and 40 letters and digits). Paste only the secret.`, matched: false, current: null, activity: null, preview: null, pack: null, rotationSentence: null });
        return false;
      }
      set({ identifying: true, error: null, sentence: null, matched: null, activity: null, preview: null, pack: null, rotationSentence: null });
      const r = await api.incidentIdentify({ secret });
      set({ identifying: false });
      if (!r.ok) {
        set({ error: r.error });
        return false;
      }
      set({ sentence: r.value.sentence, matched: r.value.incident !== null, current: r.value.incident });
      if (r.value.incident) {
        await get().loadActivity();
        await get().load();
      }
      return r.value.incident !== null;
    },
    async open(id) {
      const inc = get().incidents.find((i) => i.id === id) ?? null;
      set({ current: inc, activity: null, preview: null, pack: null, sentence: null, matched: null, rotationSentence: null });
      if (inc) await get().loadActivity();
    },
    async loadActivity(since) {
      const cur = get().current;
      if (!cur) return;
      const r = await api.incidentActivity({ incidentId: cur.id, ...(since ? { since } : {}) });
      if (r.ok) set({ activity: r.value });
      else set({ error: r.error });
    },
    async previewContain(action) {
      const cur = get().current;
      if (!cur) return;
      const r = await api.incidentContainPreview({ incidentId: cur.id, action });
      if (r.ok) set({ preview: r.value });
      else set({ error: r.error });
    },
    cancelPreview() {
      set({ preview: null });
    },
    async contain(confirm, deliverTo) {
      const cur = get().current;
      const pv = get().preview;
      if (!cur || !pv) return { ok: false, secret: null };
      set({ containing: true, error: null });
      if (pv.action === 'revoke') {
        const r = await api.incidentRevoke({ incidentId: cur.id, confirm });
        set({ containing: false });
        if (!r.ok) {
          set({ error: r.error });
          return { ok: false, secret: null };
        }
        set({ current: r.value.incident, preview: null });
      } else {
        const r = await api.incidentRotate({ incidentId: cur.id, confirm, ...(deliverTo ? { deliverTo } : {}) });
        set({ containing: false });
        if (!r.ok) {
          set({ error: r.error });
          return { ok: false, secret: null };
        }
        set({ current: r.value.incident, preview: null, rotationSentence: r.value.incident.actions.at(-1)?.sentence ?? null });
        await get().load();
        return { ok: true, secret: r.value.secret ?? null };
      }
      await get().load();
      await get().loadActivity();
      return { ok: true, secret: null };
    },
    async writePack() {
      const cur = get().current;
      if (!cur) return;
      const r = await api.incidentPack({ incidentId: cur.id });
      if (!r.ok) {
        set({ error: r.error });
        return;
      }
      // verify right away, as `grantdesk verify` would: the pack is only evidence if it checks out
      const v = await api.auditVerify({ manifest: r.value.manifestPath });
      set({ pack: { ...r.value, verified: v.ok ? { ok: v.value.ok, checks: v.value.checks.length, failed: v.value.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`) } : null } });
      if (!v.ok) set({ error: v.error });
      const again = await api.incidentList({});
      if (again.ok) set({ incidents: again.value.incidents, current: again.value.incidents.find((i) => i.id === cur.id) ?? cur });
    },
    dismissError() {
      set({ error: null });
    },
  }));
}

export const selectIncidents = (s: IncidentState) => s.incidents;
export const selectIncident = (s: IncidentState) => s.current;
export const selectIncidentSentence = (s: IncidentState) => s.sentence;
export const selectIncidentMatched = (s: IncidentState) => s.matched;
export const selectIncidentIdentifying = (s: IncidentState) => s.identifying;
export const selectIncidentActivity = (s: IncidentState) => s.activity;
export const selectIncidentPreview = (s: IncidentState) => s.preview;
export const selectIncidentContaining = (s: IncidentState) => s.containing;
export const selectIncidentRotationSentence = (s: IncidentState) => s.rotationSentence;
export const selectIncidentPack = (s: IncidentState) => s.pack;
export const selectIncidentError = (s: IncidentState) => s.error;
