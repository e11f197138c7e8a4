import type { Health } from '../../src-common/contract/index.ts';
import type { SecretStore } from '../ports/secret-store.ts';
import type { Transport } from '../rpc/handlers.ts';

export interface HealthService {
  health(transport: Transport): Promise<Health>;
  setOnline(online: boolean): void;
}

export function createHealthService(deps: { version: string; dataDir: string; secretStore: SecretStore; isReadOnly: () => boolean }): HealthService {
  // Online means: the last platform call reached a server (set by the HTTP layer); optimistic until one fails.
  let online = true;
  return {
    async health(transport) {
      return {
        version: deps.version,
        dataDir: deps.dataDir,
        keychain: await deps.secretStore.status(),
        online,
        reviewMode: deps.isReadOnly(),
        transport,
      };
    },
    setOnline(v) {
      online = v;
    },
  };
}
