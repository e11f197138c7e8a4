// Workspaces overview, built for dozens to hundreds: search, sort, filter by status; per workspace its platform, scopes,
// expiry countdown, last refresh, needs-reconsent and pending-revocation badges; connect, bulk connect, reconnect, disconnect.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { ROLES, scopesForRole, type Role, type Workspace } from '../../../../src-common/contract/index.ts';
import { ConfirmDialog, Dialog } from '../../components/Dialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { selectBusy, selectLoaded, selectPlatforms, selectWorkspaces, selectWorkspacesError, type WorkspacesStore } from '../../stores/workspaces-store.ts';
import { WriteButton } from '../../components/WriteButton.tsx';
import './workspaces.css';

type SortKey = 'name' | 'status' | 'expiry' | 'platform' | 'lastRefresh';
type StatusFilter = 'all' | Workspace['status'] | 'pending_revocation';


function useNow(ms = 1000): number {
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
function ago(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.floor(s / 60)}m ago` : s < 86400 ? `${Math.floor(s / 3600)}h ago` : `${Math.floor(s / 86400)}d ago`;
}

function Badges({ w }: { w: Workspace }) {
  return (
    <span className="badges">
      <span className={`badge badge-${w.status}`} data-testid="ws-status">
        {w.status === 'needs_reconsent' ? 'Needs re-consent' : w.status === 'connected' ? 'Connected' : 'Disconnected'}
      </span>
      {w.revocation === 'pending' && (
        <span className="badge badge-warning" data-testid="ws-revocation-pending" title={w.revocationError ?? ''}>
          Revocation pending
        </span>
      )}
      {w.revocation === 'confirmed' && w.status === 'disconnected' && (
        <span className="badge badge-muted" data-testid="ws-revocation-confirmed">
          Revoked
        </span>
      )}
      {w.cooldownUntil && w.status === 'connected' && <span className="badge badge-warning">Token endpoint cooling down</span>}
    </span>
  );
}

function ConnectDialog({ open, onOpenChange, store, initial, bulk }: { open: boolean; onOpenChange(o: boolean): void; store: WorkspacesStore; initial: string; bulk: boolean }) {
  const platforms = useSelect(store, selectPlatforms);
  const [ids, setIds] = useState(initial);
  const [role, setRole] = useState<Role>('operator');
  const [platform, setPlatform] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  useEffect(() => {
    if (open) {
      setIds(initial);
      setResult(null);
    }
  }, [open, initial]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const list = ids.split(/[\s,]+/).filter(Boolean);
    const plat = platform || undefined;
    if (bulk) {
      const r = await store.getState().bulkConnect(list, plat, role);
      setResult(r ? `${r.connected} connected, ${r.failed} failed` : null);
      setBusy(false);
      if (r && r.failed === 0) onOpenChange(false);
    } else {
      const ok = await store.getState().connect(list[0] ?? '', plat, role);
      setBusy(false);
      if (ok) onOpenChange(false);
    }
  };
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      testId={bulk ? 'bulk-connect-dialog' : 'connect-dialog'}
      title={bulk ? 'Bulk connect workspaces' : 'Connect a workspace'}
      description="Your browser opens the platform's sign-in for each workspace. Grantdesk asks only for the scopes of the role you choose."
    >
      <form onSubmit={submit} className="form">
        <label className="field-label" htmlFor="connect-ids">
          {bulk ? 'Workspace ids (one per line or comma separated)' : 'Workspace id'}
        </label>
        {bulk ? (
          <textarea id="connect-ids" className="input mono" data-testid="connect-ids" rows={6} value={ids} onChange={(e) => setIds(e.target.value)} required />
        ) : (
          <input id="connect-ids" className="input mono" data-testid="connect-ids" value={ids} onChange={(e) => setIds(e.target.value)} required placeholder="ws_…" />
        )}
        {platforms.length > 1 && (
          <>
            <label className="field-label" htmlFor="connect-platform">
              Platform
            </label>
            <select id="connect-platform" className="input" value={platform} onChange={(e) => setPlatform(e.target.value)} required>
              <option value="">Choose…</option>
              {platforms.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.issuer})
                </option>
              ))}
            </select>
          </>
        )}
        <fieldset className="segmented-field">
          <legend className="field-label">Role</legend>
          <div className="segmented">
            {ROLES.map((r) => (
              <label key={r} className="segment">
                <input type="radio" name="role" value={r} checked={role === r} onChange={() => setRole(r)} data-testid={`role-${r}`} />
                <span>{r}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <p className="field-hint" data-testid="connect-scopes">
          Requests: {scopesForRole(role).join(', ')}
        </p>
        {result && <p data-testid="bulk-result">{result}</p>}
        <div className="dialog-footer">
          <button type="submit" className="button button-primary" disabled={busy} data-testid="connect-submit">
            {busy ? 'Waiting for sign-in…' : bulk ? 'Connect all' : 'Connect'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function AddPlatformDialog({ open, onOpenChange, store }: { open: boolean; onOpenChange(o: boolean): void; store: WorkspacesStore }) {
  const [issuer, setIssuer] = useState('');
  const [name, setName] = useState('');
  const [clientId, setClientId] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await store.getState().addPlatform(issuer, name || undefined, clientId || undefined)) onOpenChange(false);
  };
  return (
    <Dialog open={open} onOpenChange={onOpenChange} testId="add-platform-dialog" title="Add a platform" description="Grantdesk reads the platform's OAuth metadata from its issuer URL (RFC 8414).">
      <form onSubmit={submit} className="form">
        <label className="field-label" htmlFor="pf-issuer">Issuer URL</label>
        <input id="pf-issuer" className="input" value={issuer} onChange={(e) => setIssuer(e.target.value)} required placeholder="https://auth.example.com" />
        <label className="field-label" htmlFor="pf-name">Name</label>
        <input id="pf-name" className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="Production EU" />
        <label className="field-label" htmlFor="pf-client">Client id</label>
        <input id="pf-client" className="input" value={clientId} onChange={(e) => setClientId(e.target.value)} placeholder="grantdesk-desktop" />
        <div className="dialog-footer">
          <button type="submit" className="button button-primary">Add platform</button>
        </div>
      </form>
    </Dialog>
  );
}

export function WorkspacesScreen() {
  const { workspaces: store } = useStores();
  const workspaces = useSelect(store, selectWorkspaces);
  const platforms = useSelect(store, selectPlatforms);
  const loaded = useSelect(store, selectLoaded);
  const error = useSelect(store, selectWorkspacesError);
  const busy = useSelect(store, selectBusy);
  const now = useNow();
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState<StatusFilter>('all');
  const [sort, setSort] = useState<{ key: SortKey; dir: 1 | -1 }>({ key: 'name', dir: 1 });
  const [dialog, setDialog] = useState<null | { kind: 'connect' | 'bulk' | 'platform'; initial: string }>(null);
  const [confirm, setConfirm] = useState<Workspace | null>(null);

  useEffect(() => {
    void store.getState().load();
    return store.getState().connectEvents();
  }, [store]);

  const rows = useMemo(() => {
    const q = query.trim().toLowerCase();
    const filtered = workspaces.filter(
      (w) =>
        (status === 'all' || (status === 'pending_revocation' ? w.revocation === 'pending' : w.status === status)) &&
        (!q || w.name.toLowerCase().includes(q) || w.id.toLowerCase().includes(q) || w.platformName.toLowerCase().includes(q) || w.scopes.some((s) => s.includes(q))),
    );
    const val = (w: Workspace): string | number => {
      switch (sort.key) {
        case 'status':
          return w.status;
        case 'expiry':
          return w.accessExpiresAt ? Date.parse(w.accessExpiresAt) : Number.MAX_SAFE_INTEGER;
        case 'platform':
          return w.platformName;
        case 'lastRefresh':
          return w.lastRefreshAt ? Date.parse(w.lastRefreshAt) : 0;
        default:
          return w.name.toLowerCase();
      }
    };
    return [...filtered].sort((a, b) => (val(a) < val(b) ? -sort.dir : val(a) > val(b) ? sort.dir : 0));
  }, [workspaces, query, status, sort]);

  const counts = useMemo(
    () => ({
      connected: workspaces.filter((w) => w.status === 'connected').length,
      needs: workspaces.filter((w) => w.status === 'needs_reconsent').length,
      pending: workspaces.filter((w) => w.revocation === 'pending').length,
    }),
    [workspaces],
  );
  const header = (key: SortKey, label: string) => (
    <th scope="col" aria-sort={sort.key === key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="th-button" data-testid={`sort-${key}`} onClick={() => setSort((s) => ({ key, dir: s.key === key ? ((-s.dir) as 1 | -1) : 1 }))}>
        {label}
        {sort.key === key ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );

  return (
    <section className="screen screen-workspaces" aria-labelledby="screen-title" data-testid="workspaces-screen">
      <header className="screen-header">
        <h1 id="screen-title" className="screen-title">Workspaces</h1>
        <p className="screen-subtitle" data-testid="ws-summary">
          {counts.connected} connected · {counts.needs} need re-consent · {counts.pending} revocation{counts.pending === 1 ? '' : 's'} pending · {platforms.length} platform{platforms.length === 1 ? '' : 's'}
        </p>
      </header>
      {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissError()} />}
      <div className="toolbar">
        <input type="search" className="input ws-search" aria-label="Search workspaces" placeholder="Search name, id, platform, scope" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="ws-search" />
        <select aria-label="Filter by status" className="input ws-filter" value={status} onChange={(e) => setStatus(e.target.value as StatusFilter)} data-testid="ws-filter">
          <option value="all">All statuses</option>
          <option value="connected">Connected</option>
          <option value="needs_reconsent">Needs re-consent</option>
          <option value="disconnected">Disconnected</option>
          <option value="pending_revocation">Revocation pending</option>
        </select>
        <WriteButton command="platforms.add" className="button" onClick={() => setDialog({ kind: 'platform', initial: '' })} data-testid="add-platform">
          Add platform
        </WriteButton>
        <WriteButton command="workspaces.bulkConnect" className="button" disabled={platforms.length === 0} onClick={() => setDialog({ kind: 'bulk', initial: '' })} data-testid="bulk-connect">
          Bulk connect
        </WriteButton>
        <WriteButton command="workspaces.connect" className="button button-primary" disabled={platforms.length === 0} onClick={() => setDialog({ kind: 'connect', initial: '' })} data-testid="connect">
          Connect workspace
        </WriteButton>
      </div>
      {loaded && workspaces.length === 0 && (
        <div className="panel" data-testid="ws-empty">
          <p>{platforms.length === 0 ? 'No platform yet. Add one by its issuer URL, or run `npm run demo` to explore with the sandbox.' : 'No workspace connected yet.'}</p>
        </div>
      )}
      {workspaces.length > 0 && (
        <div className="table-wrap">
          <table className="table ws-table" data-testid="ws-table">
            <caption className="visually-hidden">{rows.length} workspaces</caption>
            <thead>
              <tr>
                {header('name', 'Workspace')}
                {header('platform', 'Platform')}
                {header('status', 'Status')}
                <th scope="col" className="th-plain">Scopes</th>
                {header('expiry', 'Token expires in')}
                {header('lastRefresh', 'Last refresh')}
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((w) => (
                <tr key={w.id} data-testid="ws-row" data-workspace={w.id} data-status={w.status}>
                  <td>
                    <div className="cell-title">{w.name}</div>
                    <div className="cell-sub mono">{w.id}</div>
                  </td>
                  <td>{w.platformName}</td>
                  <td>
                    <Badges w={w} />
                    {w.reason && <div className="cell-sub" data-testid="ws-reason">{w.reason}</div>}
                    {w.lastRefreshError && w.status === 'connected' && <div className="cell-sub">{w.lastRefreshError}</div>}
                  </td>
                  <td className="ws-scopes">
                    {w.scopes.map((s) => (
                      <span key={s} className="scope-chip mono">
                        {s}
                      </span>
                    ))}
                  </td>
                  <td data-testid="ws-expiry" className="nowrap">{w.status === 'connected' ? countdown(w.accessExpiresAt, now) : '—'}</td>
                  <td className="nowrap">{ago(w.lastRefreshAt ?? w.connectedAt, now)}</td>
                  <td className="row-actions">
                    {busy[w.id] ? (
                      <span className="muted">{busy[w.id]}…</span>
                    ) : w.status === 'connected' ? (
                      <>
                        <WriteButton command="workspaces.refresh" className="button button-small" onClick={() => void store.getState().refresh(w.id)} data-testid="ws-refresh">
                          Refresh
                        </WriteButton>
                        <WriteButton command="workspaces.disconnect" className="button button-small" onClick={() => setConfirm(w)} data-testid="ws-disconnect">
                          Disconnect
                        </WriteButton>
                      </>
                    ) : (
                      <WriteButton command="workspaces.connect" className="button button-small" onClick={() => void store.getState().connect(w.id, w.platformId, w.role)} data-testid="ws-reconnect">
                        Reconnect
                      </WriteButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConnectDialog open={dialog?.kind === 'connect' || dialog?.kind === 'bulk'} bulk={dialog?.kind === 'bulk'} initial={dialog?.initial ?? ''} onOpenChange={(o) => !o && setDialog(null)} store={store} />
      <AddPlatformDialog open={dialog?.kind === 'platform'} onOpenChange={(o) => !o && setDialog(null)} store={store} />
      <ConfirmDialog
        open={confirm !== null}
        onOpenChange={(o) => !o && setConfirm(null)}
        testId="disconnect-dialog"
        title={`Disconnect ${confirm?.name ?? ''}`}
        description="Grantdesk revokes the grant at the platform (RFC 7009) and deletes it from the keychain. If the platform cannot be reached, the grant is deleted here anyway and the revocation stays pending until it is confirmed."
        confirmText={confirm?.id ?? ''}
        confirmLabel="Disconnect"
        onConfirm={async () => {
          if (confirm) await store.getState().disconnect(confirm.id);
          return true;
        }}
      />
    </section>
  );
}
