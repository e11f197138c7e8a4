import type { HandlerMap } from '../rpc/handlers.ts';
import type { Services } from '../services/services.ts';

type InventoryCommand =
  | 'inventory.sync'
  | 'inventory.credentials'
  | 'inventory.matrix'
  | 'inventory.matrixCsv'
  | 'inventory.credential'
  | 'inventory.markReviewed'
  | 'inventory.setBaseline'
  | 'inventory.revokePreview'
  | 'inventory.revoke'
  | 'inventory.revocations'
  | 'inventory.revocation';

export function inventoryHandlers(s: Services): HandlerMap<InventoryCommand> {
  return {
    'inventory.sync': (i) => s.inventory.sync(i),
    'inventory.credentials': (i) => s.inventory.credentials(i),
    'inventory.matrix': (i) => s.inventory.matrix(i),
    'inventory.matrixCsv': (i) => s.inventory.matrixCsv(i),
    'inventory.credential': (i) => s.inventory.credential(i),
    'inventory.markReviewed': (i) => s.inventory.markReviewed(i),
    'inventory.setBaseline': (i) => s.inventory.setBaseline(i),
    'inventory.revokePreview': (i) => s.inventory.revokePreview(i),
    'inventory.revoke': (i, ctx) => s.inventory.revoke(i, ctx),
    'inventory.revocations': (i) => s.inventory.revocations(i),
    'inventory.revocation': (i) => s.inventory.revocation(i),
  };
}
