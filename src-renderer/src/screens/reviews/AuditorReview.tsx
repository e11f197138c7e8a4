// Auditor side of a review (this Grantdesk is in review mode): reviewer, workspaces, expiry with a live countdown, data
// policy, what the auditor can do here (in words), the local review log (the auditor's own queries and exports, as the
// contract words them), the evidence package and leaving review mode. Everything through the review store's actions.
import { useEffect, useState } from 'react';
import type { ReviewLogEntry, ReviewStatus } from '../../../../src-common/contract/index.ts';
import { ConfirmDialog } from '../../components/Dialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { formatLeft, useCountdown } from '../../app/use-review-mode.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { allowedActionsSentence, selectAuditorError, selectBuilding, selectEvidence, selectReviewLog } from '../../stores/review-store.ts';
import { exact, shortDate } from '../rotation/dates.ts';

/** the input of a logged call in words: its filters, without paging/plumbing keys; the written file last */
const QUIET_KEYS = new Set(['limit', 'cursor', 'taskId', 'buckets', 'force', 'bom', 'code', 'file']);
export function logDetail(e: ReviewLogEntry): string {
  const [json, file] = e.detail.split(' -> ');
  const parts: string[] = [];
  try {
    const v = JSON.parse(json ?? '{}') as Record<string, unknown>;
    for (const [k, val] of Object.entries(v)) {
      if (QUIET_KEYS.has(k) || val === undefined || val === null || val === '' || (Array.isArray(val) && val.length === 0)) continue;
      parts.push(`${k.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)}: ${Array.isArray(val) ? val.join(', ') : typeof val === 'object' ? JSON.stringify(val) : String(val)}`);
    }
  } catch {
    parts.push(json ?? '');
  }
  if (file) parts.push(`file: ${file}`);
  return parts.join(' · ') || 'everything in the review';
}

const TRANSPORT: Record<string, string> = { ipc: 'this app', serve: 'browser tab', cli: 'command line' };
const DATA_STATE: Record<NonNullable<ReviewStatus['dataState']>, string> = { live: 'live (read-only)', kept_read_only: 'kept read-only after expiry', purged: 'purged after expiry' };

export function AuditorReview({ status }: { status: ReviewStatus }) {
  const { review: store, health } = useStores();
  const left = useCountdown(status.expiresAt);
  const ended = status.state === 'expired' || left === 0;
  const log = useSelect(store, selectReviewLog);
  const error = useSelect(store, selectAuditorError);
  const evidence = useSelect(store, selectEvidence);
  const building = useSelect(store, selectBuilding);
  const [exitOpen, setExitOpen] = useState(false);
  const now = Date.now();

  useEffect(() => {
    void store.getState().loadLog();
    return store.getState().connectLog();
  }, [store]);

  return (
    <>
      {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissAuditorError()} testId="review-error" />}
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
                <span data-testid="review-expires" title={status.expiresAt ? exact(Date.parse(status.expiresAt)) : undefined}>
                  {status.expiresAt ? shortDate(Date.parse(status.expiresAt), now) : '—'}
                </span>
                <br />
                <span className="rv-countdown" data-testid="review-time-left">
                  {ended ? 'Ended — access removed' : left === null ? '…' : `${formatLeft(left)} left`}
                </span>
              </dd>
            </div>
            <div className="kv-row">
              <dt>Redeemed</dt>
              <dd>{status.redeemedAt ? shortDate(Date.parse(status.redeemedAt), now) : '—'}</dd>
            </div>
            <div className="kv-row">
              <dt>Cached data</dt>
              <dd>
                {status.dataState ? DATA_STATE[status.dataState] : '—'} · at expiry: {status.policy === 'purge' ? 'purge' : 'keep read-only'}
              </dd>
            </div>
            <div className="kv-row">
              <dt>What you can do</dt>
              <dd data-testid="review-allowed">{allowedActionsSentence(status)}</dd>
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
                    <span title={w.workspaceId}>{w.workspaceName}</span>
                  </td>
                  <td className="rv-scopes">
                    {w.scopes.map((s) => (
                      <code key={s}>{s}</code>
                    ))}
                  </td>
                  <td title={exact(Date.parse(w.expiresAt))}>{shortDate(Date.parse(w.expiresAt), now)}</td>
                  <td>
                    <span className={`rv-state ${w.hasToken ? 'active' : 'expired'}`}>{w.hasToken ? 'Read access live' : 'Access ended (token wiped)'}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="panel-actions">
            <button type="button" className="button" disabled={building} title={building ? 'The evidence package is being built.' : undefined} onClick={() => void store.getState().buildEvidence()} data-testid="review-evidence">
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
          <p className="field-hint">Your own queries, syncs and exports during this review, kept on this computer and included in the evidence package.</p>
          {log.length === 0 ? (
            <p className="muted" data-testid="review-log-empty">
              Nothing logged yet: your searches, syncs and exports appear here.
            </p>
          ) : (
            <table className="rv-table" data-testid="review-log">
              <thead>
                <tr>
                  <th>When</th>
                  <th>What you did</th>
                  <th>From</th>
                  <th>Result</th>
                  <th>Detail</th>
                </tr>
              </thead>
              <tbody>
                {log.map((e) => (
                  <tr key={e.id} data-testid="review-log-row" data-command={e.command}>
                    <td className="nowrap" title={exact(Date.parse(e.at))}>
                      {shortDate(Date.parse(e.at), now)}
                    </td>
                    <td data-testid="review-log-action">{e.action}</td>
                    <td>{TRANSPORT[e.transport] ?? e.transport}</td>
                    <td>
                      <span className={`rv-state ${e.ok ? 'ok' : 'failed'}`}>{e.ok ? 'ok' : 'failed'}</span>
                    </td>
                    <td className="rv-detail" title={e.detail}>
                      {logDetail(e)}
                    </td>
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
          if (!(await store.getState().exit())) return false;
          await health.getState().refresh();
        }}
      />
    </>
  );
}
