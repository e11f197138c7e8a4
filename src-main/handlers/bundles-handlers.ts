// Bundles domain: contract command → service call. Thin on purpose.
import type { HandlerMap } from '../rpc/handlers.ts';
import type { Services } from '../services/services.ts';

type BundlesCommand = 'bundles.list' | 'bundles.create' | 'bundles.edit' | 'bundles.delete' | 'bundles.push';

export function bundlesHandlers(s: Services): HandlerMap<BundlesCommand> {
  const b = s.bundles;
  return {
    'bundles.list': (i) => b.list(i),
    'bundles.create': (i) => b.create(i),
    'bundles.edit': (i) => b.edit(i),
    'bundles.delete': (i) => b.remove(i),
    'bundles.push': (i) => b.push(i),
  };
}
