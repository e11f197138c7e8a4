// Workspaces overview, built for dozens to hundreds: one line per workspace (scopes summarised, the list on hover or
// expand), health columns (access token, refresh token, audit and inventory sync age, last error as a sentence) with sort
// and a "problems only" filter, search, status filter, multi-select with bulk refresh / sync / disconnect; connect, bulk
// connect, reconnect, disconnect; errors in the dialog that caused them. In review mode: the reviewed workspaces instead.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Workspace } from '../../../../src-common/contract/index.ts';
import { ConfirmDialog } from '../../components/Dialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { useSelect, useStores } from '../../stores/use-store.ts';
import {
  selectBulkOutcome,
  selectBulkRunning,
  selectBusy,
  selectLoaded,
  selectPlatforms,
  selectSyncHealth,
  selectWorkspaces,
  selectWorkspacesError,
} from '../../stores/workspaces-store.ts';
import { WriteButton } from '../../components/WriteButton.tsx';
import { useReviewMode, useReviewStatus } from '../../app/use-review-mode.ts';
import { ReviewedWorkspaces } from './ReviewedWorkspaces.tsx';
import { AddPlatformDialog, ConnectDialog } from './WorkspaceDialogs.tsx';
import { ago, Badges, ConnectedBy, countdown, DisconnectIcon, hasProblem, lastError, RefreshIcon, ScopesSummary, useNow } from './workspace-cells.tsx';
import { PolicyCell } from './policy-groups.tsx';
import { GroupFilter, usePolicyGroups } from '../../components/GroupFilter.tsx';
import './workspaces.css';

type SortKey = 'name' | 'status' | 'expiry' | 'platform' | 'lastRefresh' | 'audit' | 'inventory' | 'error';
type StatusFilter = 'all' | Workspace['status'] | 'pending_revocation';


const ROW_HEIGHT = 27;
/** above this many rows the table renders only what is in view (the rest are spacer rows of the same height) */
const VIRTUAL_FROM = 100;

const BULK_LABEL = { refresh: 'Refreshed', sync: 'Synced', disconnect: 'Disconnected' } as const;

export function WorkspacesScreen() {
  const { active: inReview } = useReviewMode();
  const status = useReviewStatus();
  if (inReview && status && status.state !== 'none') return <ReviewedWorkspaces status={status} />;
  // review mode, status not read yet: never flash the operator's "0 connected"
  if (inReview && !status)
    return (
      <section className="screen screen-workspaces" aria-labelledby="screen-title" data-testid="workspaces-screen" aria-busy="true">
        <header className="screen-header">
          <h1 id="screen-title" className="screen-title">Workspaces</h1>
          <p className="screen-subtitle">Reading the review…</p>
        </header>
      </section>
    );
  return <OperatorWorkspaces />;
}

function OperatorWorkspaces() {
  const { workspaces: store } = useStores();
  const workspaces = useSelect(store, selectWorkspaces);
  const platforms = useSelect(store, selectPlatforms);
  const loaded = useSelect(store, selectLoaded);
  const error = useSelect(store, selectWorkspacesError);
  const busy = useSelect(store, selectBusy);
  const health = useSelect(store, selectSyncHealth);
  const bulkRunning = useSelect(store, selectBulkRunning);
  const bulkOutcome = useSelect(store, selectBulkOutcome);
  const now = useNow();
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState<StatusFilter>('all');
  const [problemsOnly, setProblemsOnly] = useState(false);
  const policyGroups = usePolicyGroups();
  const groupMembers = policyGroups.members;
  const [sort, setSort] = useState<{ key: SortKey; dir: 1 | -1 }>({ key: 'name', dir: 1 });
  const [dialog, setDialog] = useState<null | { kind: 'connect' | 'bulk' | 'platform'; initial: string }>(null);
  const [confirm, setConfirm] = useState<Workspace | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [confirmBulk, setConfirmBulk] = useState(false);
  const scrollRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    void store.getState().load();
    void store.getState().loadHealth();
    return store.getState().connectEvents();
  }, [store]);

  const rows = useMemo(() => {
    const q = query.trim().toLowerCase();
    const filtered = workspaces.filter(
      (w) =>
        (status === 'all' || (status === 'pending_revocation' ? w.revocation === 'pending' : w.status === status)) &&
        (!problemsOnly || hasProblem(w, health[w.id])) &&
        (!groupMembers || groupMembers.has(w.id)) &&
        (!q || w.name.toLowerCase().includes(q) || w.id.toLowerCase().includes(q) || w.platformName.toLowerCase().includes(q) || w.scopes.some((s) => s.includes(q))),
    );
    const time = (iso: string | null | undefined) => (iso ? Date.parse(iso) : 0);
    const val = (w: Workspace): string | number => {
      switch (sort.key) {
        case 'status':
          return w.status;
        case 'expiry':
          return w.accessExpiresAt ? Date.parse(w.accessExpiresAt) : Number.MAX_SAFE_INTEGER;
        case 'platform':
          return w.platformName;
        case 'lastRefresh':
          return time(w.lastRefreshAt ?? w.connectedAt);
        case 'audit':
          return time(health[w.id]?.auditSyncedAt);
        case 'inventory':
          return time(health[w.id]?.inventorySyncedAt);
        case 'error':
          return lastError(w, health[w.id]) ?? '';
        default:
          return w.name.toLowerCase();
      }
    };
    return [...filtered].sort((a, b) => (val(a) < val(b) ? -sort.dir : val(a) > val(b) ? sort.dir : 0));
  }, [workspaces, query, status, problemsOnly, sort, health, groupMembers]);

  const counts = useMemo(
    () => ({
      connected: workspaces.filter((w) => w.status === 'connected').length,
      needs: workspaces.filter((w) => w.status === 'needs_reconsent').length,
      pending: workspaces.filter((w) => w.revocation === 'pending').length,
      problems: workspaces.filter((w) => hasProblem(w, health[w.id])).length,
    }),
    [workspaces, health],
  );
  // the selection is what is both chosen and shown (a filter never acts on rows the person cannot see)
  const chosen = rows.filter((w) => selected.has(w.id));
  const chosenConnected = chosen.filter((w) => w.status === 'connected');
  const allShownChosen = rows.length > 0 && chosen.length === rows.length;
  const toggle = (id: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const header = (key: SortKey, label: string, className = '') => (
    <th scope="col" className={className} aria-sort={sort.key === key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="th-button" data-testid={`sort-${key}`} onClick={() => setSort((s) => ({ key, dir: s.key === key ? ((-s.dir) as 1 | -1) : 1 }))}>
        {label}
        {sort.key === key ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );
  const virtual = rows.length > VIRTUAL_FROM;
  const virtualizer = useVirtualizer({ count: virtual ? rows.length : 0, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtual ? virtualizer.getVirtualItems() : [];
  const visibleRows = virtual ? items.map((v) => rows[v.index]!) : rows;
  const padTop = virtual && items.length ? items[0]!.start : 0;
  const padBottom = virtual && items.length ? virtualizer.getTotalSize() - items[items.length - 1]!.end : 0;
  const filtering = query.trim() !== '' || status !== 'all' || problemsOnly || groupMembers !== null;
  // one platform: its name is in the summary line, not repeated on every row
  const manyPlatforms = platforms.length > 1;
  const noneConnected = chosenConnected.length === 0 ? 'Choose at least one connected workspace.' : undefined;

  return (
    <section className="screen screen-workspaces" aria-labelledby="screen-title" data-testid="workspaces-screen">
      <header className="screen-header">
        <h1 id="screen-title" className="screen-title">Workspaces</h1>
        <p className="screen-subtitle" data-testid="ws-summary">
          {counts.connected} connected · {counts.needs} need re-consent · {counts.pending} revocation{counts.pending === 1 ? '' : 's'} pending · {platforms.length === 1 ? `1 platform (${platforms[0]!.name})` : `${platforms.length} platforms`}
          {counts.problems > 0 ? ` · ${counts.problems} with problems` : ''}
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
        <GroupFilter groups={policyGroups} testId="ws-group-filter" className="input ws-filter" />
        <label className="check ws-problems">
          <input type="checkbox" checked={problemsOnly} onChange={(e) => setProblemsOnly(e.target.checked)} data-testid="ws-problems-only" />
          Problems only{counts.problems > 0 ? ` (${counts.problems})` : ''}
        </label>
        <div className="toolbar-end">
          <WriteButton command="platforms.add" className="button" onClick={() => setDialog({ kind: 'platform', initial: '' })} data-testid="add-platform">
            Add platform
          </WriteButton>
          <WriteButton command="workspaces.bulkConnect" className="button" disabled={platforms.length === 0} title={platforms.length === 0 ? 'Add a platform first.' : undefined} onClick={() => setDialog({ kind: 'bulk', initial: '' })} data-testid="bulk-connect">
            Bulk connect
          </WriteButton>
          <WriteButton command="workspaces.connect" className="button button-primary" disabled={platforms.length === 0} title={platforms.length === 0 ? 'Add a platform first.' : undefined} onClick={() => setDialog({ kind: 'connect', initial: '' })} data-testid="connect">
            Connect workspace
          </WriteButton>
        </div>
      </div>
      {chosen.length > 0 && (
        <div className="ws-bulkbar" role="region" aria-label="Selected workspaces" data-testid="ws-bulkbar">
          <span data-testid="ws-selected-count">
            {chosen.length} selected{chosenConnected.length < chosen.length ? ` (${chosenConnected.length} connected)` : ''}
          </span>
          <WriteButton command="workspaces.refresh" className="button button-small" disabled={!!bulkRunning || chosenConnected.length === 0} title={bulkRunning ? 'Another bulk action is running.' : noneConnected} onClick={() => void store.getState().refreshMany(chosenConnected.map((w) => w.id))} data-testid="ws-bulk-refresh">
            {bulkRunning === 'refresh' ? 'Refreshing…' : 'Refresh tokens'}
          </WriteButton>
          <WriteButton command="sync.all" className="button button-small" disabled={!!bulkRunning || chosenConnected.length === 0} title={bulkRunning ? 'Another bulk action is running.' : noneConnected} onClick={() => void store.getState().syncMany(chosenConnected.map((w) => w.id))} data-testid="ws-bulk-sync">
            {bulkRunning === 'sync' ? 'Syncing…' : 'Sync audit log and inventory'}
          </WriteButton>
          <WriteButton command="workspaces.disconnect" className="button button-small button-danger-outline" disabled={!!bulkRunning || chosenConnected.length === 0} title={bulkRunning ? 'Another bulk action is running.' : noneConnected} onClick={() => setConfirmBulk(true)} data-testid="ws-bulk-disconnect">
            Disconnect…
          </WriteButton>
          <button type="button" className="link-button" onClick={() => setSelected(new Set())} data-testid="ws-bulk-clear">
            Clear selection
          </button>
        </div>
      )}
      {bulkOutcome && (
        <div className={`banner ${bulkOutcome.failed.length ? 'banner-warning' : 'banner-info'}`} role="status" data-testid="ws-bulk-outcome">
          <p>
            {BULK_LABEL[bulkOutcome.action]} {bulkOutcome.done} workspace{bulkOutcome.done === 1 ? '' : 's'}
            {bulkOutcome.failed.length ? `; ${bulkOutcome.failed.length} failed: ${bulkOutcome.failed.map((f) => `${workspaces.find((w) => w.id === f.workspaceId)?.name ?? f.workspaceId} (${f.message})`).join('; ')}` : '.'}
          </p>
          <button type="button" className="link-button" onClick={() => store.getState().dismissBulkOutcome()}>
            Dismiss
          </button>
        </div>
      )}
      {loaded && workspaces.length === 0 && (
        <div className="panel" data-testid="ws-empty">
          <p>{platforms.length === 0 ? 'No platform yet. Add one by its issuer URL, or run npm run demo to explore with the sandbox.' : 'No workspace connected yet. Connect one with Connect workspace.'}</p>
        </div>
      )}
      {workspaces.length > 0 && rows.length === 0 && (
        <div className="panel ws-nomatch" data-testid="ws-nomatch">
          <p>
            {query.trim() ? `No workspace matches “${query.trim()}”` : problemsOnly ? 'No workspace has a problem' : groupMembers && status === 'all' ? 'No workspace is in this group' : 'No workspace has this status'}
            {filtering ? ' — ' : ''}
            {query.trim() ? (
              <button type="button" className="link-button" onClick={() => setQuery('')} data-testid="ws-clear-search">
                Clear search
              </button>
            ) : (
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  setStatus('all');
                  setProblemsOnly(false);
                  policyGroups.setValue('');
                }}
                data-testid="ws-clear-filters"
              >
                Show all
              </button>
            )}
          </p>
        </div>
      )}
      {rows.length > 0 && (
        <div className={`table-wrap ws-table-wrap${virtual ? ' ws-table-scroll' : ''}`} ref={scrollRef} data-virtual={virtual ? 'true' : 'false'} data-testid="ws-table-wrap">
          <table className="table ws-table" data-testid="ws-table" aria-rowcount={rows.length + 1}>
            <caption className="visually-hidden">{rows.length} workspaces</caption>
            <thead>
              <tr>
                <th scope="col" className="ws-select">
                  <input type="checkbox" aria-label={allShownChosen ? 'Clear the selection' : `Select all ${rows.length} shown`} checked={allShownChosen} onChange={() => setSelected(allShownChosen ? new Set() : new Set(rows.map((w) => w.id)))} data-testid="ws-select-all" />
                </th>
                {header('name', 'Workspace', 'ws-name')}
                {manyPlatforms && header('platform', 'Platform', 'ws-col-platform')}
                {header('status', 'Status')}
                {policyGroups.violations && <th scope="col" className="th-plain">Policy</th>}
                <th scope="col" className="th-plain ws-col-by">Connected by</th>
                <th scope="col" className="th-plain">Scopes</th>
                {header('expiry', 'Access token')}
                {header('lastRefresh', 'Refresh token', 'ws-col-refresh')}
                {header('audit', 'Audit log')}
                {header('inventory', 'Inventory')}
                {header('error', 'Last error', 'ws-col-error')}
                <th scope="col" className="ws-actions-head">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {padTop > 0 && (
                <tr aria-hidden="true" className="ws-spacer">
                  <td colSpan={13} style={{ height: padTop }} />
                </tr>
              )}
              {visibleRows.map((w, i) => {
                const h = health[w.id];
                const err = lastError(w, h);
                return (
                  <tr key={w.id} data-testid="ws-row" data-workspace={w.id} data-status={w.status} aria-selected={selected.has(w.id)} aria-rowindex={(virtual ? items[i]!.index : i) + 2} data-index={virtual ? items[i]!.index : undefined} ref={virtual ? virtualizer.measureElement : undefined}>
                    <td className="ws-select">
                      <input type="checkbox" aria-label={`Select ${w.name}`} checked={selected.has(w.id)} onChange={() => toggle(w.id)} data-testid="ws-select" />
                    </td>
                    <td className="ws-name">
                      <span className="cell-title" title={`${w.name} · ${w.id}`}>
                        {w.name}
                      </span>
                    </td>
                    {manyPlatforms && <td className="ws-col-platform nowrap">{w.platformName}</td>}
                    <td className="nowrap">
                      <Badges w={w} />
                    </td>
                    {policyGroups.violations && <PolicyCell count={policyGroups.violations.get(w.id) ?? 0} workspaceId={w.id} workspaceName={w.name} />}
                    <ConnectedBy w={w} />
                    <td className="ws-scopes">
                      <ScopesSummary scopes={w.scopes} />
                    </td>
                    <td data-testid="ws-expiry" className="nowrap">
                      {w.status === 'connected' ? countdown(w.accessExpiresAt, now) : '—'}
                    </td>
                    <td className="nowrap ws-col-refresh" data-testid="ws-refresh-age" title="When the platform issued the current refresh token (each refresh rotates it)">
                      {w.status === 'connected' ? ago(w.lastRefreshAt ?? w.connectedAt, now) : '—'}
                    </td>
                    <td className="nowrap" data-testid="ws-audit-age" title={h?.auditSyncedAt ? `Audit log last synced ${new Date(h.auditSyncedAt).toLocaleString()}` : 'The audit log of this workspace has never been synced'}>
                      {ago(h?.auditSyncedAt ?? null, now)}
                    </td>
                    <td className="nowrap" data-testid="ws-inventory-age" title={h?.inventorySyncedAt ? `Inventory last synced ${new Date(h.inventorySyncedAt).toLocaleString()}` : 'The credential inventory of this workspace has never been synced'}>
                      {ago(h?.inventorySyncedAt ?? null, now)}
                    </td>
                    <td className="ws-col-error">
                      {err ? (
                        <span className="ws-error" title={err} data-testid={w.status === 'needs_reconsent' ? 'ws-reason' : 'ws-error'}>
                          {err}
                        </span>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td className="row-actions">
                      {busy[w.id] ? (
                        <span className="muted">{busy[w.id]}…</span>
                      ) : w.status === 'connected' ? (
                        <>
                          <WriteButton command="workspaces.refresh" className="button button-small ws-icon" onClick={() => void store.getState().refresh(w.id)} aria-label={`Refresh ${w.name}`} title={`Refresh the access token of ${w.name} now`} data-testid="ws-refresh">
                            <RefreshIcon />
                          </WriteButton>
                          <WriteButton command="workspaces.disconnect" className="button button-small ws-icon" onClick={() => setConfirm(w)} aria-label={`Disconnect ${w.name}`} title={`Disconnect ${w.name}: revoke the grant and delete it from the keychain`} data-testid="ws-disconnect">
                            <DisconnectIcon />
                          </WriteButton>
                        </>
                      ) : (
                        <WriteButton command="workspaces.connect" className="button button-small" onClick={() => void store.getState().connect(w.id, w.platformId, w.role)} data-testid="ws-reconnect">
                          Reconnect
                        </WriteButton>
                      )}
                    </td>
                  </tr>
                );
              })}
              {padBottom > 0 && (
                <tr aria-hidden="true" className="ws-spacer">
                  <td colSpan={13} style={{ height: padBottom }} />
                </tr>
              )}
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
      <ConfirmDialog
        open={confirmBulk}
        onOpenChange={setConfirmBulk}
        testId="bulk-disconnect-dialog"
        title={`Disconnect ${chosenConnected.length} workspace${chosenConnected.length === 1 ? '' : 's'}`}
        description="For each workspace below, Grantdesk revokes the grant at the platform and deletes it from the keychain. A revocation the platform does not confirm stays pending and is retried."
        confirmText={String(chosenConnected.length)}
        confirmLabel={`Disconnect ${chosenConnected.length}`}
        onConfirm={async () => {
          await store.getState().disconnectMany(chosenConnected.map((w) => w.id));
          setSelected(new Set());
          return true;
        }}
      >
        <ul className="ws-bulk-list" data-testid="bulk-disconnect-list">
          {chosenConnected.map((w) => (
            <li key={w.id}>
              {w.name} <span className="mono muted">{w.id}</span>
            </li>
          ))}
        </ul>
      </ConfirmDialog>
    </section>
  );
}
