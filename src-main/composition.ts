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
import type { ReadPool } from './ports/read-pool.ts';
import type { SecretDelivery } from './ports/secret-delivery.ts';
import { createCommandDelivery } from './adapters/deliver-command.ts';
import { createUndiciHttp } from './adapters/undici-http.ts';
import { createFileLock } from './adapters/file-lock.ts';
import { createDuckdbEngine } from './adapters/duckdb.ts';
import { createLoopbackCallback } from './adapters/loopback-callback.ts';
import { createConnectionsService, createDirectoryReadModel, type RefreshPoint } from './services/connections/index.ts';
import type { WorkspaceApi, WorkspaceDirectory } from './ports/platform.ts';
import { createPlatformClient } from './platform/index.ts';
import { createInventoryPurge, createInventoryReadModel, createInventoryService } from './services/inventory/index.ts';
import { createRotationPurge, createRotationServices, type PlatformEndpoints } from './services/rotation/index.ts';
import { createArchiveService, createAuditPurge, createAuditReadModel, createAuditService } from './services/audit/index.ts';
import { createReviewFacade, createReviewReadModel, createReviewService } from './services/review/index.ts';
import { createSyncService } from './services/sync/index.ts';
import { createBundlesService } from './services/bundles/index.ts';
import { createPolicyService } from './services/policy/index.ts';
import { createAlertsService, type Notifier } from './services/alerts/index.ts';
import { createIncidentService } from './services/incident/index.ts';
import { createHandlers } from './handlers/index.ts';
import { createDispatcher, type Dispatcher } from './rpc/dispatcher.ts';
import { createEventBus } from './services/event-bus.ts';
import { createHealthService } from './services/health-service.ts';
import type { Services } from './services/services.ts';
import type { ColumnarEngine } from './ports/columnar.ts';
import { createSettingsService } from './services/settings-service.ts';
import { createOffboardingService } from './services/offboarding/index.ts';
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
  /** threads with their own read-only connections, for large CSV exports (CLI and serve mode; absent: one thread) */
  readPool?: ReadPool;
  /** test seam: SIGKILL points of a refresh (GRANTDESK_TEST_KILL_AT) */
  refreshHook?: (point: RefreshPoint) => void;
  /** optional overrides of the platform ports (tests inject a sandbox-backed WorkspaceApi/WorkspaceDirectory) */
  workspaceApi?: WorkspaceApi;
  workspaceDirectory?: WorkspaceDirectory;
  /** rotation: where a workspace's API and token endpoint live, for calls made with a new key or client secret (default: the connections cache) */
  platformEndpoints?: (workspaceId: string) => Promise<PlatformEndpoints>;
  /** rotation: runs a delivery target's command with a new secret on stdin (default: the child-process adapter) */
  secretDelivery?: SecretDelivery;
  /** OS notifications for alerts (the Electron shell); absent in the CLI and serve mode */
  notifier?: Notifier;
  /** the columnar engine for audit archives (default: DuckDB, loaded on first use) */
  columnar?: ColumnarEngine;
}

export interface AppRuntime {
  services: Services;
  dispatcher: Dispatcher;
  bus: EventBus;
  close(): Promise<void>;
}

export function createApp(ports: AppPorts): AppRuntime {
  // Read top to bottom: each step uses only what the steps above built; nothing handed in is changed.

  // 1. Infrastructure and settings (settings first: other services read their values at call time).
  const bus = createEventBus();
  const http = ports.http ?? createUndiciHttp();
  // one cross-process lock for workspace grants and review grants alike
  const lock = ports.lock ?? createFileLock(ports.dataDir, { onCompromised: (key) => ports.logger.warn('lock_compromised', { key }) });
  const settings = createSettingsService(ports.db, bus);

  // 2. Read models: each domain owns its tables; the others read them only through these, passed in as ports.
  const read = {
    audit: createAuditReadModel(ports.db),
    inventory: createInventoryReadModel(ports.db),
    connections: createDirectoryReadModel(ports.db),
    reviews: createReviewReadModel(ports.db),
  };

  // 3. Connections: the workspace grants, and platform access as those grants (the operator's own access).
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
    refreshLeadSeconds: () => settings.get().refreshLeadSeconds,
    testHook: ports.refreshHook,
    staffFallback: () => ({ name: settings.get().staffName, email: settings.get().staffEmail }),
  });
  const grantApi = ports.workspaceApi ?? connections.api;
  const grantDirectory = ports.workspaceDirectory ?? connections.directory;
  // the operator's own client (issuing and revoking reviews) is always the workspace grants', never the routed one
  const grantPlatform = createPlatformClient(grantApi);

  // 4. The review session: from redeem to exit every platform call goes through the review's own read-only grant, so
  //    the api and directory the other domains get are routed through it. Its purge reaches each domain's own tables
  //    through that domain's entry.
  const purgeDomains = [createAuditPurge(ports.db), createInventoryPurge(ports.db), createRotationPurge(ports.db)];
  const reviewSession = createReviewService({
    db: ports.db,
    dataDir: ports.dataDir,
    secretStore: ports.secretStore,
    http,
    clock: ports.clock,
    bus,
    logger: ports.logger,
    basePlatform: () => grantPlatform,
    baseDirectory: () => grantDirectory,
    platformOf: read.connections.platformOf,
    lock,
    refreshLeadMs: () => settings.get().refreshLeadSeconds * 1000,
    purgeWorkspaceData: (ids) => {
      for (const purge of purgeDomains) purge(ids);
    },
  });
  const isReadOnly = () => reviewSession.isReadOnly();
  const api = reviewSession.routedApi(() => grantApi);
  const directory = reviewSession.routedDirectory(() => grantDirectory);
  // the one platform client every other domain uses, over the routed api
  const platform = createPlatformClient(api);

  // 5. The cache domains, over the routed platform access.
  const inventory = createInventoryService({
    db: ports.db,
    platform,
    directory,
    clock: ports.clock,
    bus,
    logger: ports.logger,
    syncConcurrency: () => settings.get().syncConcurrency,
    audit: read.audit,
  });
  const audit = createAuditService({
    db: ports.db,
    dataDir: ports.dataDir,
    appVersion: APP_VERSION,
    bus,
    clock: ports.clock,
    logger: ports.logger,
    platform,
    directory,
    concurrency: () => settings.get().syncConcurrency,
    reviewContext: () => reviewSession.exportContext(),
    // names for ids, and which credentials are Grantdesk's own grants: the connections directory (names, our OAuth
    // client per workspace) and the inventory (credential names and client ids), through their read models
    names: {
      workspaceNames: () => new Map(read.connections.ownGrants().map((g) => [g.workspaceId, g.workspaceName])),
      credentials: () => read.inventory.credentials(),
      ownClientId: (ws) => read.connections.platformOf(ws)?.clientId ?? null,
    },
    reveal: ports.reveal,
    readPool: ports.readPool,
  });
  // audit events older than the cache retention, moved into Parquet files and read back through DuckDB (the columnar port)
  const archive = createArchiveService({
    db: ports.db,
    dataDir: ports.dataDir,
    appVersion: APP_VERSION,
    clock: ports.clock,
    bus,
    engine: ports.columnar ?? createDuckdbEngine(),
    lock,
    retentionDays: () => settings.get().cacheRetentionDays,
    names: {
      workspaceNames: () => new Map(read.connections.ownGrants().map((g) => [g.workspaceId, g.workspaceName])),
      credentials: () => read.inventory.credentials(),
      ownClientId: (ws) => read.connections.platformOf(ws)?.clientId ?? null,
    },
    cachePage: (f) => audit.query(f),
  });
  // a credential or bundle changed in place: that workspace's inventory is re-read so the cache shows the change at once
  const refreshInventory = async (workspaceId: string) => {
    const failed = (await inventory.sync({ workspace: workspaceId })).workspaces.find((w) => !w.ok);
    if (failed) throw new Error(failed.error?.message ?? 'the inventory sync failed');
  };
  const rotation = createRotationServices({
    db: ports.db,
    clock: ports.clock,
    bus,
    logger: ports.logger,
    workspaces: directory,
    platform,
    refreshInventory,
    http,
    endpoints: ports.platformEndpoints ?? read.connections.platformEndpoints,
    secretDelivery: ports.secretDelivery ?? createCommandDelivery(),
    audit: read.audit,
    inventory: read.inventory,
    grants: read.connections,
    reviews: read.reviews,
    syncAudit: (workspaces) => audit.sync({ workspaces }),
    lock,
  });
  const bundles = createBundlesService({
    platform,
    workspaces: directory,
    cachedBundles: () => read.inventory.bundles(),
    catalogue: () => read.inventory.scopeCatalogue(),
    refreshInventory,
    bus,
    logger: ports.logger,
    concurrency: () => settings.get().syncConcurrency,
  });

  // 6. Review operations over the session and the audit service: evidence packages and least-privilege insights.
  const review = createReviewFacade(reviewSession, {
    clock: ports.clock,
    dataDir: ports.dataDir,
    appVersion: APP_VERSION,
    audit,
    insightsWindowDays: () => settings.get().insightsWindowDays,
    insightsPorts: { audit: read.audit, inventory: read.inventory },
  });

  // 7. One sync for the cache: each part through its own domain; sync ages from the audit and inventory read models.
  const sync = createSyncService({
    auditSync: (workspaces) => audit.sync({ workspaces }),
    inventorySync: (workspace) => inventory.sync({ workspace }),
    auditStates: () => audit.status().workspaces,
    inventoryStates: () => read.inventory.syncStates(ports.clock.now()),
    workspaceIds: () => directory.list().map((w) => w.id),
  });

  // 8. The agency policy over the cache: read models for the facts, the routed platform client for each workspace's plan.
  const policy = createPolicyService({
    db: ports.db,
    clock: ports.clock,
    bus,
    workspaces: () => read.connections.ownGrants(),
    credentials: () => read.inventory.credentials(),
    bundles: () => read.inventory.bundles(),
    reviews: () => read.reviews.issuedSpans(),
    inventorySyncedMs: () => new Map([...read.inventory.syncStates(ports.clock.now())].map(([id, s]) => [id, s.syncedAt ? Date.parse(s.syncedAt) : null])),
    fetchPlan: async (ws) => {
      const w = (await platform.workspace.get(ws)) as { plan?: unknown };
      return typeof w.plan === 'string' ? w.plan : null;
    },
    syncAll: async () => {
      await sync.all({});
    },
  });

  // 9. Alerts over every read model (and policy's violations); quota use is read from the platform only by `alerts run`.
  const alerts = createAlertsService({
    db: ports.db,
    clock: ports.clock,
    bus,
    secrets: ports.secretStore,
    fetch: http.fetch,
    notifier: ports.notifier,
    facts: () => ({
      workspaces: read.connections.ownGrants().map((g) => ({ id: g.workspaceId, name: g.workspaceName, status: g.status })),
      credentials: read.inventory.credentials(),
      reviews: read.reviews.grantEnds(),
      audit: audit.status().workspaces.map((w) => ({ workspaceId: w.workspaceId, gaps: w.gaps.length, tamper: w.tamper.length })),
      violations: policy.violations().result?.violations ?? [],
    }),
    quotas: async () => {
      const mcs = read.inventory.credentials().filter((c) => c.type === 'machine_client' && c.status === 'active' && c.dailyQuota);
      const rows = await Promise.all(
        mcs.map(async (c) => {
          // a client whose usage cannot be read is left out of this run (the next run asks again)
          const u = await platform.machineClients.usage(c.workspaceId, c.id).catch(() => null);
          return u ? { workspaceId: c.workspaceId, id: c.id, name: c.name, used: u.used_today, quota: u.daily_quota } : null;
        }),
      );
      return rows.filter((r): r is NonNullable<typeof r> => r !== null);
    },
  });

  // 10. Leaked-secret response over the other domains' entries: inventory (credentials, revocation), audit (sync,
  //     summaries, export), rotation (rotate now, zero grace, delivery); calls with the pasted secret go through http.
  const incident = createIncidentService({
    db: ports.db,
    clock: ports.clock,
    dataDir: ports.dataDir,
    appVersion: APP_VERSION,
    http,
    apiBase: async (ws) => (await (ports.platformEndpoints ?? read.connections.platformEndpoints)(ws)).apiBase,
    workspaces: directory,
    credentials: () => read.inventory.credentials(),
    // every connected workspace at once, with the inventory's own concurrency
    syncInventory: async () => {
      await inventory.sync({});
    },
    syncAudit: async (ids) => (await audit.sync({ workspaces: ids })).results,
    summary: (f) => audit.summary(f),
    usage: read.audit.usageByCredential,
    coverageUntil: (ws) => read.audit.coverage(ws)?.untilAt ?? null,
    auditStatus: (ids) => audit.status(ids),
    auditExport: (f, caps) => audit.export(f, caps),
    revokePreview: (i) => inventory.revokePreview(i),
    revoke: (i, ctx) => inventory.revoke(i, ctx),
    rotate: (i, caps) => rotation.rotation.rotateNow(i, caps),
  });

  // 11. Offboarding over the inventory and connections read models; it revokes through the inventory's revocation and
  //     ends Grantdesk's grants through the connections domain (never its own SQL on their tables).
  const offboarding = createOffboardingService({
    db: ports.db,
    clock: ports.clock,
    logger: ports.logger,
    credentials: () => read.inventory.credentials(),
    ownGrants: () => read.connections.ownGrants(),
    ownClientId: (ws) => read.connections.platformOf(ws)?.clientId ?? null,
    audit: read.audit,
    notSynced: () => {
      const synced = read.inventory.syncStates(ports.clock.now());
      return directory.list().filter((w) => w.status === 'connected' && !synced.has(w.id)).map((w) => ({ id: w.id, name: w.name }));
    },
    revokePreview: (targets) => inventory.revokePreview({ targets }),
    revoke: (targets, confirm, ctx) => inventory.revoke({ targets, confirm }, ctx),
    disconnect: (ws) => connections.disconnect(ws),
    retryPendingRevocations: () => connections.retryRevocations(),
    grantState: (ws) => connections.listWorkspaces().find((w) => w.id === ws) ?? null,
    concurrency: () => settings.get().syncConcurrency,
  });

  const services: Services = {
    health: createHealthService({ version: APP_VERSION, dataDir: ports.dataDir, secretStore: ports.secretStore, isReadOnly }),
    settings,
    connections,
    inventory,
    rotation,
    audit,
    archive,
    review,
    sync,
    bundles,
    policy,
    alerts,
    incident,
    offboarding,
  };

  // 12. Background work (desktop app and serve mode), then the one dispatcher every transport calls.
  let alertTimer: ReturnType<typeof setInterval> | null = null;
  if (ports.background) {
    connections.start();
    reviewSession.start();
    // the audit indexer: full text, secondary indexes and aggregates behind each sync (one-shot CLI commands index on demand)
    audit.startIndexing();
    if (ports.notifier) {
      // OS notifications for new causes: soon after start, then every 10 minutes (cache only, no network)
      const tick = () => void alerts.tick().catch((e: unknown) => ports.logger.warn('alerts tick failed', { error: e instanceof Error ? e.name : 'unknown' }));
      setTimeout(tick, 5_000).unref?.();
      alertTimer = setInterval(tick, 10 * 60_000);
      alertTimer.unref?.();
    }
  }
  // review mode still runs the contract's localOnly commands (cache sync, review.exit); see docs/ENGINEERING.md
  // each command is one MFA step-up scope: a workspace whose fresh sign-in was declined is not asked again in it
  const dispatcher = createDispatcher(connections.stepUp.scoped(reviewSession.logged(createHandlers(services))), { isReadOnly, logger: ports.logger });
  return {
    services,
    dispatcher,
    bus,
    async close() {
      connections.stop();
      reviewSession.stop();
      audit.stopIndexing();
      policy.stop();
      if (alertTimer) clearInterval(alertTimer);
      ports.db.close();
    },
  };
}
