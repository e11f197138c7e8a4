// The Workspaces table's cells and their words: countdowns and ages, status badges, the scopes summary, the last error
// as a sentence, and the row action icons.
import { useEffect, useState } from 'react';
import type { Workspace, WorkspaceSyncHealth } from '../../../../src-common/contract/index.ts';

export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

export function countdown(iso: string | null, now: number): string {
  if (!iso) return '—';
  const s = Math.round((Date.parse(iso) - now) / 1000);
  if (s <= 0) return 'expired';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s % 60}s` : `${s}s`;
}
export function ago(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.floor(s / 60)}m ago` : s < 86400 ? `${Math.floor(s / 3600)}h ago` : `${Math.floor(s / 86400)}d ago`;
}

/** one badge per workspace (one line per row): the status, or for a disconnected one what happened to its revocation */
export function Badges({ w }: { w: Workspace }) {
  if (w.status === 'disconnected' && w.revocation === 'pending')
    return (
      <span className="badge badge-warning" data-testid="ws-status" title={w.revocationError ?? 'Disconnected; the platform has not confirmed the revocation yet'}>
        <span data-testid="ws-revocation-pending">Revocation pending</span>
      </span>
    );
  if (w.status === 'disconnected' && w.revocation === 'confirmed')
    return (
      <span className="badge badge-muted" data-testid="ws-status" title="Disconnected; the platform confirmed the revocation">
        <span data-testid="ws-revocation-confirmed">Revoked</span>
      </span>
    );
  return (
    <span className={`badge badge-${w.status}`} data-testid="ws-status">
      {w.status === 'needs_reconsent' ? 'Needs re-consent' : w.status === 'connected' ? 'Connected' : 'Disconnected'}
    </span>
  );
}

export function lastError(w: Workspace, h: WorkspaceSyncHealth | undefined): string | null {
  if (w.status === 'needs_reconsent') return w.reason ?? 'The grant is no longer valid: reconnect the workspace.';
  if (w.revocation === 'pending') return w.revocationError ? `Revocation pending: ${w.revocationError}` : 'Revocation pending: the platform has not confirmed it yet.';
  if (w.status === 'connected' && w.lastRefreshError) return w.lastRefreshError;
  if (w.status === 'connected' && h?.auditError) return `Audit sync: ${h.auditError}`;
  if (w.status === 'connected' && h?.inventoryError) return `Inventory sync: ${h.inventoryError}`;
  if (w.status === 'connected' && w.cooldownUntil) return 'The token endpoint failed recently; Grantdesk waits before trying it again.';
  return null;
}
export function hasProblem(w: Workspace, h: WorkspaceSyncHealth | undefined): boolean {
  return lastError(w, h) !== null;
}

export function ScopesSummary({ scopes }: { scopes: string[] }) {
  if (scopes.length === 0) return <span className="muted">none</span>;
  return (
    <details className="ws-scopes-details" data-testid="ws-scopes">
      <summary title={scopes.join('\n')} data-testid="ws-scopes-summary">
        {scopes.length} scope{scopes.length === 1 ? '' : 's'}
      </summary>
      <div className="ws-scopes-list">
        {scopes.map((s) => (
          <span key={s} className="scope-chip mono">
            {s}
          </span>
        ))}
      </div>
    </details>
  );
}

export function RefreshIcon() {
  return (
    <svg viewBox="0 0 24 24" width="14" height="14" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d="M20 12a8 8 0 0 1-14.3 4.9M4 12a8 8 0 0 1 14.3-4.9" />
      <path d="M18.5 3v4.2h-4.2M5.5 21v-4.2h4.2" />
    </svg>
  );
}
export function DisconnectIcon() {
  return (
    <svg viewBox="0 0 24 24" width="14" height="14" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d="M9 15l6-6M7.5 11.5l-2 2a3.5 3.5 0 0 0 5 5l2-2M16.5 12.5l2-2a3.5 3.5 0 0 0-5-5l-2 2M4 4l16 16" />
    </svg>
  );
}


/** the "Connected by" cell: the agency staff member who connected it (ID token or Settings), what offboarding a person goes by */
export function ConnectedBy({ w }: { w: Workspace }) {
  const by = w.connectedBy;
  const full = by ? `${by.name ?? by.email}${by.name && by.email ? ` (${by.email})` : ''}, ${by.source === 'id_token' ? "as the platform's sign-in named them" : 'as set in Settings'}` : 'Not recorded: connected before Grantdesk recorded it, or nobody was named';
  return (
    <td className="ws-col-by nowrap" title={full} data-testid="ws-connected-by">
      {by ? (by.name ?? by.email) : <span className="muted">—</span>}
    </td>
  );
}
