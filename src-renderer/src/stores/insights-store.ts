// Insights: the least-privilege report (insights.list) for a window of days, reloaded when the caches change. A vanilla
// zustand store created once in createAppStores; filtering, grouping and sorting are pure selectors below.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { AppErrorData, Insight, InsightsReport } from '../../../src-common/contract/index.ts';

export interface InsightsState {
  windowDays: number;
  report: InsightsReport | null;
  loading: boolean;
  error: AppErrorData | null;
  load(): Promise<void>;
  setWindowDays(days: number): Promise<void>;
  dismissError(): void;
  /** reload on state.changed('inventory' | 'audit' | 'workspaces'); returns the unsubscribe */
  connect(): () => void;
}
export type InsightsStore = StoreApi<InsightsState>;

export function createInsightsStore(api: GrantdeskApi): InsightsStore {
  let generation = 0;
  return createStore<InsightsState>()((set, get) => ({
    windowDays: 90,
    report: null,
    loading: false,
    error: null,
    async load() {
      const gen = ++generation;
      set({ loading: true });
      const r = await api.insightsList({ windowDays: get().windowDays });
      if (gen !== generation) return; // a newer window won
      set(r.ok ? { loading: false, report: r.value, error: null } : { loading: false, error: r.error });
    },
    async setWindowDays(days) {
      set({ windowDays: days });
      await get().load();
    },
    dismissError() {
      set({ error: null });
    },
    connect() {
      return api.onStateChanged((e) => {
        if (e.topic === 'inventory' || e.topic === 'audit' || e.topic === 'workspaces') void get().load();
      });
    },
  }));
}

export const selectInsightsReport = (s: InsightsState) => s.report;
export const selectInsightsLoading = (s: InsightsState) => s.loading;
export const selectInsightsError = (s: InsightsState) => s.error;
export const selectWindowDays = (s: InsightsState) => s.windowDays;

/** the workspaces that have findings, [id, name] sorted by name (for the workspace filter) */
export function insightWorkspaces(report: InsightsReport | null): Array<[string, string]> {
  return [...new Map((report?.items ?? []).map((i) => [i.workspaceId, i.workspaceName])).entries()].sort((a, b) => a[1].localeCompare(b[1]));
}

/** findings in a workspace ('' = all) and of the chosen kinds (none = all), highest risk first */
export function visibleInsights(report: InsightsReport | null, workspace: string, kinds: Array<Insight['kind']>): Insight[] {
  return (report?.items ?? [])
    .filter((i) => (!workspace || i.workspaceId === workspace) && (kinds.length === 0 || kinds.includes(i.kind)))
    .sort((a, b) => b.risk - a.risk || a.workspaceName.localeCompare(b.workspaceName) || a.credentialName.localeCompare(b.credentialName));
}
