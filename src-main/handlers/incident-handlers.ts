import type { HandlerMap } from '../rpc/handlers.ts';
import type { Services } from '../services/services.ts';

type IncidentCommands = 'incident.identify' | 'incident.list' | 'incident.activity' | 'incident.containPreview' | 'incident.revoke' | 'incident.rotate' | 'incident.pack';

export function incidentHandlers(s: Services): HandlerMap<IncidentCommands> {
  return {
    'incident.identify': (i, ctx) => s.incident.identify(i, ctx.capabilities),
    'incident.list': () => s.incident.list(),
    'incident.activity': (i) => s.incident.activity(i),
    'incident.containPreview': (i) => s.incident.containPreview(i),
    'incident.revoke': (i, ctx) => s.incident.revoke(i, ctx),
    'incident.rotate': (i, ctx) => s.incident.rotate(i, ctx),
    'incident.pack': (i, ctx) => s.incident.pack(i, ctx.capabilities),
  };
}
