// Composition root: ports in, services + handlers + dispatcher out. Shared by the Electron shell, serve mode and the CLI.
import type { Clock } from './ports/clock.ts';
import type { Db } from './ports/db.ts';
import type { EventBus } from './ports/events.ts';
import type { Logger } from './ports/logger.ts';
import type { Opener, Revealer } from './ports/opener.ts';
import type { SecretStore } from './ports/secret-store.ts';
import type { CallbackListenerFactory } from './ports/callback.ts';
import type { HttpClient, LimitedFetch } from './ports/http.ts';
import type { KeyedLock } from './ports/lock.ts';
import { createUndiciHttp } from './adapters/undici-http.ts';
import { createFileLock } from './adapters/file-lock.ts';
import { createLoopbackCallback } from './adapters/loopback-callback.ts';
import { createConnectionsService, createDirectoryReadModel, type RefreshPoint } from './services/connections/index.ts';
import type { WorkspaceApi, WorkspaceDirectory } from './ports/platform.ts';
import { createPlatformClient } from './platform/index.ts';
import { createInventoryReadModel, createInventoryService } from './services/inventory/index.ts';
import { createRotationServices, emptyDirectory, type PlatformEndpoints } from './services/rotation/index.ts';
import { createAuditReadModel, createAuditService } from './services/audit/index.ts';
import { createReviewFacade, createReviewReadModel, type ReviewFacade } from './services/review/index.ts';
import { createSyncService } from './services/sync/index.ts';
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
  /** shows a file in the system file manager (Electron); absent in the CLI and serve mode */
  reveal?: Revealer;
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
  // Each domain owns its tables; the others read them only through these read models, passed in as ports.
  const read = { audit: createAuditReadModel(ports.db), inventory: createInventoryReadModel(ports.db), connections: createDirectoryReadModel(ports.db), reviews: createReviewReadModel(ports.db) };
  // Review mode (services/review): true from redeeming an auditor review until `review.exit`.
  let review: ReviewFacade | null = null;
  const isReadOnly = () => review?.isReadOnly() ?? false;
  const http = ports.http ?? createUndiciHttp();
  let refreshLeadSeconds = () => 300;
  // one cross-process lock for workspace grants and review grants alike
  const lock = ports.lock ?? createFileLock(ports.dataDir, { onCompromised: (key) => ports.logger.warn('lock_compromised', { key }) });
  const connections = createConnectionsService({
    db: ports.db,
    secretStore: ports.secretStore,
    http,
    fetch: http.fetch,
    lock,
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
  {
    // In review mode every platform call goes through the review's own read-only grant and directory.
    const baseApi = ports.workspaceApi;
    const baseDirectory = ports.workspaceDirectory;
    // the operator's own client (issuing and revoking reviews) is always the workspace grants', never the routed one
    const basePlatform = createPlatformClient(baseApi);
    review = createReviewFacade({
      db: ports.db, dataDir: ports.dataDir, secretStore: ports.secretStore, http, clock: ports.clock, bus, logger: ports.logger,
      basePlatform: () => basePlatform, baseDirectory: () => baseDirectory, platformOf: read.connections.platformOf, appVersion: APP_VERSION,
      lock, refreshLeadMs: () => refreshLeadSeconds() * 1000, purgeWorkspaceData: (ids) => {
        services.audit.repo.purgeWorkspaces(ids);
        services.inventory.purgeWorkspaces(ids);
        services.rotation.purgeWorkspaces(ids);
      },
      audit: () => services.audit, insightsWindowDays: () => settings.get().insightsWindowDays, insightsPorts: { audit: read.audit, inventory: read.inventory },
    });
    ports.workspaceApi = review.routedApi(() => baseApi);
    ports.workspaceDirectory = review.routedDirectory(() => baseDirectory);
  }
  // the one platform client, over the routed WorkspaceApi (review mode: the review's grant)
  const platform = createPlatformClient(ports.workspaceApi);
  const reviewSvc = review;
  const services: Services = {
    health: createHealthService({ version: APP_VERSION, dataDir: ports.dataDir, secretStore: ports.secretStore, isReadOnly }),
    settings,
    connections,
    inventory: createInventoryService({
      db: ports.db,
      platform: () => platform,
      directory: () => ports.workspaceDirectory ?? null,
      clock: ports.clock,
      bus,
      logger: ports.logger,
      syncConcurrency: () => settings.get().syncConcurrency,
      audit: read.audit,
    }),
    rotation: createRotationServices({
      db: ports.db,
      clock: ports.clock,
      bus,
      logger: ports.logger,
      workspaces: ports.workspaceDirectory ?? emptyDirectory,
      platform,
      http,
      endpoints: ports.platformEndpoints ?? read.connections.platformEndpoints,
      audit: read.audit,
      inventory: read.inventory,
      grants: read.connections,
      reviews: read.reviews,
    }),
    audit: createAuditService({
      db: ports.db,
      dataDir: ports.dataDir,
      appVersion: APP_VERSION,
      bus,
      clock: ports.clock,
      logger: ports.logger,
      platform: () => platform,
      directory: () => ports.workspaceDirectory ?? null,
      concurrency: () => settings.get().syncConcurrency,
      reviewContext: () => reviewSvc.exportContext(),
      // names for ids, and which credentials are Grantdesk's own grants: the connections directory (names, our OAuth
      // client per workspace) and the inventory (credential names and client ids), through their read models
      names: {
        workspaceNames: () => new Map(read.connections.ownGrants().map((g) => [g.workspaceId, g.workspaceName])),
        credentials: () => read.inventory.credentials(),
        ownClientId: (ws) => read.connections.platformOf(ws)?.clientId ?? null,
      },
      reveal: ports.reveal,
    }),
    review: reviewSvc,
    // one sync for the cache: each part through its own domain's entry; sync ages from the audit and inventory read models
    sync: createSyncService({
      auditSync: (workspaces) => services.audit.sync({ workspaces }),
      inventorySync: (workspace) => services.inventory.sync({ workspace }),
      auditStates: () => services.audit.status().workspaces,
      inventoryStates: () => read.inventory.syncStates(ports.clock.now()),
      workspaceIds: () => (ports.workspaceDirectory?.list() ?? []).map((w) => w.id),
    }),
  };
  refreshLeadSeconds = () => services.settings.get().refreshLeadSeconds;
  if (ports.background) {
    connections.start();
    reviewSvc.start();
  }
  // allowLocalOnly: review mode still runs the contract's localOnly commands (cache sync, review.exit); see docs/ENGINEERING.md
  const dispatcher = createDispatcher(reviewSvc.logged(createHandlers(services)), { isReadOnly, allowLocalOnly: true, logger: ports.logger });
  return {
    services,
    dispatcher,
    bus,
    async close() {
      connections.stop();
      reviewSvc.stop();
      ports.db.close();
    },
  };
}
