// Least-privilege insights across all workspaces, from the local caches (insights.list): sorted by risk, filtered or
// grouped by kind, with the cache's coverage; each item shows its draft fix (never applied automatically) and links to
// where the fix lives: the credential's detail, a re-consent with the narrower scopes, or the rotation wizard.
import { useEffect, useMemo, useState } from 'react';
import { INSIGHT_KINDS, type Insight } from '../../../../src-common/contract/index.ts';
import { ErrorBanner, NoticeBanner } from '../../components/ErrorBanner.tsx';
import { WriteButton } from '../../components/WriteButton.tsx';
import { insightWorkspaces, selectInsightsError, selectInsightsLoading, selectInsightsReport, selectWindowDays, visibleInsights } from '../../stores/insights-store.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { TYPE_LABEL } from '../matrix/format.ts';
import { NarrowGrantDialog } from './NarrowGrantDialog.tsx';
import { RotationWizard } from '../rotation/RotationWizard.tsx';
import type { WizardTarget } from '../../stores/wizard-store.ts';
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
  'clients.create': 'Create a narrower machine client',
};
/** machine clients are created on the Rotation screen › Machine clients */
const fixHref = (item: Insight): string => (item.fix.command === 'clients.create' ? `#/rotation?workspace=${encodeURIComponent(item.workspaceId)}` : item.fix.route);

function draftText(item: Insight): string | null {
  const s = item.suggestion;
  if (s.kind === 'narrow_scopes') return s.keep.join(' ');
  if (s.kind === 'ip_allowlist') return s.cidrs.join('\n');
  return null;
}

function InsightRow({ item, onNarrow, onRotate }: { item: Insight; onNarrow(i: Insight): void; onRotate(i: Insight): void }) {
  const [copied, setCopied] = useState(false);
  const draft = draftText(item);
  return (
    <li className="in-item" data-testid="insight-item" data-kind={item.kind} data-workspace={item.workspaceId} data-credential={item.credentialId} data-risk={item.risk}>
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
      </div>
    </li>
  );
}

export function InsightsScreen() {
  const { insights: store } = useStores();
  const windowDays = useSelect(store, selectWindowDays);
  const report = useSelect(store, selectInsightsReport);
  const error = useSelect(store, selectInsightsError);
  const loading = useSelect(store, selectInsightsLoading);
  const [workspace, setWorkspace] = useState('');
  const [kinds, setKinds] = useState<Kind[]>([]);
  const [grouped, setGrouped] = useState(false);
  const [narrow, setNarrow] = useState<Insight | null>(null);
  const [rotate, setRotate] = useState<WizardTarget | null>(null);

  const load = () => store.getState().load();
  useEffect(() => {
    void store.getState().load();
    return store.getState().connect();
  }, [store]);

  const workspaces = useMemo(() => insightWorkspaces(report), [report]);
  const inWorkspace = useMemo(() => (report?.items ?? []).filter((i) => !workspace || i.workspaceId === workspace), [report, workspace]);
  const counts = useMemo(() => Object.fromEntries(INSIGHT_KINDS.map((k) => [k, inWorkspace.filter((i) => i.kind === k).length])) as Record<Kind, number>, [inWorkspace]);
  const items = useMemo(() => visibleInsights(report, workspace, kinds), [report, workspace, kinds]);
  const toggleKind = (k: Kind) => setKinds((l) => (l.includes(k) ? l.filter((x) => x !== k) : [...l, k]));
  const rowProps = { onNarrow: setNarrow, onRotate: (i: Insight) => setRotate({ workspace: i.workspaceId, keyId: i.credentialId }) };

  return (
    <section className="screen" aria-labelledby="screen-title" data-testid="insights-screen">
      <header className="screen-header">
        <h1 id="screen-title" tabIndex={-1}>
          Insights
        </h1>
        <p className="screen-subtitle" data-testid="insights-summary">
          {report
            ? `${report.items.length} findings across ${workspaces.length} workspace${workspaces.length === 1 ? '' : 's'} · last ${report.windowDays} days of the audit cache · suggestions are drafts, never applied automatically`
            : 'Reading the caches…'}
        </p>
      </header>
      {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissError()} testId="insights-error" />}
      {report?.coverage.warning && <NoticeBanner tone="warning" testId="insights-coverage" title="The audit cache covers less than the window" detail={report.coverage.warning} />}

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
        <div className="in-kinds" role="group" aria-label="Kinds">
          {INSIGHT_KINDS.map((k) => (
            <button key={k} type="button" className={`chip chip-button ${kinds.includes(k) ? 'chip-active' : ''}`} aria-pressed={kinds.includes(k)} onClick={() => toggleKind(k)} data-testid={`insights-kind-${k}`}>
              {KIND_LABEL[k]} ({counts[k]})
            </button>
          ))}
        </div>
        <label className="check">
          <input type="checkbox" checked={grouped} onChange={(e) => setGrouped(e.target.checked)} data-testid="insights-group" />
          Group by kind
        </label>
        <button type="button" className="button" disabled={loading} onClick={() => void load()} data-testid="insights-refresh">
          {loading ? 'Reading…' : 'Refresh'}
        </button>
      </div>

      <div className="panel" aria-busy={loading}>
        {report && items.length === 0 && (
          <p className="muted" data-testid="insights-empty">
            {report.items.length === 0 ? 'No findings. Sync the inventory and the audit log to give insights something to read.' : 'No findings match these filters.'}
          </p>
        )}
        {grouped ? (
          INSIGHT_KINDS.filter((k) => items.some((i) => i.kind === k)).map((k) => (
            <div key={k} data-testid="insights-group-block" data-kind={k}>
              <h2 className="in-group-title">
                {KIND_LABEL[k]} ({items.filter((i) => i.kind === k).length})
              </h2>
              <ol className="in-list">
                {items
                  .filter((i) => i.kind === k)
                  .map((i) => (
                    <InsightRow key={i.id} item={i} {...rowProps} />
                  ))}
              </ol>
            </div>
          ))
        ) : (
          <ol className="in-list" data-testid="insights-list">
            {items.map((i) => (
              <InsightRow key={i.id} item={i} {...rowProps} />
            ))}
          </ol>
        )}
      </div>

      <NarrowGrantDialog
        item={narrow}
        onClose={(done) => {
          setNarrow(null);
          if (done) void load();
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
