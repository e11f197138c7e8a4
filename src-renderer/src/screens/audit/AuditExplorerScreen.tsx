// Audit explorer: the offline cache of every workspace's audit log. Virtualized table with keyset paging, filters,
// full-text search, a timeline that filters by brushing, and an event drawer with its chain status.
// Event fields are hostile data: rendered as React text only (never HTML, never links).
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { STATUS_CLASSES, type AuditFilter } from '../../../../src-common/contract/index.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { selectHealth } from '../../stores/health-store.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { selectAuditDetail, selectAuditError, selectAuditFilters, selectAuditLoading, selectAuditNextCursor, selectAuditRows, selectAuditSyncError, selectAuditSyncing, selectAuditTimeline } from '../../stores/audit-store.ts';
import { Timeline } from './Timeline.tsx';
import './audit.css';

const CRED_TYPES = ['api_key', 'oauth_app', 'machine_client', 'service_token', 'user_grant'];
const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];

type Draft = { workspaces: string; credential: string; credentialType: string; ip: string; endpoint: string; method: string; statusClass: string[]; pii: '' | 'yes' | 'no'; from: string; to: string; q: string };
const emptyDraft: Draft = { workspaces: '', credential: '', credentialType: '', ip: '', endpoint: '', method: '', statusClass: [], pii: '', from: '', to: '', q: '' };

const toLocalInput = (iso?: string) => (iso ? iso.slice(0, 16) : '');
const fromLocalInput = (v: string) => (v ? new Date(`${v}:00Z`).toISOString() : undefined);

function draftToFilter(d: Draft): AuditFilter {
  return {
    workspaces: d.workspaces.split(',').map((s) => s.trim()).filter(Boolean),
    credential: d.credential || undefined,
    credentialType: d.credentialType || undefined,
    ip: d.ip || undefined,
    endpoint: d.endpoint || undefined,
    method: d.method || undefined,
    statusClass: d.statusClass.length ? (d.statusClass as AuditFilter['statusClass']) : undefined,
    pii: d.pii === '' ? undefined : d.pii === 'yes',
    from: fromLocalInput(d.from),
    to: fromLocalInput(d.to),
    q: d.q || undefined,
  };
}

export function AuditExplorerScreen() {
  const { audit: store, health: healthStore } = useStores();
  const rows = useSelect(store, selectAuditRows);
  const nextCursor = useSelect(store, selectAuditNextCursor);
  const loading = useSelect(store, selectAuditLoading);
  const error = useSelect(store, selectAuditError);
  const timeline = useSelect(store, selectAuditTimeline);
  const filters = useSelect(store, selectAuditFilters);
  const detail = useSelect(store, selectAuditDetail);
  const syncError = useSelect(store, selectAuditSyncError);
  const syncing = useSelect(store, selectAuditSyncing);
  const health = useSelect(healthStore, selectHealth);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [active, setActive] = useState(-1);
  const scrollRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    void store.getState().reload();
    return store.getState().connect();
  }, [store]);

  // the full-text box searches as you type (debounced); the other filters apply on submit
  useEffect(() => {
    const t = setTimeout(() => {
      if ((store.getState().filters.q ?? '') !== draft.q.trim()) store.getState().setFilters({ ...store.getState().filters, q: draft.q });
    }, 250);
    return () => clearTimeout(t);
  }, [draft.q, store]);

  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => 30, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1]!.index : -1;
  useEffect(() => {
    if (nextCursor && !loading && lastIndex >= rows.length - 40) void store.getState().loadMore();
  }, [lastIndex, rows.length, nextCursor, loading, store]);

  const apply = (e?: FormEvent) => {
    e?.preventDefault();
    store.getState().setFilters(draftToFilter(draft));
  };
  const brush = (r: { from: string; to: string } | null) => {
    const next = { ...draft, from: toLocalInput(r?.from), to: toLocalInput(r?.to) };
    setDraft(next);
    store.getState().setFilters({ ...store.getState().filters, from: r?.from, to: r?.to });
  };
  const sync = () => store.getState().sync();
  const offline = health ? !health.online : false;
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));

  return (
    <section className="screen" aria-labelledby="screen-title" data-testid="audit-screen">
      <header className="screen-header">
        <h1 id="screen-title" tabIndex={-1}>
          Audit explorer
        </h1>
        <p className="screen-subtitle muted">Every workspace's audit log, cached locally and verified against its hash chain. Works offline.</p>
        <div className="panel-actions">
          {offline && (
            <span className="badge" data-testid="audit-offline-badge" title="Showing the local cache; sync resumes when the platform is reachable">
              Offline · cached data
            </span>
          )}
          <button type="button" className="button" onClick={() => void sync()} disabled={syncing} data-testid="audit-sync">
            {syncing ? 'Syncing…' : 'Sync now'}
          </button>
        </div>
      </header>
      {error && <ErrorBanner error={error} testId="audit-error" />}
      {syncError && <ErrorBanner error={syncError} onDismiss={() => store.getState().dismissSyncError()} testId="audit-sync-error" />}
      <form className="panel" onSubmit={apply} aria-label="Audit filters" data-testid="audit-filters">
        <div className="audit-search">
          <label className="visually-hidden" htmlFor="audit-q">
            Full-text search
          </label>
          <input id="audit-q" type="search" placeholder="Search whole words in params, endpoints, credentials, IPs (end a word with * for a prefix)…" value={draft.q} onChange={(e) => set('q', e.target.value)} data-testid="audit-search" />
        </div>
        <div className="audit-filters">
          <label className="field">
            <span className="field-label">Workspaces (ids, comma-separated)</span>
            <input value={draft.workspaces} onChange={(e) => set('workspaces', e.target.value)} data-testid="audit-filter-workspaces" />
          </label>
          <label className="field">
            <span className="field-label">Credential id</span>
            <input value={draft.credential} onChange={(e) => set('credential', e.target.value)} data-testid="audit-filter-credential" />
          </label>
          <label className="field">
            <span className="field-label">Credential type</span>
            <select value={draft.credentialType} onChange={(e) => set('credentialType', e.target.value)} data-testid="audit-filter-credential-type">
              <option value="">Any</option>
              {CRED_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">Caller IP or CIDR</span>
            <input value={draft.ip} onChange={(e) => set('ip', e.target.value)} placeholder="10.0.0.0/8" data-testid="audit-filter-ip" />
          </label>
          <label className="field">
            <span className="field-label">Endpoint (prefix with *)</span>
            <input value={draft.endpoint} onChange={(e) => set('endpoint', e.target.value)} placeholder="/v1/contacts/export" data-testid="audit-filter-endpoint" />
          </label>
          <label className="field">
            <span className="field-label">Method</span>
            <select value={draft.method} onChange={(e) => set('method', e.target.value)} data-testid="audit-filter-method">
              <option value="">Any</option>
              {METHODS.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </label>
          <fieldset className="field">
            <legend className="field-label">Status</legend>
            <div className="audit-status-classes">
              {STATUS_CLASSES.filter((c) => c !== '1xx').map((c) => (
                <label key={c}>
                  <input type="checkbox" checked={draft.statusClass.includes(c)} onChange={(e) => set('statusClass', e.target.checked ? [...draft.statusClass, c] : draft.statusClass.filter((x) => x !== c))} data-testid={`audit-filter-status-${c}`} /> {c}
                </label>
              ))}
            </div>
          </fieldset>
          <label className="field">
            <span className="field-label">PII accessed</span>
            <select value={draft.pii} onChange={(e) => set('pii', e.target.value as Draft['pii'])} data-testid="audit-filter-pii">
              <option value="">Either</option>
              <option value="yes">Yes</option>
              <option value="no">No</option>
            </select>
          </label>
          <label className="field">
            <span className="field-label">From (UTC)</span>
            <input type="datetime-local" value={draft.from} onChange={(e) => set('from', e.target.value)} data-testid="audit-filter-from" />
          </label>
          <label className="field">
            <span className="field-label">To (UTC)</span>
            <input type="datetime-local" value={draft.to} onChange={(e) => set('to', e.target.value)} data-testid="audit-filter-to" />
          </label>
          <div className="panel-actions">
            <button type="submit" className="button button-primary" data-testid="audit-apply">
              Apply filters
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                setDraft(emptyDraft);
                store.getState().setFilters({});
              }}
              data-testid="audit-clear"
            >
              Clear
            </button>
          </div>
        </div>
      </form>
      <Timeline data={timeline} selected={{ from: filters.from, to: filters.to }} onBrush={brush} />
      <p className="muted" data-testid="audit-count" aria-live="polite">
        {loading && rows.length === 0 ? 'Loading…' : `${rows.length.toLocaleString()}${nextCursor ? '+' : ''} events`}
        {filters.from || filters.to ? ` · ${filters.from ?? '…'} → ${filters.to ?? '…'}` : ''}
      </p>
      <div className="audit-table" role="table" aria-label="Audit events" aria-rowcount={nextCursor ? -1 : rows.length}>
        <div className="audit-head" role="row">
          {['Time (UTC)', 'Workspace', 'Seq', 'Method', 'Endpoint', 'Status', 'Caller IP', 'PII', 'Credential'].map((h) => (
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
                  style={{ transform: `translateY(${v.start}px)` }}
                  onClick={() => {
                    setActive(v.index);
                    void store.getState().openEvent(r.workspaceId, r.seq);
                  }}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') void store.getState().openEvent(r.workspaceId, r.seq);
                  }}
                >
                  <span role="cell">{r.occurredAt}</span>
                  <span role="cell">{r.workspaceId}</span>
                  <span role="cell">{r.seq}</span>
                  <span role="cell">{r.method ?? '—'}</span>
                  <span role="cell" data-testid="audit-cell-endpoint">{r.endpoint ?? '—'}</span>
                  <span role="cell">{r.status ?? '—'}</span>
                  <span role="cell">{r.callerIp ?? '—'}</span>
                  <span role="cell">{r.piiAccessed ? 'yes' : ''}</span>
                  <span role="cell">{`${r.credentialId ?? '—'} (${r.credentialType ?? '?'})`}</span>
                </div>
              );
            })}
          </div>
        </div>
      </div>
      {detail && (
        <aside className="audit-drawer" role="dialog" aria-modal="false" aria-labelledby="audit-drawer-title" data-testid="audit-drawer" onKeyDown={(e) => e.key === 'Escape' && store.getState().closeEvent()}>
          <header className="panel-row">
            <h2 id="audit-drawer-title">{`Event ${detail.event.workspaceId} #${detail.event.seq}`}</h2>
            <button type="button" className="button" onClick={() => store.getState().closeEvent()} data-testid="audit-drawer-close" autoFocus>
              Close
            </button>
          </header>
          <p data-testid="audit-chain-status" className={detail.chain.hashValid && detail.chain.linkValid && !detail.chain.tampered ? 'chain-ok' : 'chain-bad'}>
            {detail.chain.tampered
              ? 'Tamper alarm recorded at this seq'
              : detail.chain.hashValid && detail.chain.linkValid
                ? `Chain verified: re-hashes to its hash and links to seq ${detail.event.seq - 1}${detail.chain.withinVerifiedHead ? ` (verified head ${detail.chain.verifiedHeadSeq})` : ''}`
                : `Chain check failed: ${detail.chain.hashValid ? '' : 'hash mismatch '}${detail.chain.linkValid ? '' : 'broken link'}`}
          </p>
          <dl>
            <dt>Event id</dt>
            <dd>{detail.event.eventId}</dd>
            <dt>Occurred (UTC)</dt>
            <dd>{detail.event.occurredAt}</dd>
            <dt>Credential</dt>
            <dd>{`${detail.event.credentialId ?? '—'} (${detail.event.credentialType ?? '?'})`}</dd>
            <dt>Caller IP</dt>
            <dd>{detail.event.callerIp ?? '—'}</dd>
            <dt>Request</dt>
            <dd>{`${detail.event.method ?? ''} ${detail.event.endpoint ?? ''}`}</dd>
            <dt>Status</dt>
            <dd>{`${detail.event.status ?? '—'} in ${detail.event.durationMs ?? '—'} ms`}</dd>
            <dt>PII accessed</dt>
            <dd>{detail.event.piiAccessed ? 'yes' : 'no'}</dd>
            <dt>prev_hash</dt>
            <dd>
              <code>{detail.chain.prevHash}</code>
            </dd>
            <dt>hash</dt>
            <dd>
              <code>{detail.chain.hash}</code>
            </dd>
          </dl>
          <h3>Params (as sent, inert text)</h3>
          <pre data-testid="audit-drawer-params">{prettyJson(detail.event.paramsJson)}</pre>
        </aside>
      )}
    </section>
  );
}

function prettyJson(s: string): string {
  try {
    return JSON.stringify(JSON.parse(s), null, 2);
  } catch {
    return s;
  }
}
