// Audit explorer: who called what, when, on one screen. The exact count for the filters, who called (by credential and
// by caller IP, click to narrow), a timeline with axes that zooms by brushing, and the events (names first, local times).
// Filters live in the route with the CLI's flag names (audit-route.ts); every filter applies the same way: at once (text
// after a short pause or Enter), and a value main refuses is shown with its sentence and not applied.
// Event fields are hostile data: rendered as React text only (never HTML, never links).
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { AUDIT_SURFACES, STATUS_CLASSES, type AuditFilter, type AuditSurface } from '../../../../src-common/contract/index.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { SearchCoverage } from './SearchCoverage.tsx';
import { hrefFor, routeFromHash, useRoute, useRouteQuery } from '../../app/router.ts';
import { selectHealth } from '../../stores/health-store.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { selectLoaded, selectWorkspaces } from '../../stores/workspaces-store.ts';
import {
  selectAuditDetail,
  selectAuditError,
  selectAuditFieldError,
  selectAuditFilters,
  selectAuditLoaded,
  selectAuditLoading,
  selectAuditNeverSynced,
  selectAuditNextCursor,
  selectAuditRows,
  selectAuditShownFilters,
  selectAuditSummary,
  selectAuditSyncError,
  selectAuditSyncing,
  selectAuditTimeline,
  type FilterKey,
} from '../../stores/audit-store.ts';
import { auditHref, filtersFromQuery, sameFilters } from './audit-route.ts';
import { exactTime, filterPhrases, rowTimeText, surfaceLabel, typeLabel, CREDENTIAL_TYPE_LABEL, SURFACE_LABEL } from './filter-words.ts';
import { EventDrawer } from './EventDrawer.tsx';
import { Summary } from './Summary.tsx';
import { TextFilter } from './TextFilter.tsx';
import { Timeline } from './Timeline.tsx';
import { WorkspacePicker } from './WorkspacePicker.tsx';
import { usePolicyGroups } from '../../components/GroupFilter.tsx';
import './audit.css';

const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];


export function AuditExplorerScreen() {
  const { audit: store, health: healthStore, workspaces: wsStore } = useStores();
  // workspace groups (policy file, local tags): the picker selects a group's workspaces at once
  const policyGroups = usePolicyGroups();
  const rows = useSelect(store, selectAuditRows);
  const nextCursor = useSelect(store, selectAuditNextCursor);
  const loading = useSelect(store, selectAuditLoading);
  const loaded = useSelect(store, selectAuditLoaded);
  const error = useSelect(store, selectAuditError);
  const fieldError = useSelect(store, selectAuditFieldError);
  const timeline = useSelect(store, selectAuditTimeline);
  const summary = useSelect(store, selectAuditSummary);
  const neverSynced = useSelect(store, selectAuditNeverSynced);
  const filters = useSelect(store, selectAuditFilters);
  /** the controls show a change at once, while main applies it */
  const shown = useSelect(store, selectAuditShownFilters);
  const detail = useSelect(store, selectAuditDetail);
  const syncError = useSelect(store, selectAuditSyncError);
  const syncing = useSelect(store, selectAuditSyncing);
  const health = useSelect(healthStore, selectHealth);
  const workspaces = useSelect(wsStore, selectWorkspaces);
  const workspacesLoaded = useSelect(wsStore, selectLoaded);
  const query = useRouteQuery();
  const route = useRoute();
  const [active, setActive] = useState(-1);
  const [more, setMore] = useState(false);
  const scrollRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (wsStore.getState().workspaces.length === 0) void wsStore.getState().load();
    return store.getState().connect();
  }, [store, wsStore]);

  // the route is the source of the filters: a link, a reload or another screen's "Investigate" lands here
  useEffect(() => {
    if (route !== 'audit') return; // leaving the screen: the next route's query is not ours
    const s = store.getState();
    if (query === '' && s.loaded) {
      // the bare nav link: keep the view the explorer already shows, and put it into the route
      if (auditHref(s.filters) !== '#/audit') window.history.replaceState(null, '', auditHref(s.filters));
      return;
    }
    const wanted = filtersFromQuery(query);
    if (!s.loaded || !sameFilters(wanted, s.filters)) void s.apply(wanted);
  }, [query, route, store]);
  // the filters in force go back into the route (a refused value never does)
  useEffect(() => {
    if (!loaded || routeFromHash(window.location.hash) !== 'audit') return;
    const href = auditHref(filters);
    const cur = window.location.hash;
    if (!sameFilters(filtersFromQuery(cur.includes('?') ? cur.slice(cur.indexOf('?') + 1) : ''), filters)) window.history.replaceState(null, '', href);
  }, [filters, loaded]);

  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => 32, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1]!.index : -1;
  useEffect(() => {
    if (nextCursor && !loading && lastIndex >= rows.length - 40) void store.getState().loadMore();
  }, [lastIndex, rows.length, nextCursor, loading, store]);

  const wsNames = useMemo(() => new Map(workspaces.map((w) => [w.id, w.name])), [workspaces]);
  const credNames = useMemo(() => {
    const m = new Map<string, string>();
    for (const c of summary?.byCredential ?? []) if (c.credentialId && c.credentialName) m.set(c.credentialId, c.credentialName);
    for (const r of rows) if (r.credentialId && r.credentialName) m.set(r.credentialId, r.credentialName);
    return m;
  }, [summary, rows]);
  const names = { workspace: (id: string) => wsNames.get(id) ?? null, credential: (id: string) => credNames.get(id) ?? null };
  const phrases = filterPhrases(filters, names, { ownDefault: true });

  const setFilter = <K extends FilterKey>(k: K, v: AuditFilter[K] | undefined) => void store.getState().setFilter(k, v);
  const applyText = (field: FilterKey, v: string) => void store.getState().setFilter(field, v as never);
  const removeChip = (key: FilterKey) => {
    const next: AuditFilter = { ...filters };
    delete next[key];
    if (key === 'from') delete next.to;
    void store.getState().apply(next, key);
  };
  const errFor = (k: FilterKey) => (fieldError && fieldError.field === k ? fieldError.message : null);
  const offline = health ? !health.online : false;
  const zoomed = !!(filters.from || filters.to);
  const count = summary?.count ?? 0;
  const dateValue = (v?: string) => (v ? v.slice(0, 10) : '');
  const moreActive = [shown.surface, shown.credentialType, shown.method, shown.statusClass?.length ? 1 : undefined, shown.pii, shown.from, shown.to].filter((v) => v !== undefined).length;

  return (
    <section className="screen screen-audit" aria-labelledby="screen-title" data-testid="audit-screen">
      <header className="screen-header audit-header">
        <div>
          <h1 id="screen-title" tabIndex={-1}>
            Audit explorer
          </h1>
          <p className="screen-subtitle muted">Who called what, and when, in every workspace's audit log: a local copy verified against each log's hash chain. Works offline.</p>
        </div>
        <div className="panel-actions">
          {offline && (
            <span className="badge" data-testid="audit-offline-badge" title="Showing the local cache; sync resumes when the platform is reachable">
              Offline · cached data
            </span>
          )}
          {!neverSynced && (
            <>
              <a className="button" href={hrefFor('exports')} data-testid="audit-export-link" title="Export exactly these events, with a manifest an auditor can verify">
                Export these events
              </a>
              <button type="button" className="button" onClick={() => void store.getState().sync()} disabled={syncing} title={syncing ? 'A sync is running' : 'Fetch new audit events and credential names from every connected workspace'} data-testid="audit-sync">
                {syncing ? 'Syncing…' : 'Sync now'}
              </button>
            </>
          )}
        </div>
      </header>
      {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissError()} testId="audit-error" />}
      {syncError && <ErrorBanner error={syncError} onDismiss={() => store.getState().dismissSyncError()} testId="audit-sync-error" />}

      {neverSynced ? (
        <div className="panel audit-empty" data-testid="audit-not-synced">
          <h2>The audit log is not synced yet</h2>
          <p className="muted">Grantdesk answers audit questions from a local copy of each workspace's audit log. Sync once to fetch it (and the credential names); after that the explorer works offline.</p>
          {workspacesLoaded && workspaces.length === 0 ? (
            <p data-testid="audit-connect-first">
              No workspace is connected yet: <a href={hrefFor('workspaces')}>connect one on the Workspaces screen</a>, then sync here.
            </p>
          ) : (
            <button type="button" className="button button-primary" onClick={() => void store.getState().sync()} disabled={syncing} title={syncing ? 'A sync is running' : undefined} data-testid="audit-sync-first">
              {syncing ? 'Syncing…' : 'Sync now'}
            </button>
          )}
        </div>
      ) : (
        <>
          <div className="panel audit-filterbar" role="search" aria-label="Audit filters" data-testid="audit-filters">
            <div className="audit-filter-row">
              <TextFilter field="q" label="Search" value={filters.q ?? ''} placeholder="Words in params, endpoints, IPs (word* = prefix)" error={errFor('q')} onApply={applyText} testId="audit-search" wide />
              <div className="audit-field">
                <span className="audit-field-label">Workspaces</span>
                <WorkspacePicker workspaces={workspaces.map((w) => ({ id: w.id, name: w.name }))} selected={shown.workspaces ?? []} onChange={(ids) => setFilter('workspaces', ids)} groups={policyGroups.options} />
                {errFor('workspaces') && <p className="field-error" role="alert">{errFor('workspaces')}</p>}
              </div>
              <TextFilter field="endpoint" label="Endpoint" value={filters.endpoint ?? ''} placeholder="/v1/contacts/export or /v1/contacts*" error={errFor('endpoint')} onApply={applyText} testId="audit-filter-endpoint" />
              <TextFilter field="ip" label="Caller IP or CIDR" value={filters.ip ?? ''} placeholder="10.0.0.0/8" error={errFor('ip')} onApply={applyText} testId="audit-filter-ip" />
              <TextFilter field="credential" label="Credential id" value={filters.credential ?? ''} placeholder="key_… app_… mc_…" error={errFor('credential')} onApply={applyText} testId="audit-filter-credential" />
              <button type="button" className="button audit-more-toggle" aria-expanded={more} aria-controls="audit-more-filters" onClick={() => setMore(!more)} data-testid="audit-more-filters">
                {`${more ? 'Fewer filters' : 'More filters'}${moreActive ? ` (${moreActive} on)` : ''}`}
              </button>
            </div>
            <div id="audit-more-filters" className={`audit-filter-row audit-filter-more${more ? ' is-open' : ''}`}>
              <div className="audit-field audit-field-select">
                <label className="audit-field-label" htmlFor="audit-f-surface">
                  Came through
                </label>
                <select id="audit-f-surface" value={shown.surface ?? ''} onChange={(e) => setFilter('surface', (e.target.value || undefined) as AuditSurface | undefined)} aria-invalid={errFor('surface') ? true : undefined} data-testid="audit-filter-surface">
                  <option value="">Every surface</option>
                  {AUDIT_SURFACES.map((s) => (
                    <option key={s} value={s}>
                      {SURFACE_LABEL[s]}
                    </option>
                  ))}
                </select>
                {errFor('surface') && <p className="field-error" role="alert">{errFor('surface')}</p>}
              </div>
              <div className="audit-field audit-field-select">
                <label className="audit-field-label" htmlFor="audit-f-type">
                  Credential type
                </label>
                <select id="audit-f-type" value={shown.credentialType ?? ''} onChange={(e) => setFilter('credentialType', e.target.value || undefined)} data-testid="audit-filter-credential-type">
                  <option value="">Any type</option>
                  {Object.entries(CREDENTIAL_TYPE_LABEL).map(([t, l]) => (
                    <option key={t} value={t}>
                      {l}
                    </option>
                  ))}
                </select>
              </div>
              <div className="audit-field audit-field-select">
                <label className="audit-field-label" htmlFor="audit-f-method">
                  Method
                </label>
                <select id="audit-f-method" value={shown.method ?? ''} onChange={(e) => setFilter('method', e.target.value || undefined)} data-testid="audit-filter-method">
                  <option value="">Any method</option>
                  {METHODS.map((m) => (
                    <option key={m}>{m}</option>
                  ))}
                </select>
              </div>
              <div className="audit-field audit-field-auto">
                <span className="audit-field-label">Status</span>
                <div className="segmented audit-status" role="group" aria-label="Status classes">
                  {STATUS_CLASSES.filter((c) => c !== '1xx').map((c) => {
                    const on = shown.statusClass?.includes(c) ?? false;
                    return (
                      <button key={c} type="button" className="segmented-item" aria-pressed={on} onClick={() => setFilter('statusClass', on ? shown.statusClass!.filter((x) => x !== c) : [...(shown.statusClass ?? []), c])} data-testid={`audit-filter-status-${c}`}>
                        {c}
                      </button>
                    );
                  })}
                </div>
              </div>
              <div className="audit-field audit-field-select">
                <label className="audit-field-label" htmlFor="audit-f-pii">
                  Personal data
                </label>
                <select id="audit-f-pii" value={shown.pii === undefined ? '' : shown.pii ? 'yes' : 'no'} onChange={(e) => setFilter('pii', e.target.value === '' ? undefined : e.target.value === 'yes')} data-testid="audit-filter-pii">
                  <option value="">Either</option>
                  <option value="yes">Accessed</option>
                  <option value="no">Not accessed</option>
                </select>
              </div>
              <div className="audit-field audit-field-date">
                <label className="audit-field-label" htmlFor="audit-f-from">
                  From
                </label>
                <input id="audit-f-from" className="input" type="date" value={dateValue(shown.from)} onChange={(e) => setFilter('from', e.target.value || undefined)} aria-invalid={errFor('from') ? true : undefined} data-testid="audit-filter-from" title="The first UTC day included" />
              </div>
              <div className="audit-field audit-field-date">
                <label className="audit-field-label" htmlFor="audit-f-to">
                  Until (not included)
                </label>
                <input id="audit-f-to" className="input" type="date" value={dateValue(shown.to)} onChange={(e) => setFilter('to', e.target.value || undefined)} aria-invalid={errFor('to') ? true : undefined} data-testid="audit-filter-to" title="The first UTC day not included" />
              </div>
            </div>
            {(errFor('from') || errFor('to') || errFor('credentialType') || errFor('method') || errFor('statusClass') || errFor('pii') || errFor('ownTraffic')) && (
              <p className="field-error" role="alert" data-testid="audit-filter-error">
                {fieldError!.message}
              </p>
            )}
          </div>

          <div className="audit-answer" aria-live="polite">
            <p className="audit-count" data-testid="audit-count" data-count={summary ? count : undefined}>
              {!loaded ? 'Counting…' : `${count.toLocaleString()} ${count === 1 ? 'event' : 'events'}`}
            </p>
            <SearchCoverage summary={summary} searching={!!filters.q} />
            {loading && loaded && (
              <span className="muted audit-updating" data-testid="audit-updating">
                Updating…
              </span>
            )}
            <div className="audit-chips" data-testid="audit-chips">
              {phrases.length === 0 && <span className="muted">Every cached event{filters.ownTraffic === 'exclude' ? " except Grantdesk's own sync calls" : ''}</span>}
              {phrases.map((p) => (
                <span key={p.key} className="audit-chip" title={p.title} data-testid="audit-chip">
                  {p.text}
                  <button type="button" className="audit-chip-x" aria-label={`Remove the filter ${p.text}`} onClick={() => removeChip(p.key)} data-testid={`audit-chip-remove-${p.key}`}>
                    ×
                  </button>
                </span>
              ))}
              {phrases.length > 0 && (
                <button type="button" className="link-button" onClick={() => void store.getState().apply({ ownTraffic: filters.ownTraffic ?? 'exclude' })} data-testid="audit-clear">
                  Clear all
                </button>
              )}
            </div>
            <label className="audit-own-toggle" title="Calls Grantdesk itself made with its grant into each workspace (syncing the audit log and credentials)">
              <input type="checkbox" checked={shown.ownTraffic === 'include'} onChange={(e) => setFilter('ownTraffic', e.target.checked ? 'include' : 'exclude')} data-testid="audit-show-own" />
              {`Show Grantdesk's own sync calls${summary && shown.ownTraffic !== 'include' && summary.ownCalls > 0 ? ` (${summary.ownCalls.toLocaleString()} hidden)` : ''}`}
            </label>
          </div>

          {summary && count > 0 && (
            <Summary
              summary={summary}
              activeCredential={filters.credential}
              activeIp={filters.ip}
              onCredential={(id, ws) => void store.getState().apply({ ...filters, credential: id ?? undefined, workspaces: filters.workspaces?.length ? filters.workspaces : [ws] }, 'credential')}
              onIp={(ip) => setFilter('ip', ip ?? undefined)}
            />
          )}

          <Timeline data={timeline} zoomed={zoomed} onBrush={(r) => void store.getState().apply({ ...filters, from: r.from, to: r.to }, 'from')} onZoomOut={() => removeChip('from')} />

          {loaded && count === 0 ? (
            <div className="panel audit-empty" data-testid="audit-no-match">
              <p>No cached event matches these filters.</p>
              <button type="button" className="button" onClick={() => void store.getState().apply({ ownTraffic: 'exclude' })}>
                Clear the filters
              </button>
            </div>
          ) : (
            <div className="audit-table" role="table" aria-label="Audit events" aria-rowcount={count}>
              <div className="audit-head" role="row">
                {['Time', 'Workspace', 'Credential', 'Came through', 'Method', 'Endpoint', 'Status', 'Caller IP', 'PII'].map((h) => (
                  <span key={h} role="columnheader">
                    {h}
                  </span>
                ))}
              </div>
              <div className="audit-scroll" ref={scrollRef} data-testid="audit-scroll">
                <div className="audit-body" style={{ height: virtualizer.getTotalSize() }} role="rowgroup">
                  {items.map((v) => {
                    const r = rows[v.index]!;
                    return (
                      <div
                        key={`${r.workspaceId}#${r.seq}`}
                        className="audit-row"
                        role="row"
                        tabIndex={0}
                        aria-selected={active === v.index}
                        data-testid="audit-row"
                        data-occurred-at={r.occurredAt}
                        style={{ transform: `translateY(${v.start}px)` }}
                        onClick={() => {
                          setActive(v.index);
                          void store.getState().openEvent(r.workspaceId, r.seq);
                        }}
                        onKeyDown={(e) => {
                          if (e.key === 'Enter') void store.getState().openEvent(r.workspaceId, r.seq);
                        }}
                      >
                        <span role="cell" title={exactTime(r.occurredAt)} data-testid="audit-cell-time">
                          {rowTimeText(r.occurredAt)}
                        </span>
                        <span role="cell" title={`${r.workspaceName ?? ''} ${r.workspaceId}`.trim()}>
                          {r.workspaceName ?? <span className="mono">{r.workspaceId}</span>}
                        </span>
                        <span role="cell" title={r.credentialId ? `${typeLabel(r.credentialType)} · ${r.credentialId}` : r.surface === 'webhook' ? 'No credential: the sender signs a webhook delivery with the endpoint\'s signing secret' : 'No credential'} data-testid="audit-cell-credential">
                          {r.credentialName ?? (r.credentialId ? <span className="mono">{r.credentialId}</span> : <span className="muted">{r.surface === 'webhook' ? 'None' : '—'}</span>)}
                          {r.own && <span className="audit-own-badge">Grantdesk</span>}
                        </span>
                        <span role="cell" data-testid="audit-cell-surface" data-surface={r.surface}>
                          {surfaceLabel(r.surface)}
                        </span>
                        <span role="cell">{r.method ?? '—'}</span>
                        <span role="cell" className="mono" title={r.mcpTool ? `The MCP tool ${r.mcpTool}, called at ${r.endpoint ?? 'the MCP endpoint'}` : (r.endpoint ?? undefined)} data-testid="audit-cell-endpoint">
                          {r.mcpTool ? `${r.mcpTool} · ${r.endpoint ?? ''}` : (r.endpoint ?? '—')}
                        </span>
                        <span role="cell" className={r.status !== null && r.status >= 400 ? 'audit-status-bad' : undefined}>
                          {r.status ?? '—'}
                        </span>
                        <span role="cell" className="mono" title={r.callerIp ?? undefined}>
                          {r.callerIp ?? '—'}
                        </span>
                        <span role="cell">{r.piiAccessed ? 'Yes' : ''}</span>
                      </div>
                    );
                  })}
                </div>
              </div>
              <p className="audit-table-foot muted" data-testid="audit-loaded">
                {`${rows.length.toLocaleString()} of ${count.toLocaleString()} events loaded${nextCursor ? ' · scroll for more' : ''}`}
              </p>
            </div>
          )}
        </>
      )}
      {detail && <EventDrawer detail={detail} onClose={() => store.getState().closeEvent()} />}
    </section>
  );
}

