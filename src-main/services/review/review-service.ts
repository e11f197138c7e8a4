// Auditor reviews: the session from redeem to exit, its expiry and purge, and the wiring of the parts. Operator side
// (issuing.ts): issue one platform review per workspace and bundle the one-time codes into one redeem file. Auditor side
// (redeeming.ts): redeem and verify against the platform's record, then enter review mode: every platform call goes
// through the review's own read-only WorkspaceApi (review-tokens.ts), the dispatcher refuses every mutating command
// except the contract's localOnly ones, and at expiry (the Clock port) the tokens are wiped from the SecretStore, refresh
// stops and the cached data follows the review's policy (kept read-only, or purged).
import { contract, LOCAL_ONLY_COMMANDS, type CommandName, type ReviewLogEntry, type ReviewStatus } from '../../../src-common/contract/index.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Db } from '../../ports/db.ts';
import type { EventBus } from '../../ports/events.ts';
import type { HttpClient } from '../../ports/http.ts';
import type { KeyedLock } from '../../ports/lock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { WorkspaceApi, WorkspaceDirectory, WorkspaceRef } from '../../ports/platform.ts';
import type { SecretStore } from '../../ports/secret-store.ts';
import type { PlatformClient } from '../../platform/index.ts';
import type { WorkspacePlatform } from '../connections/index.ts';
import type { CallContext, Handlers } from '../../rpc/handlers.ts';
import { AppError } from '../../rpc/app-error.ts';
import { compactSecurely, withSecureDelete } from '../../db/secure-purge.ts';
import { createEndRecheck } from './end-recheck.ts';
import { createIssuedStore } from './issued-store.ts';
import { createReviewIssuing } from './issuing.ts';
import { createReviewLifecycle } from './lifecycle.ts';
import { createReviewRedeeming } from './redeeming.ts';
import { createReviewStore } from './review-store.ts';
import { createReviewTokens } from './review-tokens.ts';

export { decodeBundle, encodeBundle, REDEEM_PREFIX, type ReviewBundle } from './bundle.ts';
export { REVIEW_CODE_TYPE, TOKEN_EXCHANGE } from './review-tokens.ts';

export interface ReviewDeps {
  db: Db;
  dataDir: string;
  secretStore: SecretStore;
  http: HttpClient;
  clock: Clock;
  bus: EventBus;
  logger: Logger;
  /** the operator's own platform access (connections): the platform client over the workspace grants */
  basePlatform: () => PlatformClient | null;
  baseDirectory: () => WorkspaceDirectory | null;
  /** where a connected workspace's platform lives (the connections domain's read model) */
  platformOf: (workspaceId: string) => WorkspacePlatform | null;
  /** the cross-process lock the workspace grants use (adapters/file-lock.ts): review refreshes take `review-<workspace>` */
  lock: KeyedLock;
  /** how long before an access token's end a refresh starts (capped at a third of the token's lifetime) */
  refreshLeadMs?: () => number;
  /**
   * Removes these workspaces from every other domain's tables (audit incl. its full-text index, inventory, rotation),
   * each through its own entry; run here with secure_delete on, then the file is compacted.
   */
  purgeWorkspaceData: (workspaceIds: readonly string[]) => void;
}

/**
 * What the auditor's log records: the commands whose contract entry says, in words, what the auditor did (`reviewLog`):
 * queries, syncs, exports, verifications, the evidence package. Everything else a screen calls by itself (status polls,
 * timelines, lists it loads on open) is plumbing and is not logged.
 */
export function reviewLogAction(name: string): string | null {
  return (contract as Record<string, { reviewLog?: string }>)[name]?.reviewLog ?? null;
}

export function createReviewService(d: ReviewDeps) {
  const { db } = d;
  const iso = (ms = d.clock.now()) => new Date(ms).toISOString();
  const store = createReviewStore(db);
  const { q, journal } = store;
  let timer: NodeJS.Timeout | null = null;

  const session = () => q.session.get() ?? null;
  const changed = () => {
    d.bus.emit('state.changed', { topic: 'review', workspaceId: null });
    d.bus.emit('state.changed', { topic: 'health', workspaceId: null });
    d.bus.emit('state.changed', { topic: 'workspaces', workspaceId: null });
  };

  /**
   * Purges these workspaces from this machine's cache with secure_delete on: every other domain's rows through its own
   * entry (d.purgeWorkspaceData), then this domain's own rows (`also`, at exit). Afterwards the file is compacted so
   * neither cache.db nor its WAL holds a purged event id.
   */
  function purgeCache(workspaceIds: string[], also?: () => void): void {
    withSecureDelete(db, () => {
      if (workspaceIds.length) d.purgeWorkspaceData(workspaceIds);
      also?.();
    });
    if (!compactSecurely(db)) d.logger.warn('purge_wal_busy', { workspaces: workspaceIds.length });
  }

  let expiring: Promise<void> | null = null;
  /** At or after the review's end: wipe tokens, stop refresh, apply the data policy. Idempotent. */
  async function checkExpiry(): Promise<void> {
    const s = session();
    if (!s || s.state !== 'active' || d.clock.now() < s.expires_ms) return;
    expiring ??= (async () => {
      await tokens.wipe();
      const ws = q.grants.all().map((g) => g.workspace_id);
      if (s.policy === 'purge') purgeCache(ws, () => q.expire.run('purged'));
      else q.expire.run('kept_read_only');
      d.logger.info('review_expired', { bundle: s.bundle_id, policy: s.policy });
      changed();
    })().finally(() => {
      expiring = null;
    });
    await expiring;
  }

  const tokens = createReviewTokens({ store, secretStore: d.secretStore, http: d.http, clock: d.clock, lock: d.lock, refreshLeadMs: d.refreshLeadMs, session, checkExpiry });
  const issuing = createReviewIssuing({ db, dataDir: d.dataDir, clock: d.clock, bus: d.bus, store, basePlatform: d.basePlatform, baseDirectory: d.baseDirectory, platformOf: d.platformOf });
  // an operator's extension reaches this auditor's copy: the running review's end is re-read from the platform
  const endRecheck = createEndRecheck({ db, clock: d.clock, logger: d.logger, api: tokens.api, session, grants: () => q.grants.all(), changed });
  const lifecycle = createReviewLifecycle({ clock: d.clock, bus: d.bus, issued: createIssuedStore(db), basePlatform: d.basePlatform, baseDirectory: d.baseDirectory });
  const redeeming = createReviewRedeeming({ db, http: d.http, clock: d.clock, logger: d.logger, store, tokens, active: () => session() !== null });

  const reviewDirectory: WorkspaceDirectory = {
    list() {
      const s = session();
      return q.grants.all().map((g): WorkspaceRef => ({ id: g.workspace_id, name: g.workspace_name, platformId: 'review', status: s?.state === 'active' ? 'connected' : 'disconnected' }));
    },
    get(id) {
      return this.list().find((w) => w.id === id) ?? null;
    },
  };

  async function status(): Promise<ReviewStatus> {
    await checkExpiry();
    const cur = session();
    // within the last hour before the end, wait for the platform's word (an extension must land before the wipe)
    if (cur?.state === 'active' && cur.expires_ms - d.clock.now() < 3_600_000) await endRecheck.maybe().catch(() => undefined);
    else void endRecheck.maybe().catch(() => undefined);
    const s = session();
    const grants = q.grants.all();
    const workspaces = [];
    for (const g of grants) {
      const has = s?.state === 'active' ? await tokens.hasToken(g.workspace_id) : false;
      workspaces.push({ workspaceId: g.workspace_id, workspaceName: g.workspace_name, reviewId: g.review_id, scopes: JSON.parse(g.scopes_json) as string[], expiresAt: g.expires_at, hasToken: has });
    }
    return {
      state: s ? s.state : 'none',
      readOnly: !!s,
      bundleId: s?.bundle_id ?? null,
      reviewer: s ? { name: s.reviewer_name, email: s.reviewer_email } : null,
      policy: s?.policy ?? null,
      redeemedAt: s?.redeemed_at ?? null,
      expiresAt: s?.expires_at ?? null,
      secondsLeft: s ? Math.max(0, Math.floor((s.expires_ms - d.clock.now()) / 1000)) : null,
      workspaces,
      dataState: s?.data_state ?? null,
      allowedMutations: [...LOCAL_ONLY_COMMANDS],
    };
  }

  return {
    api: tokens.api,
    directory: reviewDirectory,
    /** true from redeem until review.exit: the dispatcher refuses mutating commands */
    isReadOnly: () => session() !== null,
    isActive: () => session()?.state === 'active',
    checkExpiry,
    status,
    /** every platform call, routed: the review's WorkspaceApi while a review is redeemed, else the workspace grants' */
    routedApi(base: () => WorkspaceApi | null): WorkspaceApi {
      return { call: (ws, req) => (session() ? tokens.api : (base() ?? missingApi)).call(ws, req) };
    },
    routedDirectory(base: () => WorkspaceDirectory | null): WorkspaceDirectory {
      return {
        list: () => (session() ? reviewDirectory.list() : (base()?.list() ?? [])),
        get: (id) => (session() ? reviewDirectory.get(id) : (base()?.get(id) ?? null)),
      };
    },
    exportContext() {
      const s = session();
      if (!s) return undefined;
      return { bundleId: s.bundle_id, reviewIds: q.grants.all().map((g) => g.review_id), reviewer: { name: s.reviewer_name, email: s.reviewer_email }, expiresAt: s.expires_at };
    },
    workspaceIds: () => q.grants.all().map((g) => g.workspace_id),

    create: issuing.create,
    issued: lifecycle.issued,
    revoke: lifecycle.revoke,
    extend: lifecycle.extend,
    withdraw: lifecycle.withdraw,

    async redeem(input: { file?: string; code?: string }, ctx: CallContext): Promise<ReviewStatus> {
      await redeeming.redeem(input, ctx);
      changed();
      return status();
    },

    async exit(): Promise<ReviewStatus> {
      const ws = q.grants.all().map((g) => g.workspace_id);
      await tokens.wipe();
      purgeCache(ws, () =>
        db.transaction(() => {
          q.delGrants.run();
          q.delSession.run();
          q.clearLog.run();
          journal.clear.run();
        })(),
      );
      changed();
      return status();
    },

    log(limit: number): { entries: ReviewLogEntry[] } {
      return {
        entries: q.log
          .all(limit)
          .map((r) => ({ id: r.id, at: r.at, command: r.command, action: reviewLogAction(r.command) ?? r.command, transport: r.transport, ok: r.ok === 1, detail: r.manifest_path ? `${r.detail} -> ${r.manifest_path}` : r.detail })),
      };
    },
    logEntries: () => q.log.all(100_000),

    /** Wraps the handlers so every call made in review mode (except status polling) lands in the auditor's local log. */
    logged(h: Handlers): Handlers {
      const out = { ...h } as Record<string, (i: unknown, c: CallContext) => unknown>;
      for (const name of Object.keys(h) as CommandName[]) {
        if (reviewLogAction(name) === null || name === 'review.redeem') continue;
        const inner = h[name] as (i: unknown, c: CallContext) => unknown;
        out[name] = async (input, ctx) => {
          if (!session()) return inner(input, ctx);
          const detail = JSON.stringify(input ?? {}).slice(0, 2000);
          try {
            const v = await inner(input, ctx);
            const manifest = v && typeof v === 'object' && 'manifestPath' in v ? String((v as { manifestPath: unknown }).manifestPath) : null;
            q.insLog.run(iso(), name, ctx.transport, 1, detail, manifest);
            return v;
          } catch (err) {
            q.insLog.run(iso(), name, ctx.transport, 0, detail, null);
            throw err;
          }
        };
      }
      return out as unknown as Handlers;
    },

    /** Background expiry check (desktop app and serve mode). */
    start() {
      if (timer) return;
      timer = setInterval(() => void endRecheck.maybe().then(checkExpiry).catch(() => undefined), 15_000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

const missingApi: WorkspaceApi = {
  call() {
    return Promise.reject(new AppError('not_found', 'No platform access configured'));
  },
};

export type ReviewService = ReturnType<typeof createReviewService>;
