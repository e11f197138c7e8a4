// Auditor reviews. Operator side: issue one platform review per workspace (POST /v1/reviews) and bundle the one-time codes
// into one redeem file. Auditor side: redeem (RFC 8693 token exchange per workspace) and enter review mode: every
// platform call goes through the review's own read-only WorkspaceApi, the dispatcher refuses every mutating command
// except the contract's localOnly ones, and at expiry (the Clock port) the tokens are wiped from the SecretStore,
// refresh stops and the cached data follows the review's policy (kept read-only, or purged).
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import {
  contract,
  LOCAL_ONLY_COMMANDS,
  type CommandName,
  type IssuedReview,
  type Output,
  type ReviewLogEntry,
  reviewPolicySchema,
  type ReviewPolicy,
  type ReviewStatus,
} from '../../../src-common/contract/index.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Db } from '../../ports/db.ts';
import type { EventBus } from '../../ports/events.ts';
import { HttpError, type HttpClient, type HttpResponse } from '../../ports/http.ts';
import type { KeyedLock } from '../../ports/lock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { PlatformCall, PlatformResult, WorkspaceApi, WorkspaceDirectory, WorkspaceRef } from '../../ports/platform.ts';
import type { SecretStore } from '../../ports/secret-store.ts';
import type { WorkspacePlatform } from '../connections/index.ts';
import type { Capabilities, CallContext, Handlers } from '../../rpc/handlers.ts';
import { resolveOutputPath } from '../output-path.ts';
import { AppError } from '../../rpc/app-error.ts';
import { compactSecurely, withSecureDelete } from '../../db/secure-purge.ts';

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const REVIEW_CODE_TYPE = 'urn:grantdesk:params:oauth:token-type:review-code';
export const REDEEM_PREFIX = 'GDREVIEW1.';
const TOKEN_LIMITS = { deadlineMs: 15_000, maxBytes: 64 * 1024 };
const API_LIMITS = { deadlineMs: 30_000, maxBytes: 16 * 1024 * 1024 };

const bundleItemSchema = z.object({
  reviewId: z.string().regex(/^rev_[A-Za-z0-9]+$/),
  workspaceId: z.string().min(1).max(200).regex(/^[A-Za-z0-9_.:-]+$/),
  workspaceName: z.string().max(200),
  issuer: z.string().url(),
  apiBase: z.string().url(),
  tokenEndpoint: z.string().url(),
  clientId: z.string().min(1).max(200),
  scopes: z.array(z.string()),
  expiresAt: z.string(),
  code: z.string().min(10).max(500),
});
const bundleSchema = z.object({
  format: z.literal('grantdesk-review'),
  version: z.literal(1),
  bundleId: z.string().min(1).max(100),
  reviewer: z.object({ name: z.string(), email: z.string() }),
  policy: z.enum(['keep_read_only', 'purge']),
  expiresAt: z.string(),
  items: z.array(bundleItemSchema).min(1).max(100),
});
export type ReviewBundle = z.infer<typeof bundleSchema>;

const createdSchema = z.object({ id: z.string(), workspace_id: z.string(), scopes: z.array(z.string()), expires_at: z.string(), redeem_code: z.string() }).passthrough();
const tokenSchema = z.object({ access_token: z.string().min(1), refresh_token: z.string().min(1).optional(), expires_in: z.number().int().positive().optional(), review_expires_at: z.string().optional() }).passthrough();
interface StoredTokens {
  access_token: string;
  refresh_token: string | null;
  access_expires_ms: number;
  /** lifetime the platform gave this access token (the refresh margin adapts to short ones) */
  ttl_ms?: number;
  /** +1 per rotation; the refresh journal compares it with the generation a refresh started from */
  generation?: number;
}

interface SessionRow {
  bundle_id: string;
  reviewer_name: string;
  reviewer_email: string;
  policy: ReviewPolicy;
  redeemed_at: string;
  expires_at: string;
  expires_ms: number;
  state: 'active' | 'expired';
  data_state: 'live' | 'kept_read_only' | 'purged';
}
interface GrantRow {
  workspace_id: string;
  workspace_name: string;
  review_id: string;
  issuer: string;
  api_base: string;
  token_endpoint: string;
  client_id: string;
  scopes_json: string;
  expires_at: string;
  expires_ms: number;
}

export interface ReviewDeps {
  db: Db;
  dataDir: string;
  secretStore: SecretStore;
  http: HttpClient;
  clock: Clock;
  bus: EventBus;
  logger: Logger;
  /** the operator's own platform access (connections) */
  baseApi: () => WorkspaceApi | null;
  baseDirectory: () => WorkspaceDirectory | null;
  /** where a connected workspace's platform lives (the connections domain's read model) */
  platformOf: (workspaceId: string) => WorkspacePlatform | null;
  /** the cross-process lock the workspace grants use (adapters/file-lock.ts): review refreshes take `review-<workspace>` */
  lock: KeyedLock;
  /** how long before an access token's end a refresh starts (capped at a third of the token's lifetime) */
  refreshLeadMs?: () => number;
  /** removes these workspaces from the audit cache, full-text index included (the audit domain's own tables) */
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

/** GET /v1/reviews (docs/platform-api.md §10a): the platform's reviews of one workspace. */
const platformReviewListSchema = z.object({
  data: z
    .array(
      z
        .object({
          id: z.string().regex(/^rev_[A-Za-z0-9]+$/),
          workspace_id: z.string().max(200),
          scopes: z.array(z.string().max(100)).max(100),
          reviewer_name: z.string().max(200),
          reviewer_email: z.string().max(200),
          data_policy: reviewPolicySchema.catch('keep_read_only'),
          created_at: z.string().max(40),
          expires_at: z.string().max(40),
          status: z.enum(['pending', 'redeemed', 'expired', 'revoked']),
          redeemed_at: z.string().max(40).nullable().optional(),
        })
        .passthrough(),
    )
    .max(10_000),
});
type PlatformReviewItem = z.infer<typeof platformReviewListSchema>['data'][number];
function issuedOf(r: PlatformReviewItem, workspaceName: string): IssuedReview {
  return {
    reviewId: r.id,
    workspaceId: r.workspace_id,
    workspaceName,
    scopes: [...r.scopes].sort(),
    reviewerName: r.reviewer_name,
    reviewerEmail: r.reviewer_email,
    policy: r.data_policy,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    status: r.status,
    redeemedAt: r.redeemed_at ?? null,
  };
}

function field(json: unknown, key: string): string | undefined {
  if (json && typeof json === 'object' && key in json) {
    const v = (json as Record<string, unknown>)[key];
    return typeof v === 'string' ? v.slice(0, 300) : undefined;
  }
  return undefined;
}

function apiError(res: HttpResponse, what: string): AppError {
  const code = field(res.json, 'error');
  const detail = `${what} answered ${res.status}${code ? ` ${code}` : ''}${field(res.json, 'error_description') ? `: ${field(res.json, 'error_description')}` : ''}`;
  if (res.status === 403) return new AppError('insufficient_scope', detail);
  if (res.status === 404) return new AppError('not_found', detail);
  if (res.status === 429) return new AppError('rate_limited', detail);
  if (res.status === 400 || res.status === 422) return new AppError('invalid_input', detail);
  return new AppError('platform_error', detail);
}

export function encodeBundle(b: ReviewBundle): string {
  return REDEEM_PREFIX + Buffer.from(JSON.stringify(b), 'utf8').toString('base64url');
}
export function decodeBundle(text: string): ReviewBundle {
  const t = text.trim();
  if (!t.startsWith(REDEEM_PREFIX)) throw new AppError('invalid_input', `Not a Grantdesk review file or code (it starts with ${REDEEM_PREFIX})`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(t.slice(REDEEM_PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    throw new AppError('invalid_input', 'The review code is damaged (not base64url JSON)');
  }
  const r = bundleSchema.safeParse(parsed);
  if (!r.success) throw new AppError('invalid_input', `The review code is damaged (${r.error.issues[0]?.path.join('.') ?? 'schema'})`);
  for (const it of r.data.items) {
    const o = new URL(it.issuer).origin;
    if (new URL(it.tokenEndpoint).origin !== o || new URL(it.apiBase).origin !== o) throw new AppError('invalid_input', `Review ${it.reviewId}: its endpoints are not on its issuer's origin`);
  }
  return r.data;
}

/** The platform's record of one review (GET /v1/reviews/{id}, docs/platform-api.md §10a). */
const platformReviewSchema = z
  .object({
    id: z.string().regex(/^rev_[A-Za-z0-9]+$/),
    workspace_id: z.string().min(1).max(200).regex(/^[A-Za-z0-9_.:-]+$/),
    scopes: z.array(z.string().max(100)).max(100),
    reviewer_name: z.string().max(200),
    reviewer_email: z.string().max(200),
    data_policy: reviewPolicySchema,
    expires_at: z.string().refine((v) => Number.isFinite(Date.parse(v)), 'a date'),
  })
  .passthrough();
interface PlatformReview {
  review: z.infer<typeof platformReviewSchema>;
  workspaceName: string;
}

const show = (v: string) => JSON.stringify(v.slice(0, 120));
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
function tampered(field: string, fileValue: string, platformValue: string, where: string): AppError {
  return new AppError(
    'tamper_detected',
    `The review file does not match the platform's record (${where}): its ${field} says ${show(fileValue)}, the platform says ${show(platformValue)}. Nothing was redeemed; ask the operator for a new review file.`,
  );
}

/** The file's own fields must agree with each other before any code is spent. */
function checkBundleConsistent(b: ReviewBundle): void {
  const first = b.items.map((i) => i.expiresAt).sort()[0]!;
  if (b.expiresAt !== first) throw tampered('expiry', b.expiresAt, first, 'the earliest expiry of its reviews');
}

/** The token exchange names the review and workspace its code belongs to: they must be the file's. */
function checkTokenResponse(item: ReviewBundle['items'][number], t: Record<string, unknown>): void {
  const where = `the review its code belongs to`;
  if (typeof t.review_id === 'string' && t.review_id !== item.reviewId) throw tampered('review id', item.reviewId, t.review_id, where);
  if (typeof t.workspace_id === 'string' && t.workspace_id !== item.workspaceId) throw tampered('workspace', item.workspaceId, t.workspace_id, where);
}

/** Every field that matters, file against platform; the first difference refuses the whole file, naming the field. */
function checkAgainstPlatform(b: ReviewBundle, item: ReviewBundle['items'][number], t: { review_expires_at?: string }, p: PlatformReview): void {
  const r = p.review;
  const where = `review ${r.id} of workspace ${r.workspace_id}`;
  if (r.id !== item.reviewId) throw tampered('review id', item.reviewId, r.id, where);
  if (r.workspace_id !== item.workspaceId) throw tampered('workspace', item.workspaceId, r.workspace_id, where);
  if (p.workspaceName !== item.workspaceName) throw tampered('workspace name', item.workspaceName, p.workspaceName, where);
  if (!sameSet(item.scopes, r.scopes)) throw tampered('scopes', [...item.scopes].sort().join(' '), [...r.scopes].sort().join(' '), where);
  if (r.expires_at !== item.expiresAt) throw tampered('expiry', item.expiresAt, r.expires_at, where);
  if (t.review_expires_at !== undefined && t.review_expires_at !== r.expires_at) throw tampered('expiry', item.expiresAt, t.review_expires_at, `the token response of ${where}`);
  if (r.reviewer_name !== b.reviewer.name) throw tampered('reviewer name', b.reviewer.name, r.reviewer_name, where);
  if (r.reviewer_email !== b.reviewer.email) throw tampered('reviewer e-mail', b.reviewer.email, r.reviewer_email, where);
  if (r.data_policy !== b.policy) throw tampered('data policy', b.policy, r.data_policy, where);
}

/** Creates a new file 0600 with O_EXCL: an existing file is never overwritten. */
function createExclusive(path: string): number {
  try {
    return openSync(path, 'wx', 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new AppError('conflict', `${path} already exists; Grantdesk never overwrites a file. Choose another name or move that file away, then issue the review again.`);
    throw new AppError('io_error', `Cannot create ${path} (${code ?? 'error'})`);
  }
}

export function createReviewService(d: ReviewDeps) {
  const { db } = d;
  const iso = (ms = d.clock.now()) => new Date(ms).toISOString();
  const q = {
    session: db.prepare<[], SessionRow>("SELECT * FROM review_session WHERE key = 'current'"),
    grants: db.prepare<[], GrantRow>('SELECT * FROM review_grants ORDER BY workspace_id'),
    grant: db.prepare<[string], GrantRow>('SELECT * FROM review_grants WHERE workspace_id = ?'),
    insSession: db.prepare("INSERT INTO review_session (key, bundle_id, reviewer_name, reviewer_email, policy, redeemed_at, expires_at, expires_ms, state, data_state) VALUES ('current', ?, ?, ?, ?, ?, ?, ?, 'active', 'live')"),
    insGrant: db.prepare('INSERT OR REPLACE INTO review_grants (workspace_id, workspace_name, review_id, issuer, api_base, token_endpoint, client_id, scopes_json, expires_at, expires_ms) VALUES (?,?,?,?,?,?,?,?,?,?)'),
    expire: db.prepare("UPDATE review_session SET state = 'expired', data_state = ? WHERE key = 'current'"),
    delSession: db.prepare("DELETE FROM review_session WHERE key = 'current'"),
    delGrants: db.prepare('DELETE FROM review_grants'),
    insLog: db.prepare('INSERT INTO review_log (at, command, transport, ok, detail, manifest_path) VALUES (?,?,?,?,?,?)'),
    log: db.prepare<[number], { id: number; at: string; command: string; transport: string; ok: number; detail: string; manifest_path: string | null }>('SELECT * FROM review_log ORDER BY id DESC LIMIT ?'),
    clearLog: db.prepare('DELETE FROM review_log'),
    insIssued: db.prepare('INSERT INTO review_issued (review_id, bundle_id, workspace_id, reviewer_name, reviewer_email, scopes_json, created_at, expires_at) VALUES (?,?,?,?,?,?,?,?)'),
  };
  const account = (ws: string) => `grantdesk-review:${ws}`;
  const refreshing = new Map<string, Promise<StoredTokens>>();
  const journal = {
    open: db.prepare<[string], { id: number; generation: number; state: string; started_at: number }>("SELECT id, generation, state, started_at FROM review_refresh_journal WHERE workspace_id = ? AND state IN ('started', 'received') ORDER BY id"),
    start: db.prepare<[string, number, number, number]>("INSERT INTO review_refresh_journal (workspace_id, generation, state, started_at, updated_at) VALUES (?, ?, 'started', ?, ?)"),
    set: db.prepare<[string, number, string | null, number | bigint]>('UPDATE review_refresh_journal SET state = ?, updated_at = ?, note = ? WHERE id = ?'),
    clear: db.prepare('DELETE FROM review_refresh_journal'),
  };
  let timer: NodeJS.Timeout | null = null;

  const session = () => q.session.get() ?? null;
  const changed = () => {
    d.bus.emit('state.changed', { topic: 'review', workspaceId: null });
    d.bus.emit('state.changed', { topic: 'health', workspaceId: null });
    d.bus.emit('state.changed', { topic: 'workspaces', workspaceId: null });
  };

  async function wipeTokens(): Promise<void> {
    for (const g of q.grants.all()) await d.secretStore.delete(account(g.workspace_id)).catch(() => false);
  }

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
      await wipeTokens();
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

  async function readTokens(ws: string): Promise<StoredTokens> {
    const raw = await d.secretStore.get(account(ws));
    if (!raw) throw new AppError('needs_reconsent', `The review's access to ${ws} has ended (no token in the keychain)`);
    return JSON.parse(raw) as StoredTokens;
  }

  async function tokenRequest(g: Pick<GrantRow, 'token_endpoint' | 'client_id'>, form: Record<string, string>) {
    const res = await d.http.request({ method: 'POST', url: g.token_endpoint, body: { form: { client_id: g.client_id, ...form } }, ...TOKEN_LIMITS, retry: 'never' });
    if (res.status !== 200) {
      const code = field(res.json, 'error') ?? String(res.status);
      throw new AppError(code === 'invalid_grant' ? 'needs_reconsent' : 'platform_error', `The token endpoint refused the review grant (${code})`);
    }
    const t = tokenSchema.safeParse(res.json);
    if (!t.success) throw new AppError('invalid_response', 'The token endpoint sent an unexpected response');
    return t.data;
  }

  /** Refresh starts this long before the access token's end: the configured lead, but at most a third of its lifetime. */
  function marginMs(t: StoredTokens): number {
    const lead = d.refreshLeadMs?.() ?? 30_000;
    return t.ttl_ms ? Math.min(lead, Math.floor(t.ttl_ms / 3)) : lead;
  }
  const needsRefresh = (t: StoredTokens) => d.clock.now() >= t.access_expires_ms - marginMs(t);

  /**
   * Single-flight per workspace in this process (one promise) and across processes (the same file lock as the workspace
   * grants, key `review-<ws>`). Under the lock the keychain is re-read: another process may have rotated already. The
   * rotated token is persisted before anyone uses it; a journal row (no tokens) per refresh shows a restart that a process
   * died between the platform's answer and that write. A review grant's reuse leeway is unknown, so such a refresh is
   * never retried with the consumed token (reuse detection would revoke the review for good): the workspace's review
   * access ends with a message instead.
   */
  async function refresh(g: GrantRow, rejectedAccessToken?: string): Promise<StoredTokens> {
    let p = refreshing.get(g.workspace_id);
    if (!p) {
      p = d.lock.withLock(`review-${g.workspace_id}`, async () => {
        await checkExpiry();
        const s = session();
        if (!s || s.state !== 'active' || d.clock.now() >= g.expires_ms) throw new AppError('needs_reconsent', `The review of ${g.workspace_id} ended at ${g.expires_at}; refresh has stopped`);
        const cur = await readTokens(g.workspace_id);
        const gen = cur.generation ?? 0;
        const open = journal.open.all(g.workspace_id);
        if (open.length) {
          const last = open[open.length - 1]!;
          if (gen > last.generation) {
            for (const j of open) journal.set.run('recovered', d.clock.now(), 'the rotated token had been persisted', j.id);
          } else {
            for (const j of open) journal.set.run('abandoned', d.clock.now(), 'interrupted after the platform may have rotated the token', j.id);
            await d.secretStore.delete(account(g.workspace_id)).catch(() => false);
            throw new AppError('needs_reconsent', `A refresh of the review token for ${g.workspace_id} was interrupted after the platform may have rotated it; ask the operator for a new review of this workspace`);
          }
        }
        // Someone else (this or another process) rotated while we waited: use theirs.
        if (rejectedAccessToken !== undefined ? cur.access_token !== rejectedAccessToken : !needsRefresh(cur)) return cur;
        if (!cur.refresh_token) throw new AppError('needs_reconsent', 'The review grant has no refresh token');
        const started = d.clock.now();
        const jid = journal.start.run(g.workspace_id, gen, started, started).lastInsertRowid;
        let t: z.infer<typeof tokenSchema>;
        try {
          t = await tokenRequest(g, { grant_type: 'refresh_token', refresh_token: cur.refresh_token });
        } catch (err) {
          // The platform answered (a refusal), or the request never left: the refresh token was not consumed. Otherwise
          // the row stays open and the next refresh handles it as interrupted.
          const definite = !(err instanceof HttpError) || err.outcome === 'not_sent';
          if (definite) journal.set.run('failed', d.clock.now(), err instanceof AppError ? err.code : 'error', jid);
          throw err;
        }
        journal.set.run('received', d.clock.now(), null, jid);
        const ttl = (t.expires_in ?? 300) * 1000;
        const next: StoredTokens = { access_token: t.access_token, refresh_token: t.refresh_token ?? cur.refresh_token, access_expires_ms: Math.min(d.clock.now() + ttl, g.expires_ms), ttl_ms: ttl, generation: gen + 1 };
        await d.secretStore.set(account(g.workspace_id), JSON.stringify(next));
        journal.set.run('persisted', d.clock.now(), null, jid);
        return next;
      }).finally(() => refreshing.delete(g.workspace_id));
      refreshing.set(g.workspace_id, p);
    }
    return p;
  }

  /** The review's WorkspaceApi: GET only, the review's own tokens, no refresh after the end. */
  const reviewApi: WorkspaceApi = {
    async call<T>(workspaceId: string, req: PlatformCall<T>): Promise<PlatformResult<T>> {
      if (req.method !== 'GET') throw new AppError('review_mode_read_only', `${req.method} ${req.path}: review mode only reads from the platform`);
      await checkExpiry();
      const s = session();
      const g = q.grant.get(workspaceId);
      if (!g) throw new AppError('not_found', `Workspace ${workspaceId} is not part of this review`);
      if (!s || s.state !== 'active') throw new AppError('needs_reconsent', `The review ended at ${s?.expires_at ?? 'its end'}; access to ${workspaceId} is gone`);
      const url = new URL(`${g.api_base.replace(/\/$/, '')}${req.path.startsWith('/') ? '' : '/'}${req.path}`);
      for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
      const send = (token: string) =>
        d.http.request({ method: 'GET', url: url.href, headers: { authorization: `Bearer ${token}` }, deadlineMs: req.deadlineMs ?? API_LIMITS.deadlineMs, maxBytes: req.maxBytes ?? API_LIMITS.maxBytes, retry: 'idempotent', signal: req.signal });
      let tok = await readTokens(workspaceId);
      if (needsRefresh(tok)) tok = await refresh(g);
      let res = await send(tok.access_token);
      if (res.status === 401) {
        tok = await refresh(g, tok.access_token);
        res = await send(tok.access_token);
      }
      if (res.status === 401) throw new AppError('needs_reconsent', `GET ${req.path} for ${workspaceId}: the platform refused the review grant (${field(res.json, 'error') ?? '401'})`);
      if (res.status < 200 || res.status >= 300) throw apiError(res, `GET ${req.path}`);
      const parsed = req.schema.safeParse(res.json);
      if (!parsed.success) throw new AppError('invalid_response', `GET ${req.path} returned data that does not match the platform contract`);
      return { data: parsed.data, status: res.status, headers: res.headers };
    },
  };

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
    const s = session();
    const grants = q.grants.all();
    const workspaces = [];
    for (const g of grants) {
      const has = s?.state === 'active' ? (await d.secretStore.get(account(g.workspace_id)).catch(() => null)) !== null : false;
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

  /** The platform's record of a review and its workspace, read with the review's own token right after redeeming. */
  async function platformRecord(item: ReviewBundle['items'][number], accessToken: string): Promise<PlatformReview> {
    const get = async <T>(path: string, schema: z.ZodType<T>, what: string): Promise<T> => {
      const res = await d.http.request({ method: 'GET', url: `${item.apiBase.replace(/\/$/, '')}${path}`, headers: { authorization: `Bearer ${accessToken}` }, ...TOKEN_LIMITS, retry: 'idempotent' });
      if (res.status === 404) throw new AppError('tamper_detected', `The platform has no review ${item.reviewId} in ${item.workspaceId}: the review id in the file is not the platform's. Nothing was redeemed; ask the operator for a new review file.`);
      if (res.status !== 200) throw apiError(res, `GET ${path} (${what})`);
      const v = schema.safeParse(res.json);
      if (!v.success) throw new AppError('invalid_response', `The platform's ${what} does not match its contract (${v.error.issues[0]?.path.join('.') ?? 'schema'}); the review was not redeemed`);
      return v.data;
    };
    const review = await get(`/v1/reviews/${encodeURIComponent(item.reviewId)}`, platformReviewSchema, 'record of the review');
    const ws = await get('/v1/workspace', z.object({ id: z.string(), name: z.string().max(200) }).passthrough(), 'workspace');
    if (ws.id !== review.workspace_id) throw new AppError('invalid_response', `The platform answered for workspace ${ws.id.slice(0, 80)} and review workspace ${review.workspace_id.slice(0, 80)}; the review was not redeemed`);
    return { review, workspaceName: ws.name };
  }

  function platformOf(ws: string) {
    const p = d.platformOf(ws);
    return p ? { name: p.workspaceName, issuer: p.issuer, api_base: p.apiBase, client_id: p.clientId, metadata: p.metadata } : undefined;
  }

  function resolveOut(out: string | undefined, caps: Capabilities, folder: string, fallback: string): string {
    return resolveOutputPath(caps, { out, folder: join(d.dataDir, folder), defaultName: fallback, kind: 'file' });
  }

  return {
    api: reviewApi,
    directory: reviewDirectory,
    /** true from redeem until review.exit: the dispatcher refuses mutating commands */
    isReadOnly: () => session() !== null,
    isActive: () => session()?.state === 'active',
    checkExpiry,
    status,
    routedApi(base: () => WorkspaceApi | null): WorkspaceApi {
      return { call: (ws, req) => (session() ? reviewApi : (base() ?? missingApi)).call(ws, req) };
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

    async create(input: z.output<(typeof contract)['review.create']['input']>, caps: Capabilities): Promise<Output<'review.create'>> {
      const api = d.baseApi();
      if (!api) throw new AppError('not_found', 'No platform access: connect the workspaces first');
      const bundleId = `rvb_${randomBytes(8).toString('hex')}`;
      // The file is created first (0600, O_EXCL: never over an existing file), so a refusal comes before any review exists.
      const path = resolveOut(input.out, caps, 'reviews', `${bundleId}.gdreview`);
      const fd = createExclusive(path);
      const created: ReviewBundle['items'] = [];
      let text: string;
      try {
        for (const ws of [...new Set(input.workspaces)]) {
          const p = platformOf(ws);
          if (!p) throw new AppError('not_found', `Workspace ${ws} is not connected here`);
          const meta = z.object({ token_endpoint: z.string().url() }).passthrough().safeParse(JSON.parse(p.metadata || '{}'));
          const r = await api.call(ws, { method: 'POST', path: '/v1/reviews', body: { scopes: input.scopes, duration_days: input.durationDays, reviewer_name: input.reviewerName, reviewer_email: input.reviewerEmail, data_policy: input.policy }, schema: createdSchema });
          created.push({ reviewId: r.data.id, workspaceId: ws, workspaceName: p.name, issuer: p.issuer, apiBase: p.api_base, tokenEndpoint: meta.success ? meta.data.token_endpoint : `${p.issuer.replace(/\/$/, '')}/token`, clientId: p.client_id, scopes: r.data.scopes, expiresAt: r.data.expires_at, code: r.data.redeem_code });
        }
        const expiresAt = created.map((c) => c.expiresAt).sort()[0]!;
        const bundle: ReviewBundle = { format: 'grantdesk-review', version: 1, bundleId, reviewer: { name: input.reviewerName, email: input.reviewerEmail }, policy: input.policy, expiresAt, items: created };
        text = encodeBundle(bundle);
        writeSync(fd, text + '\n');
        closeSync(fd);
      } catch (err) {
        // all or nothing: reviews already issued in this batch are revoked again (best effort), the unfinished file removed
        for (const c of created) await api.call(c.workspaceId, { method: 'POST', path: `/v1/reviews/${c.reviewId}/revoke`, schema: z.unknown() }).catch(() => undefined);
        try {
          closeSync(fd);
        } catch {
          // already closed
        }
        rmSync(path, { force: true });
        throw err;
      }
      const expiresAt = created.map((c) => c.expiresAt).sort()[0]!;
      db.transaction(() => {
        for (const c of created) q.insIssued.run(c.reviewId, bundleId, c.workspaceId, input.reviewerName, input.reviewerEmail, JSON.stringify(c.scopes), iso(), c.expiresAt);
      })();
      d.bus.emit('state.changed', { topic: 'review', workspaceId: null });
      return { bundleId, expiresAt, reviews: created.map((c) => ({ reviewId: c.reviewId, workspaceId: c.workspaceId, workspaceName: c.workspaceName, scopes: c.scopes, expiresAt: c.expiresAt })), path, redeemText: text };
    },

    async redeem(input: { file?: string; code?: string }, ctx: CallContext): Promise<ReviewStatus> {
      // A caller without file access anywhere (the app window, a serve tab) hands over the code itself. Its `file` is
      // refused before any filesystem access, with one answer whatever the path (no probing for which files exist).
      if (input.file !== undefined && ctx.capabilities.fileAccess !== 'anywhere') {
        throw new AppError('invalid_input', 'Here a review is redeemed from its code: paste the code (the content of the review file), not a file path');
      }
      if (session()) throw new AppError('conflict', 'A review is already active here; end it with `grantdesk review exit` first');
      let text = input.code;
      if (!text && input.file) {
        try {
          text = readFileSync(resolve(input.file), 'utf8');
        } catch (err) {
          throw new AppError('io_error', `Cannot read ${input.file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
        }
      }
      if (!text) throw new AppError('invalid_input', 'file or code is required');
      const bundle = decodeBundle(text);
      checkBundleConsistent(bundle);
      const ok: Array<{ item: ReviewBundle['items'][number]; record: PlatformReview; tokens: StoredTokens; expiresMs: number }> = [];
      const failed: string[] = [];
      for (const item of bundle.items) {
        let t: z.infer<typeof tokenSchema>;
        try {
          t = await tokenRequest({ token_endpoint: item.tokenEndpoint, client_id: item.clientId }, { grant_type: TOKEN_EXCHANGE, subject_token: item.code, subject_token_type: REVIEW_CODE_TYPE });
        } catch (err) {
          failed.push(`${item.workspaceId}: ${err instanceof AppError ? err.message : 'failed'}`);
          continue;
        }
        // Tamper evidence: the file is only a carrier of codes. Everything shown or recorded comes from the platform's own
        // record of the review (read with the token just issued), and any difference refuses the whole file.
        checkTokenResponse(item, t);
        const record = await platformRecord(item, t.access_token);
        checkAgainstPlatform(bundle, item, t, record);
        const expiresMs = Date.parse(record.review.expires_at);
        const ttl = (t.expires_in ?? 300) * 1000;
        ok.push({ item, record, tokens: { access_token: t.access_token, refresh_token: t.refresh_token ?? null, access_expires_ms: Math.min(d.clock.now() + ttl, expiresMs), ttl_ms: ttl, generation: 0 }, expiresMs });
      }
      if (!ok.length) throw new AppError('needs_reconsent', `No workspace of the review could be redeemed (${failed.join('; ').slice(0, 400)})`);
      for (const o of ok) await d.secretStore.set(account(o.item.workspaceId), JSON.stringify(o.tokens));
      const expiresMs = Math.min(...ok.map((o) => o.expiresMs));
      const rec = ok[0]!.record.review;
      db.transaction(() => {
        q.clearLog.run();
        q.delGrants.run();
        journal.clear.run();
        // the platform's reviewer and policy (checked equal on every workspace), never the file's
        q.insSession.run(bundle.bundleId, rec.reviewer_name, rec.reviewer_email, rec.data_policy, iso(), iso(expiresMs), expiresMs);
        for (const o of ok) {
          const r = o.record;
          q.insGrant.run(r.review.workspace_id, r.workspaceName, r.review.id, o.item.issuer, o.item.apiBase, o.item.tokenEndpoint, o.item.clientId, JSON.stringify([...r.review.scopes].sort()), r.review.expires_at, o.expiresMs);
        }
        q.insLog.run(iso(), 'review.redeem', ctx.transport, 1, JSON.stringify({ bundleId: bundle.bundleId, workspaces: ok.map((o) => o.item.workspaceId), failed }), null);
      })();
      if (failed.length) d.logger.warn('review_partial_redeem', { failed: failed.length });
      changed();
      return status();
    },

    async exit(): Promise<ReviewStatus> {
      const ws = q.grants.all().map((g) => g.workspace_id);
      await wipeTokens();
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

    /** Every review the platform records for the connected workspaces (GET /v1/reviews each, four at a time). */
    async issued(): Promise<Output<'review.issued'>> {
      const api = d.baseApi();
      const dir = d.baseDirectory();
      if (!api || !dir) return { reviews: [], unreadable: [] };
      const ws = dir.list().filter((w) => w.status === 'connected');
      const reviews: IssuedReview[] = [];
      const unreadable: Output<'review.issued'>['unreadable'] = [];
      let next = 0;
      const lane = async () => {
        while (next < ws.length) {
          const w = ws[next++]!;
          try {
            const r = await api.call(w.id, { method: 'GET', path: '/v1/reviews', schema: platformReviewListSchema });
            for (const item of r.data.data) if (item.workspace_id === w.id) reviews.push(issuedOf(item, w.name));
          } catch (err) {
            const msg = err instanceof AppError ? err.message : 'the platform did not answer';
            unreadable.push({ workspaceId: w.id, workspaceName: w.name, message: `The reviews of ${w.name} could not be read (${msg.slice(0, 200)}).` });
          }
        }
      };
      await Promise.all([lane(), lane(), lane(), lane()]);
      reviews.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.reviewId < b.reviewId ? -1 : 1));
      return { reviews, unreadable };
    },

    /** POST /v1/reviews/{id}/revoke: the platform ends every token of that review's grant at once. */
    async revoke(i: { workspace: string; reviewId: string }): Promise<IssuedReview> {
      const api = d.baseApi();
      const w = d.baseDirectory()?.get(i.workspace) ?? null;
      if (!api || !w) throw new AppError('not_found', `Workspace ${i.workspace} is not connected here, so its reviews cannot be revoked from this Grantdesk. Connect it first.`);
      const item = platformReviewListSchema.shape.data.element;
      const r = await api.call(w.id, { method: 'POST', path: `/v1/reviews/${encodeURIComponent(i.reviewId)}/revoke`, schema: item });
      d.bus.emit('state.changed', { topic: 'review', workspaceId: w.id });
      return issuedOf(r.data, w.name);
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
      timer = setInterval(() => void checkExpiry().catch(() => undefined), 15_000);
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
