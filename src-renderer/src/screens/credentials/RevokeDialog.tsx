// Revoke with a blast-radius preview: ONE summary table (per workspace: credential, scopes lost, calls in the window,
// callers) for one credential or many, the app's other installs that keep it (counted over the targets: 0 when every
// install is revoked), how long issued access tokens outlive an OAuth revocation ("Outstanding access tokens work until
// about 14:32 (up to 60 minutes …)": main's sentence, the platform's documented lifetime until the revocation tells the
// real end), the untouched workspaces by name, then type-to-confirm (the workspace name, or the count).
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import type { BlastRadius, RevokePreview } from '../../../../src-common/contract/index.ts';
import { ConfirmDialog } from '../../components/Dialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { ago, dateText, TYPE_LABEL } from '../matrix/format.ts';
import { selectPreview, selectPreviewError, type RevokeRequest } from '../../stores/inventory-store.ts';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function ScopesLost({ t }: { t: BlastRadius }) {
  const shown = t.scopes.slice(0, 3);
  return (
    <span title={t.scopes.join('\n')}>
      <strong>{t.scopes.length}</strong>
      {shown.length > 0 && <span className="mono muted"> {shown.join(', ')}</span>}
      {t.scopes.length > shown.length && <span className="muted"> +{t.scopes.length - shown.length}</span>}
    </span>
  );
}

/** above this many targets the table renders only the rows in view (spacer rows keep the scroll height exact) */
const VIRTUAL_ABOVE = 100;
const ROW_H = 29;

function SummaryTable({ preview }: { preview: RevokePreview }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtual = preview.targets.length > VIRTUAL_ABOVE;
  const v = useVirtualizer({ count: preview.targets.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: 12, enabled: virtual });
  const items = virtual ? v.getVirtualItems() : [];
  const rows = virtual ? items.map((i) => preview.targets[i.index]!) : preview.targets;
  const top = virtual && items.length ? items[0]!.start : 0;
  const bottom = virtual && items.length ? v.getTotalSize() - items[items.length - 1]!.end : 0;
  return (
    <div className="revoke-summary-scroll" ref={scrollRef} data-testid="revoke-summary-scroll">
      <table className="table revoke-summary" data-testid="revoke-summary">
        <caption data-testid="revoke-workspaces">
          {plural(preview.targets.length, 'credential')} in {preview.workspaces === 1 ? preview.targets[0]!.workspaceName : plural(preview.workspaces, 'workspace')}: what each loses, with its calls and callers in
          the last {preview.windowDays} days of the cached audit log
        </caption>
        <thead>
          <tr>
            <th scope="col">Workspace</th>
            <th scope="col">Credential</th>
            <th scope="col">Scopes lost</th>
            <th scope="col" className="num">
              Calls, {preview.windowDays} days
            </th>
            <th scope="col">Callers</th>
          </tr>
        </thead>
        <tbody>
          {top > 0 && <tr aria-hidden="true" style={{ height: top }} />}
          {rows.map((t) => (
            <tr key={`${t.workspaceId}-${t.credentialId}`} style={virtual ? { height: ROW_H } : undefined} data-testid="revoke-summary-row" data-workspace-id={t.workspaceId} className={t.revocable ? undefined : 'revoke-row-skip'}>
              <td>{t.workspaceName}</td>
              <td>
                <span title={`${TYPE_LABEL[t.type]}${t.label ? ` · ${t.label}` : ''} · ${t.credentialId}`}>{t.credentialName}</span>
                {t.isGrantdesk && <span className="tag tag-warning">Grantdesk’s own grant</span>}
                {!t.revocable && <span className="tag">{t.reason}</span>}
              </td>
              <td className="revoke-scopes">
                <ScopesLost t={t} />
              </td>
              <td className="num">{t.auditState === 'not_synced' ? <span className="muted">not synced</span> : t.callsInWindow}</td>
              <td title={t.callerIps.map((i) => `${i.ip} (${i.calls} calls)`).join('\n')}>
                {t.auditState === 'not_synced' ? (
                  <span className="muted">last used {ago(t.lastUsedAt)}</span>
                ) : t.callers === 0 ? (
                  <span className="muted">none</span>
                ) : (
                  <>
                    {plural(t.callers, 'IP')} <span className="mono muted">{t.callerIps[0]!.ip}</span>
                  </>
                )}
              </td>
            </tr>
          ))}
          {bottom > 0 && <tr aria-hidden="true" style={{ height: bottom }} />}
        </tbody>
      </table>
    </div>
  );
}

export function RevokeDialog({ req, onClose, onConfirm }: { req: RevokeRequest; onClose(): void; onConfirm(confirm: string): Promise<boolean> }) {
  const { inventory: store } = useStores();
  const preview = useSelect(store, selectPreview);
  const error = useSelect(store, selectPreviewError);
  const [showUntouched, setShowUntouched] = useState(false);
  const untouchedRef = useRef<HTMLUListElement>(null);
  useEffect(() => {
    if (showUntouched) untouchedRef.current?.scrollIntoView({ block: 'nearest' });
  }, [showUntouched]);
  useEffect(() => {
    void store.getState().loadPreview(req);
  }, [store, req]);
  const n = req.targets.length;
  const confirmText = preview?.confirmText ?? (req.bulk ? String(n) : '…');
  const one = preview && preview.targets.length === 1 ? preview.targets[0]! : null;
  const notSynced = preview?.targets.filter((t) => t.auditState === 'not_synced') ?? [];
  const immediate = preview?.targets.filter((t) => t.revocable && !t.tokenTail).length ?? 0;
  return (
    <ConfirmDialog
      open
      onOpenChange={(o) => !o && onClose()}
      title={req.bulk ? `Revoke ${plural(n, 'credential')}` : `${one?.action === 'disable' ? 'Disable' : 'Revoke'} ${one?.credentialName ?? 'credential'}`}
      description={preview?.statement ?? 'Reading what this would break…'}
      confirmText={confirmText}
      confirmLabel={req.bulk ? `Revoke ${n}` : one?.action === 'disable' ? 'Disable' : 'Revoke'}
      onConfirm={() => (preview ? onConfirm(confirmText) : false)}
      testId="revoke-dialog"
    >
      {error && <ErrorBanner error={error} testId="revoke-preview-error" />}
      {preview && (
        <div className="blast" data-testid="blast-radius">
          {preview.targets.some((t) => t.isGrantdesk) && <p className="banner banner-warning">Grantdesk’s own grant is among these: its workspace will be disconnected from Grantdesk.</p>}
          <SummaryTable preview={preview} />
          {notSynced.length > 0 && (
            <p className="blast-unknown" data-testid="blast-audit-not-synced">
              Audit log not synced for {notSynced.length === 1 ? notSynced[0]!.workspaceName : plural(new Set(notSynced.map((t) => t.workspaceId)).size, 'workspace')}: Grantdesk cannot list what used{' '}
              {notSynced.length === 1 ? 'this credential' : 'those credentials'}; the table shows when the platform last saw {notSynced.length === 1 ? 'it' : 'them'} used. Sync the audit log for calls and callers.
            </p>
          )}
          {one && one.auditState === 'synced' && (
            <div className="blast-use">
              {one.endpoints.length === 0 ? (
                <p data-testid="blast-no-use">
                  No calls in the last {preview.windowDays} days of the cached audit log (up to {dateText(one.auditCoverageUntil)}).
                </p>
              ) : (
                <>
                  <p>
                    What stops working (last {preview.windowDays} days of the cached audit log, up to {dateText(one.auditCoverageUntil)}):
                  </p>
                  <ul data-testid="blast-endpoints">
                    {one.endpoints.slice(0, 8).map((e) => (
                      <li key={`${e.method} ${e.endpoint}`}>
                        <code>
                          {e.method} {e.endpoint}
                        </code>{' '}
                        · {plural(e.calls, 'call')}, last {ago(e.lastAt)}
                      </li>
                    ))}
                  </ul>
                  {one.endpoints.length > 8 && <p className="muted">and {one.endpoints.length - 8} more endpoints.</p>}
                </>
              )}
            </div>
          )}
          {preview.keptElsewhere.length > 0 && (
            <div data-testid="revoke-kept-elsewhere" data-count={preview.keptElsewhere.reduce((a, k) => a + k.workspaces.length, 0)}>
              {preview.keptElsewhere.map((k) => (
                <p key={k.clientId} title={k.workspaces.map((w) => w.name).join('\n') || undefined}>
                  {k.appName} stays installed in {plural(k.workspaces.length, 'other workspace')}
                  {k.workspaces.length === 0 ? ': this removes it everywhere Grantdesk knows of.' : k.workspaces.length <= 3 ? ` (${k.workspaces.map((w) => w.name).join(', ')}).` : '.'}
                </p>
              ))}
            </div>
          )}
          {preview.tailSentence && !preview.tokenTailUntil && (
            <p className="revoke-tail" data-testid="revoke-token-tail-none">
              {preview.tailSentence}
            </p>
          )}
          {preview.tailSentence && preview.tokenTailUntil && (
            <p className="banner banner-warning revoke-tail" data-testid="revoke-token-tail" title={new Date(preview.tokenTailUntil).toString()}>
              {preview.tailSentence}
              {immediate > 0 ? ` ${plural(immediate, 'other credential')} among these (API keys, machine clients) stop${immediate === 1 ? 's' : ''} at once.` : ''}
            </p>
          )}
          <p className="blast-untouched" data-testid="blast-untouched">
            {preview.untouchedWorkspaces.length} workspace{preview.untouchedWorkspaces.length === 1 ? ' is' : 's are'} not touched.{' '}
            {preview.untouchedWorkspaces.length > 0 && (
              <button type="button" className="link-button" onClick={() => setShowUntouched((v) => !v)} aria-expanded={showUntouched} data-testid="blast-untouched-toggle">
                {showUntouched ? 'Hide' : 'Show'} them
              </button>
            )}
          </p>
          {showUntouched && (
            <ul ref={untouchedRef} className="untouched-list" data-testid="blast-untouched-list" aria-label="Workspaces not touched" tabIndex={0}>
              {preview.untouchedWorkspaces.map((w) => (
                <li key={w.id} title={w.id}>
                  {w.name}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </ConfirmDialog>
  );
}
