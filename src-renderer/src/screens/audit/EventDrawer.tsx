// The event drawer: one audit event with its chain check, names first, parameters as inert text.
// Event fields are hostile data: rendered as React text only (never HTML, never links).
import type { AuditState } from '../../stores/audit-store.ts';
import { exactTime, surfaceLabel, typeLabel } from './filter-words.ts';

type Detail = NonNullable<AuditState['detail']>;

export function EventDrawer({ detail, onClose }: { detail: Detail; onClose(): void }) {
  return (
    <aside className="audit-drawer" role="dialog" aria-modal="false" aria-labelledby="audit-drawer-title" data-testid="audit-drawer" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <header className="panel-row">
        <h2 id="audit-drawer-title">{`${detail.event.method ?? ''} ${detail.event.endpoint ?? 'Event'}`.trim()}</h2>
        <button type="button" className="button" onClick={() => onClose()} data-testid="audit-drawer-close" autoFocus>
          Close
        </button>
      </header>
      <p data-testid="audit-chain-status" className={detail.chain.hashValid && detail.chain.linkValid && !detail.chain.tampered ? 'chain-ok' : 'chain-bad'}>
        {detail.chain.tampered
          ? 'Tamper alarm recorded for this event: keep the cache as evidence and contact the platform.'
          : detail.chain.hashValid && detail.chain.linkValid
            ? `Chain verified: the event re-hashes to its recorded hash and links to event ${detail.event.seq - 1}${detail.chain.withinVerifiedHead ? ` (verified up to event ${detail.chain.verifiedHeadSeq})` : ''}.`
            : `Chain check failed: ${detail.chain.hashValid ? '' : 'the event does not re-hash to its recorded hash. '}${detail.chain.linkValid ? '' : 'It does not link to the event before it.'}`}
      </p>
      <dl>
        <dt>When</dt>
        <dd title={detail.event.occurredAt}>{exactTime(detail.event.occurredAt)}</dd>
        <dt>Workspace</dt>
        <dd>
          {detail.event.workspaceName ?? '—'} <span className="mono audit-sub">{detail.event.workspaceId}</span>
        </dd>
        <dt>Credential</dt>
        <dd>
          {detail.event.credentialName ?? '—'} <span className="audit-sub">{typeLabel(detail.event.credentialType)}</span> <span className="mono audit-sub">{detail.event.credentialId ?? ''}</span>
        </dd>
        <dt>Came through</dt>
        <dd data-testid="audit-drawer-surface">
          {surfaceLabel(detail.event.surface)}
          {detail.event.mcpTool && (
            <>
              {' '}
              <span className="mono">{detail.event.mcpTool}</span>
            </>
          )}
        </dd>
        <dt>Caller IP</dt>
        <dd className="mono">{detail.event.callerIp ?? '—'}</dd>
        <dt>Status</dt>
        <dd>{`${detail.event.status ?? '—'} in ${detail.event.durationMs ?? '—'} ms`}</dd>
        <dt>Personal data</dt>
        <dd>{detail.event.piiAccessed ? 'Accessed' : 'Not accessed'}</dd>
        <dt>Event</dt>
        <dd className="mono">{`${detail.event.eventId} · #${detail.event.seq}`}</dd>
        <dt>Previous hash</dt>
        <dd>
          <code>{detail.chain.prevHash}</code>
        </dd>
        <dt>Hash</dt>
        <dd>
          <code>{detail.chain.hash}</code>
        </dd>
      </dl>
      <h3>Parameters (as sent, shown as inert text)</h3>
      <pre data-testid="audit-drawer-params">{prettyJson(detail.event.paramsJson)}</pre>
    </aside>
  );
}

function prettyJson(s: string): string {
  try {
    return JSON.stringify(JSON.parse(s), null, 2);
  } catch {
    return s;
  }
}
