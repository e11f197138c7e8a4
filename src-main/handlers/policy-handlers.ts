import type { HandlerMap } from '../rpc/handlers.ts';
import type { Services } from '../services/services.ts';

type PolicyCommands = 'policy.check' | 'policy.violations' | 'policy.use' | 'policy.tags' | 'policy.tag';

export function policyHandlers(s: Services): HandlerMap<PolicyCommands> {
  return {
    'policy.check': (i, ctx) => s.policy.check(i, ctx),
    'policy.violations': () => s.policy.violations(),
    'policy.use': (i, ctx) => s.policy.use(i, ctx),
    'policy.tags': () => s.policy.tags(),
    'policy.tag': (i) => s.policy.tag(i),
  };
}
