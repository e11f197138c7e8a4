// Who called, for the filters in force: the events by credential (name, type, workspace, calls, first/last seen) and by
// caller IP. Every row narrows the explorer to it on click. Counts sum to the exact count above (the busiest 50 shown).
import { useState } from 'react';
import type { AuditSummary } from '../../../../src-common/contract/index.ts';
import { dayText, exactTime, typeLabel } from './filter-words.ts';

const FIRST = 5;

export function Summary({ summary, onCredential, onIp, activeCredential, activeIp }: { summary: AuditSummary; onCredential(id: string | null, workspaceId: string): void; onIp(ip: string | null): void; activeCredential?: string; activeIp?: string }) {
  const [allCreds, setAllCreds] = useState(false);
  const [allIps, setAllIps] = useState(false);
  const creds = allCreds ? summary.byCredential : summary.byCredential.slice(0, FIRST);
  const ips = allIps ? summary.byCallerIp : summary.byCallerIp.slice(0, FIRST);
  const credsMore = summary.credentialsTotal - summary.byCredential.length;
  const ipsMore = summary.ipsTotal - summary.byCallerIp.length;
  return (
    <div className="audit-summary" data-testid="audit-summary">
      <section className="panel audit-summary-part" aria-labelledby="audit-by-credential">
        <h2 id="audit-by-credential" className="audit-summary-title">
          {`By credential · ${summary.credentialsTotal.toLocaleString()}`}
        </h2>
        {summary.namedCredentials === 0 && <p className="muted audit-summary-note">Credential names appear after the credentials are synced (Sync now).</p>}
        <div className="audit-summary-table" role="table" aria-label="Events by credential">
          <div className="audit-summary-head audit-summary-cred" role="row">
            <span role="columnheader">Credential</span>
            <span role="columnheader">Workspace</span>
            <span role="columnheader" className="num">
              Calls
            </span>
            <span role="columnheader">First seen</span>
            <span role="columnheader">Last seen</span>
          </div>
          {creds.map((c) => (
            <button
              type="button"
              key={`${c.workspaceId}/${c.credentialId}`}
              className="audit-summary-row audit-summary-cred"
              role="row"
              aria-pressed={activeCredential !== undefined && activeCredential === c.credentialId}
              onClick={() => onCredential(c.credentialId, c.workspaceId)}
              title={`Show only the events of ${c.credentialName ?? c.credentialId ?? 'this credential'}`}
              data-testid="audit-summary-credential"
              data-credential-id={c.credentialId ?? ''}
              data-calls={c.calls}
            >
              <span role="cell" className="audit-name-cell" title={`${c.credentialName ?? ''} · ${typeLabel(c.credentialType)} · ${c.credentialId ?? 'no credential'}`}>
                <span className={c.credentialName ? 'audit-name' : 'audit-name mono'} data-testid="audit-summary-credential-name">
                  {c.credentialName ?? c.credentialId ?? 'No credential'}
                </span>
                <span className="audit-sub">{typeLabel(c.credentialType)}</span>
              </span>
              <span role="cell" className="audit-ellipsis" title={c.workspaceId}>
                {c.workspaceName ?? c.workspaceId}
              </span>
              <span role="cell" className="num" data-testid="audit-summary-credential-calls">
                {c.calls.toLocaleString()}
              </span>
              <span role="cell" title={exactTime(c.firstAt)}>
                {dayText(c.firstAt)}
              </span>
              <span role="cell" title={exactTime(c.lastAt)}>
                {dayText(c.lastAt)}
              </span>
            </button>
          ))}
        </div>
        <p className="audit-summary-foot muted">
          {summary.byCredential.length > FIRST && (
            <button type="button" className="link-button" onClick={() => setAllCreds(!allCreds)} data-testid="audit-summary-credentials-all">
              {allCreds ? 'Show fewer' : `Show ${credsMore > 0 ? 'top' : 'all'} ${summary.byCredential.length.toLocaleString()}`}
            </button>
          )}
          {credsMore > 0 && ` · ${credsMore.toLocaleString()} quieter credentials not listed`}
        </p>
      </section>
      <section className="panel audit-summary-part" aria-labelledby="audit-by-ip">
        <h2 id="audit-by-ip" className="audit-summary-title">
          {`By caller IP · ${summary.ipsTotal.toLocaleString()}`}
        </h2>
        <div className="audit-summary-table" role="table" aria-label="Events by caller IP">
          <div className="audit-summary-head audit-summary-ip" role="row">
            <span role="columnheader">Caller IP</span>
            <span role="columnheader" className="num">
              Calls
            </span>
            <span role="columnheader">First seen</span>
            <span role="columnheader">Last seen</span>
          </div>
          {ips.map((r) => (
            <button
              type="button"
              key={r.ip ?? '-'}
              className="audit-summary-row audit-summary-ip"
              role="row"
              aria-pressed={activeIp !== undefined && activeIp === r.ip}
              onClick={() => onIp(r.ip)}
              disabled={r.ip === null}
              title={r.ip === null ? 'These events carry no caller IP' : `Show only the calls from ${r.ip}`}
              data-testid="audit-summary-ip"
            >
              <span role="cell" className="mono audit-ellipsis">
                {r.ip ?? 'No IP recorded'}
              </span>
              <span role="cell" className="num">
                {r.calls.toLocaleString()}
              </span>
              <span role="cell" title={exactTime(r.firstAt)}>
                {dayText(r.firstAt)}
              </span>
              <span role="cell" title={exactTime(r.lastAt)}>
                {dayText(r.lastAt)}
              </span>
            </button>
          ))}
        </div>
        <p className="audit-summary-foot muted">
          {summary.byCallerIp.length > FIRST && (
            <button type="button" className="link-button" onClick={() => setAllIps(!allIps)}>
              {allIps ? 'Show fewer' : `Show ${ipsMore > 0 ? 'top' : 'all'} ${summary.byCallerIp.length.toLocaleString()}`}
            </button>
          )}
          {ipsMore > 0 && ` · ${ipsMore.toLocaleString()} quieter IPs not listed`}
        </p>
      </section>
    </div>
  );
}
