// Inventory service: sync per workspace through the platform client (platform-fetch.ts), offline reads from the cache, and
// per-workspace revocation (revocation.ts) with a blast-radius preview (blast-radius.ts). Every platform call names exactly one workspace;
// nothing here can touch another one.
import { mapPool } from '../pool.ts';
import { userInfo } from 'node:os';
import {
  errorData,
  type AppErrorData,
  type CredentialDetail,
  type CredentialSummary,
  type Input,
  type Matrix,
  type MatrixFilters,
  type Output,
  type RevokePreview,
  type RevokeResult,
  type InventorySyncResult,
} from '../../../src-common/contract/index.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Db } from '../../ports/db.ts';
import type { EventBus } from '../../ports/events.ts';
import type { Logger } from '../../ports/logger.ts';
import type { WorkspaceDirectory, WorkspaceRef } from '../../ports/platform.ts';
import type { PlatformClient } from '../../platform/index.ts';
import { AppError, toErrorData } from '../../rpc/app-error.ts';
import type { CallContext } from '../../rpc/handlers.ts';
import type { AuditReadModel } from '../audit/index.ts';
import { matrixToCsv } from './csv.ts';
import { buildMatrix, credentialFilterActive, summarize, syncStateOf, workspaceMatches } from './matrix.ts';
import { createMatrixReadModel } from './matrix-read-model.ts';
import { createBlastRadius } from './blast-radius.ts';
import { fetchInventory } from './platform-fetch.ts';
import { createScopeRoutesRepo } from './scope-routes.ts';
import { createMcpToolsRepo, syncMcpTools } from './mcp-tools.ts';
import { createRevocation } from './revocation.ts';
import { createInventoryRepository, type CachedBundle, type CachedCredential, type InventoryRepository, type NormalizedCredential } from './repository.ts';

export interface InventoryDeps {
  db: Db;
  /** the one platform client and the workspace directory (routed: the review's in review mode) */
  platform: PlatformClient;
  directory: WorkspaceDirectory;
  clock: Clock;
  bus: EventBus;
  logger: Logger;
  /** who revokes (recorded locally); defaults to the OS user name */
  actor?: string;
  syncConcurrency?: () => number;
  /** the audit domain's read model (blast radius, activity sparkline); wired in composition.ts */
  audit: Pick<AuditReadModel, 'usageByCredential' | 'activity'>;
}




export function createInventoryService(deps: InventoryDeps) {
  const repo: InventoryRepository = createInventoryRepository(deps.db);
  const scopeRoutes = createScopeRoutesRepo(deps.db);
  const mcpTools = createMcpToolsRepo(deps.db);
  const matrixRead = createMatrixReadModel(deps.db);
  const audit = deps.audit;
  const actor = deps.actor ?? safeUser();

  function safeUser(): string {
    try {
      return userInfo().username || 'unknown';
    } catch {
      return 'unknown';
    }
  }

  /** Connected workspaces, then workspaces only the cache still knows (shown from the cache, marked disconnected). */
  function knownWorkspaces(): WorkspaceRef[] {
    const dir = deps.directory.list();
    const ids = new Set(dir.map((w) => w.id));
    const cached = [...repo.syncRows().values()]
      .filter((r) => !ids.has(r.workspace_id))
      .map((r): WorkspaceRef => ({ id: r.workspace_id, name: r.workspace_name, platformId: '', status: 'disconnected' }));
    return [...dir, ...cached];
  }

  function findWorkspace(id: string): WorkspaceRef | null {
    return deps.directory.get(id) ?? knownWorkspaces().find((w) => w.id === id) ?? null;
  }

  function resolve(ref: string): WorkspaceRef {
    const byId = findWorkspace(ref);
    if (byId) return byId;
    const lower = ref.trim().toLowerCase();
    const hits = knownWorkspaces().filter((w) => w.name.toLowerCase() === lower);
    if (hits.length === 1) return hits[0]!;
    if (hits.length > 1) throw new AppError('invalid_input', `"${ref}" names ${hits.length} workspaces; use the workspace id`);
    throw new AppError('not_found', `No connected workspace "${ref.slice(0, 80)}"`);
  }

  async function syncOne(ws: WorkspaceRef, withCatalogue: boolean): Promise<InventorySyncResult['workspaces'][number]> {
    const base = { workspaceId: ws.id, name: ws.name, added: 0, changed: 0, removed: 0, unchanged: 0, skipped: false };
    try {
      const inv = await fetchInventory(deps.platform, ws.id, withCatalogue, deps.clock.now());
      if (inv.catalogue) repo.upsertCatalogue(inv.catalogue);
      if (inv.routes) scopeRoutes.replace(inv.routes);
      // the MCP tool catalogue travels with the scope catalogue (its tools' scopes are checked against it)
      if (inv.catalogue) await syncMcpTools(deps.platform, ws.id, new Set(repo.catalogue().map((s) => s.name)), mcpTools, new Date(deps.clock.now()).toISOString());
      const counts = repo.applyWorkspace(ws.id, ws.name, inv.creds, inv.bundles, deps.clock.now());
      deps.bus.emit('state.changed', { topic: 'inventory', workspaceId: ws.id });
      return { ...base, ...counts, ok: true, error: null };
    } catch (err) {
      const e = toErrorData(err);
      repo.markSyncFailed(ws.id, ws.name, deps.clock.now(), e.code, e.message);
      deps.logger.warn('inventory_sync_failed', { workspaceId: ws.id, code: e.code });
      return { ...base, ok: false, error: e };
    }
  }

  function workspaceList(): { id: string; name: string; status: WorkspaceRef['status'] }[] {
    return knownWorkspaces().map((w) => ({ id: w.id, name: w.name, status: w.status }));
  }

  function matrixData(filters: MatrixFilters, depth: Matrix['depth'] = 'credentials'): Matrix {
    // the read model's aggregates answer the grid's first paint; a filter inside credentials reads their narrow rows
    const aggregates = depth === 'counts' && !credentialFilterActive(filters);
    return buildMatrix({
      catalogue: repo.catalogue(),
      rows:
        depth === 'credentials'
          ? { depth, credentials: matrixRead.details() }
          : aggregates
            ? { depth, aggregates: matrixRead.aggregates(deps.clock.now()) }
            : { depth, credentials: matrixRead.cores() },
      workspaces: workspaceList(),
      syncRows: repo.syncRows(),
      reviews: repo.reviews(),
      baseline: repo.baseline(),
      bundles: repo.bundles(),
      drift: aggregates ? new Map() : repo.drift(),
      nowMs: deps.clock.now(),
      filters,
    });
  }

  function summaryOf(c: CachedCredential): CredentialSummary {
    const b = repo.baseline();
    return summarize(c, { nowMs: deps.clock.now(), baseline: b ? new Set(b.scopes) : null, drift: repo.drift() });
  }

  function cachedCredential(ws: WorkspaceRef, credentialId: string): CachedCredential {
    const c = repo.credential(ws.id, credentialId);
    if (!c) throw new AppError('not_found', `No credential ${credentialId.slice(0, 80)} in ${ws.name} in the cache; sync the inventory first`);
    return c;
  }

  const { previewOf, installsKept } = createBlastRadius({ repo, audit, clock: deps.clock, summaryOf, cachedCredential, findWorkspace, knownWorkspaces });

  function targetsOf(input: { workspace?: string; credentialId?: string; targets?: { workspace: string; credentialId: string }[] }) {
    const raw = input.targets ?? [{ workspace: input.workspace!, credentialId: input.credentialId! }];
    const seen = new Set<string>();
    return raw
      .map((t) => ({ ws: resolve(t.workspace), credentialId: t.credentialId }))
      .filter((t) => {
        const k = `${t.ws.id}\u0000${t.credentialId}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
  }
  const revocation = createRevocation({
    db: deps.db,
    repo,
    platform: deps.platform,
    clock: deps.clock,
    bus: deps.bus,
    logger: deps.logger,
    actor,
    audit,
    concurrency: () => deps.syncConcurrency?.() ?? 4,
    previewOf,
    targetsOf,
    resolve,
  });


  return {
    async sync(input: Input<'inventory.sync'>): Promise<InventorySyncResult> {
      const all = input.workspace ? [resolve(input.workspace)] : (deps.directory.list()).filter((w) => w.status === 'connected');
      const maxAge = input.maxAgeSeconds ?? 0;
      const nowMs = deps.clock.now();
      const rows = repo.syncRows();
      const needCatalogue = repo.catalogue().length === 0 || maxAge === 0;
      let catalogueTaken = !needCatalogue;
      const results = await mapPool(all, deps.syncConcurrency?.() ?? 4, async (ws) => {
        const r = rows.get(ws.id);
        if (maxAge > 0 && r?.state === 'ok' && r.synced_ms !== null && nowMs - r.synced_ms < maxAge * 1000) {
          return { workspaceId: ws.id, name: ws.name, ok: true, added: 0, changed: 0, removed: 0, unchanged: 0, skipped: true, error: null };
        }
        const withCatalogue = !catalogueTaken;
        catalogueTaken = true;
        const res = await syncOne(ws, withCatalogue);
        if (withCatalogue && !res.ok) catalogueTaken = false;
        return res;
      });
      return { workspaces: results, syncedAt: new Date(deps.clock.now()).toISOString() };
    },

    credentials(input: Input<'inventory.credentials'>): Output<'inventory.credentials'> {
      const nowMs = deps.clock.now();
      const wsFilter = input.workspace ? resolve(input.workspace).id : null;
      const m = matrixData({ types: input.types, scopes: input.scopes, includeRevoked: input.includeRevoked });
      const q = input.search?.trim().toLowerCase() ?? '';
      const credentials = m.workspaces
        .filter((w) => !wsFilter || w.id === wsFilter)
        .flatMap((w) => w.credentials.map((c) => ({ ...c, workspaceName: w.name })))
        .filter(
          (c) =>
            !q ||
            [c.name, c.id, c.label ?? '', c.clientId ?? '', c.workspaceName, c.type, ...c.scopes].some((f) => f.toLowerCase().includes(q)),
        );
      const rows = repo.syncRows();
      const workspaces = workspaceList()
        .filter((w) => !wsFilter || w.id === wsFilter)
        .map((w) => ({ id: w.id, name: w.name, sync: syncStateOf(rows.get(w.id), nowMs) }));
      // the same counts as the matrix (one definition: every known workspace, every status), whatever the search
      return { credentials, workspaces, counts: m.counts };
    },

    matrix(input: Input<'inventory.matrix'>): Matrix {
      const { depth, ...filters } = input;
      return matrixData(filters, depth);
    },

    /** the same matrix (same filters) as RFC 4180, formula-safe CSV */
    matrixCsv(input: Input<'inventory.matrixCsv'>): string {
      return matrixToCsv(matrixData(input));
    },

    credential(input: Input<'inventory.credential'>): CredentialDetail {
      const ws = resolve(input.workspace);
      const c = cachedCredential(ws, input.credentialId);
      const nowMs = deps.clock.now();
      const act = audit.activity(ws.id, c.id, nowMs);
      return {
        ...summaryOf(c),
        workspaceName: ws.name,
        prefix: c.prefix,
        lastFour: c.lastFour,
        ipAllowlist: c.ipAllowlist,
        rateLimitPerMinute: c.rateLimitPerMinute,
        dailyQuota: c.dailyQuota,
        graceEndsAt: c.graceEndsAt,
        rotatedFrom: c.rotatedFrom,
        secretCreatedAt: c.secretCreatedAt,
        firstSeenAt: new Date(c.firstSeenMs).toISOString(),
        sync: syncStateOf(repo.syncRow(ws.id), nowMs),
        activity: act.state === 'synced' ? { days: act.days, total: act.total } : null,
        auditState: act.state,
        sameAppInstalls:
          c.type === 'app' && c.clientId
            ? installsKept(c.clientId, new Set())
                .map((o) => ({ workspaceId: o.workspaceId, workspaceName: findWorkspace(o.workspaceId)?.name ?? o.workspaceId, credentialId: o.id }))
                .sort((a, b) => a.workspaceName.localeCompare(b.workspaceName) || a.credentialId.localeCompare(b.credentialId))
            : [],
        revocation: revocation.latestOf(ws.id, c.id),
      };
    },

    markReviewed(input: Input<'inventory.markReviewed'>): Output<'inventory.markReviewed'> {
      const ids = input.workspaces && input.workspaces.length ? input.workspaces.map((w) => resolve(w).id) : knownWorkspaces().map((w) => w.id);
      const nowMs = deps.clock.now();
      repo.markReviewed(ids, nowMs);
      deps.bus.emit('state.changed', { topic: 'inventory', workspaceId: ids.length === 1 ? ids[0]! : null });
      const at = new Date(nowMs).toISOString();
      return { reviewed: ids.map((workspaceId) => ({ workspaceId, reviewedAt: at })) };
    },

    setBaseline(input: Input<'inventory.setBaseline'>): Output<'inventory.setBaseline'> {
      if (input.clear) {
        repo.clearBaseline();
      } else if (input.bundle !== undefined) {
        const want = input.bundle.trim().toLowerCase();
        const hits = repo.bundles().filter((b) => b.id.toLowerCase() === want || b.name.toLowerCase() === want);
        if (hits.length === 0) throw new AppError('not_found', `No synced scope bundle named "${input.bundle.slice(0, 80)}"`);
        const distinct = new Set(hits.map((h) => JSON.stringify(h.scopes)));
        if (distinct.size > 1) throw new AppError('conflict', `Bundles named "${input.bundle.slice(0, 80)}" differ between workspaces; give the bundle id`);
        repo.setBaseline(input.name ?? hits[0]!.name, hits[0]!.scopes, new Date(deps.clock.now()).toISOString());
      } else {
        repo.setBaseline(input.name ?? 'Agency baseline', input.scopes ?? [], new Date(deps.clock.now()).toISOString());
      }
      deps.bus.emit('state.changed', { topic: 'inventory', workspaceId: null });
      return { baseline: repo.baseline() };
    },

    revokePreview(input: Input<'inventory.revokePreview'>): RevokePreview {
      const targets = targetsOf(input);
      return previewOf(targets, input.targets !== undefined);
    },

    revoke: (input: Input<'inventory.revoke'>, ctx: CallContext): Promise<RevokeResult> => revocation.revoke(input, ctx),
    revocations: (input: Input<'inventory.revocations'>): Output<'inventory.revocations'> => revocation.revocations(input),
    revocation: (input: Input<'inventory.revocation'>): Output<'inventory.revocation'> => revocation.revocation(input),

    /** for tests and the bench: the repository behind the service */
    repository: repo,
  };
}

export type InventoryService = ReturnType<typeof createInventoryService>;
export { workspaceMatches };
