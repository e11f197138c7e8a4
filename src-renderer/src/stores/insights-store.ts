// Insights: the least-privilege report (insights.list) for a window of days, reloaded when the caches change. A vanilla
// zustand store created once in createAppStores; filtering, grouping and sorting are pure selectors below. The report is
// read in pages of credentials: the first page shows at once, the rest is appended page by page (progress in `reading`).
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { AppErrorData, Insight, InsightsReport } from '../../../src-common/contract/index.ts';

export interface InsightsState {
  windowDays: number;
  report: InsightsReport | null;
  loading: boolean;
  /** while pages are being read: credentials read so far of the total */
  reading: { done: number; total: number } | null;
  syncing: boolean;
  error: AppErrorData | null;
  load(): Promise<void>;
  /** audit.sync of every connected workspace (local only), then the report reloads (state.changed) */
  syncAudit(): Promise<void>;
  setWindowDays(days: number): Promise<void>;
  dismissError(): void;
  /** reload on state.changed('inventory' | 'audit' | 'workspaces'); returns the unsubscribe */
  connect(): () => void;
}
export type InsightsStore = StoreApi<InsightsState>;

/** credentials per page: the first page is small so the first findings show at once */
export const INSIGHTS_FIRST_PAGE = 100;
export const INSIGHTS_PAGE = 400;

export function createInsightsStore(api: GrantdeskApi): InsightsStore {
  let generation = 0;
  return createStore<InsightsState>()((set, get) => ({
    windowDays: 90,
    report: null,
    loading: false,
    reading: null,
    syncing: false,
    error: null,
    async load() {
      const gen = ++generation;
      const windowDays = get().windowDays;
      set({ loading: true });
      let offset: number | null = 0;
      let acc: InsightsReport | null = null;
      while (offset !== null) {
        const r = await api.insightsList({ windowDays, offset, limit: offset === 0 ? INSIGHTS_FIRST_PAGE : INSIGHTS_PAGE });
        if (gen !== generation) return; // a newer load won
        if (!r.ok) {
          set({ loading: false, reading: null, error: r.error });
          return;
        }
        const page: InsightsReport = r.value;
        acc = acc ? { ...page, items: [...acc.items, ...page.items], drafts: [...acc.drafts, ...page.drafts] } : page;
        offset = page.page.nextOffset;
        set({ report: acc, error: null, reading: offset === null ? null : { done: offset, total: page.page.credentials } });
      }
      set({ loading: false, reading: null });
    },
    async syncAudit() {
      set({ syncing: true });
      const r = await api.auditSync({});
      set({ syncing: false, ...(r.ok ? {} : { error: r.error }) });
      if (r.ok) await get().load();
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
export const selectInsightsReading = (s: InsightsState) => s.reading;
export const selectInsightsSyncing = (s: InsightsState) => s.syncing;
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

export type InsightRow =
  | { type: 'kind'; key: string; kind: Insight['kind']; count: number; collapsed: boolean }
  | { type: 'workspace'; key: string; workspaceName: string; count: number }
  | { type: 'item'; key: string; item: Insight };

/** findings grouped kind → workspace → credential (by name), as flat rows for a virtualized list; collapsed kinds show only their header */
export function groupedInsightRows(items: Insight[], kindOrder: ReadonlyArray<Insight['kind']>, collapsed: ReadonlySet<string>): InsightRow[] {
  const rows: InsightRow[] = [];
  for (const k of kindOrder) {
    const ofKind = items.filter((i) => i.kind === k);
    if (!ofKind.length) continue;
    rows.push({ type: 'kind', key: `k:${k}`, kind: k, count: ofKind.length, collapsed: collapsed.has(k) });
    if (collapsed.has(k)) continue;
    const byWs = new Map<string, Insight[]>();
    for (const i of ofKind) byWs.set(i.workspaceId, [...(byWs.get(i.workspaceId) ?? []), i]);
    const wss = [...byWs.values()].sort((a, b) => a[0]!.workspaceName.localeCompare(b[0]!.workspaceName));
    for (const list of wss) {
      rows.push({ type: 'workspace', key: `w:${k}:${list[0]!.workspaceId}`, workspaceName: list[0]!.workspaceName, count: list.length });
      for (const i of [...list].sort((a, b) => a.credentialName.localeCompare(b.credentialName) || b.risk - a.risk)) rows.push({ type: 'item', key: i.id, item: i });
    }
  }
  return rows;
}
