// Credentials: the flat list across workspaces from the cache, with search (name, id, prefix, client id, workspace or
// scope) and filters; virtualized; arrow keys move, Enter opens the detail drawer (revoke from there).
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { CREDENTIAL_TYPES, type CredentialType } from '../../../../src-common/contract/index.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { routeParams, useRouteQuery } from '../../app/router.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { ago, ageText, dateText, expiryText, lifecycleText, TYPE_LABEL } from '../matrix/format.ts';
import { countsText, selectCredentialCounts, selectCredentialList, selectListError, selectMatrix, selectDrawer, selectSyncing } from '../../stores/inventory-store.ts';
import { InventoryOverlays } from './InventoryOverlays.tsx';
import { ReviewNotGranted } from '../reviews/ReviewNotGranted.tsx';
import { GroupFilter, usePolicyGroups } from '../../components/GroupFilter.tsx';
import { PolicyMark } from '../../components/PolicyMarks.tsx';
import '../matrix/matrix.css';

/** [header, optional]: optional columns give way to the drawer (the table narrows; key columns always stay) */
const COLUMNS: Array<[string, boolean]> = [
  ['Workspace', false],
  ['Name', false],
  ['Status', false],
  ['Type', true],
  ['Key / client', true],
  ['Scopes', true],
  ['Expires', true],
  ['Last used', true],
];

export function CredentialsScreen() {
  const { inventory: store } = useStores();
  const syncing = useSelect(store, selectSyncing);
  const matrix = useSelect(store, selectMatrix);
  const drawer = useSelect(store, selectDrawer);
  const list = useSelect(store, selectCredentialList);
  const error = useSelect(store, selectListError);
  const counts = useSelect(store, selectCredentialCounts);
  const [search, setSearch] = useState('');
  const [type, setType] = useState<CredentialType | ''>('');
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const [active, setActive] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);

  useEffect(() => store.getState().connectCredentials(), [store]);
  useEffect(() => {
    void store.getState().ensureFresh();
  }, [store]);
  // deep links (#/credentials?workspace=ws&credential=id, or &key=id, e.g. from Insights) open that credential's detail
  const query = useRouteQuery();
  useEffect(() => {
    const q = routeParams(`?${query}`);
    const credentialId = q.credential ?? q.key;
    if (q.workspace && credentialId) store.getState().openDrawer({ workspaceId: q.workspace, credentialId });
  }, [store, query]);
  useEffect(() => {
    const t = setTimeout(() => void store.getState().loadCredentials({ search, type, includeRevoked }), 150);
    return () => clearTimeout(t);
  }, [store, search, type, includeRevoked]);

  // the workspace group every screen shares
  const groups = usePolicyGroups();
  const members = groups.members;
  const rows = useMemo(() => (list?.credentials ?? []).filter((c) => !members || members.has(c.workspaceId)), [list, members]);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => 34, overscan: 10 });
  const open = (i: number) => {
    const c = rows[i];
    if (c) store.getState().openDrawer({ workspaceId: c.workspaceId, credentialId: c.id });
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const move = (i: number) => {
      const n = Math.max(0, Math.min(rows.length - 1, i));
      setActive(n);
      virtualizer.scrollToIndex(n);
    };
    if (e.key === 'ArrowDown') move(active + 1);
    else if (e.key === 'ArrowUp') move(active - 1);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(rows.length - 1);
    else if (e.key === 'PageDown') move(active + 10);
    else if (e.key === 'PageUp') move(active - 10);
    else if (e.key === 'Enter') open(active);
    else return;
    e.preventDefault();
  };
  const stale = list?.workspaces.filter((w) => w.sync.state !== 'ok').length ?? 0;
  const oldest = list ? Math.max(0, ...list.workspaces.map((w) => w.sync.ageSeconds ?? 0)) : 0;

  return (
    <section className="screen screen-credentials" aria-labelledby="screen-title" data-testid="credentials-screen">
      <header className="screen-header inv-header">
        <div className="inv-header-text">
          <h1 id="screen-title" tabIndex={-1}>
            Credentials
          </h1>
          <p className="screen-subtitle" data-testid="credentials-status">
            {list ? `Showing ${rows.length} credential${rows.length === 1 ? '' : 's'}${groups.selected ? ` of ${groups.selected.name}` : ''}${includeRevoked ? '' : ' (revoked hidden)'} · cache ${ageText(oldest)}${stale ? ` · ${stale} workspaces not synced` : ''}` : 'Reading the cache…'}
          </p>
          <p className="screen-subtitle inv-counts" data-testid="inventory-counts" title="Every credential the cache holds, whatever its status; search and filters do not change this count">
            {counts ? countsText(counts) : '\u00a0'}
          </p>
        </div>
        {/* a fixed slot: the busy state never moves anything around it */}
        <p className="inv-busy" role="status" aria-live="polite" data-testid="credentials-syncing">
          {syncing ? 'Syncing the inventory…' : ''}
        </p>
      </header>
      {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissListError()} testId="credentials-error" />}
      <ReviewNotGranted what="credentials" />
      <div className="matrix-filters" role="search">
        <label className="filter-field">
          <span className="field-label">Search</span>
          <input className="input" type="search" value={search} placeholder="name, key prefix, client id, workspace or scope" onChange={(e) => setSearch(e.target.value)} data-testid="credentials-search" />
        </label>
        <label className="filter-field">
          <span className="field-label">Type</span>
          <select className="input" value={type} onChange={(e) => setType(e.target.value as CredentialType | '')} data-testid="credentials-type">
            <option value="">All types</option>
            {CREDENTIAL_TYPES.map((t) => (
              <option key={t} value={t}>
                {TYPE_LABEL[t]}
              </option>
            ))}
          </select>
        </label>
        <GroupFilter groups={groups} testId="credentials-group-filter" label="Group" labelClass="filter-field" />
        <label className="check">
          <input type="checkbox" checked={includeRevoked} onChange={(e) => setIncludeRevoked(e.target.checked)} />
          Include revoked
        </label>
      </div>
      <div className="matrix-layout">
        <div className={`cred-list${drawer ? ' cred-list-narrow' : ''}${groups.marks ? ' cred-list-policy' : ''}`} ref={scrollRef} role="grid" aria-label="Credentials" aria-rowcount={rows.length + 1} tabIndex={0} onKeyDown={onKeyDown} aria-activedescendant={rows.length ? `cred-${active}` : undefined} data-testid="credentials-list">
          <div className="cred-head" role="row">
            {(groups.marks ? [...COLUMNS.slice(0, 3), ['Policy', false] as [string, boolean], ...COLUMNS.slice(3)] : COLUMNS).map(([h, optional]) => (
              <span role="columnheader" key={h} className={optional ? 'cred-col-opt' : undefined}>
                {h}
              </span>
            ))}
          </div>
          <div className="cred-body" style={{ height: virtualizer.getTotalSize() }} role="rowgroup">
            {virtualizer.getVirtualItems().map((v) => {
              const c = rows[v.index]!;
              const isOpen = drawer?.credentialId === c.id && drawer.workspaceId === c.workspaceId;
              return (
                <div
                  key={`${c.workspaceId}-${c.id}`}
                  id={`cred-${v.index}`}
                  className="cred-row"
                  role="row"
                  aria-selected={v.index === active || isOpen}
                  style={{ transform: `translateY(${v.start}px)` }}
                  tabIndex={-1}
                  onClick={() => {
                    setActive(v.index);
                    open(v.index);
                  }}
                  data-testid="credential-row"
                  data-credential-id={c.id}
                  data-workspace-id={c.workspaceId}
                >
                  <span role="gridcell" title={c.workspaceName}>
                    {c.workspaceName}
                  </span>
                  <span role="gridcell" title={c.name}>
                    {c.name} {c.isGrantdesk && <span className="tag">Grantdesk</span>}
                  </span>
                  <span role="gridcell">
                    <span className={`status-badge status-${c.lifecycle.state}`} title={c.lifecycle.at ? dateText(c.lifecycle.at) : undefined} data-testid="credential-status">
                      {lifecycleText(c.lifecycle)}
                    </span>
                  </span>
                  {groups.marks && (
                    <span role="gridcell">
                      <PolicyMark violations={groups.marks.byCredential.get(`${c.workspaceId}|${c.id}`) ?? []} testId="credential-policy-mark" />
                    </span>
                  )}
                  <span role="gridcell" className="cred-col-opt">
                    {TYPE_LABEL[c.type]}
                  </span>
                  <span role="gridcell" className="mono cred-col-opt">
                    {c.label ?? '—'}
                  </span>
                  <span role="gridcell" className="mono cred-col-opt" title={c.scopes.join(' ')}>
                    {c.scopes.join(' ')}
                  </span>
                  <span role="gridcell" className="cred-col-opt" title={c.expiresAt ? dateText(c.expiresAt) : undefined}>
                    {expiryText(c.expiresAt)}
                  </span>
                  <span role="gridcell" className="cred-col-opt" title={c.lastUsedAt ? dateText(c.lastUsedAt) : undefined}>
                    {ago(c.lastUsedAt)}
                  </span>
                </div>
              );
            })}
          </div>
        </div>
        <InventoryOverlays store={store} matrix={matrix} />
      </div>
    </section>
  );
}
