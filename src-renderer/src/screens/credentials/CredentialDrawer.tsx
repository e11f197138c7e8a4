// Credential detail drawer: scopes, type, prefix and last four, IP allowlist, expiry, rate limit or quota, created and
// last used, and a sparkline of recent activity from the cached audit log (said plainly when the log is not synced).
import { useEffect, useRef } from 'react';
import { POLICY_RULE_WORDS, type Matrix } from '../../../../src-common/contract/index.ts';
import { usePolicyMarks } from '../../components/GroupFilter.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { ago, ageText, dateText, expiryText, lifecycleText, TYPE_LABEL } from '../matrix/format.ts';
import { selectDetail, selectDetailError, type DrawerRef, type RevokeRequest } from '../../stores/inventory-store.ts';
import { Sparkline } from './Sparkline.tsx';
import { WriteButton } from '../../components/WriteButton.tsx';
import type { GuardrailsRequest } from './EditGuardrailsDialog.tsx';

export function CredentialDrawer({
  target,
  matrix,
  onClose,
  onRevoke,
  onEditGuardrails,
}: {
  target: DrawerRef;
  matrix: Matrix | null;
  onClose(): void;
  onRevoke(req: RevokeRequest): void;
  onEditGuardrails?(req: GuardrailsRequest): void;
}) {
  const { inventory: store } = useStores();
  const detail = useSelect(store, selectDetail);
  const error = useSelect(store, selectDetailError);
  const ref = useRef<HTMLElement>(null);
  const policy = usePolicyMarks()?.byCredential.get(`${target.workspaceId}|${target.credentialId}`) ?? [];
  // what had focus when this credential opened (its row): focus goes back there on close
  const opener = useRef<HTMLElement | null>(null);
  useEffect(() => {
    void store.getState().loadDetail({ workspaceId: target.workspaceId, credentialId: target.credentialId });
  }, [store, target.workspaceId, target.credentialId, matrix]);
  useEffect(() => {
    const a = document.activeElement;
    if (a instanceof HTMLElement && a !== document.body && !ref.current?.contains(a)) opener.current = a;
    ref.current?.querySelector<HTMLElement>('h2')?.focus();
  }, [target.workspaceId, target.credentialId]);
  const close = () => {
    const el = opener.current;
    const { workspaceId, credentialId } = target;
    onClose();
    requestAnimationFrame(() => {
      if (el?.isConnected) el.focus();
      else document.querySelector<HTMLElement>(`[data-workspace-id="${CSS.escape(workspaceId)}"][data-credential-id="${CSS.escape(credentialId)}"]`)?.focus();
    });
  };

  // every active install of the same app (client id), from the whole cache: the "revoke from all" targets
  // (never Grantdesk's own grant: revoking it everywhere would disconnect every workspace)
  const sameApp = detail?.type === 'app' && !detail.isGrantdesk ? detail.sameAppInstalls.map((i) => ({ workspace: i.workspaceId, credentialId: i.credentialId })) : [];
  const sameAppWorkspaces = new Set(sameApp.map((t) => t.workspace)).size;

  const rows: Array<[string, string]> = detail
    ? [
        ['Type', TYPE_LABEL[detail.type]],
        ['Workspace', detail.workspaceName],
        ['Status', lifecycleText(detail.lifecycle)],
        ...(detail.prefix ? ([['Key', `${detail.prefix}…${detail.lastFour ?? ''}`]] as Array<[string, string]>) : []),
        ...(detail.clientId ? ([['Client id', detail.clientId]] as Array<[string, string]>) : []),
        ['IP allowlist', detail.ipAllowlist.length ? detail.ipAllowlist.join(', ') : 'any address'],
        ['Expires', detail.expiresAt ? `${dateText(detail.expiresAt)} (${expiryText(detail.expiresAt)})` : 'never'],
        ['Rate limit', detail.rateLimitPerMinute !== null ? `${detail.rateLimitPerMinute} / minute` : detail.type === 'api_key' ? 'none' : '—'],
        ...(detail.dailyQuota !== null ? ([['Daily quota', String(detail.dailyQuota)]] as Array<[string, string]>) : []),
        ['Created', dateText(detail.createdAt)],
        ['Last used', detail.lastUsedAt ? `${dateText(detail.lastUsedAt)} (${ago(detail.lastUsedAt)})` : 'never'],
        ['Cached', ageText(detail.sync.ageSeconds)],
      ]
    : [];

  return (
    <aside className="drawer" ref={ref} aria-label="Credential detail" data-testid="credential-drawer" onKeyDown={(e) => e.key === 'Escape' && close()}>
      <div className="drawer-header">
        <h2 tabIndex={-1} className="drawer-title" data-testid="drawer-title">
          {detail?.name ?? 'Loading…'}
        </h2>
        <button type="button" className="icon-button" aria-label="Close detail" onClick={close} data-testid="drawer-close">
          ×
        </button>
      </div>
      {error && <ErrorBanner error={error} testId="drawer-error" />}
      {detail && (
        <div className="drawer-body">
          {detail.isGrantdesk && <p className="banner banner-warning drawer-note">This is Grantdesk’s own grant: revoking it disconnects this workspace from Grantdesk.</p>}
          {detail.revocation?.effect && (
            <p
              className={`banner drawer-note ${detail.revocation.effect.state === 'calls_after' ? 'banner-error' : detail.revocation.effect.state === 'tail' ? 'banner-warning' : 'banner-info'}`}
              data-testid="drawer-revocation"
              data-state={detail.revocation.effect.state}
              title={detail.revocation.tailNote ?? undefined}
            >
              {detail.revocation.effect.sentence}
            </p>
          )}
          <dl className="kv drawer-kv">
            {rows.map(([k, v]) => (
              <div className="kv-row" key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
          {policy.length > 0 && (
            <>
              <h3 className="drawer-section">Breaks the policy ({policy.length})</h3>
              <ul className="policy-marks-list" data-testid="drawer-policy">
                {policy.map((v) => (
                  <li key={v.id} data-rule={v.rule} data-testid="drawer-policy-item">
                    <strong>{POLICY_RULE_WORDS[v.rule]}</strong> <span className="muted">· group {v.group}</span>
                    <div>{v.message}</div>
                    <div className="muted">
                      Fix: {v.fix.label} · <code title="The same fix from a terminal">{v.fix.cli}</code>
                    </div>
                  </li>
                ))}
              </ul>
            </>
          )}
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
        </div>
      )}
      {detail && (
        <div className="drawer-actions">
          {onEditGuardrails && (detail.type === 'api_key' || detail.type === 'machine_client') && detail.lifecycle.state !== 'revoked' && (
            <WriteButton
              command={detail.type === 'api_key' ? 'keys.edit' : 'clients.edit'}
              className="button"
              onClick={() => onEditGuardrails({ workspaceId: detail.workspaceId, credentialId: detail.id, type: detail.type as 'api_key' | 'machine_client', name: detail.name, workspaceName: detail.workspaceName })}
              data-testid="drawer-edit-guardrails"
            >
              Edit guardrails…
            </WriteButton>
          )}
          {detail.revocable ? (
            <WriteButton command="inventory.revoke" className="button button-danger" onClick={() => onRevoke({ targets: [{ workspace: detail.workspaceId, credentialId: detail.id }], bulk: false })} data-testid="drawer-revoke">
              {detail.type === 'machine_client' ? 'Disable…' : 'Revoke…'}
            </WriteButton>
          ) : (
            <p className="muted" data-testid="drawer-not-revocable">{detail.type === 'service_token' ? 'Service tokens cannot be revoked; they expire on their own.' : `This credential is ${lifecycleText(detail.lifecycle).toLowerCase()}.`}</p>
          )}
          {sameAppWorkspaces > 1 && (
            <WriteButton command="inventory.revoke" className="button button-danger-outline" onClick={() => onRevoke({ targets: sameApp, bulk: true })} title={`Revoke ${detail.name} in every workspace where it is installed`} data-testid="drawer-revoke-app-everywhere">
              Revoke from all {sameAppWorkspaces} workspaces{sameApp.length !== sameAppWorkspaces ? ` (${sameApp.length} grants)` : ''}…
            </WriteButton>
          )}
        </div>
      )}
    </aside>
  );
}
