// The alerts domain: current causes from the other domains' read models, one delivery per cause and channel until the
// cause changes, snoozes, the daily digest, the signed webhook (`grantdesk alerts run`) and the app's notifications
// (Electron: the Notifier port in main; serve mode: the browser tab asks `alerts.notify`).
import { randomBytes } from 'node:crypto';
import type { Alert } from '../../../src-common/contract/alerts.ts';
import type { Input, Output } from '../../../src-common/contract/index.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Db } from '../../ports/db.ts';
import type { EventBus } from '../../ports/events.ts';
import type { LimitedFetch } from '../../ports/http.ts';
import type { SecretStore } from '../../ports/secret-store.ts';
import { AppError } from '../../rpc/app-error.ts';
import { currentCauses, type AlertFacts, type Cause } from './causes.ts';
import { alertPayload, checkWebhookUrl, postSigned } from './webhook.ts';

/** Shows an OS notification (the Electron shell's adapter); absent in the CLI and serve mode. */
export type Notifier = (n: { title: string; body: string }) => void;

export interface AlertsPorts {
  db: Db;
  clock: Clock;
  bus: EventBus;
  secrets: SecretStore;
  fetch: LimitedFetch;
  /** facts without network (cache and read models) */
  facts: (withinDays: number) => Omit<AlertFacts, 'quotas' | 'nowMs' | 'withinDays'>;
  /** machine-client quota use today (network: one usage call per active machine client) */
  quotas: () => Promise<AlertFacts['quotas']>;
  sleep?: (ms: number) => Promise<void>;
  notifier?: Notifier;
}

const WEBHOOK_URL = 'grantdesk-alerts:webhook-url';
const WEBHOOK_SECRET = 'grantdesk-alerts:webhook-secret';
const DEFAULT_WITHIN_DAYS = 14;
const DIGEST_EVERY_MS = 20 * 3_600_000;

export function createAlertsService(p: AlertsPorts) {
  const st = {
    state: p.db.prepare<[], { id: string; first_seen_ms: number; snoozed_until_ms: number | null; snooze_fingerprint: string | null }>('SELECT id, first_seen_ms, snoozed_until_ms, snooze_fingerprint FROM alert_state'),
    seen: p.db.prepare('INSERT OR IGNORE INTO alert_state (id, first_seen_ms) VALUES (?, ?)'),
    snooze: p.db.prepare('UPDATE alert_state SET snoozed_until_ms = ?, snooze_fingerprint = ? WHERE id = ?'),
    forget: p.db.prepare('DELETE FROM alert_state WHERE id = ?'),
    forgetDeliveries: p.db.prepare('DELETE FROM alert_deliveries WHERE id = ?'),
    delivered: p.db.prepare<[string], { id: string; fingerprint: string }>('SELECT id, fingerprint FROM alert_deliveries WHERE channel = ?'),
    deliver: p.db.prepare("INSERT INTO alert_deliveries (id, channel, fingerprint, delivered_ms) VALUES (?, ?, ?, ?) ON CONFLICT(id, channel) DO UPDATE SET fingerprint = excluded.fingerprint, delivered_ms = excluded.delivered_ms"),
    meta: p.db.prepare<[string], { value: string }>('SELECT value FROM alert_meta WHERE key = ?'),
    setMeta: p.db.prepare('INSERT INTO alert_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    delMeta: p.db.prepare('DELETE FROM alert_meta WHERE key = ?'),
  };
  const sleep = p.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const meta = (k: string) => st.meta.get(k)?.value ?? null;
  const msIso = (v: string | null) => (v === null ? null : new Date(Number(v)).toISOString());
  const webhookStatus = () => ({ host: meta('webhook_host'), configured: meta('webhook_host') !== null });

  /** Current alerts with their first-seen time and snooze; causes that went away are forgotten (a return is news again). */
  function materialise(causes: Cause[]): { alert: Alert; fingerprint: string; snoozed: boolean }[] {
    const now = p.clock.now();
    const known = new Map(st.state.all().map((r) => [r.id, r]));
    const live = new Set(causes.map((c) => c.id));
    p.db.transaction(() => {
      for (const id of known.keys())
        if (!live.has(id)) {
          st.forget.run(id);
          st.forgetDeliveries.run(id);
        }
      for (const c of causes) st.seen.run(c.id, now);
    })();
    const rows = new Map(st.state.all().map((r) => [r.id, r]));
    return causes.map(({ fingerprint, ...c }) => {
      const r = rows.get(c.id)!;
      // a snooze holds while the cause is the one snoozed; a changed cause (a new expiry, more alarms) comes back
      const snoozed = r.snoozed_until_ms !== null && r.snoozed_until_ms > now && r.snooze_fingerprint === fingerprint;
      return { alert: { ...c, firstSeenAt: new Date(r.first_seen_ms).toISOString(), snoozedUntil: snoozed ? new Date(r.snoozed_until_ms!).toISOString() : null }, fingerprint, snoozed };
    });
  }

  // Quota use is read from the platform by `alerts run` only; the last reading of the same UTC day stands in for it
  // everywhere else, so a list or a notification check never forgets (and later re-sends) a quota alert.
  async function causes(withinDays: number, withQuotas: boolean): Promise<Cause[]> {
    const today = new Date(p.clock.now()).toISOString().slice(0, 10);
    let quotas: AlertFacts['quotas'] = [];
    if (withQuotas) {
      quotas = await p.quotas();
      st.setMeta.run('quotas', JSON.stringify({ day: today, quotas }));
    } else {
      const saved = meta('quotas');
      const parsed = saved ? (JSON.parse(saved) as { day: string; quotas: AlertFacts['quotas'] }) : null;
      quotas = parsed && parsed.day === today ? parsed.quotas : [];
    }
    return currentCauses({ ...p.facts(withinDays), quotas, nowMs: p.clock.now(), withinDays });
  }

  /** Alerts a channel has not delivered for their current cause (snoozed ones wait). */
  function due(items: ReturnType<typeof materialise>, channel: 'webhook' | 'os' | 'browser') {
    const done = new Map(st.delivered.all(channel).map((r) => [r.id, r.fingerprint]));
    return items.filter((i) => !i.snoozed && done.get(i.alert.id) !== i.fingerprint);
  }
  const markDelivered = (items: { alert: Alert; fingerprint: string }[], channel: 'webhook' | 'os' | 'browser') => {
    const now = p.clock.now();
    p.db.transaction(() => {
      for (const i of items) st.deliver.run(i.alert.id, channel, i.fingerprint, now);
    })();
  };

  return {
    async list(): Promise<Output<'alerts.list'>> {
      const items = materialise(await causes(DEFAULT_WITHIN_DAYS, false));
      return { alerts: items.map((i) => i.alert), webhook: webhookStatus(), withinDays: DEFAULT_WITHIN_DAYS, lastRunAt: msIso(meta('last_run_ms')), lastDigestAt: msIso(meta('last_digest_ms')) };
    },

    async run(i: Input<'alerts.run'>): Promise<Output<'alerts.run'>> {
      const items = materialise(await causes(i.withinDays ?? DEFAULT_WITHIN_DAYS, true));
      const pending = due(items, 'webhook');
      const snoozed = items.filter((x) => x.snoozed).length;
      const base = { alreadySent: items.length - pending.length - snoozed, snoozed, webhook: webhookStatus() };
      if (!base.webhook.configured) return { ...base, sent: [], digestSent: false, failed: [{ alertId: null, message: 'No alert webhook is set: run `grantdesk alerts webhook <https URL>` first.' }] };
      if (i.dryRun) return { ...base, sent: pending.map((x) => x.alert), digestSent: false, failed: [] };
      const [url, secret] = await Promise.all([p.secrets.get(WEBHOOK_URL), p.secrets.get(WEBHOOK_SECRET)]);
      if (!url || !secret) throw new AppError('keychain_unavailable', 'The alert webhook is set but its address or signing secret is missing from the keychain; set it again with `grantdesk alerts webhook <URL>`.');
      const deps = { fetch: p.fetch, now: () => p.clock.now(), sleep };
      const sent: Alert[] = [];
      const failed: { alertId: string | null; message: string }[] = [];
      for (const item of pending) {
        try {
          await postSigned(deps, url, secret, alertPayload([item.alert], false));
          markDelivered([item], 'webhook'); // recorded per alert: a crash mid-run re-sends at most the one in flight
          sent.push(item.alert);
        } catch (e) {
          failed.push({ alertId: item.alert.id, message: e instanceof AppError ? e.message : 'Alert delivery failed; it is retried on the next run.' });
        }
      }
      let digestSent = false;
      const lastDigest = Number(meta('last_digest_ms') ?? 0);
      const open = items.filter((x) => !x.snoozed).map((x) => x.alert);
      if (i.digest && open.length && p.clock.now() - lastDigest >= DIGEST_EVERY_MS) {
        try {
          await postSigned(deps, url, secret, alertPayload(open, true));
          st.setMeta.run('last_digest_ms', String(p.clock.now()));
          digestSent = true;
        } catch (e) {
          failed.push({ alertId: null, message: `Digest: ${e instanceof AppError ? e.message : 'delivery failed'}` });
        }
      }
      st.setMeta.run('last_run_ms', String(p.clock.now()));
      p.bus.emit('state.changed', { topic: 'alerts', workspaceId: null });
      return { ...base, sent, digestSent, failed };
    },

    async snooze(i: Input<'alerts.snooze'>): Promise<Output<'alerts.snooze'>> {
      const items = materialise(await causes(DEFAULT_WITHIN_DAYS, false));
      const item = items.find((x) => x.alert.id === i.id);
      if (!item) throw new AppError('not_found', 'That alert is no longer open (its cause went away); refresh the list.');
      const until = p.clock.now() + i.hours * 3_600_000;
      st.snooze.run(until, item.fingerprint, i.id);
      p.bus.emit('state.changed', { topic: 'alerts', workspaceId: item.alert.workspaceId });
      return { ...item.alert, snoozedUntil: new Date(until).toISOString() };
    },

    async webhook(i: Input<'alerts.webhook'>): Promise<Output<'alerts.webhook'>> {
      if (i.clear) {
        await p.secrets.delete(WEBHOOK_URL);
        await p.secrets.delete(WEBHOOK_SECRET);
        st.delMeta.run('webhook_host');
        return { webhook: webhookStatus(), signingSecret: null };
      }
      const u = checkWebhookUrl(i.url!);
      const secret = `whsec_${randomBytes(32).toString('base64url')}`;
      // keychain first: SQLite only ever learns the host (a Slack URL's path is its credential)
      await p.secrets.set(WEBHOOK_URL, u.href);
      await p.secrets.set(WEBHOOK_SECRET, secret);
      st.setMeta.run('webhook_host', u.host);
      return { webhook: webhookStatus(), signingSecret: secret };
    },

    /** The browser tab's notifications: what it has not shown yet, marked shown for every tab. */
    async notify(): Promise<Output<'alerts.notify'>> {
      const items = due(materialise(await causes(DEFAULT_WITHIN_DAYS, false)), 'browser');
      markDelivered(items, 'browser');
      return { alerts: items.map((x) => x.alert) };
    },

    /** The desktop app's background check: OS notifications for new causes (no network). */
    async tick(): Promise<number> {
      if (!p.notifier) return 0;
      const items = due(materialise(await causes(DEFAULT_WITHIN_DAYS, false)), 'os');
      for (const x of items) p.notifier({ title: x.alert.title, body: x.alert.detail });
      markDelivered(items, 'os');
      return items.length;
    },
  };
}
export type AlertsService = ReturnType<typeof createAlertsService>;
