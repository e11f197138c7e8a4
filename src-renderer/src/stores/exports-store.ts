// Exports: the export in progress (its task id, result or error) and the exports history with verify reports. A vanilla
// zustand store created once in createAppStores; the filters come from the audit explorer's store at start time.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { AppErrorData, AuditFilter, ExportRecord, Output, VerifyReport } from '../../../src-common/contract/index.ts';

export type ExportFormat = 'csv' | 'jsonl';
export type ExportResult = Pick<Output<'audit.export'>, 'path' | 'rowCount' | 'sha256'>;

export interface ExportsState {
  /** the task id of the export running now (progress comes from the tasks store) */
  taskId: string | null;
  result: ExportResult | null;
  error: AppErrorData | null;
  history: ExportRecord[];
  reports: Record<string, VerifyReport>;
  loadHistory(): Promise<void>;
  start(filters: AuditFilter, opts: { format: ExportFormat; bom: boolean; name: string }): Promise<void>;
  cancel(): Promise<void>;
  verify(exportId: string): Promise<void>;
  dismissError(): void;
  /** reload the history on state.changed('exports'); returns the unsubscribe */
  connect(): () => void;
}
export type ExportsStore = StoreApi<ExportsState>;

export function createExportsStore(api: GrantdeskApi, newTaskId: () => string = () => crypto.randomUUID()): ExportsStore {
  return createStore<ExportsState>()((set, get) => ({
    taskId: null,
    result: null,
    error: null,
    history: [],
    reports: {},
    async loadHistory() {
      const r = await api.auditExports({ limit: 100 });
      if (r.ok) set({ history: r.value.exports });
    },
    async start(filters, { format, bom, name }) {
      if (get().taskId) return;
      const taskId = newTaskId();
      set({ taskId, result: null, error: null });
      const r = await api.auditExport({ ...filters, format, bom: format === 'csv' ? bom : false, out: name.trim() || undefined, taskId });
      set(r.ok ? { taskId: null, result: { path: r.value.path, rowCount: r.value.rowCount, sha256: r.value.sha256 } } : { taskId: null, error: r.error });
      void get().loadHistory();
    },
    async cancel() {
      const taskId = get().taskId;
      if (!taskId) return;
      const r = await api.auditCancel({ taskId });
      if (!r.ok) set({ error: r.error });
    },
    async verify(exportId) {
      const r = await api.auditVerify({ exportId });
      if (r.ok) set((s) => ({ reports: { ...s.reports, [exportId]: r.value } }));
      else set({ error: r.error });
      void get().loadHistory();
    },
    dismissError() {
      set({ error: null });
    },
    connect() {
      return api.onStateChanged((p) => {
        if (p.topic === 'exports') void get().loadHistory();
      });
    },
  }));
}

export const selectExportTaskId = (s: ExportsState) => s.taskId;
export const selectExportResult = (s: ExportsState) => s.result;
export const selectExportError = (s: ExportsState) => s.error;
export const selectExportHistory = (s: ExportsState) => s.history;
export const selectVerifyReports = (s: ExportsState) => s.reports;
