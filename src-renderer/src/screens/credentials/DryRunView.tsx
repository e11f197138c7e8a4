// What a guardrails dry run found: the totals in one sentence, a row per credential (this key and the keys it was
// rotated from) with its refusals per reason, and the refused calls the dry run kept (at most 50 per credential; the
// totals are exact). Words, not codes: "IP allowlist (401)" rather than ip.
import type { GuardrailsDryRun, RefusalReason } from '../../../../src-common/contract/index.ts';
import { NoticeBanner } from '../../components/ErrorBanner.tsx';

const REASON: Record<RefusalReason, string> = { scope: 'Scope (403)', ip: 'IP allowlist (401)', rate: 'Rate limit (429)' };
const n = (x: number) => x.toLocaleString();
const plural = (x: number, one: string, many = `${one}s`) => `${n(x)} ${x === 1 ? one : many}`;
const TIME = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function DryRunView({ d }: { d: GuardrailsDryRun }) {
  const t = d.totals;
  const BY: Record<RefusalReason, string> = { scope: 'by a missing scope', ip: 'by the IP allowlist', rate: 'by the rate limit' };
  const parts = (['scope', 'ip', 'rate'] as const).filter((r) => t.refused[r] > 0).map((r) => `${n(t.refused[r])} ${BY[r]}`);
  const calls = d.credentials.flatMap((c) => c.refusedCalls.map((r) => ({ ...r, credentialName: c.credentialName, relation: c.relation })));
  return (
    <section className="gr-result" aria-label="Dry run" data-testid="guardrails-dry-run">
      {d.warnings.map((w) => (
        <NoticeBanner key={w} tone="warning" title="Partly judged" detail={w} testId="guardrails-warning" />
      ))}
      <p className="gr-summary" data-testid="guardrails-summary">
        {t.refused.total === 0
          ? `None of the ${plural(t.calls, 'cached call')} of the last ${plural(d.sinceDays, 'day')} would have been refused.`
          : `${n(t.refused.total)} of ${plural(t.calls, 'cached call')} of the last ${plural(d.sinceDays, 'day')} would have been refused: ${parts.join(', ')}. ${n(t.newlyRefused)} of them succeeded at the time.`}
      </p>
      <table className="rot-table gr-counts" data-testid="guardrails-counts">
        <thead>
          <tr>
            <th scope="col">Credential</th>
            <th scope="col">Calls</th>
            <th scope="col">{REASON.scope}</th>
            <th scope="col">{REASON.ip}</th>
            <th scope="col">{REASON.rate}</th>
          </tr>
        </thead>
        <tbody>
          {d.credentials.map((c) => (
            <tr key={c.credentialId} data-testid="guardrails-count-row" data-credential={c.credentialId}>
              <td>
                {c.credentialName}
                <span className="muted"> · {c.relation === 'this' ? 'this credential' : 'rotated from it'}</span>
              </td>
              <td data-testid="count-calls">{n(c.calls)}</td>
              <td data-testid="count-scope">{n(c.refused.scope)}</td>
              <td data-testid="count-ip">{n(c.refused.ip)}</td>
              <td data-testid="count-rate">{n(c.refused.rate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {calls.length > 0 && (
        <>
          <p className="field-label">
            Calls that would have been refused{calls.length < t.refused.total ? ` (the first ${n(calls.length)} of ${n(t.refused.total)}; newest first)` : ''}
          </p>
          <div className="gr-calls">
            <table className="rot-table" data-testid="guardrails-calls">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Call</th>
                  <th scope="col">Caller</th>
                  <th scope="col">Refused by</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {calls.map((r) => (
                  <tr key={`${r.seq}:${r.eventId}`} data-testid="guardrails-call" data-reason={r.reason}>
                    <td className="rot-date" title={r.at}>
                      {TIME.format(Date.parse(r.at))}
                    </td>
                    <td>
                      <span className="mono">
                        {r.method} {r.endpoint}
                      </span>
                      {r.relation !== 'this' && <span className="muted"> · {r.credentialName} (rotated from)</span>}
                    </td>
                    <td className="mono">{r.callerIp ?? '—'}</td>
                    <td>
                      {REASON[r.reason]}
                      {!r.newlyRefused && <span className="muted"> · refused then too</span>}
                    </td>
                    <td>{r.why}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
