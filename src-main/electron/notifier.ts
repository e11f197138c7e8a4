// Alerts as OS notifications in the desktop app: Electron's main-process Notification (the renderer's Notification
// permission stays denied; the window never needs it). Titles and bodies are the alerts' own sentences, truncated to what
// notification centres show, with control characters removed (a credential name is platform data).
import type * as Electron from 'electron';
import type { Notifier } from '../services/alerts/index.ts';

const clean = (s: string, max: number) => {
  const t = s.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

export function createElectronNotifier(N: Pick<typeof Electron.Notification, 'isSupported'> & (new (o: Electron.NotificationConstructorOptions) => { show(): void })): Notifier | undefined {
  if (!N.isSupported()) return undefined;
  return (n) => new N({ title: clean(n.title, 120), body: clean(n.body, 240), silent: false }).show();
}
