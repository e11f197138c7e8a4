// The review grant as a TokenSource (src-main/ports/platform.ts), and the review's read-only WorkspaceApi built on it.
// Its tokens live under `grantdesk-review:<workspace>` in the SecretStore (never in SQLite). Refresh is single-flight per
// workspace in this process (one promise) and across processes (the file lock the workspace grants use, key
// `review-<ws>`), journalled (no tokens) and persisted before anyone uses the rotated token. At the review's end refresh
// stops: every token request first runs the expiry check.
import { z } from 'zod';
import type { Clock } from '../../ports/clock.ts';
import { HttpError, type HttpClient } from '../../ports/http.ts';
import type { KeyedLock } from '../../ports/lock.ts';
import type { PlatformCall, PlatformResult, TokenSource, WorkspaceApi } from '../../ports/platform.ts';
import type { SecretStore } from '../../ports/secret-store.ts';
import { createWorkspaceApi, tokenEndpointError } from '../../platform/index.ts';
import { AppError } from '../../rpc/app-error.ts';
import type { GrantRow, ReviewStore, SessionRow } from './review-store.ts';

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const REVIEW_CODE_TYPE = 'urn:grantdesk:params:oauth:token-type:review-code';
/** token endpoint exchanges, and the reads right after a redeem */
export const TOKEN_LIMITS = { deadlineMs: 15_000, maxBytes: 64 * 1024 };

export const tokenSchema = z.object({ access_token: z.string().min(1), refresh_token: z.string().min(1).optional(), expires_in: z.number().int().positive().optional(), review_expires_at: z.string().optional() }).passthrough();
export type TokenResponse = z.infer<typeof tokenSchema>;

export interface StoredTokens {
  access_token: string;
  refresh_token: string | null;
  access_expires_ms: number;
  /** lifetime the platform gave this access token (the refresh margin adapts to short ones) */
  ttl_ms?: number;
  /** +1 per rotation; the refresh journal compares it with the generation a refresh started from */
  generation?: number;
}

export const reviewAccount = (ws: string) => `grantdesk-review:${ws}`;

/** One request to a review grant's token endpoint (token exchange or refresh); OAuth errors mapped once (platform/errors.ts). */
export async function tokenRequest(http: HttpClient, g: Pick<GrantRow, 'token_endpoint' | 'client_id'>, form: Record<string, string>): Promise<TokenResponse> {
  const res = await http.request({ method: 'POST', url: g.token_endpoint, body: { form: { client_id: g.client_id, ...form } }, ...TOKEN_LIMITS, retry: 'never' });
  if (res.status !== 200) throw tokenEndpointError(res, 'the review grant');
  const t = tokenSchema.safeParse(res.json);
  if (!t.success) throw new AppError('invalid_response', 'The token endpoint sent an unexpected response');
  return t.data;
}

export interface ReviewTokenDeps {
  store: ReviewStore;
  secretStore: SecretStore;
  http: HttpClient;
  clock: Clock;
  lock: KeyedLock;
  refreshLeadMs?: () => number;
  session: () => SessionRow | null;
  /** at or after the review's end: wipe tokens and apply the data policy (idempotent) */
  checkExpiry: () => Promise<void>;
}

export function createReviewTokens(d: ReviewTokenDeps) {
  const { q, journal } = d.store;
  const refreshing = new Map<string, Promise<StoredTokens>>();

  async function readTokens(ws: string): Promise<StoredTokens> {
    const raw = await d.secretStore.get(reviewAccount(ws));
    if (!raw) throw new AppError('needs_reconsent', `The review's access to ${ws} has ended (no token in the keychain)`);
    return JSON.parse(raw) as StoredTokens;
  }

  /** Refresh starts this long before the access token's end: the configured lead, but at most a third of its lifetime. */
  function marginMs(t: StoredTokens): number {
    const lead = d.refreshLeadMs?.() ?? 30_000;
    return t.ttl_ms ? Math.min(lead, Math.floor(t.ttl_ms / 3)) : lead;
  }
  const needsRefresh = (t: StoredTokens) => d.clock.now() >= t.access_expires_ms - marginMs(t);

  /**
   * Under the lock the keychain is re-read: another process may have rotated already. The rotated token is persisted
   * before anyone uses it; a journal row (no tokens) per refresh shows a restart that a process died between the
   * platform's answer and that write. A review grant's reuse leeway is unknown, so such a refresh is never retried with
   * the consumed token (reuse detection would revoke the review for good): the workspace's review access ends with a
   * message instead.
   */
  async function refresh(g: GrantRow, rejectedAccessToken?: string): Promise<StoredTokens> {
    let p = refreshing.get(g.workspace_id);
    if (!p) {
      p = d.lock.withLock(`review-${g.workspace_id}`, async () => {
        await d.checkExpiry();
        const s = d.session();
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
            await d.secretStore.delete(reviewAccount(g.workspace_id)).catch(() => false);
            throw new AppError('needs_reconsent', `A refresh of the review token for ${g.workspace_id} was interrupted after the platform may have rotated it; ask the operator for a new review of this workspace`);
          }
        }
        // Someone else (this or another process) rotated while we waited: use theirs.
        if (rejectedAccessToken !== undefined ? cur.access_token !== rejectedAccessToken : !needsRefresh(cur)) return cur;
        if (!cur.refresh_token) throw new AppError('needs_reconsent', 'The review grant has no refresh token');
        const started = d.clock.now();
        const jid = journal.start.run(g.workspace_id, gen, started, started).lastInsertRowid;
        let t: TokenResponse;
        try {
          t = await tokenRequest(d.http, g, { grant_type: 'refresh_token', refresh_token: cur.refresh_token });
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
        await d.secretStore.set(reviewAccount(g.workspace_id), JSON.stringify(next));
        journal.set.run('persisted', d.clock.now(), null, jid);
        return next;
      }).finally(() => refreshing.delete(g.workspace_id));
      refreshing.set(g.workspace_id, p);
    }
    return p;
  }

  function grantOf(ws: string): GrantRow {
    const g = q.grant.get(ws);
    if (!g) throw new AppError('not_found', `Workspace ${ws} is not part of this review`);
    return g;
  }

  /** The review grant: no token once the review has ended; refresh before the margin, and once more after a 401. */
  const source: TokenSource = {
    async accessToken(ws, opts = {}) {
      await d.checkExpiry();
      const s = d.session();
      const g = grantOf(ws);
      if (!s || s.state !== 'active') throw new AppError('needs_reconsent', `The review ended at ${s?.expires_at ?? 'its end'}; access to ${ws} is gone`);
      const tok = await readTokens(ws);
      if (opts.rejected !== undefined || opts.forceRefresh) return (await refresh(g, opts.rejected ?? tok.access_token)).access_token;
      return needsRefresh(tok) ? (await refresh(g)).access_token : tok.access_token;
    },
    platformOf: (ws) => ({ apiBase: grantOf(ws).api_base }),
    refused: (ws, what, code) => new AppError('needs_reconsent', `${what} for ${ws}: the platform refused the review grant (${code})`),
  };

  const granted = createWorkspaceApi({ http: d.http, tokens: source });
  /** The review's WorkspaceApi: GET only, the review's own tokens, no refresh after the end. */
  const api: WorkspaceApi = {
    async call<T>(workspaceId: string, req: PlatformCall<T>): Promise<PlatformResult<T>> {
      if (req.method !== 'GET') throw new AppError('review_mode_read_only', `${req.method} ${req.path}: review mode only reads from the platform`);
      return granted.call(workspaceId, req);
    },
  };

  return {
    source,
    api,
    /** the tokens just issued by a redeem, stored before the session row exists */
    store: (ws: string, t: StoredTokens) => d.secretStore.set(reviewAccount(ws), JSON.stringify(t)),
    hasToken: async (ws: string) => (await d.secretStore.get(reviewAccount(ws)).catch(() => null)) !== null,
    async wipe(): Promise<void> {
      for (const g of q.grants.all()) await d.secretStore.delete(reviewAccount(g.workspace_id)).catch(() => false);
    },
  };
}
export type ReviewTokens = ReturnType<typeof createReviewTokens>;
