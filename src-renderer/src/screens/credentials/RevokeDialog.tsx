// Revoke with a blast-radius preview: what stops working (endpoints and caller IPs from the cached audit log, or an
// explicit "not synced"), which workspaces are untouched, then type-to-confirm (the workspace name, or the count).
import { useEffect, useState } from 'react';
import { ConfirmDialog } from '../../components/Dialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { ago, dateText, TYPE_LABEL } from '../matrix/format.ts';
import { selectPreview, selectPreviewError, type RevokeRequest } from '../../stores/inventory-store.ts';

export function RevokeDialog({ req, onClose, onConfirm }: { req: RevokeRequest; onClose(): void; onConfirm(confirm: string): Promise<boolean> }) {
  const { inventory: store } = useStores();
  const preview = useSelect(store, selectPreview);
  const error = useSelect(store, selectPreviewError);
  const [showUntouched, setShowUntouched] = useState(false);
  useEffect(() => {
    void store.getState().loadPreview(req);
  }, [store, req]);
  const n = req.targets.length;
  const confirmText = preview?.confirmText ?? (req.bulk ? String(n) : '…');
  return (
    <ConfirmDialog
      open
      onOpenChange={(o) => !o && onClose()}
      title={req.bulk ? `Revoke ${n} credential${n === 1 ? '' : 's'}` : `Revoke ${preview?.targets[0]?.credentialName ?? 'credential'}`}
      description={preview?.statement ?? 'Reading what this would break…'}
      confirmText={confirmText}
      confirmLabel={req.bulk ? `Revoke ${n}` : preview?.targets[0]?.action === 'disable' ? 'Disable' : 'Revoke'}
      onConfirm={() => (preview ? onConfirm(confirmText) : false)}
      testId="revoke-dialog"
    >
      {error && <ErrorBanner error={error} testId="revoke-preview-error" />}
      {preview && (
        <div className="blast" data-testid="blast-radius">
          {preview.targets.map((t) => (
            <section key={`${t.workspaceId}-${t.credentialId}`} className="blast-target" data-testid="blast-target">
              <p className="blast-title">
                <strong>{t.credentialName}</strong> · {TYPE_LABEL[t.type]}
                {t.label ? ` · ${t.label}` : ''} · in <strong>{t.workspaceName}</strong>
              </p>
              {t.isGrantdesk && <p className="banner banner-warning">Grantdesk’s own grant: this workspace will be disconnected.</p>}
              {!t.revocable && <p className="banner banner-warning">{t.reason}</p>}
              <p className="muted">Scopes that stop working: {t.scopes.join(', ') || 'none'}</p>
              {t.auditState === 'not_synced' ? (
                <p className="blast-unknown" data-testid="blast-audit-not-synced">
                  Audit log not synced for {t.workspaceName}: Grantdesk cannot list what used this credential. Last used according to the platform: {ago(t.lastUsedAt)}.
                </p>
              ) : t.endpoints.length === 0 ? (
                <p data-testid="blast-no-use">No calls in the last {preview.windowDays} days of the cached audit log (up to {dateText(t.auditCoverageUntil)}).</p>
              ) : (
                <div className="blast-use">
                  <p>Used in the last {preview.windowDays} days (cached audit log up to {dateText(t.auditCoverageUntil)}):</p>
                  <ul data-testid="blast-endpoints">
                    {t.endpoints.slice(0, 8).map((e) => (
                      <li key={`${e.method} ${e.endpoint}`}>
                        <code>
                          {e.method} {e.endpoint}
                        </code>{' '}
                        · {e.calls} calls, last {ago(e.lastAt)}
                      </li>
                    ))}
                  </ul>
                  <p>Caller IPs: {t.callerIps.slice(0, 8).map((i) => `${i.ip} (${i.calls})`).join(', ')}</p>
                </div>
              )}
              {t.sameAppElsewhere.length > 0 && <p className="muted">This app stays installed in {t.sameAppElsewhere.length} other workspace(s).</p>}
            </section>
          ))}
          <p className="blast-untouched" data-testid="blast-untouched">
            {preview.untouchedWorkspaces.length} workspace{preview.untouchedWorkspaces.length === 1 ? ' is' : 's are'} not touched.{' '}
            <button type="button" className="link-button" onClick={() => setShowUntouched((v) => !v)} aria-expanded={showUntouched}>
              {showUntouched ? 'Hide' : 'Show'} them
            </button>
          </p>
          {showUntouched && (
            <ul className="untouched-list" data-testid="blast-untouched-list">
              {preview.untouchedWorkspaces.map((w) => (
                <li key={w.id}>{w.name}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </ConfirmDialog>
  );
}
