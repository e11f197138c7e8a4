// Composition root: ports in, services + handlers + dispatcher out. Shared by the Electron shell, serve mode and the CLI.
import type { Clock } from './ports/clock.ts';
import type { Db } from './ports/db.ts';
import type { EventBus } from './ports/events.ts';
import type { Logger } from './ports/logger.ts';
import type { Opener } from './ports/opener.ts';
import type { SecretStore } from './ports/secret-store.ts';
import type { CallbackListenerFactory } from './ports/callback.ts';
import type { HttpClient, LimitedFetch } from './ports/http.ts';
import type { KeyedLock } from './ports/lock.ts';
import { createUndiciHttp } from './adapters/undici-http.ts';
import { createFileLock } from './adapters/file-lock.ts';
import { createLoopbackCallback } from './adapters/loopback-callback.ts';
import { createConnectionsService } from './services/connections/connections-service.ts';
import type { RefreshPoint } from './services/connections/token-manager.ts';
import type { WorkspaceApi, WorkspaceDirectory } from './ports/platform.ts';
import { createInventoryService } from './services/inventory/inventory-service.ts';
import { createRotationServices, emptyDirectory, endpointsFromConnectionsCache, type PlatformEndpoints } from './services/rotation/index.ts';
import { createAuditService } from './services/audit/audit-service.ts';
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
  /** connections: one undici agent, a cross-process lock per workspace, the loopback listener (defaults: real adapters) */
  http?: HttpClient & { fetch: LimitedFetch };
  lock?: KeyedLock;
  callbackListener?: CallbackListenerFactory;
  /** run the refresh scheduler (desktop app and serve mode; one-shot CLI commands leave it off) */
  background?: boolean;
  /** test seam: SIGKILL points of a refresh (GRANTDESK_TEST_KILL_AT) */
  refreshHook?: (point: RefreshPoint) => void;
  /** optional overrides of the platform ports (tests inject a sandbox-backed WorkspaceApi/WorkspaceDirectory) */
  workspaceApi?: WorkspaceApi;
  workspaceDirectory?: WorkspaceDirectory;
  /** rotation: where a workspace's API and token endpoint live, for calls made with a new key or client secret (default: the connections cache) */
  platformEndpoints?: (workspaceId: string) => Promise<PlatformEndpoints>;
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
  const http = ports.http ?? createUndiciHttp();
  let refreshLeadSeconds = () => 300;
  const connections = createConnectionsService({
    db: ports.db,
    secretStore: ports.secretStore,
    http,
    fetch: http.fetch,
    lock: ports.lock ?? createFileLock(ports.dataDir, { onCompromised: (key) => ports.logger.warn('lock_compromised', { key }) }),
    callbackListener: ports.callbackListener ?? createLoopbackCallback,
    opener: ports.opener,
    clock: ports.clock,
    bus,
    logger: ports.logger,
    refreshLeadSeconds: () => refreshLeadSeconds(),
    testHook: ports.refreshHook,
  });
  ports.workspaceApi ??= connections.api;
  ports.workspaceDirectory ??= connections.directory;
  const settings = createSettingsService(ports.db, bus);
  const services: Services = {
    health: createHealthService({ version: APP_VERSION, dataDir: ports.dataDir, secretStore: ports.secretStore, isReadOnly }),
    settings,
    connections,
    inventory: createInventoryService({
      db: ports.db,
      api: () => ports.workspaceApi ?? null,
      directory: () => ports.workspaceDirectory ?? null,
      clock: ports.clock,
      bus,
      logger: ports.logger,
      syncConcurrency: () => settings.get().syncConcurrency,
    }),
    rotation: createRotationServices({
      db: ports.db,
      clock: ports.clock,
      bus,
      logger: ports.logger,
      workspaces: ports.workspaceDirectory ?? emptyDirectory,
      api: ports.workspaceApi ?? null,
      http,
      endpoints: ports.platformEndpoints ?? endpointsFromConnectionsCache(ports.db),
    }),
    audit: createAuditService({
      db: ports.db,
      dataDir: ports.dataDir,
      appVersion: APP_VERSION,
      bus,
      clock: ports.clock,
      logger: ports.logger,
      api: () => ports.workspaceApi ?? null,
      directory: () => ports.workspaceDirectory ?? null,
      concurrency: () => settings.get().syncConcurrency,
    }),
  };
  refreshLeadSeconds = () => services.settings.get().refreshLeadSeconds;
  if (ports.background) connections.start();
  const dispatcher = createDispatcher(createHandlers(services), { isReadOnly, logger: ports.logger });
  return {
    services,
    dispatcher,
    bus,
    async close() {
      connections.stop();
      ports.db.close();
    },
  };
}
