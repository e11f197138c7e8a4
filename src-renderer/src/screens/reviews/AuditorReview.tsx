// Auditor side of a review (this Grantdesk is in review mode): reviewer, workspaces, expiry with a live countdown, data
// policy, the local review log, the evidence package and leaving review mode.
import { useCallback, useEffect, useState } from 'react';
import type { AppErrorData, Output, ReviewLogEntry, ReviewStatus } from '../../../../src-common/contract/index.ts';
import { ConfirmDialog } from '../../components/Dialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { formatLeft, useCountdown } from '../../app/use-review-mode.ts';
import { useStores } from '../../stores/use-store.ts';

const DATA_STATE: Record<NonNullable<ReviewStatus['dataState']>, string> = { live: 'live (read-only)', kept_read_only: 'kept read-only after expiry', purged: 'purged after expiry' };

export function AuditorReview({ status }: { status: ReviewStatus }) {
  const { api, health } = useStores();
  const left = useCountdown(status.expiresAt);
  const ended = status.state === 'expired' || left === 0;
  const [log, setLog] = useState<ReviewLogEntry[]>([]);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [evidence, setEvidence] = useState<Output<'review.evidence'> | null>(null);
  const [building, setBuilding] = useState(false);
  const [exitOpen, setExitOpen] = useState(false);

  const loadLog = useCallback(async () => {
    const r = await api.reviewLog({ limit: 200 });
    if (r.ok) setLog(r.value.entries);
    else setError(r.error);
  }, [api]);
  useEffect(() => {
    void loadLog();
    return api.onStateChanged((e) => {
      if (e.topic === 'review' || e.topic === 'audit' || e.topic === 'exports') void loadLog();
    });
  }, [api, loadLog]);

  const buildEvidence = async () => {
    setBuilding(true);
    setError(null);
    const r = await api.reviewEvidence({});
    setBuilding(false);
    if (r.ok) setEvidence(r.value);
    else setError(r.error);
    void loadLog();
  };

  return (
    <>
      {error && <ErrorBanner error={error} onDismiss={() => setError(null)} testId="review-error" />}
      <div className="section">
        <h2 className="section-title">This review</h2>
        <div className="panel" data-testid="review-status" data-state={ended ? 'expired' : status.state}>
          <dl className="kv">
            <div className="kv-row">
              <dt>Reviewer</dt>
              <dd data-testid="review-reviewer">
                {status.reviewer ? `${status.reviewer.name} <${status.reviewer.email}>` : '—'}
              </dd>
            </div>
            <div className="kv-row">
              <dt>Ends</dt>
              <dd>
                <span className="mono" data-testid="review-expires">
                  {status.expiresAt ?? '—'}
                </span>
                <br />
                <span className="rv-countdown" data-testid="review-time-left">
                  {ended ? 'Ended — access removed' : left === null ? '…' : `${formatLeft(left)} left`}
                </span>
              </dd>
            </div>
            <div className="kv-row">
              <dt>Redeemed</dt>
              <dd className="mono">{status.redeemedAt ?? '—'}</dd>
            </div>
            <div className="kv-row">
              <dt>Cached data</dt>
              <dd>
                {status.dataState ? DATA_STATE[status.dataState] : '—'} · at expiry: {status.policy === 'purge' ? 'purge' : 'keep read-only'}
              </dd>
            </div>
            <div className="kv-row">
              <dt>Still allowed here</dt>
              <dd className="rv-scopes">
                {status.allowedMutations.map((c) => (
                  <code key={c}>{c}</code>
                ))}
              </dd>
            </div>
          </dl>
          <table className="rv-table" data-testid="review-workspaces-table">
            <thead>
              <tr>
                <th>Workspace</th>
                <th>Scopes</th>
                <th>Ends</th>
                <th>Access</th>
              </tr>
            </thead>
            <tbody>
              {status.workspaces.map((w) => (
                <tr key={w.reviewId} data-testid="review-workspace-row" data-workspace={w.workspaceId}>
                  <td>
                    {w.workspaceName} <span className="mono muted">{w.workspaceId}</span>
                  </td>
                  <td className="rv-scopes">
                    {w.scopes.map((s) => (
                      <code key={s}>{s}</code>
                    ))}
                  </td>
                  <td className="mono">{w.expiresAt.slice(0, 16).replace('T', ' ')}</td>
                  <td>
                    <span className={`rv-state ${w.hasToken ? 'active' : 'expired'}`}>{w.hasToken ? 'token in keychain' : 'token wiped'}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="panel-actions">
            <button type="button" className="button" disabled={building} onClick={() => void buildEvidence()} data-testid="review-evidence">
              {building ? 'Building…' : 'Build evidence package'}
            </button>
            <button type="button" className="button button-danger-outline" onClick={() => setExitOpen(true)} data-testid="review-exit">
              Leave review mode…
            </button>
          </div>
          {evidence && (
            <div className="banner banner-info rv-evidence" role="status" data-testid="review-evidence-result">
              <p>
                Evidence package: {evidence.files} files, {evidence.exports} export{evidence.exports === 1 ? '' : 's'} in <span className="mono">{evidence.path}</span>. Check it with <span className="mono">grantdesk verify {evidence.manifestPath}</span>
              </p>
            </div>
          )}
        </div>
      </div>

      <div className="section">
        <h2 className="section-title">Review log</h2>
        <div className="panel">
          {log.length === 0 ? (
            <p className="muted">Nothing logged yet.</p>
          ) : (
            <table className="rv-table" data-testid="review-log">
              <thead>
                <tr>
                  <th>At</th>
                  <th>Command</th>
                  <th>Via</th>
                  <th>Result</th>
                  <th>Detail</th>
                </tr>
              </thead>
              <tbody>
                {log.map((e) => (
                  <tr key={e.id} data-testid="review-log-row" data-command={e.command}>
                    <td className="mono">{e.at.slice(0, 19).replace('T', ' ')}</td>
                    <td className="mono">{e.command}</td>
                    <td>{e.transport}</td>
                    <td>
                      <span className={`rv-state ${e.ok ? 'ok' : 'failed'}`}>{e.ok ? 'ok' : 'failed'}</span>
                    </td>
                    <td className="rv-detail">{e.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>

      <ConfirmDialog
        open={exitOpen}
        onOpenChange={setExitOpen}
        title="Leave review mode"
        description="The review tokens are wiped from the keychain and the reviewed workspaces are purged from this machine's cache. Build the evidence package first if you need it."
        confirmText="leave"
        confirmLabel="Leave review mode"
        testId="review-exit-dialog"
        onConfirm={async () => {
          const r = await api.reviewExit({});
          if (!r.ok) {
            setError(r.error);
            return false;
          }
          await health.getState().refresh();
        }}
      />
    </>
  );
}
