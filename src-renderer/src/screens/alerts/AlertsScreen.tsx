// Alerts: what needs someone before it becomes an outage — credentials, grace periods and reviews ending soon, grants
// needing re-consent, audit tamper or gaps, machine clients near their daily quota, policy violations. Each links to the
// screen that fixes it and can be snoozed. The webhook (Slack-compatible, signed) is set from a terminal and sent by
// `grantdesk alerts run` (cron); the desktop app shows OS notifications, a browser tab shows notifications once allowed.
import { useEffect } from 'react';
import type { Alert } from '../../../../src-common/contract/index.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { WriteButton } from '../../components/WriteButton.tsx';
import { selectAlerts, selectAlertsError, selectAlertsLastRun, selectAlertsLoaded, selectAlertsNotifications, selectAlertsWebhook, selectAlertsWithinDays } from '../../stores/alerts-store.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';
import '../policy/policy.css';

const SCREEN_HREF: Record<Alert['screen'], string> = {
  credentials: '#/credentials',
  rotation: '#/rotation',
  audit: '#/audit',
  reviews: '#/reviews',
  workspaces: '#/workspaces',
  clients: '#/rotation',
  matrix: '#/scope-matrix',
};
const SCREEN_WORDS: Record<Alert['screen'], string> = { credentials: 'Open Credentials', rotation: 'Open Rotation', audit: 'Open the audit explorer', reviews: 'Open Reviews', workspaces: 'Open Workspaces', clients: 'Open machine clients', matrix: 'Open the scope matrix' };

function AlertRow({ a }: { a: Alert }) {
  const { alerts: store } = useStores();
  return (
    <div className="policy-row" data-testid="alert-row" data-kind={a.kind} data-severity={a.severity} data-snoozed={a.snoozedUntil ? 'yes' : 'no'}>
      <div className="policy-what">
        <strong className={a.severity === 'critical' ? 'text-danger' : undefined}>{a.severity === 'critical' ? 'Urgent: ' : ''}{a.title}</strong>
        <div className="policy-message">{a.detail}</div>
        <div className="muted policy-rule">
          {a.workspaceName} · first seen {new Date(a.firstSeenAt).toLocaleString()}
          {a.snoozedUntil ? ` · snoozed until ${new Date(a.snoozedUntil).toLocaleString()}` : ''}
        </div>
      </div>
      <div className="policy-fix">
        <a className="button" href={SCREEN_HREF[a.screen]}>
          {SCREEN_WORDS[a.screen]}
        </a>
        {!a.snoozedUntil && (
          <WriteButton command="alerts.snooze" className="link-button" onClick={() => void store.getState().snooze(a.id, 24)} data-testid="alert-snooze">
            Snooze for a day
          </WriteButton>
        )}
      </div>
    </div>
  );
}

export function AlertsScreen() {
  const { alerts: store } = useStores();
  const loaded = useSelect(store, selectAlertsLoaded);
  const alerts = useSelect(store, selectAlerts);
  const webhook = useSelect(store, selectAlertsWebhook);
  const withinDays = useSelect(store, selectAlertsWithinDays);
  const lastRun = useSelect(store, selectAlertsLastRun);
  const notifications = useSelect(store, selectAlertsNotifications);
  const error = useSelect(store, selectAlertsError);

  // the app frame keeps the store connected (notifications on every screen); this screen only reads it fresh
  useEffect(() => {
    void store.getState().load();
  }, [store]);

  const urgent = alerts.filter((a) => a.severity === 'critical' && !a.snoozedUntil).length;
  const open = alerts.filter((a) => !a.snoozedUntil);
  const snoozed = alerts.filter((a) => a.snoozedUntil);

  return (
    <section className="screen" aria-labelledby="screen-title" data-testid="alerts-screen">
      <header className="screen-header">
        <h1 id="screen-title" tabIndex={-1}>
          Alerts
        </h1>
        <p className="screen-subtitle" data-testid="alerts-summary">
          {loaded ? `${open.length.toLocaleString()} open (${urgent} urgent) · ${snoozed.length} snoozed · things ending within ${withinDays} days count` : 'Reading the caches…'}
        </p>
      </header>
      {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissError()} testId="alerts-error" />}
      <div className="panel" data-testid="alerts-delivery">
        <p>
          {webhook?.configured ? (
            <>
              Alerts go to the webhook at <span className="mono">{webhook.host}</span>
              {lastRun ? `; last sent ${new Date(lastRun).toLocaleString()}` : '; nothing sent yet'} — schedule <code>grantdesk alerts run --digest</code> (e.g. hourly in cron).
            </>
          ) : (
            <>
              No webhook is set. From a terminal: <code>grantdesk alerts webhook https://hooks.slack.com/services/…</code> (prints the signing secret once), then schedule{' '}
              <code>grantdesk alerts run --digest</code>.
            </>
          )}
        </p>
        {notifications === 'unsupported' ? null : notifications === 'granted' ? (
          <p className="muted" data-testid="alerts-notifications">Browser notifications are on for this tab.</p>
        ) : notifications === 'denied' ? (
          <p className="muted" data-testid="alerts-notifications">This browser blocks notifications from this page; allow them in the site settings to get alerts here.</p>
        ) : (
          <button type="button" onClick={() => void store.getState().enableNotifications()} data-testid="alerts-enable-notifications">
            Show alerts as browser notifications
          </button>
        )}
      </div>
      {loaded && alerts.length === 0 && <p data-testid="alerts-none">Nothing needs attention: no credential, grant or review ends within {withinDays} days and no check failed.</p>}
      {open.length > 0 && (
        <div className="policy-scroll" data-testid="alerts-open" data-count={open.length}>
          {open.map((a) => (
            <AlertRow key={a.id} a={a} />
          ))}
        </div>
      )}
      {snoozed.length > 0 && (
        <details data-testid="alerts-snoozed">
          <summary>{snoozed.length} snoozed</summary>
          {snoozed.map((a) => (
            <AlertRow key={a.id} a={a} />
          ))}
        </details>
      )}
    </section>
  );
}
