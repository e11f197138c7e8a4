// The Workspaces screen while this Grantdesk is an auditor review: the reviewed workspaces with the scopes the review
// grants, when each review ends and whether its access is still live, and what the review leaves out (instead of the
// operator's "0 connected" and connect buttons, which mean nothing here).
import type { ReviewStatus } from '../../../../src-common/contract/index.ts';
import { allowedActionsSentence, notGrantedSentence } from '../../stores/review-store.ts';
import { exact, relative, shortDate } from '../rotation/dates.ts';
import './workspaces.css';

export function ReviewedWorkspaces({ status }: { status: ReviewStatus }) {
  const now = Date.now();
  const ended = status.state === 'expired';
  const n = status.workspaces.length;
  const ends = status.expiresAt ? Date.parse(status.expiresAt) : null;
  const missing = notGrantedSentence(status, 'credentials:read', 'credentials');
  return (
    <section className="screen screen-workspaces" aria-labelledby="screen-title" data-testid="workspaces-screen" data-mode="review">
      <header className="screen-header">
        <h1 id="screen-title" className="screen-title">Workspaces</h1>
        <p className="screen-subtitle" data-testid="ws-summary">
          {n} workspace{n === 1 ? '' : 's'} under review{status.reviewer ? ` by ${status.reviewer.name}` : ''} ·{' '}
          {ended ? 'the review has ended' : ends !== null ? `ends ${shortDate(ends, now)} (${relative(ends, now)})` : ''}
        </p>
      </header>
      <div className="panel ws-review-note" data-testid="ws-review-note">
        <p>{allowedActionsSentence(status)}</p>
        {missing && <p data-testid="ws-review-missing">{missing}</p>}
      </div>
      <div className="table-wrap ws-table-wrap">
        <table className="table ws-table" data-testid="ws-review-table">
          <caption className="visually-hidden">{n} reviewed workspaces</caption>
          <thead>
            <tr>
              <th scope="col">Workspace</th>
              <th scope="col">Scopes this review grants</th>
              <th scope="col">Ends</th>
              <th scope="col">Access</th>
            </tr>
          </thead>
          <tbody>
            {status.workspaces.map((w) => {
              const at = Date.parse(w.expiresAt);
              return (
                <tr key={w.reviewId} data-testid="ws-review-row" data-workspace={w.workspaceId}>
                  <td>
                    <span className="cell-title" title={w.workspaceId}>
                      {w.workspaceName}
                    </span>
                  </td>
                  <td data-testid="ws-review-scopes">
                    {w.scopes.map((s) => (
                      <span key={s} className="scope-chip mono">
                        {s}
                      </span>
                    ))}
                  </td>
                  <td className="nowrap" title={exact(at)} data-testid="ws-review-ends">
                    {shortDate(at, now)} · {relative(at, now)}
                  </td>
                  <td className="nowrap">
                    <span className={`badge ${w.hasToken && !ended ? 'badge-connected' : 'badge-muted'}`}>{w.hasToken && !ended ? 'Read access live' : 'Access ended'}</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
