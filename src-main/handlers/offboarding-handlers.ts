import type { HandlerMap } from '../rpc/handlers.ts';
import type { Services } from '../services/services.ts';

type OffboardCommand = 'offboard.preview' | 'offboard.run' | 'offboard.retry' | 'offboard.batch' | 'offboard.history';

export function offboardingHandlers(s: Services): HandlerMap<OffboardCommand> {
  return {
    'offboard.preview': (i) => s.offboarding.preview(i),
    'offboard.run': (i, ctx) => s.offboarding.run(i, ctx),
    'offboard.retry': (i, ctx) => s.offboarding.retry(i, ctx),
    'offboard.batch': (i) => s.offboarding.batch(i),
    'offboard.history': (i) => s.offboarding.history(i),
  };
}
