// Offboarding / emergency revoke: one integration (OAuth client id, or an API key / machine-client name pattern) or one
// staff member, in every workspace. One preview grouped per workspace by name — what stops working, the recent callers
// from the cached audit log — the typed count to confirm, then per-row results, each failure with its sentence, and a
// retry of only the failed rows.
import { useEffect, useId, useState } from 'react';
import type { OffboardPreview, OffboardResult, OffboardRow } from '../../../../src-common/contract/index.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { WriteButton } from '../../components/WriteButton.tsx';
import {
  selectOffboardError,
  selectOffboardIntegrations,
  selectOffboardKind,
  selectOffboardPreview,
  selectOffboardPreviewing,
  selectOffboardResult,
  selectOffboardRunning,
  selectOffboardStaff,
  selectOffboardValue,
  type OffboardKind,
} from '../../stores/offboarding-store.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';
import './offboarding.css';

const KINDS: { kind: OffboardKind; label: string; hint: string }[] = [
  { kind: 'clientId', label: 'Integration', hint: 'An OAuth client id, exactly: every install of that app, and machine clients with that client id.' },
  { kind: 'match', label: 'Name pattern', hint: 'API keys and machine clients by name, ignoring case: with * or ? a pattern over the whole name (ci-*), otherwise any name containing the text.' },
  { kind: 'staff', label: 'Staff member', hint: "Grantdesk's own grants that person connected (email or full name). The platform records no creator on credentials, so those are not included." },
];

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const OUTCOME_WORDS: Record<OffboardRow['outcome'], string> = { revoked: 'Revoked', already_revoked: 'Already revoked', disconnected: 'Disconnected', failed: 'Failed' };
const outcomeWords = (r: OffboardRow) => (r.outcome === 'revoked' && r.action === 'disable' ? 'Disabled' : OUTCOME_WORDS[r.outcome]);
const ACTION_WORDS = { revoke: 'Revoke', disable: 'Disable', disconnect: 'Disconnect' } as const;

function Preview({ p }: { p: OffboardPreview }) {
  const { offboarding: store } = useStores();
  const running = useSelect(store, selectOffboardRunning);
  const [typed, setTyped] = useState('');
  const confirmId = useId();
  const matches = typed.trim() === p.confirmText;
  return (
    <div className="section" data-testid="offboard-preview">
      <h2 className="section-title">Preview</h2>
      <p data-testid="offboard-statement">{p.statement}</p>
      <p className="muted" data-testid="offboard-covers">{p.covers}</p>
      {p.notSynced.length > 0 && (
        <p className="ofb-warn" data-testid="offboard-not-synced">
          Never synced, so not covered: {p.notSynced.map((w) => w.name).join(', ')}. Sync them from Workspaces first.
        </p>
      )}
      {p.workspaces.map((w) => (
        <div className="panel ofb-ws" key={w.workspaceId} data-testid="offboard-ws" data-workspace-id={w.workspaceId}>
          <h3 className="ofb-ws-name">
            <span data-testid="offboard-ws-name">{w.workspaceName}</span> <span className="mono muted">{w.workspaceId}</span>
          </h3>
          {w.targets.map((t) => (
            <div className="ofb-target" key={`${t.kind}-${t.credentialId ?? t.workspaceId}`} data-testid="offboard-target" data-credential-id={t.credentialId ?? ''}>
              <div>
                <strong>{ACTION_WORDS[t.action]}</strong> {t.credentialName} {t.credentialId && <span className="mono muted">{t.credentialId}</span>}
              </div>
              <div data-testid="offboard-stops">{t.stopsWorking}</div>
              <div className="muted" data-testid="offboard-callers">
                {t.callers.length === 0
                  ? t.auditState === 'synced'
                    ? `No callers in the last ${p.windowDays} days.`
                    : 'Callers unknown: the audit log is not synced here.'
                  : `Recent callers: ${t.callers.map((c) => `${c.ip} (${c.calls.toLocaleString()} call${c.calls === 1 ? '' : 's'}, last ${when(c.lastAt)})`).join('; ')}`}
                {t.lastUsedAt ? ` Last used ${when(t.lastUsedAt)}.` : ' Never used.'}
              </div>
            </div>
          ))}
          {w.skipped.map((s) => (
            <div className="ofb-target muted" key={`skip-${s.credentialId}`} data-testid="offboard-skipped">
              Not touched: {s.credentialName} <span className="mono">{s.credentialId}</span>: {s.reason}.
            </div>
          ))}
        </div>
      ))}
      {p.targets > 0 && (
        <div className="panel panel-actions ofb-confirm">
          <label className="field-label" htmlFor={confirmId}>
            Type {p.confirmText} (the number of {p.selector.kind === 'staff' ? 'grants' : 'credentials'}) to confirm
          </label>
          <input id={confirmId} className="input" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" data-testid="offboard-confirm" />
          <WriteButton
            command="offboard.run"
            className="button button-danger-outline"
            disabled={!matches || running}
            title={running ? 'Offboarding is running' : matches ? undefined : `Type ${p.confirmText} first`}
            onClick={() => void store.getState().run(typed.trim())}
            data-testid="offboard-run"
          >
            {running ? 'Offboarding…' : `Offboard in ${p.workspaces.filter((w) => w.targets.length > 0).length} workspaces`}
          </WriteButton>
        </div>
      )}
    </div>
  );
}

function Results({ r }: { r: OffboardResult }) {
  const { offboarding: store } = useStores();
  const running = useSelect(store, selectOffboardRunning);
  return (
    <div className="section" data-testid="offboard-results">
      <h2 className="section-title">Results: {r.selector.description}</h2>
      <p data-testid="offboard-result-sentence">
        {r.failed === 0 ? `All ${r.rows.length} done.` : `${r.succeeded} of ${r.rows.length} done, ${r.failed} failed.`} Started {when(r.createdAt)} by {r.actor}.
      </p>
      {r.failed > 0 && (
        <WriteButton command="offboard.retry" className="button button-primary" disabled={running} title={running ? 'A retry is running' : undefined} onClick={() => void store.getState().retry()} data-testid="offboard-retry">
          {running ? 'Retrying…' : `Retry the ${r.failed} failed row${r.failed === 1 ? '' : 's'}`}
        </WriteButton>
      )}
      <table className="ofb-table">
        <caption className="visually-hidden">Failed rows first</caption>
        <thead>
          <tr>
            <th scope="col">Workspace</th>
            <th scope="col">Credential</th>
            <th scope="col">Result</th>
            <th scope="col">What happened</th>
          </tr>
        </thead>
        <tbody>
          {[...r.rows].sort((a, b) => Number(b.outcome === 'failed') - Number(a.outcome === 'failed')).map((row) => (
            <tr key={row.rowId} data-testid="offboard-row" data-outcome={row.outcome} data-workspace-id={row.workspaceId} data-attempts={row.attempts}>
              <td>{row.workspaceName}</td>
              <td>
                {row.credentialName} {row.credentialId && <span className="mono muted">{row.credentialId}</span>}
              </td>
              <td className={row.outcome === 'failed' ? 'text-danger' : undefined} data-testid="offboard-row-outcome">
                {outcomeWords(row)}
                {row.attempts > 1 ? ` (try ${row.attempts})` : ''}
              </td>
              <td data-testid="offboard-row-sentence">{row.sentence}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function OffboardingScreen() {
  const { offboarding: store } = useStores();
  const kind = useSelect(store, selectOffboardKind);
  const value = useSelect(store, selectOffboardValue);
  const integrations = useSelect(store, selectOffboardIntegrations);
  const staff = useSelect(store, selectOffboardStaff);
  const preview = useSelect(store, selectOffboardPreview);
  const previewing = useSelect(store, selectOffboardPreviewing);
  const result = useSelect(store, selectOffboardResult);
  const error = useSelect(store, selectOffboardError);
  const kindName = useId();
  const valueId = useId();
  const listId = useId();
  useEffect(() => {
    void store.getState().load();
  }, [store]);
  const hint = KINDS.find((k) => k.kind === kind)!.hint;
  return (
    <section className="screen screen-offboarding" aria-labelledby="screen-title">
      <header className="screen-header">
        <h1 id="screen-title" tabIndex={-1}>
          Offboarding
        </h1>
        <p className="screen-subtitle">Revoke everything one integration or one staff member holds, in every workspace, from one preview.</p>
      </header>
      {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissError()} testId="offboard-error" />}
      <div className="panel">
        <fieldset className="segmented-field">
          <legend className="field-label">Offboard</legend>
          <div className="segmented">
            {KINDS.map((k) => (
              <label key={k.kind} className="segment">
                <input type="radio" name={kindName} checked={kind === k.kind} onChange={() => store.getState().choose(k.kind, '')} data-testid={`offboard-kind-${k.kind}`} />
                <span>{k.label}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <form
          className="ofb-choose"
          onSubmit={(e) => {
            e.preventDefault();
            void store.getState().runPreview();
          }}
        >
          <label className="field-label" htmlFor={valueId}>
            {kind === 'clientId' ? 'OAuth client id' : kind === 'match' ? 'Name or pattern' : 'Email or full name'}
          </label>
          <input id={valueId} className="input" list={kind === 'match' ? undefined : listId} value={value} onChange={(e) => store.getState().choose(kind, e.target.value)} autoComplete="off" data-testid="offboard-value" />
          <datalist id={listId}>
            {kind === 'clientId' && integrations.map((i) => <option key={i.clientId} value={i.clientId}>{`${i.name}: ${i.count} active`}</option>)}
            {kind === 'staff' && staff.map((s) => <option key={s.email ?? s.name ?? ''} value={s.email ?? s.name ?? ''}>{`${s.name ?? s.email}: ${s.workspaces} workspaces`}</option>)}
          </datalist>
          <p className="field-hint">{hint}</p>
          <button type="submit" className="button button-primary" disabled={!value.trim() || previewing} title={value.trim() ? undefined : 'Choose what to offboard first'} data-testid="offboard-preview-button">
            {previewing ? 'Reading the cache…' : 'Preview'}
          </button>
        </form>
      </div>
      {preview && <Preview key={`${preview.selector.kind}:${preview.selector.value}:${preview.targets}`} p={preview} />}
      {result && <Results r={result} />}
    </section>
  );
}
