// Composition root: ports in, services + handlers + dispatcher out. Shared by the Electron shell, serve mode and the CLI.
import type { Clock } from './ports/clock.ts';
import type { Db } from './ports/db.ts';
import type { EventBus } from './ports/events.ts';
import type { Logger } from './ports/logger.ts';
import type { Opener } from './ports/opener.ts';
import type { SecretStore } from './ports/secret-store.ts';
import { createHandlers } from './handlers/index.ts';
import { createDispatcher, type Dispatcher } from './rpc/dispatcher.ts';
import { createEventBus } from './services/event-bus.ts';
import { createHealthService } from './services/health-service.ts';
import type { Services } from './services/services.ts';
import { createSettingsService } from './services/settings-service.ts';
import { APP_VERSION } from './version.ts';

export interface AppPorts {
  dataDir: string;
  db: Db;
  secretStore: SecretStore;
  clock: Clock;
  opener: Opener;
  logger: Logger;
}

export interface AppRuntime {
  services: Services;
  dispatcher: Dispatcher;
  bus: EventBus;
  close(): Promise<void>;
}

export function createApp(ports: AppPorts): AppRuntime {
  const bus = createEventBus();
  const isReadOnly = () => false;
  const services: Services = {
    health: createHealthService({ version: APP_VERSION, dataDir: ports.dataDir, secretStore: ports.secretStore, isReadOnly }),
    settings: createSettingsService(ports.db, bus),
  };
  const dispatcher = createDispatcher(createHandlers(services), { isReadOnly, logger: ports.logger });
  return {
    services,
    dispatcher,
    bus,
    async close() {
      ports.db.close();
    },
  };
}
