// Exports: the export in progress (its task id, result or error) and the exports history with verify reports. A vanilla
// zustand store created once in createAppStores; the filters come from the audit explorer's store at start time.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { AppErrorData, AuditFilter, ExportRecord, Output, VerifyReport } from '../../../src-common/contract/index.ts';

export type ExportFormat = 'csv' | 'jsonl';
export type ExportResult = Pick<Output<'audit.export'>, 'exportId' | 'path' | 'rowCount' | 'sha256'>;
export type OpenResult = Output<'audit.openExport'> & { exportId: string };

export interface ExportsState {
  /** the task id of the export running now (progress comes from the tasks store) */
  taskId: string | null;
  result: ExportResult | null;
  error: AppErrorData | null;
  history: ExportRecord[];
  /** false until the history answered once (so "no exports yet" is never shown before it is known) */
  historyLoaded: boolean;
  reports: Record<string, VerifyReport>;
  /** exports being verified now (their Verify button shows it) */
  verifying: Record<string, true>;
  /** the last export shown in the file manager or downloaded */
  opened: OpenResult | null;
  loadHistory(): Promise<void>;
  start(filters: AuditFilter, opts: { format: ExportFormat; bom: boolean; name: string }): Promise<void>;
  cancel(): Promise<void>;
  verify(exportId: string): Promise<void>;
  /** Electron: show the file in the file manager; serve mode: download it (the bridge fetches it with the token) */
  open(exportId: string): Promise<void>;
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
    historyLoaded: false,
    reports: {},
    verifying: {},
    opened: null,
    async loadHistory() {
      const r = await api.auditExports({ limit: 100 });
      if (r.ok) set({ history: r.value.exports, historyLoaded: true });
      else set({ error: r.error, historyLoaded: true });
    },
    async start(filters, { format, bom, name }) {
      if (get().taskId) return;
      const taskId = newTaskId();
      set({ taskId, result: null, error: null });
      const r = await api.auditExport({ ...filters, format, bom: format === 'csv' ? bom : false, out: name.trim() || undefined, taskId });
      set(r.ok ? { taskId: null, result: { exportId: r.value.exportId, path: r.value.path, rowCount: r.value.rowCount, sha256: r.value.sha256 } } : { taskId: null, error: r.error });
      void get().loadHistory();
    },
    async cancel() {
      const taskId = get().taskId;
      if (!taskId) return;
      const r = await api.auditCancel({ taskId });
      if (!r.ok) set({ error: r.error });
    },
    async verify(exportId) {
      if (get().verifying[exportId]) return;
      set((s) => ({ verifying: { ...s.verifying, [exportId]: true } }));
      const r = await api.auditVerify({ exportId });
      set((s) => {
        const { [exportId]: _done, ...rest } = s.verifying;
        void _done;
        return r.ok ? { verifying: rest, reports: { ...s.reports, [exportId]: r.value } } : { verifying: rest, error: r.error };
      });
      await get().loadHistory();
    },
    async open(exportId) {
      const r = await api.auditOpenExport({ exportId });
      if (r.ok) set({ opened: { ...r.value, exportId } });
      else set({ error: r.error });
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
export const selectExportHistoryLoaded = (s: ExportsState) => s.historyLoaded;
export const selectVerifyReports = (s: ExportsState) => s.reports;
export const selectVerifying = (s: ExportsState) => s.verifying;
export const selectOpened = (s: ExportsState) => s.opened;
