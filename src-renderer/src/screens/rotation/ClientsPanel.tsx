// Machine clients of one workspace: create and rotate (the new secret shown once or piped to a delivery target), with
// grace, disable/enable, today's usage against the quota as a bar, and 30 days of usage as an SVG plot with a forecast
// of the days that would hit the quota.
import { useEffect, useState } from 'react';
import type { Usage } from '../../../../src-common/contract/index.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { selectClients, selectClientsBusy, selectClientsError, selectSelectedClient, selectUsage, selectUsageName, type IssuedSecret } from '../../stores/clients-store.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { WriteButton } from '../../components/WriteButton.tsx';
import { ClientSecretDialog } from './ClientSecretDialog.tsx';
import { DeliveryChoice } from './DeliveryChoice.tsx';

export function UsagePlot({ usage }: { usage: Usage }) {
  const W = 520;
  const H = 120;
  const all = [...usage.days.map((d) => d.requests), ...usage.forecast.perDay.map((d) => d.expected), usage.dailyQuota];
  const max = Math.max(1, ...all) * 1.1;
  const n = usage.days.length + usage.forecast.perDay.length;
  const step = (W - 30) / n;
  const y = (v: number) => H - (v / max) * (H - 4);
  const fcPoints = usage.forecast.perDay.map((d, i) => `${28 + (usage.days.length + i) * step + step / 2},${y(d.expected)}`).join(' ');
  return (
    <figure style={{ margin: 0 }}>
      <svg className="rot-chart" viewBox={`0 0 ${W} ${H + 16}`} role="img" aria-label={`Token requests per day for 30 days and a 14-day forecast; quota ${usage.dailyQuota}`} data-testid="usage-plot">
        <line className="axis" x1={26} y1={H} x2={W} y2={H} />
        <line className="quota" x1={26} y1={y(usage.dailyQuota)} x2={W} y2={y(usage.dailyQuota)} data-testid="usage-quota-line" />
        <text x={0} y={y(usage.dailyQuota) + 3}>{usage.dailyQuota.toLocaleString()}</text>
        {usage.days.map((d, i) => (
          <rect key={d.date} className="usage" x={28 + i * step} y={y(d.requests)} width={Math.max(1, step - 2)} height={H - y(d.requests)}>
            <title>{`${d.date}: ${d.requests}`}</title>
          </rect>
        ))}
        {fcPoints && <polyline className="forecast" points={fcPoints} data-testid="usage-forecast" />}
        <text x={28} y={H + 12}>{usage.days[0]?.date}</text>
        <text x={W - 60} y={H + 12}>{usage.forecast.perDay.at(-1)?.date}</text>
      </svg>
      <figcaption className="rot-legend">
        <span>
          <span className="rot-swatch new" />
          requests/day
        </span>
        <span>
          <span className="rot-swatch fc" />
          forecast ({usage.forecast.method})
        </span>
        <span>dashed red: daily quota</span>
      </figcaption>
    </figure>
  );
}

function QuotaBar({ usage }: { usage: Usage }) {
  const pct = Math.min(100, Math.round((usage.usedToday / Math.max(1, usage.dailyQuota)) * 100));
  return (
    <div>
      <div className="rot-bar" role="meter" aria-valuemin={0} aria-valuemax={usage.dailyQuota} aria-valuenow={usage.usedToday} aria-label="Token requests today" data-testid="quota-bar" data-level={usage.level}>
        <div className={usage.level} style={{ width: `${pct}%` }} />
      </div>
      <p className="muted">
        {usage.usedToday.toLocaleString()} of {usage.dailyQuota.toLocaleString()} token requests today ({usage.remainingToday.toLocaleString()} left)
      </p>
    </div>
  );
}

export function ClientsPanel({ workspace, focusClientId }: { workspace: string; focusClientId?: string | null }) {
  const { clients: store } = useStores();
  const clients = useSelect(store, selectClients);
  const selected = useSelect(store, selectSelectedClient);
  const usage = useSelect(store, selectUsage);
  const usageName = useSelect(store, selectUsageName);
  const error = useSelect(store, selectClientsError);
  const busy = useSelect(store, selectClientsBusy);
  // the secret shown once lives here, in this component's state, until "I have stored it" (never in a store)
  const [shown, setShown] = useState<IssuedSecret | null>(null);
  const [form, setForm] = useState({ name: '', scopes: 'contacts:read', quota: '1000', allow: '' });
  const [grace, setGrace] = useState('7');
  // where a new client secret goes (create and rotate): a delivery target's name, or null to show it once
  const [deliverTo, setDeliverTo] = useState<string | null>(null);
  const st = store.getState();

  useEffect(() => {
    void store.getState().open(workspace, focusClientId);
  }, [store, workspace, focusClientId]);
  const show = (secret: IssuedSecret | null) => {
    if (secret) setShown(secret);
  };

  return (
    <div className="panel" data-testid="clients-panel">
      {error && <ErrorBanner error={error} onDismiss={() => st.dismissError()} testId="clients-error" />}
      <table className="rot-table">
        <thead>
          <tr>
            <th>Client</th>
            <th>Status</th>
            <th>Quota/day</th>
            <th>Secret age</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {clients.map((c) => (
            <tr key={c.id} data-testid="client-row" data-client-id={c.id} aria-selected={selected === c.id}>
              <td>
                <button type="button" className="button" onClick={() => void st.select(c.id)} data-testid="client-select">
                  {c.name}
                </button>
                <div className="mono muted">{c.clientId}</div>
              </td>
              <td>{c.status}</td>
              <td>{c.dailyQuota?.toLocaleString() ?? '—'}</td>
              <td className={c.rotationDue ? 'rot-warn' : undefined}>
                {c.secretAgeDays ?? '?'} d{c.rotationDue ? ' — rotation due' : ''}
              </td>
              <td className="rot-row-actions">
                <WriteButton command="clients.rotate" className="button" disabled={busy} onClick={() => void st.rotate(c.id, grace, deliverTo).then(show)} data-testid="client-rotate">
                  Rotate
                </WriteButton>
                {c.status === 'disabled' ? (
                  <WriteButton command="clients.enable" className="button" disabled={busy} onClick={() => void st.enable(c.id)} data-testid="client-enable">
                    Enable
                  </WriteButton>
                ) : (
                  <WriteButton command="clients.disable" className="button button-danger-outline" disabled={busy} onClick={() => void st.disable(c.id)} data-testid="client-disable">
                    Disable
                  </WriteButton>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <label className="field-label">
        Grace for client-secret rotation (days){' '}
        <input className="input" type="number" min={0} max={30} value={grace} onChange={(e) => setGrace(e.target.value)} data-testid="client-grace" />
      </label>
      <DeliveryChoice value={deliverTo} onChange={setDeliverTo} testId="client-delivery" />
      {usage && (
        <div data-testid="client-usage">
          <h3 className="section-title">Usage of {usageName}</h3>
          <QuotaBar usage={usage} />
          {usage.warning && (
            <p className="rot-warn" data-testid="usage-warning">
              {usage.warning}
            </p>
          )}
          {usage.remedy && (
            <p className="banner-remedy" data-testid="usage-remedy">
              {usage.remedy}
            </p>
          )}
          <UsagePlot usage={usage} />
          <p data-testid="usage-forecast-days">{usage.forecast.daysOverQuota.length ? `Forecast reaches the quota on: ${usage.forecast.daysOverQuota.join(', ')}` : 'The forecast stays under the quota for the next 14 days.'}</p>
        </div>
      )}
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void st.create({ name: form.name, scopes: form.scopes.split(/[\s,]+/).filter(Boolean), dailyQuota: Number(form.quota), ipAllowlist: form.allow.split(/[\s,]+/).filter(Boolean) }, deliverTo).then(show);
        }}
      >
        <h3 className="section-title">New machine client</h3>
        <label className="field-label">
          Name <input className="input" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} data-testid="client-new-name" />
        </label>
        <label className="field-label">
          Scopes (comma-separated) <input className="input mono" value={form.scopes} onChange={(e) => setForm({ ...form, scopes: e.target.value })} data-testid="client-new-scopes" />
        </label>
        <label className="field-label">
          Daily token quota <input className="input" type="number" min={1} value={form.quota} onChange={(e) => setForm({ ...form, quota: e.target.value })} data-testid="client-new-quota" />
        </label>
        <label className="field-label">
          IP allowlist (comma-separated addresses or CIDR blocks; empty: any address){' '}
          <input className="input mono" value={form.allow} onChange={(e) => setForm({ ...form, allow: e.target.value })} data-testid="client-new-allowlist" />
        </label>
        <WriteButton command="clients.create" type="submit" className="button button-primary" disabled={busy} data-testid="client-create">
          Create client
        </WriteButton>
      </form>
      <ClientSecretDialog shown={shown} onClose={() => setShown(null)} />
    </div>
  );
}
