// Alerts: the open alerts (credentials, grants and reviews ending soon, re-consent, tamper or gaps, quota, policy), snooze,
// and — in a browser tab only — notifications through the Notifications API once the person allows them. The desktop
// app shows OS notifications from main (the window's own Notification permission stays denied).
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { GrantdeskApi } from '../../../src-common/contract/api.ts';
import type { Alert, AppErrorData, Output } from '../../../src-common/contract/index.ts';

/** What the browser offers: absent in Electron (main notifies) and where the Notifications API does not exist. */
export interface BrowserNotifications {
  permission(): 'default' | 'granted' | 'denied';
  request(): Promise<'default' | 'granted' | 'denied'>;
  show(title: string, body: string): void;
}

export interface AlertsState {
  loaded: boolean;
  alerts: Alert[];
  webhook: Output<'alerts.list'>['webhook'] | null;
  withinDays: number;
  lastRunAt: string | null;
  /** browser tab: 'unsupported' in Electron or without the API */
  notifications: 'unsupported' | 'default' | 'granted' | 'denied';
  error: AppErrorData | null;
  load(): Promise<void>;
  snooze(id: string, hours: number): Promise<void>;
  enableNotifications(): Promise<void>;
  /** asks main for alerts this browser has not shown yet and shows them (no-op unless granted) */
  notifyNew(): Promise<number>;
  dismissError(): void;
  connect(): () => void;
}
export type AlertsStore = StoreApi<AlertsState>;

export function createAlertsStore(api: GrantdeskApi, browser: BrowserNotifications | null): AlertsStore {
  return createStore<AlertsState>()((set, get) => ({
    loaded: false,
    alerts: [],
    webhook: null,
    withinDays: 14,
    lastRunAt: null,
    notifications: browser ? browser.permission() : 'unsupported',
    error: null,
    async load() {
      const r = await api.alertsList({});
      if (r.ok) set({ alerts: r.value.alerts, webhook: r.value.webhook, withinDays: r.value.withinDays, lastRunAt: r.value.lastRunAt, loaded: true });
      else set({ error: r.error, loaded: true });
    },
    async snooze(id, hours) {
      const r = await api.alertsSnooze({ id, hours });
      if (!r.ok) set({ error: r.error });
      await get().load();
    },
    async enableNotifications() {
      if (!browser) return;
      set({ notifications: await browser.request() });
      await get().notifyNew();
    },
    async notifyNew() {
      if (!browser || get().notifications !== 'granted') return 0;
      const r = await api.alertsNotify({});
      if (!r.ok) {
        // review mode or a main error: say it once, never loop
        if (r.error.code !== 'review_mode_read_only') set({ error: r.error });
        return 0;
      }
      for (const a of r.value.alerts) browser.show(a.title, a.detail);
      return r.value.alerts.length;
    },
    dismissError() {
      set({ error: null });
    },
    connect() {
      const off = api.onStateChanged((p) => {
        if (['alerts', 'inventory', 'audit', 'workspaces', 'review', 'policy'].includes(p.topic)) {
          void get().load();
          void get().notifyNew();
        }
      });
      // causes that only time creates (an expiry coming within the window): look again every 10 minutes
      const timer = setInterval(() => void get().notifyNew(), 10 * 60_000);
      return () => {
        off();
        clearInterval(timer);
      };
    },
  }));
}

/** The browser tab's Notifications API; null in Electron (window.grantdesk exists) or where it is missing. */
export function browserNotifications(): BrowserNotifications | null {
  // through globalThis: this store is also type-checked (and tested) in plain Node, without the DOM's types
  type Perm = 'default' | 'granted' | 'denied';
  const g = globalThis as unknown as { window?: object; Notification?: { permission: Perm; requestPermission(): Promise<Perm>; new (title: string, o: { body: string; tag: string }): unknown } };
  const N = g.Notification;
  if (!g.window || 'grantdesk' in g.window || !N) return null;
  return {
    permission: () => N.permission,
    request: () => N.requestPermission(),
    show: (title, body) => void new N(title, { body, tag: title }),
  };
}

export const selectAlerts = (s: AlertsState) => s.alerts;
export const selectAlertsLoaded = (s: AlertsState) => s.loaded;
export const selectAlertsWebhook = (s: AlertsState) => s.webhook;
export const selectAlertsWithinDays = (s: AlertsState) => s.withinDays;
export const selectAlertsLastRun = (s: AlertsState) => s.lastRunAt;
export const selectAlertsNotifications = (s: AlertsState) => s.notifications;
export const selectAlertsError = (s: AlertsState) => s.error;
