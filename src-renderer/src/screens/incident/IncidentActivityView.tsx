// What the leaked credential did: the summary sentence, first and last seen, its caller IPs (unusual ones say why) and
// endpoints since the chosen moment (default: its last rotation), from the audit cache identify brought up to date.
import { useEffect, useState } from 'react';
import type { IncidentActivity } from '../../../../src-common/contract/index.ts';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');
/** a datetime-local value (minutes, local time) for an instant */
const localInput = (iso: string) => {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

export function IncidentActivityView({ activity, onSince }: { activity: IncidentActivity; onSince(sinceIso: string): void }) {
  const [since, setSince] = useState(localInput(activity.since));
  useEffect(() => setSince(localInput(activity.since)), [activity.since]);
  return (
    <div className="panel incident-activity" data-testid="incident-activity" data-calls={activity.calls} data-unusual={activity.unusualIps}>
      <h2>What it did</h2>
      <form
        className="incident-since"
        onSubmit={(e) => {
          e.preventDefault();
          const ms = Date.parse(since);
          if (Number.isFinite(ms)) onSince(new Date(ms).toISOString());
        }}
      >
        <label className="field-label" htmlFor="incident-since">
          Since
        </label>
        <input id="incident-since" className="input" type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} data-testid="incident-since" />
        <button type="submit" disabled={!Number.isFinite(Date.parse(since))} title={Number.isFinite(Date.parse(since)) ? undefined : 'Pick a date and time first'} data-testid="incident-since-apply">
          Show since then
        </button>
      </form>
      <p data-testid="incident-activity-sentence">{activity.sentence}</p>
      <p className="muted">
        First seen {when(activity.firstSeen)} · last seen {when(activity.lastSeen)} · {activity.calls.toLocaleString()} calls, {activity.piiCalls.toLocaleString()} reading personal data,{' '}
        {activity.errors.toLocaleString()} failed
      </p>
      <h3>
        Callers ({activity.callersTotal.toLocaleString()} IP{activity.callersTotal === 1 ? '' : 's'}
        {activity.callersTotal > activity.callers.length ? `, the busiest ${activity.callers.length} shown` : ''})
      </h3>
      {activity.callers.length === 0 ? (
        <p className="muted">No calls in this window.</p>
      ) : (
        <div className="table-scroll">
          <table className="table" data-testid="incident-callers">
            <thead>
              <tr>
                <th scope="col">Caller IP</th>
                <th scope="col">Calls</th>
                <th scope="col">First call</th>
                <th scope="col">Last call</th>
                <th scope="col">Unusual</th>
              </tr>
            </thead>
            <tbody>
              {activity.callers.map((c) => (
                <tr key={c.ip} data-testid="incident-caller" data-ip={c.ip} data-unusual={c.unusual ? 'yes' : 'no'}>
                  <td className="mono">{c.ip}</td>
                  <td>{c.calls.toLocaleString()}</td>
                  <td>{when(c.firstAt)}</td>
                  <td>{when(c.lastAt)}</td>
                  <td className={c.unusual ? 'text-danger' : 'muted'}>{c.unusual ? `Yes: ${c.why ?? ''}` : 'No'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3 data-testid="incident-endpoints-heading">
        {activity.endpointsCapped ? `Endpoints (the busiest ${activity.endpoints.length.toLocaleString()}; the audit explorer lists every one)` : `Endpoints (${activity.endpoints.length.toLocaleString()})`}
      </h3>
      {activity.endpoints.length === 0 ? (
        <p className="muted">No calls in this window.</p>
      ) : (
        <div className="table-scroll">
          <table className="table" data-testid="incident-endpoints">
            <thead>
              <tr>
                <th scope="col">Method</th>
                <th scope="col">Endpoint</th>
                <th scope="col">Calls</th>
                <th scope="col">Last call</th>
              </tr>
            </thead>
            <tbody>
              {activity.endpoints.map((e) => (
                <tr key={`${e.method} ${e.endpoint}`}>
                  <td className="mono">{e.method}</td>
                  <td className="mono">{e.endpoint}</td>
                  <td>{e.calls.toLocaleString()}</td>
                  <td>{when(e.lastAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
