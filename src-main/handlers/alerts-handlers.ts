import type { HandlerMap } from '../rpc/handlers.ts';
import type { Services } from '../services/services.ts';

type AlertsCommands = 'alerts.list' | 'alerts.run' | 'alerts.snooze' | 'alerts.webhook' | 'alerts.notify';

export function alertsHandlers(s: Services): HandlerMap<AlertsCommands> {
  return {
    'alerts.list': () => s.alerts.list(),
    'alerts.run': (i) => s.alerts.run(i),
    'alerts.snooze': (i) => s.alerts.snooze(i),
    'alerts.webhook': (i) => s.alerts.webhook(i),
    'alerts.notify': () => s.alerts.notify(),
  };
}
