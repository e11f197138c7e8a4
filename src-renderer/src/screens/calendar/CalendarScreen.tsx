// Expiry calendar: one timeline across all workspaces of key expiries, grace ends, client-secret ages, grant lifetimes and
// review-grant ends, with filters; each item opens the right wizard. Below it, per-workspace tools: API keys (rotate),
// rotations in progress (resume), machine clients, service tokens and re-consent.
import { useEffect, useState } from 'react';
import type { CalendarItem, CalendarKind } from '../../../../src-common/contract/index.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { ClientsPanel } from './ClientsPanel.tsx';
import { ReconsentDialog } from './ReconsentDialog.tsx';
import { RotationWizard } from './RotationWizard.tsx';
import { ServiceTokenDialog } from './ServiceTokenDialog.tsx';
import { ALL_KINDS, selectCalendar, selectCalendarFilters, selectCalendarLoading, selectCalendarWorkspaces, selectKeys, selectKeysError, selectRotationError, selectWizards } from '../../stores/rotation-store.ts';
import type { WizardTarget } from '../../stores/wizard-store.ts';
import './rotation.css';
import { WriteButton } from '../../components/WriteButton.tsx';

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

function KeysPanel({ workspace, onRotate }: { workspace: string; onRotate(keyId: string): void }) {
  const { rotation: store } = useStores();
  const keys = useSelect(store, selectKeys);
  const error = useSelect(store, selectKeysError);
  useEffect(() => {
    void store.getState().loadKeys(workspace);
  }, [store, workspace]);
  return (
    <div className="panel" data-testid="keys-panel">
      {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissKeysError()} testId="keys-error" />}
      <table className="rot-table">
        <thead>
          <tr>
            <th>Key</th>
            <th>Status</th>
            <th>Expires</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id} data-testid="key-row" data-key-id={k.id}>
              <td>
                {k.name} <span className="mono muted">{k.label}</span>
              </td>
              <td>{k.status}</td>
              <td className="mono">{k.expiresAt?.slice(0, 10) ?? '—'}</td>
              <td className="mono">{k.lastUsedAt?.slice(0, 10) ?? 'never'}</td>
              <td>
                {k.status === 'active' && (
                  <WriteButton command="rotation.start" className="button" onClick={() => onRotate(k.id)} data-testid="key-rotate">
                    Rotate…
                  </WriteButton>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function CalendarScreen() {
  const { rotation: store } = useStores();
  const calendar = useSelect(store, selectCalendar);
  const filters = useSelect(store, selectCalendarFilters);
  const workspaces = useSelect(store, selectCalendarWorkspaces);
  const wizards = useSelect(store, selectWizards);
  const error = useSelect(store, selectRotationError);
  const loading = useSelect(store, selectCalendarLoading);
  const [target, setTarget] = useState<WizardTarget | null>(null);
  const [toolsWs, setToolsWs] = useState('');
  const [focusClient, setFocusClient] = useState<string | null>(null);
  const [tokenOpen, setTokenOpen] = useState(false);
  const [reconsentOpen, setReconsentOpen] = useState(false);

  useEffect(() => {
    void store.getState().load();
    return store.getState().connect();
  }, [store]);
  useEffect(() => {
    if (!toolsWs && workspaces[0]) setToolsWs(workspaces[0].id);
  }, [workspaces, toolsWs]);

  const open = (it: CalendarItem) => {
    if (it.action.kind === 'watch_grace' && it.action.wizardId) setTarget({ wizardId: it.action.wizardId });
    else if (it.action.kind === 'rotate_key' && it.credentialId) setTarget({ workspace: it.workspaceId, keyId: it.credentialId });
    else if (it.action.kind === 'rotate_client') {
      setToolsWs(it.workspaceId);
      setFocusClient(it.credentialId);
      document.getElementById('rot-tools')?.scrollIntoView({ block: 'start' });
    } else if (it.action.kind === 'reconsent') {
      setToolsWs(it.workspaceId);
      setReconsentOpen(true);
    }
  };

  const toggleKind = (k: CalendarKind) => void store.getState().setFilters({ kinds: filters.kinds.includes(k) ? filters.kinds.filter((x) => x !== k) : [...filters.kinds, k] });

  return (
    <section className="screen" aria-labelledby="screen-title" data-testid="calendar-screen">
      <header className="screen-header">
        <h1 id="screen-title" tabIndex={-1}>
          Calendar
        </h1>
        <p className="screen-subtitle">What expires or falls due next across all workspaces, and the wizards to act on it.</p>
      </header>
      {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissError()} testId="calendar-error" />}

      <div className="section">
        <div className="rot-filters panel" role="group" aria-label="Calendar filters">
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
          <div className="rot-kinds">
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
          <p className="muted" data-testid="calendar-sources">
            Sources:{' '}
            {calendar.sources.map((s) => (
              <span key={s.name} data-source={s.name} data-state={s.state} title={s.detail}>
                {s.name} ({s.state === 'ok' ? 'ok' : s.state === 'empty' ? `empty — ${s.detail}` : `missing — ${s.detail}`}){'; '}
              </span>
            ))}
          </p>
        )}
        <div className="panel" aria-busy={loading}>
          {calendar && calendar.items.length === 0 && <p className="muted">Nothing due in this window.</p>}
          <ol className="rot-timeline" data-testid="calendar-items">
            {calendar?.items.map((it) => (
              <li key={it.key} data-testid="calendar-item" data-kind={it.kind} data-workspace={it.workspaceId} data-credential={it.credentialId ?? ''}>
                <span className="rot-when">
                  {it.at.slice(0, 10)}
                  <span className={`rot-sev ${it.severity}`}>{it.severity === 'overdue' ? 'overdue' : `${it.daysLeft} d`}</span>
                </span>
                <span>
                  <strong>{it.title}</strong>
                  <span className="muted">
                    {' '}
                    · {it.workspaceName} · {KIND_LABEL[it.kind]}
                  </span>
                  <br />
                  <span className="muted">{it.detail}</span>
                </span>
                {it.action.kind !== 'none' && (
                  <WriteButton command={it.action.kind === 'rotate_key' ? 'rotation.start' : it.action.kind === 'rotate_client' ? 'clients.rotate' : it.action.kind === 'reconsent' ? 'workspaces.connect' : 'rotation.advance'} className="button" onClick={() => open(it)} data-testid="calendar-open">
                    {ACTION_LABEL[it.action.kind]}
                  </WriteButton>
                )}
              </li>
            ))}
          </ol>
        </div>
      </div>

      {wizards.length > 0 && (
        <div className="section">
          <h2 className="section-title">Rotations in progress</h2>
          <ul className="panel rot-timeline" data-testid="wizards-in-progress">
            {wizards.map((w) => (
              <li key={w.id} data-testid="wizard-row" data-step={w.step}>
                <span className="rot-when">{w.step}</span>
                <span>
                  {w.keyName} <span className="mono muted">{w.oldKeyLabel}</span> · {w.workspaceName}
                </span>
                <WriteButton command="rotation.advance" className="button" onClick={() => setTarget({ wizardId: w.id })} data-testid="wizard-resume">
                  Resume
                </WriteButton>
              </li>
            ))}
          </ul>
        </div>
      )}

      <div className="section" id="rot-tools">
        <h2 className="section-title">Workspace credentials</h2>
        <div className="rot-filters">
          <label>
            Workspace
            <select className="input" value={toolsWs} onChange={(e) => setToolsWs(e.target.value)} data-testid="tools-workspace">
              {workspaces.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name}
                </option>
              ))}
            </select>
          </label>
          <WriteButton command="serviceTokens.mint" className="button" disabled={!toolsWs} onClick={() => setTokenOpen(true)} data-testid="open-service-token">
            Mint service token…
          </WriteButton>
          <WriteButton command="workspaces.connect" className="button" disabled={!toolsWs} onClick={() => setReconsentOpen(true)} data-testid="open-reconsent">
            Re-consent grant…
          </WriteButton>
        </div>
        {toolsWs && (
          <>
            <h3 className="section-title">API keys</h3>
            <KeysPanel key={`k-${toolsWs}-${wizards.length}`} workspace={toolsWs} onRotate={(keyId) => setTarget({ workspace: toolsWs, keyId })} />
            <h3 className="section-title">Machine clients</h3>
            <ClientsPanel key={`c-${toolsWs}`} workspace={toolsWs} focusClientId={focusClient} />
            <ServiceTokenDialog workspace={toolsWs} open={tokenOpen} onClose={() => setTokenOpen(false)} />
            <ReconsentDialog workspace={toolsWs} open={reconsentOpen} onClose={() => setReconsentOpen(false)} />
          </>
        )}
      </div>

      <RotationWizard
        target={target}
        onClose={() => {
          setTarget(null);
          void store.getState().load();
        }}
      />
    </section>
  );
}
