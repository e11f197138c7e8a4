// Exports: write the explorer's current filters (shown in words, with the exact number of events) to CSV (RFC 4180,
// formula-safe, optional Excel BOM) or JSON Lines with a manifest beside it; real row counts while it runs, cancel; the
// history with each export's filters in words, show in folder (desktop) or download (browser), and Verify with a busy state.
import { useEffect, useMemo, useState } from 'react';
import type { AuditFilter, ExportRecord } from '../../../../src-common/contract/index.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { selectAuditFilters, selectAuditLoaded, selectAuditSummary } from '../../stores/audit-store.ts';
import { selectExportError, selectExportHistory, selectExportHistoryLoaded, selectExportResult, selectExportTaskId, selectOpened, selectVerifying, selectVerifyReports, type ExportFormat } from '../../stores/exports-store.ts';
import { selectTasks } from '../../stores/tasks-store.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { selectWorkspaces } from '../../stores/workspaces-store.ts';
import { auditHref } from '../audit/audit-route.ts';
import { exactTime, filterWords, rowTimeText } from '../audit/filter-words.ts';
import '../audit/audit.css';

/** Electron exposes window.grantdesk; a serve-mode tab has no file manager and downloads instead */
const inBrowserTab = () => typeof window !== 'undefined' && !('grantdesk' in window);

function bytesText(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
const fileName = (p: string) => p.split(/[\\/]/).pop() ?? p;

function parseFilters(json: string): AuditFilter {
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === 'object' ? (v as AuditFilter) : {};
  } catch {
    return {};
  }
}

export function ExportsScreen() {
  const { audit, exports: store, tasks: tasksStore, workspaces: wsStore } = useStores();
  const filters = useSelect(audit, selectAuditFilters);
  const summary = useSelect(audit, selectAuditSummary);
  const auditLoaded = useSelect(audit, selectAuditLoaded);
  const tasks = useSelect(tasksStore, selectTasks);
  const taskId = useSelect(store, selectExportTaskId);
  const result = useSelect(store, selectExportResult);
  const error = useSelect(store, selectExportError);
  const history = useSelect(store, selectExportHistory);
  const historyLoaded = useSelect(store, selectExportHistoryLoaded);
  const reports = useSelect(store, selectVerifyReports);
  const verifying = useSelect(store, selectVerifying);
  const opened = useSelect(store, selectOpened);
  const workspaces = useSelect(wsStore, selectWorkspaces);
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [bom, setBom] = useState(false);
  const [name, setName] = useState('');

  useEffect(() => {
    void store.getState().loadHistory();
    if (!audit.getState().loaded) void audit.getState().reload();
    if (wsStore.getState().workspaces.length === 0) void wsStore.getState().load();
    return store.getState().connect();
  }, [store, audit, wsStore]);

  const wsNames = useMemo(() => new Map(workspaces.map((w) => [w.id, w.name])), [workspaces]);
  const current = {
    workspace: (id: string) => wsNames.get(id) ?? null,
    credential: (id: string) => summary?.byCredential.find((c) => c.credentialId === id)?.credentialName ?? null,
  };
  const namesOf = (h: ExportRecord) => ({ workspace: (id: string) => h.filterNames.workspaces[id] ?? wsNames.get(id) ?? null, credential: () => h.filterNames.credential });

  const start = () => store.getState().start(filters, { format, bom, name });
  const progress = taskId ? tasks[taskId] : undefined;
  const pct = progress && progress.total ? Math.min(100, Math.round((progress.done / progress.total) * 100)) : null;
  const browser = inBrowserTab();
  const openLabel = browser ? 'Download' : 'Show in folder';

  return (
    <section className="screen" aria-labelledby="screen-title" data-testid="exports-screen">
      <header className="screen-header">
        <h1 id="screen-title" tabIndex={-1}>
          Exports
        </h1>
        <p className="screen-subtitle muted">Evidence an auditor can check offline: every export has a manifest with its SHA-256, row counts and the chain heads it was verified against.</p>
      </header>
      {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissError()} testId="export-error" />}
      <div className="panel" data-testid="export-form">
        <p className="muted">The audit explorer's current filters:</p>
        <p className="export-filters" data-testid="export-filters">
          {filterWords(filters, current, { ownDefault: false })}
        </p>
        <p className="muted" data-testid="export-count">
          {!auditLoaded || !summary ? 'Counting the events…' : `${summary.count.toLocaleString()} ${summary.count === 1 ? 'event' : 'events'} will be exported. `}
          <a href={auditHref(filters)} data-testid="export-change-filters">
            Change the filters in the audit explorer
          </a>
        </p>
        <div className="export-form-row">
          <div className="audit-field export-format-field">
            <label className="audit-field-label" htmlFor="export-format">
              Format
            </label>
            <select id="export-format" value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)} data-testid="export-format">
              <option value="csv">CSV (spreadsheets)</option>
              <option value="jsonl">JSON Lines (scripts)</option>
            </select>
          </div>
          <div className="audit-field audit-field-wide">
            <label className="audit-field-label" htmlFor="export-name">
              File name in the exports folder (optional)
            </label>
            <input id="export-name" className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="A name is generated when left empty" data-testid="export-name" />
          </div>
          <label className="audit-own-toggle" title={format !== 'csv' ? 'Only CSV files open in Excel; JSON Lines never carries a BOM' : 'Adds a UTF-8 byte order mark so Excel reads accents correctly'}>
            <input type="checkbox" checked={bom} disabled={format !== 'csv'} onChange={(e) => setBom(e.target.checked)} data-testid="export-bom" />
            For Excel (UTF-8 BOM)
          </label>
          <div className="panel-actions">
            <button type="button" className="button button-primary" onClick={() => void start()} disabled={!!taskId} title={taskId ? 'An export is running' : undefined} data-testid="export-start">
              {taskId ? 'Exporting…' : 'Export'}
            </button>
            {taskId && (
              <button type="button" className="button button-danger-outline" onClick={() => void store.getState().cancel()} data-testid="export-cancel">
                Cancel
              </button>
            )}
          </div>
        </div>
        {taskId && (
          <div data-testid="export-progress" aria-live="polite">
            <progress className="audit-progress" max={100} value={pct ?? undefined} />
            <span className="muted">
              {!progress || (progress.total === 0 && progress.state === 'running')
                ? 'Counting the rows…'
                : `${progress.done.toLocaleString()} of ${progress.total?.toLocaleString() ?? '?'} rows${progress.ratePerSecond ? ` · ${progress.ratePerSecond.toLocaleString()} rows/s` : ''}${progress.etaSeconds ? ` · about ${progress.etaSeconds} s left` : ''}`}
            </span>
          </div>
        )}
        {result && (
          <p data-testid="export-result" className="export-actions">
            <span>{`Wrote ${result.rowCount.toLocaleString()} rows to ${fileName(result.path)}.`}</span>
            <button type="button" className="button button-small" onClick={() => void store.getState().open(result.exportId)} data-testid="export-result-open" title={browser ? 'Save the file through the browser' : result.path}>
              {openLabel}
            </button>
          </p>
        )}
        {opened && (
          <p className="muted" data-testid="export-opened">
            {opened.action === 'downloaded' ? `Downloaded ${opened.fileName}.` : `Showing ${opened.fileName} in the file manager.`}
          </p>
        )}
      </div>
      <h2>History</h2>
      {historyLoaded && history.length === 0 ? (
        <div className="panel audit-empty" data-testid="export-history-empty">
          <p>No exports yet. Export the explorer's current filters above: each export gets a manifest an auditor can verify offline.</p>
        </div>
      ) : (
        <div className="table-scroll export-history">
          <table className="table" data-testid="export-history">
            <thead>
              <tr>
                <th>Created</th>
                <th>Filters</th>
                <th>File</th>
                <th className="num">Rows</th>
                <th>Verification</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {history.map((h) => {
                const busy = !!verifying[h.exportId];
                const report = reports[h.exportId];
                return (
                  <tr key={h.exportId} data-testid="export-history-row">
                    <td title={exactTime(h.createdAt)}>{rowTimeText(h.createdAt)}</td>
                    <td className="export-filters-cell" data-testid="export-history-filters">{filterWords(parseFilters(h.filtersJson), namesOf(h), { ownDefault: false })}</td>
                    <td title={h.path}>
                      {fileName(h.path)}
                      <div className="audit-sub">{`${h.format === 'csv' ? 'CSV' : 'JSON Lines'}${h.bom ? ' for Excel' : ''} · ${bytesText(h.byteLength)} · SHA-256 ${h.sha256.slice(0, 12)}…`}</div>
                    </td>
                    <td className="num">{h.rowCount.toLocaleString()}</td>
                    <td className="export-verify-cell" data-testid="export-verify-state" title={h.lastVerifiedAt ? exactTime(h.lastVerifiedAt) : undefined}>
                      {busy ? 'Verifying…' : h.lastVerifiedAt ? `${h.rowCount.toLocaleString()} rows · ${h.lastVerifyOk ? 'passed' : 'FAILED'} · ${rowTimeText(h.lastVerifiedAt)}` : 'Not verified yet'}
                      {report && (
                        <details className="export-report" open={!report.ok} data-testid="export-verify-report">
                          <summary>{report.ok ? `All ${report.checks.length} checks passed` : `${report.checks.filter((c) => !c.ok).length} of ${report.checks.length} checks failed`}</summary>
                          <ul className="audit-checks">
                            {report.checks.map((c) => (
                              <li key={c.name} className={c.ok ? 'chain-ok' : 'chain-bad'}>{`${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`}</li>
                            ))}
                          </ul>
                        </details>
                      )}
                    </td>
                    <td>
                      <div className="export-actions">
                        <button type="button" className="button button-small" onClick={() => void store.getState().verify(h.exportId)} disabled={busy} aria-busy={busy} title={busy ? 'Re-checking the file against its manifest' : 'Re-check the file against its manifest: bytes, SHA-256, rows, per-event hashes and chain links'} data-testid="export-verify">
                          {busy ? 'Verifying…' : 'Verify'}
                        </button>
                        <button type="button" className="button button-small" onClick={() => void store.getState().open(h.exportId)} title={browser ? 'Save the file through the browser' : h.path} data-testid="export-open">
                          {openLabel}
                        </button>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
