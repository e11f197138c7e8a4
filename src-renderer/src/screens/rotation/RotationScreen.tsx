// Rotation: the tools that replace a credential, per workspace — API keys (the rotation wizard), rotations in progress
// (resume), machine clients (secret rotation, quotas), service tokens and re-consent of the workspace grant. Deep links
// from the calendar: #/rotation?workspace=…&key=… (start or resume a key's rotation), ?wizard=… (resume one),
// ?workspace=…&client=… (focus a machine client), ?workspace=…&reconsent=1 (open the re-consent dialog).
import { useEffect, useState } from 'react';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { WriteButton } from '../../components/WriteButton.tsx';
import { routeParams, useRouteQuery } from '../../app/router.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { selectCalendarWorkspaces, selectKeys, selectKeysError, selectRotationError, selectWizards } from '../../stores/rotation-store.ts';
import type { WizardTarget } from '../../stores/wizard-store.ts';
import { ClientsPanel } from './ClientsPanel.tsx';
import { ReconsentDialog } from './ReconsentDialog.tsx';
import { RotationWizard } from './RotationWizard.tsx';
import { ServiceTokenDialog } from './ServiceTokenDialog.tsx';
import { when } from './dates.ts';
import './rotation.css';

const STEP_WORDS: Record<string, string> = {
  chosen: 'Key chosen',
  reviewed: 'Guardrails reviewed',
  rotating: 'Rotating',
  rotated: 'Rotated, secret not yet stored',
  acknowledged: 'Secret stored, not verified',
  verified: 'New key verified',
  grace: 'Watching the grace period',
};

function KeysPanel({ workspace, onRotate }: { workspace: string; onRotate(keyId: string): void }) {
  const { rotation: store } = useStores();
  const keys = useSelect(store, selectKeys);
  const error = useSelect(store, selectKeysError);
  useEffect(() => {
    void store.getState().loadKeys(workspace);
  }, [store, workspace]);
  const now = Date.now();
  return (
    <div className="panel" data-testid="keys-panel">
      {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissKeysError()} testId="keys-error" />}
      {!error && keys.length === 0 && <p className="muted">This workspace has no API keys.</p>}
      {keys.length > 0 && (
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
            {keys.map((k) => {
              const exp = when(k.expiresAt, now);
              const used = when(k.lastUsedAt, now);
              return (
                <tr key={k.id} data-testid="key-row" data-key-id={k.id}>
                  <td>
                    {k.name} <span className="mono muted" title={k.id}>{k.label}</span>
                  </td>
                  <td>{k.status}</td>
                  <td className="rot-date" title={exp?.title}>{exp?.text ?? 'never'}</td>
                  <td className="rot-date" title={used?.title}>{used?.text ?? 'never'}</td>
                  <td>
                    {k.status === 'active' && (
                      <WriteButton command="rotation.start" className="button" onClick={() => onRotate(k.id)} data-testid="key-rotate">
                        Rotate…
                      </WriteButton>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function RotationScreen() {
  const { rotation: store } = useStores();
  const workspaces = useSelect(store, selectCalendarWorkspaces);
  const wizards = useSelect(store, selectWizards);
  const error = useSelect(store, selectRotationError);
  const query = useRouteQuery();
  const [target, setTarget] = useState<WizardTarget | null>(null);
  const [ws, setWs] = useState('');
  const [focusClient, setFocusClient] = useState<string | null>(null);
  const [tokenOpen, setTokenOpen] = useState(false);
  const [reconsentOpen, setReconsentOpen] = useState(false);

  useEffect(() => {
    void store.getState().load();
    return store.getState().connect();
  }, [store]);
  // a deep link (from the calendar or another screen) chooses the workspace and opens the right tool
  useEffect(() => {
    const q = routeParams(`?${query}`);
    if (q.workspace) setWs(q.workspace);
    if (q.wizard) setTarget({ wizardId: q.wizard });
    else if (q.workspace && q.key) setTarget({ workspace: q.workspace, keyId: q.key });
    setFocusClient(q.client ?? null);
    if (q.client) document.getElementById('rot-clients')?.scrollIntoView({ block: 'start' });
    if (q.reconsent === '1' && q.workspace) setReconsentOpen(true);
  }, [query]);
  useEffect(() => {
    if (!ws && workspaces[0]) setWs(workspaces[0].id);
  }, [workspaces, ws]);

  return (
    <section className="screen" aria-labelledby="screen-title" data-testid="rotation-screen">
      <header className="screen-header">
        <h1 id="screen-title" tabIndex={-1}>
          Rotation
        </h1>
        <p className="screen-subtitle">Replace API keys, machine-client secrets and service tokens without breaking integrations; re-consent a workspace grant.</p>
      </header>
      {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissError()} testId="rotation-error" />}

      {wizards.length > 0 && (
        <div className="section">
          <h2 className="section-title">Rotations in progress ({wizards.length})</h2>
          <ul className="panel rot-progress" data-testid="wizards-in-progress">
            {wizards.map((w) => (
              <li key={w.id} data-testid="wizard-row" data-step={w.step}>
                <span className="rot-progress-what">
                  {w.keyName} <span className="mono muted">{w.oldKeyLabel}</span> · {w.workspaceName}
                </span>
                <span className="muted">{STEP_WORDS[w.step] ?? w.step}</span>
                <WriteButton command="rotation.advance" className="button" onClick={() => setTarget({ wizardId: w.id })} data-testid="wizard-resume">
                  Resume
                </WriteButton>
              </li>
            ))}
          </ul>
        </div>
      )}

      <div className="section">
        <div className="rot-filters">
          <label>
            Workspace
            <select className="input" value={ws} onChange={(e) => setWs(e.target.value)} data-testid="tools-workspace">
              {workspaces.length === 0 && <option value="">No connected workspace</option>}
              {workspaces.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name}
                </option>
              ))}
            </select>
          </label>
          <WriteButton command="serviceTokens.mint" className="button" disabled={!ws} title={!ws ? 'Connect a workspace first' : undefined} onClick={() => setTokenOpen(true)} data-testid="open-service-token">
            Mint service token…
          </WriteButton>
          <WriteButton command="workspaces.connect" className="button" disabled={!ws} title={!ws ? 'Connect a workspace first' : undefined} onClick={() => setReconsentOpen(true)} data-testid="open-reconsent">
            Re-consent grant…
          </WriteButton>
        </div>
        {ws && (
          <>
            <h2 className="section-title">API keys</h2>
            <KeysPanel key={`k-${ws}-${wizards.length}`} workspace={ws} onRotate={(keyId) => setTarget({ workspace: ws, keyId })} />
            <h2 className="section-title" id="rot-clients">
              Machine clients
            </h2>
            <ClientsPanel key={`c-${ws}`} workspace={ws} focusClientId={focusClient} />
            <ServiceTokenDialog workspace={ws} open={tokenOpen} onClose={() => setTokenOpen(false)} />
            <ReconsentDialog workspace={ws} open={reconsentOpen} onClose={() => setReconsentOpen(false)} />
          </>
        )}
      </div>

      <RotationWizard
        target={target}
        onClose={() => {
          setTarget(null);
          if (window.location.hash.includes('?')) window.location.hash = '/rotation';
          void store.getState().load();
        }}
      />
    </section>
  );
}
