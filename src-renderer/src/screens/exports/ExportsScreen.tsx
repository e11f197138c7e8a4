// Exports: write the explorer's current filters to CSV (RFC 4180, formula-safe, optional Excel BOM) or JSON Lines with a
// manifest beside it; progress and cancel; the exports history with an offline verify button per export.
import { useEffect, useState } from 'react';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { selectAuditFilters } from '../../stores/audit-store.ts';
import { selectExportError, selectExportHistory, selectExportResult, selectExportTaskId, selectVerifyReports, type ExportFormat } from '../../stores/exports-store.ts';
import { selectTasks } from '../../stores/tasks-store.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';
import '../audit/audit.css';

export function ExportsScreen() {
  const { audit, exports: store, tasks: tasksStore } = useStores();
  const filters = useSelect(audit, selectAuditFilters);
  const tasks = useSelect(tasksStore, selectTasks);
  const taskId = useSelect(store, selectExportTaskId);
  const result = useSelect(store, selectExportResult);
  const error = useSelect(store, selectExportError);
  const history = useSelect(store, selectExportHistory);
  const reports = useSelect(store, selectVerifyReports);
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [bom, setBom] = useState(false);
  const [name, setName] = useState('');

  useEffect(() => {
    void store.getState().loadHistory();
    return store.getState().connect();
  }, [store]);

  const start = () => store.getState().start(filters, { format, bom, name });
  const verify = (exportId: string) => store.getState().verify(exportId);
  const progress = taskId ? tasks[taskId] : undefined;
  const pct = progress && progress.total ? Math.min(100, Math.round((progress.done / progress.total) * 100)) : null;

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
        <p>
          Filters from the audit explorer: <code data-testid="export-filters">{Object.keys(filters).length ? JSON.stringify(filters) : 'none (everything cached)'}</code>
        </p>
        <div className="audit-filters">
          <label className="field">
            <span className="field-label">Format</span>
            <select value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)} data-testid="export-format">
              <option value="csv">CSV (RFC 4180)</option>
              <option value="jsonl">JSON Lines</option>
            </select>
          </label>
          <label className="field">
            <span className="field-label">File name (in the exports folder)</span>
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder="audit-2026-02.csv" data-testid="export-name" />
          </label>
          <label className="field">
            <span className="field-label">Excel profile</span>
            <span>
              <input type="checkbox" checked={bom} disabled={format !== 'csv'} onChange={(e) => setBom(e.target.checked)} data-testid="export-bom" /> UTF-8 BOM
            </span>
          </label>
          <div className="panel-actions">
            <button type="button" className="button button-primary" onClick={() => void start()} disabled={!!taskId} data-testid="export-start">
              Export
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
            <span className="muted">{progress ? `${progress.done.toLocaleString()} / ${progress.total?.toLocaleString() ?? '?'} rows${progress.ratePerSecond ? ` · ${progress.ratePerSecond.toLocaleString()} rows/s` : ''}${progress.etaSeconds ? ` · ${progress.etaSeconds}s left` : ''}` : 'Starting…'}</span>
          </div>
        )}
        {result && (
          <p data-testid="export-result">
            {`Wrote ${result.rowCount.toLocaleString()} rows to ${result.path} · SHA-256 ${result.sha256}`}
          </p>
        )}
      </div>
      <h2>History</h2>
      <table className="table" data-testid="export-history">
        <thead>
          <tr>
            <th>Created (UTC)</th>
            <th>File</th>
            <th>Rows</th>
            <th>Bytes</th>
            <th>SHA-256</th>
            <th>Last verified</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {history.map((h) => (
            <tr key={h.exportId} data-testid="export-history-row">
              <td>{h.createdAt}</td>
              <td>{`${h.path} (${h.format}${h.bom ? ', BOM' : ''})`}</td>
              <td>{h.rowCount.toLocaleString()}</td>
              <td>{h.byteLength.toLocaleString()}</td>
              <td>
                <code>{h.sha256.slice(0, 16)}…</code>
              </td>
              <td data-testid="export-verify-state">{h.lastVerifiedAt ? `${h.lastVerifyOk ? 'passed' : 'FAILED'} ${h.lastVerifiedAt}` : 'never'}</td>
              <td>
                <button type="button" className="button" onClick={() => void verify(h.exportId)} data-testid="export-verify">
                  Verify
                </button>
                {reports[h.exportId] && (
                  <ul className="audit-checks" data-testid="export-verify-report">
                    {reports[h.exportId]!.checks.map((c) => (
                      <li key={c.name} className={c.ok ? 'chain-ok' : 'chain-bad'}>{`${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`}</li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
