// Keychain health for Settings: which backend holds the grants, whether it works, and what to do when it does not.
// Session-only mode is shown as a persistent warning: grants vanish when Grantdesk quits.
import type { KeychainStatus } from '../../../../src-common/contract/index.ts';
import '../workspaces/workspaces.css';

export function KeychainPanel({ keychain, onRecheck }: { keychain: KeychainStatus | null; onRecheck?: () => void }) {
  if (!keychain) return <div className="panel" aria-busy="true"><p className="muted">Checking the keychain…</p></div>;
  const tone = keychain.state === 'ok' ? 'ok' : keychain.state === 'session-only' ? 'warning' : 'error';
  const label = { ok: 'Working', locked: 'Locked', unavailable: 'Unavailable', 'session-only': 'Session-only (memory)' }[keychain.state];
  return (
    <div className="panel" data-testid="keychain-panel" data-state={keychain.state}>
      <dl className="kv">
        <div className="kv-row">
          <dt>Grant storage</dt>
          <dd data-testid="keychain-backend">{keychain.backend === 'keytar' ? 'OS keychain (service "grantdesk")' : keychain.backend === 'memory-session' ? 'Memory only (this session)' : 'None'}</dd>
        </div>
        <div className="kv-row">
          <dt>State</dt>
          <dd>
            <span className={`badge badge-${tone}`} data-testid="keychain-state">{label}</span>
          </dd>
        </div>
        <div className="kv-row">
          <dt>Detail</dt>
          <dd>{keychain.detail}</dd>
        </div>
        {keychain.remedy && (
          <div className="kv-row">
            <dt>What to do</dt>
            <dd data-testid="keychain-remedy">{keychain.remedy}</dd>
          </div>
        )}
      </dl>
      {keychain.state === 'session-only' && <p className="field-hint">Grantdesk never writes tokens to disk: without a keychain they live in memory and you reconnect after a restart.</p>}
      {onRecheck && (
        <div className="panel-actions">
          <button type="button" className="button" onClick={onRecheck} data-testid="keychain-recheck">Check again</button>
        </div>
      )}
    </div>
  );
}
