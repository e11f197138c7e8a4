// Credential detail drawer: scopes, type, prefix and last four, IP allowlist, expiry, rate limit or quota, created and
// last used, and a sparkline of recent activity from the cached audit log (said plainly when the log is not synced).
import { useEffect, useRef } from 'react';
import type { Matrix } from '../../../../src-common/contract/index.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { ago, ageText, dateText, TYPE_LABEL } from '../matrix/format.ts';
import { selectDetail, selectDetailError, type DrawerRef, type RevokeRequest } from '../../stores/inventory-store.ts';
import { Sparkline } from './Sparkline.tsx';
import { WriteButton } from '../../components/WriteButton.tsx';

export function CredentialDrawer({ target, matrix, onClose, onRevoke }: { target: DrawerRef; matrix: Matrix | null; onClose(): void; onRevoke(req: RevokeRequest): void }) {
  const { inventory: store } = useStores();
  const detail = useSelect(store, selectDetail);
  const error = useSelect(store, selectDetailError);
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    void store.getState().loadDetail({ workspaceId: target.workspaceId, credentialId: target.credentialId });
  }, [store, target.workspaceId, target.credentialId, matrix]);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('h2')?.focus();
  }, [target.workspaceId, target.credentialId]);

  // the same app (client id) in other workspaces of the current matrix: candidates for "revoke from all"
  const sameApp =
    detail?.type === 'app' && detail.clientId && matrix
      ? matrix.workspaces.flatMap((w) => w.credentials.filter((c) => c.type === 'app' && c.clientId === detail.clientId && c.revocable).map((c) => ({ workspace: w.id, credentialId: c.id })))
      : [];

  const rows: Array<[string, string]> = detail
    ? [
        ['Type', TYPE_LABEL[detail.type]],
        ['Workspace', detail.workspaceName],
        ['Status', detail.status],
        ...(detail.prefix ? ([['Key', `${detail.prefix}…${detail.lastFour ?? ''}`]] as Array<[string, string]>) : []),
        ...(detail.clientId ? ([['Client id', detail.clientId]] as Array<[string, string]>) : []),
        ['IP allowlist', detail.ipAllowlist.length ? detail.ipAllowlist.join(', ') : 'any address'],
        ['Expires', detail.expiresAt ? `${dateText(detail.expiresAt)} (${ago(detail.expiresAt)})` : 'never'],
        ['Rate limit', detail.rateLimitPerMinute !== null ? `${detail.rateLimitPerMinute} / minute` : detail.type === 'api_key' ? 'none' : '—'],
        ...(detail.dailyQuota !== null ? ([['Daily quota', String(detail.dailyQuota)]] as Array<[string, string]>) : []),
        ['Created', dateText(detail.createdAt)],
        ['Last used', detail.lastUsedAt ? `${dateText(detail.lastUsedAt)} (${ago(detail.lastUsedAt)})` : 'never'],
        ['Cached', ageText(detail.sync.ageSeconds)],
      ]
    : [];

  return (
    <aside className="drawer" ref={ref} aria-label="Credential detail" data-testid="credential-drawer" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="drawer-header">
        <h2 tabIndex={-1} className="drawer-title" data-testid="drawer-title">
          {detail?.name ?? 'Loading…'}
        </h2>
        <button type="button" className="icon-button" aria-label="Close detail" onClick={onClose} data-testid="drawer-close">
          ×
        </button>
      </div>
      {error && <ErrorBanner error={error} testId="drawer-error" />}
      {detail && (
        <>
          {detail.isGrantdesk && <p className="banner banner-warning drawer-note">This is Grantdesk’s own grant: revoking it disconnects this workspace from Grantdesk.</p>}
          <dl className="kv drawer-kv">
            {rows.map(([k, v]) => (
              <div className="kv-row" key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
          <h3 className="drawer-section">Scopes ({detail.scopes.length})</h3>
          <ul className="scope-chips" data-testid="drawer-scopes">
            {detail.scopes.map((s) => (
              <li key={s} className={`chip${detail.drift.includes(s) ? ' chip-drift' : detail.overGrants.includes(s) ? ' chip-over' : ''}`} title={detail.drift.includes(s) ? 'new since the last review' : detail.overGrants.includes(s) ? 'not in the baseline' : undefined}>
                {s}
              </li>
            ))}
          </ul>
          <h3 className="drawer-section">Activity, last 30 days</h3>
          {detail.activity ? (
            <div className="drawer-activity">
              <Sparkline days={detail.activity.days} />
              <p className="muted">{detail.activity.total} calls recorded in the cached audit log.</p>
            </div>
          ) : (
            <p className="muted" data-testid="drawer-audit-not-synced">
              The audit log of this workspace is not synced, so there is no activity to show. Last used according to the platform: {ago(detail.lastUsedAt)}.
            </p>
          )}
          <div className="drawer-actions">
            {detail.revocable ? (
              <WriteButton command="inventory.revoke" className="button button-danger" onClick={() => onRevoke({ targets: [{ workspace: detail.workspaceId, credentialId: detail.id }], bulk: false })} data-testid="drawer-revoke">
                {detail.type === 'machine_client' ? 'Disable…' : 'Revoke…'}
              </WriteButton>
            ) : (
              <p className="muted">{detail.type === 'service_token' ? 'Service tokens cannot be revoked; they expire on their own.' : `This credential is ${detail.status}.`}</p>
            )}
            {sameApp.length > 1 && (
              <WriteButton command="inventory.revoke" className="button button-danger-outline" onClick={() => onRevoke({ targets: sameApp, bulk: true })} data-testid="drawer-revoke-app-everywhere">
                Revoke {detail.name} from {sameApp.length} workspaces…
              </WriteButton>
            )}
          </div>
        </>
      )}
    </aside>
  );
}
