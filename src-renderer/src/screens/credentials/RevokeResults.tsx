// Per-row results of a revocation: each workspace separately, failures retryable, and per row what still works after it
// (an OAuth revocation's outstanding access tokens until the end the platform reported; main's words).
import type { RevokeResult } from '../../../../src-common/contract/index.ts';
import type { RevokeRequest } from '../../stores/inventory-store.ts';
import { ErrorInline } from '../../components/ErrorBanner.tsx';

export function RevokeResults({ result, onRetry, onDismiss }: { result: RevokeResult; onRetry(req: RevokeRequest): void; onDismiss(): void }) {
  const failed = result.results.filter((r) => r.outcome === 'failed');
  return (
    <section className="panel revoke-results" aria-label="Revocation results" data-testid="revoke-results" role="status">
      <div className="panel-row">
        <p>
          <strong>{result.succeeded}</strong> revoked, <strong>{result.failed}</strong> failed. {result.untouchedWorkspaces} other workspaces were not touched.
          {result.tailSentence && (
            <span className="revoke-results-tail" data-testid="revoke-results-tail" title={result.tokenTailUntil ? new Date(result.tokenTailUntil).toString() : undefined}>
              {' '}
              {result.tailSentence}
              {result.tokenTailUntil ? ' The credential’s detail says when it is fully effective.' : ''}
            </span>
          )}
        </p>
        <div className="panel-actions">
          {failed.length > 0 && (
            <button
              type="button"
              className="button button-danger-outline"
              data-testid="revoke-retry"
              onClick={() => onRetry({ targets: failed.map((f) => ({ workspace: f.workspaceId, credentialId: f.credentialId })), bulk: true })}
            >
              Retry {failed.length} failed…
            </button>
          )}
          <button type="button" className="button" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      </div>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Workspace</th>
            <th scope="col">Credential</th>
            <th scope="col">Result</th>
            <th scope="col">Access after it</th>
          </tr>
        </thead>
        <tbody>
          {result.results.map((r) => (
            <tr key={r.revocationId} data-testid="revoke-result-row" data-outcome={r.outcome} data-workspace-id={r.workspaceId}>
              <td>{r.workspaceName}</td>
              <td>{r.credentialName}</td>
              <td className={r.outcome === 'failed' ? 'text-danger' : 'text-success'}>
                {r.outcome === 'failed' ? r.error ? <ErrorInline error={r.error} prefix="Failed: " testId="revoke-result-error" /> : 'Failed' : r.outcome === 'already_revoked' ? 'Already revoked' : 'Revoked'}
              </td>
              <td data-testid="revoke-result-effect" title={r.tail?.note ?? (r.tail ? new Date(r.tail.until).toString() : undefined)}>
                {r.outcome === 'failed' ? <span className="muted">unchanged</span> : r.effect}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
