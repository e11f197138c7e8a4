// Least-privilege insights across all workspaces, from the local caches (insights.list): grouped kind → workspace →
// credential (or one list by risk), virtualized, the first page of findings shown while the rest is read; the cache's
// coverage with a Sync action; each item shows its draft fix (never applied automatically) and links to where the fix
// lives: the credential's detail, a re-consent with the narrower scopes, the rotation wizard, or the audit explorer
// filtered to the events behind it.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { INSIGHT_KINDS, type Insight } from '../../../../src-common/contract/index.ts';
import { ErrorBanner, NoticeBanner } from '../../components/ErrorBanner.tsx';
import { WriteButton } from '../../components/WriteButton.tsx';
import { groupedInsightRows, insightWorkspaces, selectInsightsError, selectInsightsLoading, selectInsightsReading, selectInsightsReport, selectInsightsSyncing, selectWindowDays, visibleInsights, type InsightRow as Row } from '../../stores/insights-store.ts';
import { auditHref } from '../audit/audit-route.ts';
import './insights.css';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { TYPE_LABEL } from '../matrix/format.ts';
import { NarrowGrantDialog } from './NarrowGrantDialog.tsx';
import { EditGuardrailsDialog, type GuardrailsRequest } from '../credentials/EditGuardrailsDialog.tsx';
import { RotationWizard } from '../rotation/RotationWizard.tsx';
import type { WizardTarget } from '../../stores/wizard-store.ts';
import { GroupFilter, usePolicyGroups } from '../../components/GroupFilter.tsx';
import { PolicyInsights } from './PolicyInsights.tsx';
import '../reviews/review.css';
import '../rotation/rotation.css';

type Kind = Insight['kind'];
export const KIND_LABEL: Record<Kind, string> = {
  unused_scopes: 'Unused scopes',
  stable_ips: 'Stable IPs, no allowlist',
  no_expiry: 'Keys without expiry',
  old_key: 'Keys older than 90 days',
  never_used: 'Never used',
  contact_share: 'Unusual contact access',
};

function Suggestion({ item }: { item: Insight }) {
  const s = item.suggestion;
  if (s.kind === 'narrow_scopes')
    return (
      <div className="in-draft" data-testid="insight-draft" aria-label="Draft narrower scopes">
        <span>Keep</span>
        <span className="rv-scopes">
          {s.keep.length ? (
            s.keep.map((x) => (
              <code key={x} className="keep">
                {x}
              </code>
            ))
          ) : (
            <span className="muted">nothing (revoke instead)</span>
          )}
        </span>
        <span>Drop</span>
        <span className="rv-scopes">
          {s.remove.map((x) => (
            <code key={x} className="remove">
              {x}
            </code>
          ))}
        </span>
      </div>
    );
  if (s.kind === 'ip_allowlist')
    return (
      <div className="rv-scopes" data-testid="insight-draft" aria-label="Suggested IP allowlist">
        {s.cidrs.map((c) => (
          <code key={c}>{c}</code>
        ))}
      </div>
    );
  if (s.kind === 'set_expiry') return <p className="in-meta">Suggested: rotate to a key that expires within {s.days} days.</p>;
  if (s.kind === 'investigate') return <p className="in-meta">{s.contacts} contact records ({Math.round(s.share * 1000) / 10} %).</p>;
  if (s.kind === 'revoke') return <p className="in-meta">Suggested: revoke if nobody needs it.</p>;
  return <p className="in-meta">Suggested: rotate.</p>;
}

// fixes applied elsewhere: the link opens the credential (the editor that applies the draft is where the command lives)
const FIX_LINK_TEXT: Record<string, string> = {
  'workspaces.connect': 'Open the credential',
  'rotation.start': 'Open the credential',
  'keys.create': 'Open the key (apply the draft to its replacement)',
  'keys.edit': 'Open the credential',
  'clients.edit': 'Open the credential',
  'clients.create': 'Create a narrower machine client',
};
/** the audit explorer filtered to the events behind a finding: its workspace, credential, endpoint and time span */
export const investigateHref = (item: Insight): string =>
  auditHref({ workspaces: [item.workspaceId], credential: item.credentialId, ...(item.investigate.endpoint ? { endpoint: item.investigate.endpoint } : {}), from: item.investigate.from, to: item.investigate.to });
/** machine clients are created on the Rotation screen › Machine clients; investigations open the filtered audit explorer */
const fixHref = (item: Insight): string => (item.fix.command === 'clients.create' ? `#/rotation?workspace=${encodeURIComponent(item.workspaceId)}` : item.fix.command === 'audit.query' ? investigateHref(item) : item.fix.route);

function draftText(item: Insight): string | null {
  const s = item.suggestion;
  if (s.kind === 'narrow_scopes') return s.keep.join(' ');
  if (s.kind === 'ip_allowlist') return s.cidrs.join('\n');
  return null;
}

/** an insight's draft applied in place (keys.edit / clients.edit): the edit-guardrails dialog, started from the draft */
function editRequest(item: Insight): GuardrailsRequest | null {
  const s = item.suggestion;
  if (item.fix.command !== 'keys.edit' && item.fix.command !== 'clients.edit') return null;
  const draft = s.kind === 'narrow_scopes' ? { scopes: s.keep } : s.kind === 'ip_allowlist' ? { ipAllowlist: s.cidrs } : null;
  if (!draft) return null;
  return { workspaceId: item.workspaceId, credentialId: item.credentialId, type: item.fix.command === 'keys.edit' ? 'api_key' : 'machine_client', name: item.credentialName, workspaceName: item.workspaceName, draft };
}

function InsightRow({ item, onNarrow, onRotate, onEdit }: { item: Insight; onNarrow(i: Insight): void; onRotate(i: Insight): void; onEdit(r: GuardrailsRequest): void }) {
  const edit = editRequest(item);
  const [copied, setCopied] = useState(false);
  const draft = draftText(item);
  return (
    <div className="in-item" data-testid="insight-item" data-kind={item.kind} data-workspace={item.workspaceId} data-credential={item.credentialId} data-risk={item.risk}>
      <span className={`in-risk ${item.severity}`} aria-label={`Risk ${item.risk}, ${item.severity}`}>
        {item.risk}
        <small>{item.severity}</small>
      </span>
      <div>
        <p className="in-title" data-testid="insight-title">
          {item.title}
        </p>
        <p className="in-meta">
          {item.workspaceName} · {item.credentialName} · {(TYPE_LABEL as Record<string, string>)[item.credentialType] ?? item.credentialType} · {KIND_LABEL[item.kind]}
        </p>
        {item.suggestion.kind !== 'narrow_scopes' && <p className="in-detail">{item.detail}</p>}
        <Suggestion item={item} />
      </div>
      <div className="in-fix">
        {item.fix.command === 'workspaces.connect' && item.suggestion.kind === 'narrow_scopes' ? (
          <WriteButton command="workspaces.connect" className="button button-primary" onClick={() => onNarrow(item)} data-testid="insight-narrow">
            {item.fix.label}…
          </WriteButton>
        ) : edit ? (
          <WriteButton command={edit.type === 'api_key' ? 'keys.edit' : 'clients.edit'} className="button button-primary" onClick={() => onEdit(edit)} data-testid="insight-edit-guardrails">
            {item.fix.label}…
          </WriteButton>
        ) : item.fix.command === 'rotation.start' ? (
          <WriteButton command="rotation.start" className="button" onClick={() => onRotate(item)} data-testid="insight-rotate">
            {item.fix.label}…
          </WriteButton>
        ) : null}
        <a className="button" href={fixHref(item)} title={item.fix.label} data-testid="insight-fix" data-command={item.fix.command}>
          {FIX_LINK_TEXT[item.fix.command] ?? item.fix.label}
        </a>
        {draft !== null && (
          <button
            type="button"
            className="link-button"
            onClick={() =>
              void navigator.clipboard
                .writeText(draft)
                .then(() => setCopied(true))
                .catch(() => setCopied(false))
            }
            data-testid="insight-copy-draft"
          >
            {copied ? 'Draft copied' : 'Copy the draft'}
          </button>
        )}
        {item.fix.command !== 'audit.query' && (
          <a className="link-button" href={investigateHref(item)} data-testid="insight-audit">
            Its audit events
          </a>
        )}
      </div>
    </div>
  );
}

/** lists longer than this are virtualized (only the rows in view are in the page) */
const VIRTUAL_FROM = 100;

/** the findings as one list of group headers and items; virtualized past VIRTUAL_FROM rows */
function VirtualInsights({ rows, rowProps, onToggleKind }: { rows: Row[]; rowProps: { onNarrow(i: Insight): void; onRotate(i: Insight): void; onEdit(r: GuardrailsRequest): void }; onToggleKind(k: Kind): void }) {
  const ref = useRef<HTMLDivElement>(null);
  const virtual = rows.length > VIRTUAL_FROM;
  const v = useVirtualizer({ count: virtual ? rows.length : 0, getScrollElement: () => ref.current, estimateSize: (i) => (rows[i]!.type === 'item' ? 96 : 34), overscan: 8 });
  const render = (r: Row) =>
    r.type === 'kind' ? (
                <button type="button" className="in-group-title in-group-toggle" aria-expanded={!r.collapsed} onClick={() => onToggleKind(r.kind)} data-testid="insights-group-block" data-kind={r.kind} data-count={r.count}>
                  <span aria-hidden="true">{r.collapsed ? '▸' : '▾'}</span> {KIND_LABEL[r.kind]} ({r.count})
                </button>
    ) : r.type === 'workspace' ? (
      <h3 className="in-ws-title" data-testid="insights-workspace-group">
        {r.workspaceName} <span className="muted">({r.count})</span>
      </h3>
    ) : (
      <InsightRow item={r.item} {...rowProps} />
    );
  if (!virtual)
    return (
      <div className="in-plain" data-testid="insights-list" data-rows={rows.length} data-virtual="false">
        {rows.map((r) => (
          <div key={r.key}>{render(r)}</div>
        ))}
      </div>
    );
  return (
    <div ref={ref} className="in-scroll" data-testid="insights-list" data-rows={rows.length} data-virtual="true">
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((vi) => {
          const r = rows[vi.index]!;
          return (
            <div key={r.key} data-index={vi.index} ref={v.measureElement} className="in-vrow" style={{ transform: `translateY(${vi.start}px)` }}>
              {render(r)}
            </div>
          );
        })}
      </div>
    </div>
  );
}

export function InsightsScreen() {
  const { insights: store } = useStores();
  const windowDays = useSelect(store, selectWindowDays);
  const report = useSelect(store, selectInsightsReport);
  const error = useSelect(store, selectInsightsError);
  const loading = useSelect(store, selectInsightsLoading);
  const reading = useSelect(store, selectInsightsReading);
  const syncing = useSelect(store, selectInsightsSyncing);
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [workspace, setWorkspace] = useState('');
  const [kinds, setKinds] = useState<Kind[]>([]);
  const [grouped, setGrouped] = useState(true);
  const [narrow, setNarrow] = useState<Insight | null>(null);
  const [rotate, setRotate] = useState<WizardTarget | null>(null);
  const [edit, setEdit] = useState<GuardrailsRequest | null>(null);

  const load = () => store.getState().load();
  useEffect(() => {
    void store.getState().load();
    return store.getState().connect();
  }, [store]);

  // the workspace group every screen shares
  const groups = usePolicyGroups();
  const members = groups.members;
  const workspaces = useMemo(() => insightWorkspaces(report).filter(([id]) => !members || members.has(id)), [report, members]);
  const inWorkspace = useMemo(() => (report?.items ?? []).filter((i) => (!workspace || i.workspaceId === workspace) && (!members || members.has(i.workspaceId))), [report, workspace, members]);
  const counts = useMemo(() => Object.fromEntries(INSIGHT_KINDS.map((k) => [k, inWorkspace.filter((i) => i.kind === k).length])) as Record<Kind, number>, [inWorkspace]);
  const items = useMemo(() => visibleInsights(report, workspace, kinds).filter((i) => !members || members.has(i.workspaceId)), [report, workspace, kinds, members]);
  const toggleKind = (k: Kind) => setKinds((l) => (l.includes(k) ? l.filter((x) => x !== k) : [...l, k]));
  const rowProps = useMemo(() => ({ onNarrow: setNarrow, onRotate: (i: Insight) => setRotate({ workspace: i.workspaceId, keyId: i.credentialId }), onEdit: setEdit }), []);
  const rows = useMemo<Row[]>(() => (grouped ? groupedInsightRows(items, INSIGHT_KINDS, collapsed) : items.map((i) => ({ type: 'item', key: i.id, item: i }))), [grouped, items, collapsed]);
  const toggleGroup = (k: Kind) =>
    setCollapsed((c) => {
      const n = new Set(c);
      if (n.has(k)) n.delete(k);
      else n.add(k);
      return n;
    });

  return (
    <section className="screen" aria-labelledby="screen-title" data-testid="insights-screen">
      <header className="screen-header">
        <h1 id="screen-title" tabIndex={-1}>
          Insights
        </h1>
        <p className="screen-subtitle" data-testid="insights-summary">
          {report
            ? reading
              ? `${report.items.length.toLocaleString()} findings so far · reading credentials ${reading.done.toLocaleString()} of ${reading.total.toLocaleString()}…`
              : `${report.items.length.toLocaleString()} findings across ${workspaces.length} workspace${workspaces.length === 1 ? '' : 's'} · last ${report.windowDays} days of the audit cache · suggestions are drafts, never applied automatically`
            : 'Reading the first credentials from the caches…'}
        </p>
      </header>
      {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissError()} testId="insights-error" />}
      {report?.coverage.warning && (
        <div className="in-coverage">
          <NoticeBanner tone="warning" testId="insights-coverage" title="The audit cache covers less than the window" detail={report.coverage.warning} />
          <WriteButton command="audit.sync" className="button" disabled={syncing} aria-busy={syncing} onClick={() => void store.getState().syncAudit()} data-testid="insights-sync">
            {syncing ? 'Syncing the audit log…' : 'Sync the audit log'}
          </WriteButton>
        </div>
      )}
      {reading && (
        <progress className="in-progress" max={reading.total} value={reading.done} aria-label="Reading credentials" data-testid="insights-progress" />
      )}

      <div className="panel in-toolbar" role="group" aria-label="Insight filters">
        <label>
          Window
          <select className="input" value={windowDays} onChange={(e) => void store.getState().setWindowDays(Number(e.target.value))} data-testid="insights-window">
            {[30, 90, 180, 365].map((d) => (
              <option key={d} value={d}>
                {d} days
              </option>
            ))}
          </select>
        </label>
        <label>
          Workspace
          <select className="input" value={workspace} onChange={(e) => setWorkspace(e.target.value)} data-testid="insights-workspace">
            <option value="">All workspaces</option>
            {workspaces.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <GroupFilter groups={groups} testId="insights-group-filter" label="Group" />
        <div className="in-kinds" role="group" aria-label="Kinds">
          {INSIGHT_KINDS.map((k) => (
            <button key={k} type="button" className={`chip chip-button ${kinds.includes(k) ? 'chip-active' : ''}`} aria-pressed={kinds.includes(k)} onClick={() => toggleKind(k)} data-testid={`insights-kind-${k}`}>
              {KIND_LABEL[k]} ({counts[k]})
            </button>
          ))}
        </div>
        <label className="check">
          <input type="checkbox" checked={grouped} onChange={(e) => setGrouped(e.target.checked)} data-testid="insights-group" />
          Group by kind and workspace
        </label>
        <button type="button" className="button" disabled={loading} onClick={() => void load()} data-testid="insights-refresh">
          {loading ? 'Reading…' : 'Refresh'}
        </button>
      </div>

      <PolicyInsights groups={groups} workspace={workspace} />
      <div className="panel" aria-busy={loading}>
        {report && items.length === 0 && (
          <p className="muted" data-testid="insights-empty">
            {report.items.length === 0 ? 'No findings. Sync the inventory and the audit log to give insights something to read.' : 'No findings match these filters.'}
          </p>
        )}
        {items.length > 0 && <VirtualInsights rows={rows} rowProps={rowProps} onToggleKind={toggleGroup} />}
      </div>

      <NarrowGrantDialog
        item={narrow}
        onClose={(done) => {
          setNarrow(null);
          if (done) void load();
        }}
      />
      <EditGuardrailsDialog
        request={edit}
        onClose={(applied) => {
          setEdit(null);
          if (applied) void load();
        }}
      />
      <RotationWizard
        target={rotate}
        onClose={() => {
          setRotate(null);
          void load();
        }}
      />
    </section>
  );
}
