// Auditor reviews. Operator side: issue one platform review per workspace (POST /v1/reviews) and bundle the one-time codes
// into one redeem file. Auditor side: redeem (RFC 8693 token exchange per workspace) and enter review mode: every
// platform call goes through the review's own read-only WorkspaceApi, the dispatcher refuses every mutating command
// except the contract's localOnly ones, and at expiry (the Clock port) the tokens are wiped from the SecretStore,
// refresh stops and the cached data follows the review's policy (kept read-only, or purged).
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import {
  contract,
  LOCAL_ONLY_COMMANDS,
  type CommandName,
  type Output,
  type ReviewLogEntry,
  type ReviewPolicy,
  type ReviewStatus,
} from '../../../src-common/contract/index.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Db } from '../../ports/db.ts';
import type { EventBus } from '../../ports/events.ts';
import type { HttpClient, HttpResponse } from '../../ports/http.ts';
import type { Logger } from '../../ports/logger.ts';
import type { PlatformCall, PlatformResult, WorkspaceApi, WorkspaceDirectory, WorkspaceRef } from '../../ports/platform.ts';
import type { SecretStore } from '../../ports/secret-store.ts';
import type { WorkspacePlatform } from '../connections/index.ts';
import type { Capabilities, CallContext, Handlers } from '../../rpc/handlers.ts';
import { resolveOutputPath } from '../output-path.ts';
import { AppError } from '../../rpc/app-error.ts';

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
}

/** Commands not worth logging in the auditor's log (status polling, the log itself). */
const UNLOGGED = new Set<string>(['app.health', 'settings.get', 'review.status', 'review.log', 'audit.cancel', 'audit.exports', 'audit.status']);

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

  /** Deletes every cached row of these workspaces from every table that has a workspace_id column (except the review's own). */
  function purgeCache(workspaceIds: string[]): void {
    if (!workspaceIds.length) return;
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'review_%' AND sql NOT LIKE 'CREATE VIRTUAL%'").all();
    const marks = workspaceIds.map(() => '?').join(',');
    db.transaction(() => {
      for (const t of tables) {
        const cols = db.prepare<[], { name: string }>(`PRAGMA table_info("${t.name.replace(/"/g, '""')}")`).all();
        if (!cols.some((c) => c.name === 'workspace_id')) continue;
        db.prepare(`DELETE FROM "${t.name.replace(/"/g, '""')}" WHERE workspace_id IN (${marks})`).run(...workspaceIds);
      }
    })();
  }

  let expiring: Promise<void> | null = null;
  /** At or after the review's end: wipe tokens, stop refresh, apply the data policy. Idempotent. */
  async function checkExpiry(): Promise<void> {
    const s = session();
    if (!s || s.state !== 'active' || d.clock.now() < s.expires_ms) return;
    expiring ??= (async () => {
      await wipeTokens();
      const ws = q.grants.all().map((g) => g.workspace_id);
      if (s.policy === 'purge') purgeCache(ws);
      q.expire.run(s.policy === 'purge' ? 'purged' : 'kept_read_only');
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

  async function refresh(g: GrantRow): Promise<StoredTokens> {
    let p = refreshing.get(g.workspace_id);
    if (!p) {
      p = (async () => {
        await checkExpiry();
        const s = session();
        if (!s || s.state !== 'active' || d.clock.now() >= g.expires_ms) throw new AppError('needs_reconsent', `The review of ${g.workspace_id} ended at ${g.expires_at}; refresh has stopped`);
        const cur = await readTokens(g.workspace_id);
        if (!cur.refresh_token) throw new AppError('needs_reconsent', 'The review grant has no refresh token');
        const t = await tokenRequest(g, { grant_type: 'refresh_token', refresh_token: cur.refresh_token });
        const next: StoredTokens = { access_token: t.access_token, refresh_token: t.refresh_token ?? cur.refresh_token, access_expires_ms: Math.min(d.clock.now() + (t.expires_in ?? 300) * 1000, g.expires_ms) };
        await d.secretStore.set(account(g.workspace_id), JSON.stringify(next));
        return next;
      })().finally(() => refreshing.delete(g.workspace_id));
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
      if (d.clock.now() >= tok.access_expires_ms - 30_000) tok = await refresh(g);
      let res = await send(tok.access_token);
      if (res.status === 401) {
        tok = await refresh(g);
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
      const created: ReviewBundle['items'] = [];
      try {
        for (const ws of [...new Set(input.workspaces)]) {
          const p = platformOf(ws);
          if (!p) throw new AppError('not_found', `Workspace ${ws} is not connected here`);
          const meta = z.object({ token_endpoint: z.string().url() }).passthrough().safeParse(JSON.parse(p.metadata || '{}'));
          const r = await api.call(ws, { method: 'POST', path: '/v1/reviews', body: { scopes: input.scopes, duration_days: input.durationDays, reviewer_name: input.reviewerName, reviewer_email: input.reviewerEmail }, schema: createdSchema });
          created.push({ reviewId: r.data.id, workspaceId: ws, workspaceName: p.name, issuer: p.issuer, apiBase: p.api_base, tokenEndpoint: meta.success ? meta.data.token_endpoint : `${p.issuer.replace(/\/$/, '')}/token`, clientId: p.client_id, scopes: r.data.scopes, expiresAt: r.data.expires_at, code: r.data.redeem_code });
        }
      } catch (err) {
        // all or nothing: reviews already issued in this batch are revoked again (best effort)
        for (const c of created) await api.call(c.workspaceId, { method: 'POST', path: `/v1/reviews/${c.reviewId}/revoke`, schema: z.unknown() }).catch(() => undefined);
        throw err;
      }
      const expiresAt = created.map((c) => c.expiresAt).sort()[0]!;
      const bundle: ReviewBundle = { format: 'grantdesk-review', version: 1, bundleId, reviewer: { name: input.reviewerName, email: input.reviewerEmail }, policy: input.policy, expiresAt, items: created };
      const text = encodeBundle(bundle);
      const path = resolveOut(input.out, caps, 'reviews', `${bundleId}.gdreview`);
      writeFileSync(path, text + '\n', { mode: 0o600, flag: 'wx' });
      chmodSync(path, 0o600);
      db.transaction(() => {
        for (const c of created) q.insIssued.run(c.reviewId, bundleId, c.workspaceId, input.reviewerName, input.reviewerEmail, JSON.stringify(c.scopes), iso(), c.expiresAt);
      })();
      d.bus.emit('state.changed', { topic: 'review', workspaceId: null });
      return { bundleId, expiresAt, reviews: created.map((c) => ({ reviewId: c.reviewId, workspaceId: c.workspaceId, workspaceName: c.workspaceName, scopes: c.scopes, expiresAt: c.expiresAt })), path, redeemText: text };
    },

    async redeem(input: { file?: string; code?: string }, ctx: CallContext): Promise<ReviewStatus> {
      if (session()) throw new AppError('conflict', 'A review is already active here; end it with `grantdesk review exit` first');
      let text = input.code;
      if (!text && input.file) {
        if (ctx.capabilities.fileAccess !== 'anywhere' && !input.file.startsWith(REDEEM_PREFIX)) throw new AppError('invalid_input', 'From the app, paste the review code (the file content)');
        try {
          text = readFileSync(resolve(input.file), 'utf8');
        } catch (err) {
          throw new AppError('io_error', `Cannot read ${input.file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
        }
      }
      if (!text) throw new AppError('invalid_input', 'file or code is required');
      const bundle = decodeBundle(text);
      const ok: Array<{ item: ReviewBundle['items'][number]; tokens: StoredTokens; expiresMs: number }> = [];
      const failed: string[] = [];
      for (const item of bundle.items) {
        try {
          const t = await tokenRequest({ token_endpoint: item.tokenEndpoint, client_id: item.clientId }, { grant_type: TOKEN_EXCHANGE, subject_token: item.code, subject_token_type: REVIEW_CODE_TYPE });
          const expiresMs = Date.parse(t.review_expires_at ?? item.expiresAt);
          ok.push({ item, tokens: { access_token: t.access_token, refresh_token: t.refresh_token ?? null, access_expires_ms: Math.min(d.clock.now() + (t.expires_in ?? 300) * 1000, expiresMs) }, expiresMs });
        } catch (err) {
          failed.push(`${item.workspaceId}: ${err instanceof AppError ? err.message : 'failed'}`);
        }
      }
      if (!ok.length) throw new AppError('needs_reconsent', `No workspace of the review could be redeemed (${failed.join('; ').slice(0, 400)})`);
      for (const o of ok) await d.secretStore.set(account(o.item.workspaceId), JSON.stringify(o.tokens));
      const expiresMs = Math.min(...ok.map((o) => o.expiresMs));
      db.transaction(() => {
        q.clearLog.run();
        q.delGrants.run();
        q.insSession.run(bundle.bundleId, bundle.reviewer.name, bundle.reviewer.email, bundle.policy, iso(), iso(expiresMs), expiresMs);
        for (const o of ok) q.insGrant.run(o.item.workspaceId, o.item.workspaceName, o.item.reviewId, o.item.issuer, o.item.apiBase, o.item.tokenEndpoint, o.item.clientId, JSON.stringify(o.item.scopes), iso(o.expiresMs), o.expiresMs);
        q.insLog.run(iso(), 'review.redeem', ctx.transport, 1, JSON.stringify({ bundleId: bundle.bundleId, workspaces: ok.map((o) => o.item.workspaceId), failed }), null);
      })();
      if (failed.length) d.logger.warn('review_partial_redeem', { failed: failed.length });
      changed();
      return status();
    },

    async exit(): Promise<ReviewStatus> {
      const ws = q.grants.all().map((g) => g.workspace_id);
      await wipeTokens();
      purgeCache(ws);
      db.transaction(() => {
        q.delGrants.run();
        q.delSession.run();
      })();
      changed();
      return status();
    },

    log(limit: number): { entries: ReviewLogEntry[] } {
      return { entries: q.log.all(limit).map((r) => ({ id: r.id, at: r.at, command: r.command, transport: r.transport, ok: r.ok === 1, detail: r.manifest_path ? `${r.detail} -> ${r.manifest_path}` : r.detail })) };
    },
    logEntries: () => q.log.all(100_000),

    /** Wraps the handlers so every call made in review mode (except status polling) lands in the auditor's local log. */
    logged(h: Handlers): Handlers {
      const out = { ...h } as Record<string, (i: unknown, c: CallContext) => unknown>;
      for (const name of Object.keys(h) as CommandName[]) {
        if (UNLOGGED.has(name) || name === 'review.redeem') continue;
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
