/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic JSON bodies and the untyped oidc-provider API */
// Auditor reviews: time-boxed, read-only grants an operator issues for one workspace, redeemed by the auditor's Grantdesk
// with an RFC 8693 token exchange (subject_token = the one-time redeem code). The platform enforces the expiry itself:
// every token of a review grant dies at the review's expires_at (token lifetimes are capped, the management API checks
// it on every call, refresh and redemption fail after it). An operator may extend a review (never past 30 days from its
// issue), withdraw a code nobody redeemed yet, or revoke a review: revoking ends every token of its grant at once — unlike
// an app revocation, whose issued access tokens live out their exp (sandbox/revocation.ts).
import { createHash, randomBytes } from 'node:crypto';
import { errors } from 'oidc-provider';
import type { DB } from './db.ts';
import { ApiError, type Caller } from './management.ts';
import { SCOPE_NAMES } from './scopes.ts';
import { now, nowIso } from './clock.ts';
import { grantRevocation } from './revocation.ts';

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const REVIEW_CODE_TYPE = 'urn:grantdesk:params:oauth:token-type:review-code';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
export const MAX_REVIEW_DAYS = 30;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const b62 = (n: number) => { const b = randomBytes(n); let s = ''; for (const x of b) s += B62[x % 62]; return s; };

export function ensureReviewSchema(db: DB): void {
  db.exec(`CREATE TABLE IF NOT EXISTS reviews (
    id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, scopes TEXT NOT NULL, reviewer_name TEXT NOT NULL, reviewer_email TEXT NOT NULL,
    code_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, created_by TEXT NOT NULL, expires_at TEXT NOT NULL,
    status TEXT NOT NULL,            -- stored: active | revoked | withdrawn (expired is derived from expires_at)
    redeemed_at TEXT, grant_id TEXT, credential_id TEXT
  );
  CREATE INDEX IF NOT EXISTS reviews_ws ON reviews(workspace_id);
  CREATE INDEX IF NOT EXISTS reviews_grant ON reviews(grant_id);`);
  // data_policy came later: a sandbox data dir from before it gets the column (its reviews were all keep_read_only)
  const cols = (db.prepare('PRAGMA table_info(reviews)').all() as any[]).map((c) => c.name);
  if (!cols.includes('data_policy')) db.exec("ALTER TABLE reviews ADD COLUMN data_policy TEXT NOT NULL DEFAULT 'keep_read_only'");
}

/** What the auditor's copy does with its cached data at the review's end. */
export const DATA_POLICIES = ['keep_read_only', 'purge'] as const;

interface RouteDef { method: string; path: string; scope: string | null; handler: (c: { caller: Caller; body: any; params: Record<string, string> }) => any }

const DAY_MS = 86_400_000;
/** the latest end a review may have: MAX_REVIEW_DAYS after it was issued, however often it is extended */
const capOf = (r: any) => Date.parse(r.created_at) + MAX_REVIEW_DAYS * DAY_MS;

export function reviewMeta(r: any) {
  const status = r.status === 'revoked' || r.status === 'withdrawn' ? r.status : Date.parse(r.expires_at) <= now() ? 'expired' : r.redeemed_at ? 'redeemed' : 'pending';
  return {
    id: r.id, workspace_id: r.workspace_id, scopes: JSON.parse(r.scopes), reviewer_name: r.reviewer_name, reviewer_email: r.reviewer_email,
    data_policy: r.data_policy ?? 'keep_read_only', created_at: r.created_at, expires_at: r.expires_at, max_expires_at: new Date(capOf(r)).toISOString(),
    status, redeemed_at: r.redeemed_at ?? null, credential_id: r.credential_id ?? null,
  };
}

/**
 * Management routes: POST/GET /v1/reviews, GET /v1/reviews/{id} (also with the review's own token), POST /v1/reviews/{id}/revoke,
 * /extend and /withdraw.
 */
export function reviewRoutes(db: DB): RouteDef[] {
  ensureReviewSchema(db);
  const ins = db.prepare(`INSERT INTO reviews (id, workspace_id, scopes, reviewer_name, reviewer_email, code_hash, created_at, created_by, expires_at, status, data_policy)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?)`);
  const list = db.prepare('SELECT * FROM reviews WHERE workspace_id = ? ORDER BY created_at, id');
  const one = db.prepare('SELECT * FROM reviews WHERE workspace_id = ? AND id = ?');
  const revoke = db.prepare("UPDATE reviews SET status = 'revoked' WHERE id = ?");
  const revokeCred = db.prepare("UPDATE credentials SET status = 'revoked' WHERE id = ?");
  const grants = grantRevocation(db);
  // a code nobody redeemed yet; the redeem claim (registerReviewExchange) requires status active, so one of the two wins
  const withdraw = db.prepare("UPDATE reviews SET status = 'withdrawn' WHERE id = ? AND status = 'active' AND redeemed_at IS NULL");
  const setEnd = db.prepare('UPDATE reviews SET expires_at = ? WHERE id = ?');
  const setCredEnd = db.prepare('UPDATE credentials SET expires_at = ? WHERE id = ?');
  // the review grant and its live refresh tokens were issued to end at the old end: they now end at the new one
  const setGrantEnd = db.prepare(`UPDATE oidc SET payload = json_set(payload, '$.exp', ?), expires_at = ?
    WHERE ((model = 'Grant' AND id = ?) OR (model = 'RefreshToken' AND grant_id = ?)) AND revoked_at IS NULL`);
  const found = (caller: Caller, id: string) => {
    const r = one.get(caller.workspaceId, id) as any;
    if (!r) throw new ApiError(404, 'not_found', 'no such review in this workspace');
    return r;
  };
  return [
    {
      method: 'POST', path: '/v1/reviews', scope: 'credentials:write',
      handler: ({ caller, body }) => {
        const b = body ?? {};
        if (!Array.isArray(b.scopes) || b.scopes.length === 0) throw new ApiError(400, 'invalid_request', 'scopes must be a non-empty array of read scopes');
        for (const s of b.scopes) {
          if (typeof s !== 'string' || !SCOPE_NAMES.has(s)) throw new ApiError(400, 'invalid_scope', `unknown scope ${JSON.stringify(s)}; see GET /v1/scopes`);
          if (!s.endsWith(':read')) throw new ApiError(400, 'invalid_scope', `a review grants read scopes only; ${s} is not one`);
        }
        const days = b.duration_days;
        if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_REVIEW_DAYS) throw new ApiError(400, 'invalid_request', `duration_days must be an integer between 1 and ${MAX_REVIEW_DAYS}`);
        const name = b.reviewer_name; const email = b.reviewer_email;
        if (typeof name !== 'string' || !name.trim() || name.length > 200) throw new ApiError(400, 'invalid_request', 'reviewer_name must be a non-empty string of at most 200 characters');
        if (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 200) throw new ApiError(400, 'invalid_request', 'reviewer_email must be an e-mail address');
        const policy = b.data_policy ?? 'keep_read_only';
        if (!(DATA_POLICIES as readonly unknown[]).includes(policy)) throw new ApiError(400, 'invalid_request', `data_policy must be one of ${DATA_POLICIES.join(', ')}`);
        const id = `rev_${randomBytes(10).toString('hex')}`;
        const code = `grc_${b62(43)}`;
        const scopes = [...new Set(b.scopes as string[])].sort();
        const issued = now(); // one instant for both: the 30-day cap is counted from created_at
        const expires = new Date(issued + days * 86400000).toISOString();
        ins.run(id, caller.workspaceId, JSON.stringify(scopes), name.trim(), email, sha256(code), new Date(issued).toISOString(), caller.credentialId, expires, policy);
        return { status: 201, body: { ...reviewMeta(one.get(caller.workspaceId, id)), redeem_code: code } };
      },
    },
    { method: 'GET', path: '/v1/reviews', scope: 'credentials:read', handler: ({ caller }) => ({ body: { data: (list.all(caller.workspaceId) as any[]).map(reviewMeta) } }) },
    {
      // The platform's own record of one review. Readable by the workspace's credentials:read holders and by the review's
      // own grant (whatever scopes it holds), so the auditor's copy can check a review file against it after redeeming.
      method: 'GET', path: '/v1/reviews/{id}', scope: null,
      handler: ({ caller, params }) => {
        const r = one.get(caller.workspaceId, params.id) as any;
        const own = !!r && r.credential_id !== null && r.credential_id === caller.credentialId;
        if (!own && !caller.scopes.has('credentials:read')) {
          throw new ApiError(403, 'insufficient_scope', 'this request requires the credentials:read scope, or the review\'s own grant', { required_scope: 'credentials:read' });
        }
        if (!r) throw new ApiError(404, 'not_found', 'no such review in this workspace');
        return { body: reviewMeta(r) };
      },
    },
    {
      // every token of the review's grant ends at once, access tokens included (no tail: the review is over now)
      method: 'POST', path: '/v1/reviews/{id}/revoke', scope: 'credentials:write',
      handler: ({ caller, params }) => {
        const r = found(caller, params.id ?? '');
        if (r.status === 'withdrawn') throw new ApiError(409, 'conflict', 'this review\'s code was withdrawn before anyone redeemed it; there is nothing left to revoke');
        db.transaction(() => {
          revoke.run(r.id);
          if (r.credential_id) revokeCred.run(r.credential_id);
          if (r.grant_id) grants.killGrant(r.grant_id, Math.floor(now() / 1000));
        })();
        return { body: reviewMeta(one.get(caller.workspaceId, r.id)) };
      },
    },
    {
      // {days}: the review ends that many days later, never later than MAX_REVIEW_DAYS after it was issued
      method: 'POST', path: '/v1/reviews/{id}/extend', scope: 'credentials:write',
      handler: ({ caller, params, body }) => {
        const r = found(caller, params.id ?? '');
        const days = (body ?? {}).days;
        if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_REVIEW_DAYS) throw new ApiError(400, 'invalid_request', `days must be an integer between 1 and ${MAX_REVIEW_DAYS}`);
        const meta = reviewMeta(r);
        if (meta.status !== 'pending' && meta.status !== 'redeemed') throw new ApiError(409, 'conflict', `only a pending or redeemed review can be extended (this one is ${meta.status})`);
        const cap = capOf(r);
        const end = Date.parse(r.expires_at) + days * DAY_MS;
        if (end > cap) {
          const left = Math.floor((cap - Date.parse(r.expires_at)) / DAY_MS);
          throw new ApiError(400, 'invalid_request', `a review lasts at most ${MAX_REVIEW_DAYS} days from its issue (${new Date(cap).toISOString()}); this one can be extended by at most ${left} more day${left === 1 ? '' : 's'}`, { max_expires_at: new Date(cap).toISOString(), max_days: left });
        }
        const iso = new Date(end).toISOString();
        db.transaction(() => {
          setEnd.run(iso, r.id);
          if (r.credential_id) setCredEnd.run(iso, r.credential_id);
          if (r.grant_id) setGrantEnd.run(Math.floor(end / 1000), Math.floor(end / 1000), r.grant_id, r.grant_id);
        })();
        return { body: reviewMeta(one.get(caller.workspaceId, r.id)) };
      },
    },
    {
      // a code nobody redeemed yet stops redeeming (the review reads `withdrawn`); a redeemed review is revoked instead
      method: 'POST', path: '/v1/reviews/{id}/withdraw', scope: 'credentials:write',
      handler: ({ caller, params }) => {
        const r = found(caller, params.id ?? '');
        if (withdraw.run(r.id).changes !== 1) {
          const cur = reviewMeta(one.get(caller.workspaceId, r.id));
          if (cur.status === 'redeemed') throw new ApiError(409, 'conflict', `this review's code was already redeemed (at ${cur.redeemed_at}); revoke the review instead`);
          throw new ApiError(409, 'conflict', `only a review whose code is not redeemed yet can be withdrawn (this one is ${cur.status})`);
        }
        return { body: reviewMeta(one.get(caller.workspaceId, r.id)) };
      },
    },
  ];
}

/** Seconds a token of this grant may still live when the grant belongs to a review (null: not a review grant). */
export function reviewTtlCap(db: DB): (grantId: string | undefined) => number | null {
  ensureReviewSchema(db);
  const byGrant = db.prepare('SELECT expires_at FROM reviews WHERE grant_id = ?');
  return (grantId) => {
    if (!grantId) return null;
    const r = byGrant.get(grantId) as any;
    if (!r) return null;
    return Math.max(1, Math.floor((Date.parse(r.expires_at) - now()) / 1000));
  };
}

const ReviewInvalidGrant = errors.InvalidGrant as new (description: string) => Error;

/** RFC 8693 token exchange: subject_token = redeem code (single use), subject_token_type = REVIEW_CODE_TYPE. */
export function registerReviewExchange(provider: any, db: DB): void {
  ensureReviewSchema(db);
  const byCode = db.prepare('SELECT * FROM reviews WHERE code_hash = ?');
  const redeem = db.prepare("UPDATE reviews SET redeemed_at = ?, grant_id = ?, credential_id = ? WHERE id = ? AND redeemed_at IS NULL AND status = 'active'");
  const insApp = db.prepare(`INSERT INTO credentials (id, workspace_id, type, name, scopes, status, created_at, expires_at, client_id, grant_id) VALUES (?, ?, 'user_grant', ?, ?, 'active', ?, ?, ?, ?)`);
  const insGs = db.prepare('INSERT INTO grant_state (grant_id, workspace_id, credential_id) VALUES (?, ?, ?)');

  provider.registerGrantType(TOKEN_EXCHANGE, async (ctx: any) => {
    const p = ctx.oidc.params;
    if (!p.subject_token) throw new errors.InvalidRequest('missing required parameter subject_token');
    if (p.subject_token_type !== REVIEW_CODE_TYPE) throw new errors.InvalidRequest(`subject_token_type must be ${REVIEW_CODE_TYPE}`);
    if (p.requested_token_type && p.requested_token_type !== ACCESS_TOKEN_TYPE) throw new errors.InvalidRequest(`requested_token_type must be ${ACCESS_TOKEN_TYPE}`);
    const r = byCode.get(sha256(String(p.subject_token))) as any;
    // Deliberately one answer for unknown, used, withdrawn, revoked and expired codes (like invalid_grant elsewhere).
    if (!r || r.redeemed_at || r.status !== 'active' || Date.parse(r.expires_at) <= now()) throw new ReviewInvalidGrant('review code is invalid, used, withdrawn, revoked or expired');
    const scopes: string[] = JSON.parse(r.scopes);
    if (p.scope) {
      const asked = String(p.scope).split(' ').filter(Boolean);
      if (asked.some((s) => s !== 'offline_access' && !scopes.includes(s))) throw new errors.InvalidScope('requested scope exceeds the review', String(p.scope));
    }
    const client = ctx.oidc.client;
    const accountId = `review:${r.id}`;
    const grant = new provider.Grant({ accountId, clientId: client.clientId });
    grant.addOIDCScope([...scopes, 'offline_access'].join(' '));
    const grantId = await grant.save(Math.max(1, Math.floor((Date.parse(r.expires_at) - now()) / 1000)));
    const credId = `app_${randomBytes(10).toString('hex')}`;
    const claimed = db.transaction(() => {
      if (redeem.run(nowIso(), grantId, credId, r.id).changes !== 1) return false;
      insApp.run(credId, r.workspace_id, `Review ${r.id} (${r.reviewer_name})`, r.scopes, nowIso(), r.expires_at, client.clientId, grantId);
      insGs.run(grantId, r.workspace_id, credId);
      return true;
    })();
    if (!claimed) throw new ReviewInvalidGrant('review code is invalid, used, withdrawn, revoked or expired');
    const at = new provider.AccessToken({ accountId, client, grantId, gty: TOKEN_EXCHANGE, scope: scopes.join(' ') });
    const rt = new provider.RefreshToken({ accountId, client, grantId, gty: TOKEN_EXCHANGE, scope: [...scopes, 'offline_access'].join(' ') });
    const accessToken = await at.save();
    const refreshToken = await rt.save();
    ctx.body = {
      access_token: accessToken,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: at.expiration,
      refresh_token: refreshToken,
      scope: scopes.join(' '),
      // Grantdesk extension fields (RFC 8693 §2.2.1 allows additional response parameters)
      review_id: r.id,
      workspace_id: r.workspace_id,
      review_expires_at: r.expires_at,
    };
  }, ['subject_token', 'subject_token_type', 'requested_token_type', 'scope', 'audience', 'resource', 'actor_token', 'actor_token_type']);
}
