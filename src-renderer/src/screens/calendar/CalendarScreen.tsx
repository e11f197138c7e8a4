// Expiry calendar: what ends when across all workspaces — key expiries, grace ends, client-secret ages, grant lifetimes,
// review-grant ends and service-token expiries. Upcoming first, by month, one line per item with a local human date
// ("in 3 days · Fri 5 Dec, 14:00", the exact time on hover); overdue items are one group, collapsed by default with its
// count. Each item links to the Rotation screen, where the tools that act on it live. Long lists are virtualized.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CalendarItem, CalendarKind, PolicyDeadline } from '../../../../src-common/contract/index.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { ALL_KINDS, selectCalendar, selectCalendarFilters, selectCalendarLoading, selectCalendarWorkspaces, selectRotationError } from '../../stores/rotation-store.ts';
import { monthLabel, when } from '../rotation/dates.ts';
import { GroupFilter, usePolicyGroups } from '../../components/GroupFilter.tsx';
import { PolicyRow, PolicySummary, usePolicyDeadlines } from './PolicyDeadlines.tsx';
import './calendar.css';

const KIND_LABEL: Record<CalendarKind, string> = {
  key_expiry: 'Key expiry',
  grace_end: 'Grace end',
  secret_age: 'Client secret 90 days',
  grant_lifetime: 'Grant lifetime',
  review_end: 'Review grant end',
  token_expiry: 'Service token expiry',
};
const ACTION_LABEL: Record<CalendarItem['action']['kind'], string> = {
  rotate_key: 'Rotate key',
  watch_grace: 'Open rotation',
  rotate_client: 'Rotate secret',
  reconsent: 'Re-consent',
  none: '',
};

/** where an item is acted on: the Rotation screen, deep-linked to the right tool */
export function rotationHref(it: CalendarItem): string | null {
  const q = new URLSearchParams();
  if (it.action.kind === 'watch_grace' && it.action.wizardId) q.set('wizard', it.action.wizardId);
  else if (it.action.kind === 'rotate_key' && it.credentialId) {
    q.set('workspace', it.workspaceId);
    q.set('key', it.credentialId);
  } else if (it.action.kind === 'rotate_client' && it.credentialId) {
    q.set('workspace', it.workspaceId);
    q.set('client', it.credentialId);
  } else if (it.action.kind === 'reconsent') {
    q.set('workspace', it.workspaceId);
    q.set('reconsent', '1');
  } else return null;
  return `#/rotation?${q.toString()}`;
}

type Row = { type: 'month'; key: string; label: string; count: number } | { type: 'item'; key: string; item: CalendarItem } | { type: 'policy'; key: string; deadline: PolicyDeadline };
/** one dated entry of the upcoming list: a calendar item or a policy deadline */
type Dated = { at: string; row: Row };

function ItemRow({ it, now }: { it: CalendarItem; now: number }) {
  const w = when(it.at, now);
  const href = rotationHref(it);
  return (
    <div className="cal-item" data-testid="calendar-item" data-kind={it.kind} data-severity={it.severity} data-workspace={it.workspaceId} data-credential={it.credentialId ?? ''}>
      <span className={`cal-when ${it.severity}`} title={w?.title} data-testid="calendar-when">
        {w?.text ?? 'date unknown'}
      </span>
      <span className="cal-what" title={it.detail}>
        <strong>{it.title}</strong>
        <span className="muted">
          {' '}
          · {it.workspaceName} · {KIND_LABEL[it.kind]}
        </span>
      </span>
      {href ? (
        <a className="button cal-action" href={href} data-testid="calendar-open">
          {ACTION_LABEL[it.action.kind]}
        </a>
      ) : (
        <span className="muted cal-action">{it.kind === 'token_expiry' ? 'Nothing to do' : ''}</span>
      )}
    </div>
  );
}

/** a virtualized list of month headers and items (the calendar can hold thousands of items) */
function VirtualRows({ rows, now, testId, maxHeight }: { rows: Row[]; now: number; testId: string; maxHeight: string }) {
  const ref = useRef<HTMLDivElement>(null);
  // sizes are kept by row key, not index: a filter change moves rows (a policy deadline wraps to two lines at 1024 px), and
  // a size measured for another row at that index would overlap the rows below
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => ref.current, estimateSize: (i) => (rows[i]!.type === 'month' ? 32 : 38), getItemKey: (i) => rows[i]!.key, overscan: 12 });
  return (
    <div ref={ref} className="cal-scroll" style={{ maxHeight }} data-testid={testId} data-count={rows.filter((r) => r.type !== 'month').length}>
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((vi) => {
          const r = rows[vi.index]!;
          return (
            <div key={r.key} data-index={vi.index} ref={v.measureElement} className="cal-vrow" style={{ transform: `translateY(${vi.start}px)` }}>
              {r.type === 'month' ? (
                <h3 className="cal-month" data-testid="calendar-month">
                  {r.label} <span className="muted">({r.count})</span>
                </h3>
              ) : r.type === 'policy' ? (
                <PolicyRow d={r.deadline} now={now} />
              ) : (
                <ItemRow it={r.item} now={now} />
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}

export function CalendarScreen() {
  const { rotation: store } = useStores();
  const calendar = useSelect(store, selectCalendar);
  const filters = useSelect(store, selectCalendarFilters);
  const workspaces = useSelect(store, selectCalendarWorkspaces);
  const error = useSelect(store, selectRotationError);
  const loading = useSelect(store, selectCalendarLoading);
  const [overdueOpen, setOverdueOpen] = useState(false);

  useEffect(() => {
    void store.getState().load();
    return store.getState().connect();
  }, [store]);

  // the workspace group every screen shares
  const groups = usePolicyGroups();
  const members = groups.members;
  const now = calendar ? Date.parse(calendar.generatedAt) : Date.now();
  const policy = usePolicyDeadlines(groups, filters.workspace, filters.withinDays, now);
  const { upcoming, overdue } = useMemo(() => {
    const items = (calendar?.items ?? []).filter((i) => !members || members.has(i.workspaceId));
    // the policy file's dated rules stand among the other deadlines, in their month
    const up: Dated[] = [
      ...items.filter((i) => i.severity !== 'overdue').map((it): Dated => ({ at: it.at, row: { type: 'item', key: it.key, item: it } })),
      ...policy.items.map((d): Dated => ({ at: d.at, row: { type: 'policy', key: `p:${d.id}`, deadline: d } })),
    ].sort((a, b) => a.at.localeCompare(b.at));
    // the most recently missed first: what just went overdue matters most
    const od = items.filter((i) => i.severity === 'overdue').sort((a, b) => b.at.localeCompare(a.at));
    const rows: Row[] = [];
    let month = '';
    for (const it of up) {
      const m = monthLabel(Date.parse(it.at));
      if (m !== month) {
        month = m;
        rows.push({ type: 'month', key: `m:${m}`, label: m, count: up.filter((x) => monthLabel(Date.parse(x.at)) === m).length });
      }
      rows.push(it.row);
    }
    return { upcoming: rows, overdue: od.map((it): Row => ({ type: 'item', key: it.key, item: it })) };
  }, [calendar, members, policy.items]);
  const upcomingCount = upcoming.filter((r) => r.type !== 'month').length;

  const toggleKind = (k: CalendarKind) => void store.getState().setFilters({ kinds: filters.kinds.includes(k) ? filters.kinds.filter((x) => x !== k) : [...filters.kinds, k] });

  return (
    <section className="screen" aria-labelledby="screen-title" data-testid="calendar-screen">
      <header className="screen-header">
        <h1 id="screen-title" tabIndex={-1}>
          Calendar
        </h1>
        <p className="screen-subtitle" data-testid="calendar-summary">
          {calendar
            ? `${upcomingCount} upcoming in the next ${filters.withinDays} days${groups.selected ? ` in ${groups.selected.name}` : ''}${filters.includeOverdue ? ` · ${overdue.length} overdue` : ''} · act on them in Rotation`
            : 'Reading the caches…'}
        </p>
      </header>
      {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissError()} testId="calendar-error" />}

      <div className="cal-filters panel" role="group" aria-label="Calendar filters">
        <label>
          Workspace
          <select className="input" value={filters.workspace} onChange={(e) => void store.getState().setFilters({ workspace: e.target.value })} data-testid="calendar-filter-workspace">
            <option value="">All workspaces</option>
            {workspaces.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </label>
        <GroupFilter groups={groups} testId="calendar-group-filter" label="Group" />
        <label>
          Within
          <select className="input" value={filters.withinDays} onChange={(e) => void store.getState().setFilters({ withinDays: Number(e.target.value) })} data-testid="calendar-filter-within">
            {[7, 30, 90, 180, 365].map((d) => (
              <option key={d} value={d}>
                {d} days
              </option>
            ))}
          </select>
        </label>
        <div className="cal-kinds">
          {ALL_KINDS.map((k) => (
            <label key={k}>
              <input type="checkbox" checked={filters.kinds.includes(k)} onChange={() => toggleKind(k)} data-testid={`calendar-kind-${k}`} />
              {KIND_LABEL[k]}
            </label>
          ))}
          <label>
            <input type="checkbox" checked={filters.includeOverdue} onChange={(e) => void store.getState().setFilters({ includeOverdue: e.target.checked })} data-testid="calendar-overdue" />
            Overdue
          </label>
        </div>
      </div>
      {calendar && (
        <p className="muted cal-sources" data-testid="calendar-sources">
          Read from this machine&apos;s caches:{' '}
          {calendar.sources.map((s, i) => (
            <span key={s.name} data-source={s.name} data-state={s.state} className={s.state === 'ok' ? undefined : 'cal-source-empty'}>
              {s.detail}
              {i < calendar.sources.length - 1 ? ' · ' : '.'}
            </span>
          ))}
        </p>
      )}

      <div className="section" aria-busy={loading}>
        <h2 className="section-title">Upcoming ({upcomingCount})</h2>
        {policy.followed && <PolicySummary count={policy.items.length} open={policy.open} groups={groups} workspace={filters.workspace} withinDays={filters.withinDays} />}
        {calendar && upcomingCount === 0 && (
          <p className="muted panel" data-testid="calendar-upcoming-empty">
            Nothing ends in the next {filters.withinDays} days.
          </p>
        )}
        {upcomingCount > 0 && <VirtualRows rows={upcoming} now={now} testId="calendar-upcoming" maxHeight={overdueOpen ? '40vh' : 'calc(100vh - 360px)'} />}
      </div>

      {filters.includeOverdue && overdue.length > 0 && (
        <div className="section" data-testid="calendar-overdue-group" data-open={overdueOpen} data-count={overdue.length}>
          <button type="button" className="cal-group-toggle" aria-expanded={overdueOpen} aria-controls="cal-overdue-list" onClick={() => setOverdueOpen((o) => !o)} data-testid="calendar-overdue-toggle">
            <span aria-hidden="true">{overdueOpen ? '▾' : '▸'}</span> Overdue ({overdue.length})
            <span className="muted"> · past their date and not yet dealt with</span>
          </button>
          {overdueOpen && (
            <div id="cal-overdue-list">
              <VirtualRows rows={overdue} now={now} testId="calendar-overdue-list" maxHeight="40vh" />
            </div>
          )}
        </div>
      )}
    </section>
  );
}
