/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic JSON bodies and the untyped oidc-provider API */
// Management API (/v1/*): bearer auth, scope enforcement on every request, audit event for every authenticated call.
// Over 400 lines on purpose: the route table, its handlers and serializers share one set of prepared statements over the
// credentials table; split by API area they would spread that table's SQL over several files. Request field parsing lives
// in management-input.ts.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DB } from './db.ts';
import { AuditLog, type CredentialType } from './audit.ts';
import type { AuditMark } from './mcp.ts';
import { SCOPES, SCOPE_NAMES } from './scopes.ts';
import { ApiError, intIn, ipAllowed, parseCidrs, parseScopes, str } from './management-input.ts';
import { patchMachineClient, type RouteTable } from './management-guardrails.ts';

export { ApiError, ipAllowed } from './management-input.ts';
import { now, nowIso } from './clock.ts';
import { GENESIS_HASH } from './jcs.ts';
import { effectiveStatus } from './status.ts';
import { grantRevocation, validUntilIso } from './revocation.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const COMMA = Buffer.from(',');
const rid = (p: string) => `${p}_${randomBytes(10).toString('hex')}`;
const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const b62 = (n: number) => { const b = randomBytes(n); let s = ''; for (const x of b) s += B62[x % 62]; return s; };

export interface Caller {
  workspaceId: string; credentialId: string; credentialType: CredentialType; scopes: Set<string>; ip: string;
  /** MFA step-up (sandbox/mfa.ts): a person's sign-in behind the token, its acr and auth_time (epoch s) */
  user?: boolean; acr?: string | null; authTime?: number | null;
}

interface Ctx {
  req: IncomingMessage; url: URL; params: Record<string, string>; body: any; caller: Caller;
  res: ServerResponse; auditParams: Record<string, unknown>; pii: boolean;
  /** set by an MCP handler (sandbox/mcp.ts): the audit event's surface, tool name and PII flag */
  audit?: AuditMark;
  tamper?: { workspace: string; seq: number } | null;
}
type Out = { status?: number; body?: any; buf?: Buffer; headers?: Record<string, string> };
type Handler = (c: Ctx) => Promise<Out> | Out;
interface Route { method: string; path: string; re: RegExp; keys: string[]; scope: string | null; handler: Handler; pii?: boolean; surface?: 'mcp' }

export interface ManagementOptions {
  db: DB; audit: AuditLog;
  callerIp: (req: IncomingMessage) => string;
  tamperFor: () => Array<{ workspace: string; seq: number }>;
  pageAnomalies: () => { gap: boolean; overlap: boolean; reorder: boolean };
  /** the published route → scope table (sandbox/management-guardrails.ts): every registered route is added to it */
  routeTable?: RouteTable;
  /** MFA step-up policy (sandbox/mfa.ts): throws the RFC 9470 challenge for a call the caller's sign-in is too weak or old for */
  stepUp?: (caller: Caller & { user: boolean; acr: string | null; authTime: number | null }, method: string, route: string, scope: string | null) => void;
  /** extension routes (auditor reviews, sandbox/reviews.ts) */
  extraRoutes?: Array<{ method: string; path: string; scope: string | null; surface?: 'mcp'; handler: (c: any) => any }>;
}

export function createManagement(o: ManagementOptions) {
  const { db, audit } = o;
  const q = {
    ws: db.prepare('SELECT id, name, plan, region, created_at FROM workspaces WHERE id = ?'),
    credBySecret: db.prepare('SELECT * FROM credentials WHERE secret_hash = ?'),
    credByPrevSecret: db.prepare('SELECT * FROM credentials WHERE prev_secret_hash = ?'),
    credById: db.prepare('SELECT * FROM credentials WHERE id = ? AND workspace_id = ?'),
    credByIdAny: db.prepare('SELECT * FROM credentials WHERE id = ?'),
    credsByType: db.prepare('SELECT * FROM credentials WHERE workspace_id = ? AND type = ? ORDER BY created_at, id'),
    apps: db.prepare("SELECT * FROM credentials WHERE workspace_id = ? AND type IN ('oauth_app', 'user_grant') ORDER BY created_at, id"),
    oidcRow: db.prepare("SELECT * FROM oidc WHERE model IN ('AccessToken', 'ClientCredentials') AND id = ?"),
    grantRow: db.prepare("SELECT revoked_at FROM oidc WHERE model = 'Grant' AND id = ?"),
    touch: db.prepare('UPDATE credentials SET last_used_at = ? WHERE id = ?'),
    insCred: db.prepare(`INSERT INTO credentials (id, workspace_id, type, name, scopes, ip_allowlist, status, created_at, expires_at, secret_hash,
      secret_created_at, client_id, prefix, last_four, rate_limit_per_minute, daily_quota, rotated_from)
      VALUES (@id, @workspace_id, @type, @name, @scopes, @ip_allowlist, 'active', @created_at, @expires_at, @secret_hash, @secret_created_at, @client_id, @prefix, @last_four, @rate, @daily_quota, @rotated_from)`),
    setStatus: db.prepare('UPDATE credentials SET status = ? WHERE id = ?'),
    bundles: db.prepare('SELECT * FROM scope_bundles WHERE workspace_id = ? ORDER BY created_at, id'),
    bundle: db.prepare('SELECT * FROM scope_bundles WHERE workspace_id = ? AND id = ?'),
    insBundle: db.prepare('INSERT INTO scope_bundles (id, workspace_id, name, description, scopes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    updBundle: db.prepare('UPDATE scope_bundles SET name = ?, description = ?, scopes = ?, updated_at = ? WHERE id = ?'),
    delBundle: db.prepare('DELETE FROM scope_bundles WHERE id = ?'),
    page: db.prepare('SELECT json FROM audit_events WHERE workspace_id = ? AND seq > ? ORDER BY seq LIMIT ?').pluck(true),
    hasMore: db.prepare('SELECT 1 FROM audit_events WHERE workspace_id = ? AND seq > ? LIMIT 1').raw(true),
    contacts: db.prepare('SELECT json FROM contacts WHERE workspace_id = ? ORDER BY id').raw(true),
    usage: db.prepare('SELECT day, count FROM mc_usage WHERE credential_id = ? ORDER BY day DESC LIMIT 30'),
  };
  const rateWindows = new Map<string, { minute: number; count: number }>();
  const revocation = grantRevocation(db);

  // ---------- authentication ----------
  function authenticate(req: IncomingMessage): { caller: Caller; cred: any } {
    const h = req.headers.authorization ?? '';
    const m = /^Bearer\s+([\x21-\x7e]+)\s*$/i.exec(h);
    if (!m) throw new ApiError(401, 'invalid_token', 'missing or malformed bearer token (expected "Authorization: Bearer <token>")');
    const token = m[1] ?? '';
    const ip = o.callerIp(req);
    const t = now();
    let cred: any;
    let scopes: string[];
    let signIn = { user: false, acr: null as string | null, authTime: null as number | null };
    if (token.startsWith('sk_live_') || token.startsWith('sk_test_') || token.startsWith('gst_')) {
      const hash = sha256(token);
      cred = q.credBySecret.get(hash);
      if (!cred) {
        const old = q.credByPrevSecret.get(hash) as any;
        if (old) throw new ApiError(401, 'token_expired', 'this secret was rotated and its grace period has ended');
        throw new ApiError(401, 'invalid_token', 'the access token is not recognised');
      }
      if (cred.status === 'revoked') throw new ApiError(401, 'token_revoked', `the ${cred.type === 'api_key' ? 'API key' : 'service token'} has been revoked`);
      if (cred.expires_at && Date.parse(cred.expires_at) <= t) throw new ApiError(401, 'token_expired', `the ${cred.type === 'api_key' ? 'API key' : 'service token'} expired at ${cred.expires_at}`);
      if (cred.grace_ends_at && Date.parse(cred.grace_ends_at) <= t) throw new ApiError(401, 'token_expired', `this API key was rotated; its grace period ended at ${cred.grace_ends_at}`);
      scopes = JSON.parse(cred.scopes);
    } else {
      const row = q.oidcRow.get(token) as any;
      if (!row) throw new ApiError(401, 'invalid_token', 'the access token is not recognised');
      if (row.revoked_at) throw new ApiError(401, 'token_revoked', 'the access token has been revoked');
      const p = JSON.parse(row.payload);
      if (p.exp && p.exp * 1000 <= t) throw new ApiError(401, 'token_expired', `the access token expired at ${new Date(p.exp * 1000).toISOString()}`);
      const credId = p.extra?.credential_id;
      cred = credId ? q.credByIdAny.get(credId) : undefined;
      if (!cred) throw new ApiError(401, 'invalid_token', 'the access token is not bound to a workspace');
      if (cred.status === 'revoked') {
        // the revocation tail (sandbox/revocation.ts): an access token issued before its grant was revoked works until its
        // own exp; one issued after it (there should be none) does not
        const g = p.grantId ? (q.grantRow.get(p.grantId) as any) : undefined;
        if (!g?.revoked_at || !(Number(p.iat) <= g.revoked_at)) throw new ApiError(401, 'token_revoked', 'the grant behind this access token has been revoked');
      }
      if (cred.status === 'disabled') throw new ApiError(401, 'token_revoked', 'the machine client is disabled');
      // grants with an absolute end (auditor reviews): the platform refuses them after it, whatever the token says
      if (cred.expires_at && Date.parse(cred.expires_at) <= t) throw new ApiError(401, 'token_expired', `the grant behind this access token ended at ${cred.expires_at}`);
      scopes = String(p.scope ?? '').split(' ').filter((s: string) => SCOPE_NAMES.has(s));
      signIn = { user: !!p.accountId, acr: typeof p.extra?.acr === 'string' ? p.extra.acr : null, authTime: Number.isInteger(p.extra?.auth_time) ? p.extra.auth_time : null };
    }
    const caller: Caller = { workspaceId: cred.workspace_id, credentialId: cred.id, credentialType: cred.type, scopes: new Set(scopes), ip, ...signIn };
    return { caller, cred };
  }

  function checkIpAndRate(cred: any, caller: Caller) {
    const allow: string[] = JSON.parse(cred.ip_allowlist ?? '[]');
    if (!ipAllowed(caller.ip, allow)) {
      throw new ApiError(401, 'ip_not_allowed', `caller IP ${caller.ip} is not in the credential's IP allowlist`, { caller_ip: caller.ip });
    }
    if (cred.rate_limit_per_minute) {
      const minute = Math.floor(now() / 60000);
      const w = rateWindows.get(cred.id);
      const cur = w && w.minute === minute ? w : { minute, count: 0 };
      cur.count++;
      rateWindows.set(cred.id, cur);
      if (cur.count > cred.rate_limit_per_minute) {
        const retry = Math.max(1, Math.ceil(((minute + 1) * 60000 - now()) / 1000));
        throw new ApiError(429, 'rate_limited', `rate limit of ${cred.rate_limit_per_minute} requests per minute exceeded`, { retry_after: retry }, { 'retry-after': String(retry) });
      }
    }
  }

  // ---------- serializers ----------
  const grantAlive = (grantId: string) => { const g = q.grantRow.get(grantId) as any; return !!g && !g.revoked_at; };
  const keyMeta = (k: any) => {
    const status = effectiveStatus(k, now(), grantAlive);
    return {
      id: k.id, name: k.name, prefix: k.prefix, last_four: k.last_four, scopes: JSON.parse(k.scopes), ip_allowlist: JSON.parse(k.ip_allowlist),
      expires_at: k.expires_at ?? null, rate_limit_per_minute: k.rate_limit_per_minute ?? null, created_at: k.created_at, last_used_at: k.last_used_at ?? null,
      status, grace_ends_at: k.grace_ends_at ?? null, rotated_from: k.rotated_from ?? null,
    };
  };
  const appMeta = (a: any) => {
    const status = effectiveStatus(a, now(), grantAlive);
    return { id: a.id, name: a.name, client_id: a.client_id, scopes: JSON.parse(a.scopes), granted_at: a.created_at, last_used_at: a.last_used_at ?? null, status };
  };
  const mcMeta = (m: any) => ({
    id: m.id, name: m.name, client_id: m.client_id, scopes: JSON.parse(m.scopes), daily_quota: m.daily_quota, status: m.status === 'disabled' ? 'disabled' : 'active',
    secret_created_at: m.secret_created_at, grace_ends_at: m.grace_ends_at && Date.parse(m.grace_ends_at) > now() ? m.grace_ends_at : null,
    created_at: m.created_at, last_used_at: m.last_used_at ?? null, ip_allowlist: JSON.parse(m.ip_allowlist ?? '[]'),
  });
  const stMeta = (s: any) => ({ id: s.id, scopes: JSON.parse(s.scopes), expires_at: s.expires_at, created_at: s.created_at });
  const bundleMeta = (b: any) => ({ id: b.id, name: b.name, description: b.description ?? null, scopes: JSON.parse(b.scopes), created_at: b.created_at, updated_at: b.updated_at });

  const getCred = (c: Ctx, type: string) => {
    const row = q.credById.get(c.params.id, c.caller.workspaceId) as any;
    if (!row || (type === 'app' ? !['oauth_app', 'user_grant'].includes(row.type) : row.type !== type)) throw new ApiError(404, 'not_found', `no such ${type.replace('_', ' ')} in this workspace`);
    return row;
  };

  // ---------- routes ----------
  const routes: Route[] = [];
  const add = (method: string, path: string, scope: string | null, handler: Handler, pii = false, surface?: 'mcp') => {
    const keys: string[] = [];
    o.routeTable?.add(method, path, scope);
    const re = new RegExp(`^${path.replace(/\{(\w+)\}/g, (_s, k) => { keys.push(k); return '([A-Za-z0-9_-]+)'; })}$`);
    routes.push({ method, path, re, keys, scope, handler, pii, surface });
  };

  add('GET', '/v1/workspace', null, (c) => ({ body: q.ws.get(c.caller.workspaceId) }));
  add('GET', '/v1/scopes', null, () => ({ body: { scopes: SCOPES, ...(o.routeTable ? { routes: o.routeTable.published() } : {}) } }));

  add('GET', '/v1/scope-bundles', 'credentials:read', (c) => ({ body: { data: (q.bundles.all(c.caller.workspaceId) as any[]).map(bundleMeta) } }));
  add('POST', '/v1/scope-bundles', 'credentials:write', (c) => {
    const b = c.body ?? {};
    const id = rid('sb'); const t = nowIso();
    q.insBundle.run(id, c.caller.workspaceId, str(b.name, 'name'), b.description ?? null, JSON.stringify(parseScopes(b.scopes)), t, t);
    return { status: 201, body: bundleMeta(q.bundle.get(c.caller.workspaceId, id)) };
  });
  add('PATCH', '/v1/scope-bundles/{id}', 'credentials:write', (c) => {
    const cur = q.bundle.get(c.caller.workspaceId, c.params.id) as any;
    if (!cur) throw new ApiError(404, 'not_found', 'no such scope bundle in this workspace');
    const b = c.body ?? {};
    q.updBundle.run(b.name !== undefined ? str(b.name, 'name') : cur.name, b.description !== undefined ? b.description : cur.description,
      b.scopes !== undefined ? JSON.stringify(parseScopes(b.scopes)) : cur.scopes, nowIso(), cur.id);
    return { body: bundleMeta(q.bundle.get(c.caller.workspaceId, cur.id)) };
  });
  add('DELETE', '/v1/scope-bundles/{id}', 'credentials:write', (c) => {
    const cur = q.bundle.get(c.caller.workspaceId, c.params.id) as any;
    if (!cur) throw new ApiError(404, 'not_found', 'no such scope bundle in this workspace');
    q.delBundle.run(cur.id);
    return { status: 204 };
  });

  // API keys
  add('GET', '/v1/api-keys', 'credentials:read', (c) => ({ body: { data: (q.credsByType.all(c.caller.workspaceId, 'api_key') as any[]).map(keyMeta) } }));
  const newKeySecret = (env: string) => { const prefix = env === 'test' ? 'sk_test_' : 'sk_live_'; const secret = prefix + b62(40); return { prefix, secret, last_four: secret.slice(-4) }; };
  const parseExpiry = (b: any): string | null => {
    if (b.expires_at === undefined || b.expires_at === null) {
      if (b.expires_in_days === undefined) return null;
      return new Date(now() + intIn(b.expires_in_days, 'expires_in_days', 1, 3650) * 86400000).toISOString();
    }
    const ms = typeof b.expires_at === 'string' ? Date.parse(b.expires_at) : NaN;
    if (!Number.isFinite(ms) || ms <= now()) throw new ApiError(400, 'invalid_request', 'expires_at must be an ISO-8601 timestamp in the future');
    return new Date(ms).toISOString();
  };
  add('POST', '/v1/api-keys', 'credentials:write', (c) => {
    const b = c.body ?? {};
    const env = b.environment ?? 'live';
    if (env !== 'live' && env !== 'test') throw new ApiError(400, 'invalid_request', 'environment must be "live" or "test"');
    const { prefix, secret, last_four } = newKeySecret(env);
    const id = rid('key');
    q.insCred.run({ id, workspace_id: c.caller.workspaceId, type: 'api_key', name: str(b.name, 'name'), scopes: JSON.stringify(parseScopes(b.scopes)),
      ip_allowlist: JSON.stringify(parseCidrs(b.ip_allowlist)), created_at: nowIso(), expires_at: parseExpiry(b), secret_hash: sha256(secret), secret_created_at: nowIso(),
      client_id: null, prefix, last_four, rate: b.rate_limit_per_minute == null ? null : intIn(b.rate_limit_per_minute, 'rate_limit_per_minute', 1, 100000), daily_quota: null, rotated_from: null });
    return { status: 201, body: { ...keyMeta(q.credByIdAny.get(id)), secret } };
  });
  add('PATCH', '/v1/api-keys/{id}', 'credentials:write', (c) => {
    const k = getCred(c, 'api_key'); const b = c.body ?? {};
    const sets: string[] = []; const vals: any[] = [];
    if (b.name !== undefined) { sets.push('name = ?'); vals.push(str(b.name, 'name')); }
    if (b.scopes !== undefined) { sets.push('scopes = ?'); vals.push(JSON.stringify(parseScopes(b.scopes))); }
    if (b.ip_allowlist !== undefined) { sets.push('ip_allowlist = ?'); vals.push(JSON.stringify(parseCidrs(b.ip_allowlist))); }
    if (b.rate_limit_per_minute !== undefined) { sets.push('rate_limit_per_minute = ?'); vals.push(b.rate_limit_per_minute === null ? null : intIn(b.rate_limit_per_minute, 'rate_limit_per_minute', 1, 100000)); }
    if (b.expires_at !== undefined || b.expires_in_days !== undefined) { sets.push('expires_at = ?'); vals.push(parseExpiry(b)); }
    if (sets.length) db.prepare(`UPDATE credentials SET ${sets.join(', ')} WHERE id = ?`).run(...vals, k.id);
    return { body: keyMeta(q.credByIdAny.get(k.id)) };
  });
  add('POST', '/v1/api-keys/{id}/rotate', 'credentials:write', (c) => {
    const k = getCred(c, 'api_key'); const b = c.body ?? {};
    const graceDays = intIn(b.grace_days, 'grace_days', 0, 30, 7);
    const meta = keyMeta(k);
    if (meta.status !== 'active') throw new ApiError(409, 'conflict', `only active keys can be rotated (this key is ${meta.status})`);
    const { prefix, secret, last_four } = newKeySecret(k.prefix === 'sk_test_' ? 'test' : 'live');
    const id = rid('key');
    db.transaction(() => {
      q.insCred.run({ id, workspace_id: k.workspace_id, type: 'api_key', name: k.name, scopes: k.scopes, ip_allowlist: k.ip_allowlist, created_at: nowIso(),
        expires_at: k.expires_at, secret_hash: sha256(secret), secret_created_at: nowIso(), client_id: null, prefix, last_four, rate: k.rate_limit_per_minute, daily_quota: null, rotated_from: k.id });
      db.prepare('UPDATE credentials SET grace_ends_at = ? WHERE id = ?').run(new Date(now() + graceDays * 86400000).toISOString(), k.id);
    })();
    return { status: 201, body: { ...keyMeta(q.credByIdAny.get(id)), secret, previous: keyMeta(q.credByIdAny.get(k.id)) } };
  });
  // Ends a rotated key's grace period now: the old secret stops working at once and the key shows as expired.
  add('POST', '/v1/api-keys/{id}/end-grace', 'credentials:write', (c) => {
    const k = getCred(c, 'api_key');
    const meta = keyMeta(k);
    if (meta.status !== 'rotating') throw new ApiError(409, 'conflict', `only a key in its rotation grace period can end it (this key is ${meta.status})`);
    db.prepare('UPDATE credentials SET grace_ends_at = ? WHERE id = ?').run(nowIso(), k.id);
    return { body: keyMeta(q.credByIdAny.get(k.id)) };
  });
  add('POST', '/v1/api-keys/{id}/revoke', 'credentials:write', (c) => {
    const k = getCred(c, 'api_key');
    q.setStatus.run('revoked', k.id);
    return { body: keyMeta(q.credByIdAny.get(k.id)) };
  });

  // OAuth apps
  add('GET', '/v1/apps', 'credentials:read', (c) => ({ body: { data: (q.apps.all(c.caller.workspaceId) as any[]).map(appMeta) } }));
  // Refresh tokens die at once; access tokens already issued work until their exp, and the answer says until when the
  // last one lives (null: none is outstanding). docs/platform-api.md §4.5.
  add('POST', '/v1/apps/{id}/revoke', 'credentials:write', (c) => {
    const a = getCred(c, 'app');
    q.setStatus.run('revoked', a.id);
    const until = a.grant_id ? revocation.revokeWithTail(a.grant_id, Math.floor(now() / 1000)) : null;
    return { body: { ...appMeta(q.credByIdAny.get(a.id)), access_tokens_valid_until: validUntilIso(until) } };
  });

  // Machine clients
  add('GET', '/v1/machine-clients', 'credentials:read', (c) => ({ body: { data: (q.credsByType.all(c.caller.workspaceId, 'machine_client') as any[]).map(mcMeta) } }));
  add('POST', '/v1/machine-clients', 'credentials:write', (c) => {
    const b = c.body ?? {};
    const id = rid('mc'); const clientId = `mcc_${b62(20)}`; const secret = `mcs_${b62(48)}`;
    q.insCred.run({ id, workspace_id: c.caller.workspaceId, type: 'machine_client', name: str(b.name, 'name'), scopes: JSON.stringify(parseScopes(b.scopes)),
      ip_allowlist: JSON.stringify(parseCidrs(b.ip_allowlist)), created_at: nowIso(), expires_at: null, secret_hash: sha256(secret), secret_created_at: nowIso(),
      client_id: clientId, prefix: null, last_four: null, rate: null, daily_quota: intIn(b.daily_quota, 'daily_quota', 1, 10000000, 10000), rotated_from: null });
    return { status: 201, body: { ...mcMeta(q.credByIdAny.get(id)), client_secret: secret } };
  });
  add('PATCH', '/v1/machine-clients/{id}', 'credentials:write', (c) => { const m = getCred(c, 'machine_client'); patchMachineClient(db, m.id, c.body ?? {}); return { body: mcMeta(q.credByIdAny.get(m.id)) }; });
  add('POST', '/v1/machine-clients/{id}/rotate', 'credentials:write', (c) => {
    const m = getCred(c, 'machine_client'); const b = c.body ?? {};
    const graceDays = intIn(b.grace_days, 'grace_days', 0, 30, 7);
    const secret = `mcs_${b62(48)}`;
    db.prepare('UPDATE credentials SET prev_secret_hash = secret_hash, secret_hash = ?, secret_created_at = ?, grace_ends_at = ? WHERE id = ?')
      .run(sha256(secret), nowIso(), graceDays > 0 ? new Date(now() + graceDays * 86400000).toISOString() : null, m.id);
    return { body: { ...mcMeta(q.credByIdAny.get(m.id)), client_secret: secret } };
  });
  add('POST', '/v1/machine-clients/{id}/disable', 'credentials:write', (c) => { const m = getCred(c, 'machine_client'); q.setStatus.run('disabled', m.id); return { body: mcMeta(q.credByIdAny.get(m.id)) }; });
  add('POST', '/v1/machine-clients/{id}/enable', 'credentials:write', (c) => { const m = getCred(c, 'machine_client'); q.setStatus.run('active', m.id); return { body: mcMeta(q.credByIdAny.get(m.id)) }; });
  add('GET', '/v1/machine-clients/{id}/usage', 'credentials:read', (c) => {
    const m = getCred(c, 'machine_client');
    const today = nowIso().slice(0, 10);
    const days = (q.usage.all(m.id) as any[]).map((u) => ({ date: u.day, token_requests: u.count }));
    const used = days.find((d) => d.date === today)?.token_requests ?? 0;
    return { body: { id: m.id, client_id: m.client_id, daily_quota: m.daily_quota, used_today: used, remaining_today: Math.max(0, m.daily_quota - used), data: days } };
  });

  // Service tokens
  add('GET', '/v1/service-tokens', 'credentials:read', (c) => ({ body: { data: (q.credsByType.all(c.caller.workspaceId, 'service_token') as any[]).map(stMeta) } }));
  add('POST', '/v1/service-tokens', 'credentials:write', (c) => {
    const b = c.body ?? {};
    const ttl = intIn(b.ttl_minutes, 'ttl_minutes', 5, 60);
    const id = rid('st'); const token = `gst_${b62(43)}`;
    q.insCred.run({ id, workspace_id: c.caller.workspaceId, type: 'service_token', name: typeof b.name === 'string' ? b.name.slice(0, 200) : 'service token', scopes: JSON.stringify(parseScopes(b.scopes)),
      ip_allowlist: '[]', created_at: nowIso(), expires_at: new Date(now() + ttl * 60000).toISOString(), secret_hash: sha256(token), secret_created_at: nowIso(),
      client_id: null, prefix: null, last_four: null, rate: null, daily_quota: null, rotated_from: null });
    return { status: 201, body: { ...stMeta(q.credByIdAny.get(id)), token } };
  });

  // Audit log
  add('GET', '/v1/audit-events', 'audit:read', (c) => {
    const after = intIn(c.url.searchParams.get('after_seq') ?? undefined, 'after_seq', 0, Number.MAX_SAFE_INTEGER, 0);
    const limit = intIn(c.url.searchParams.get('limit') ?? undefined, 'limit', 1, 5000, 1000);
    const ws = c.caller.workspaceId;
    const tq = performance.now();
    const anomalies = o.pageAnomalies();
    const rows = q.page.all(ws, anomalies.overlap ? Math.max(0, after - 1) : after, limit) as Buffer[];
    if (anomalies.gap && rows.length >= 3) rows.splice(Math.floor(rows.length / 2), 1);
    if (anomalies.reorder && rows.length >= 2) { const i = Math.floor(rows.length / 2) - 1; const t = rows[i]!; rows[i] = rows[i + 1]!; rows[i + 1] = t; }
    const dbMs = performance.now() - tq;
    const tampers = o.tamperFor().filter((t) => t.workspace === ws);
    if (tampers.length) {
      for (let i = 0; i < rows.length; i++) {
        const ev = JSON.parse(rows[i]!.toString('utf8'));
        if (tampers.some((t) => t.seq === ev.seq)) { ev.caller_ip = ev.caller_ip === '192.0.2.66' ? '192.0.2.67' : '192.0.2.66'; rows[i] = Buffer.from(JSON.stringify(ev), 'utf8'); }
      }
    }
    let nextSeq = after;
    if (rows.length) {
      // top-level "seq" follows "params" in the stored canonical order, so the last occurrence is the event's own seq
      const seqOf = (b: Buffer) => { const t = b.toString('utf8'); return Number(/^\d+/.exec(t.slice(t.lastIndexOf('"seq":') + 6))?.[0] ?? after); };
      nextSeq = Math.max(seqOf(rows[rows.length - 1]!), anomalies.reorder && rows.length >= 2 ? seqOf(rows[rows.length - 2]!) : 0);
    }
    const more = rows.length ? !!q.hasMore.get(ws, nextSeq) : false;
    // Stored bytes are spliced together as-is: no per-event JSON work on the hot path.
    const parts: Buffer[] = [Buffer.from(`{"workspace_id":${JSON.stringify(ws)},"events":[`)];
    for (let i = 0; i < rows.length; i++) { if (i) parts.push(COMMA); parts.push(rows[i]!); }
    parts.push(Buffer.from(`],"next_after_seq":${nextSeq},"has_more":${more}}`));
    const buf = Buffer.concat(parts);
    return { buf, headers: { 'server-timing': `db;dur=${dbMs.toFixed(1)}, app;dur=${(performance.now() - tq).toFixed(1)}` } };
  });
  add('GET', '/v1/audit-events/head', 'audit:read', (c) => {
    const h = audit.head(c.caller.workspaceId);
    return { body: { workspace_id: c.caller.workspaceId, seq: h.seq, hash: h.seq ? h.hash : GENESIS_HASH } };
  });

  // Business endpoints
  add('GET', '/v1/contacts', 'contacts:read', (c) => ({ body: { data: (q.contacts.all(c.caller.workspaceId) as string[][]).map((r) => JSON.parse(r[0]!)) } }), true);
  add('GET', '/v1/contacts/export', 'contacts:read', (c) => ({ body: { exported_at: nowIso(), data: (q.contacts.all(c.caller.workspaceId) as string[][]).map((r) => JSON.parse(r[0]!)) } }), true);

  for (const r of o.extraRoutes ?? []) add(r.method, r.path, r.scope, r.handler, false, r.surface);

  async function readJson(req: IncomingMessage): Promise<any> {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'DELETE') { req.resume(); return undefined; }
    const chunks: Buffer[] = []; let n = 0;
    for await (const ch of req) { n += (ch as Buffer).length; if (n > 65536) throw new ApiError(413, 'invalid_request', 'request body larger than 64 KiB'); chunks.push(ch as Buffer); }
    const text = Buffer.concat(chunks).toString('utf8');
    if (!text.trim()) return {};
    try {
      const v = JSON.parse(text);
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
      return v;
    } catch { throw new ApiError(400, 'invalid_request', 'request body must be a JSON object'); }
  }

  function send(res: ServerResponse, status: number, payload: string | Buffer | undefined, headers: Record<string, string> = {}) {
    const h: Record<string, string> = { 'cache-control': 'no-store', ...headers };
    const buf = payload === undefined ? undefined : typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    if (buf) { h['content-type'] = 'application/json; charset=utf-8'; h['content-length'] = String(buf.length); }
    res.writeHead(status, h);
    res.end(buf);
  }

  return async function handle(req: IncomingMessage, res: ServerResponse) {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    let caller: Caller | undefined;
    let status = 500;
    let route: Route | undefined;
    let ctx: Ctx | undefined;
    let body: any;
    try {
      let params: Record<string, string> = {};
      let methodMismatch = false;
      for (const r of routes) {
        const mm = r.re.exec(url.pathname);
        if (!mm) continue;
        if (r.method !== req.method) { methodMismatch = true; continue; }
        route = r; params = Object.fromEntries(r.keys.map((k, i) => [k, mm[i + 1] ?? ''])); break;
      }
      const auth = authenticate(req);
      caller = auth.caller;
      checkIpAndRate(auth.cred, caller);
      q.touch.run(nowIso(), caller.credentialId);
      if (!route) throw methodMismatch ? new ApiError(405, 'method_not_allowed', `${req.method} is not allowed on ${url.pathname}`) : new ApiError(404, 'not_found', `no route for ${req.method} ${url.pathname}`);
      if (route.scope && !caller.scopes.has(route.scope)) {
        throw new ApiError(403, 'insufficient_scope', `this request requires the ${route.scope} scope, which the credential does not hold`, { required_scope: route.scope },
          { 'www-authenticate': `Bearer error="insufficient_scope", scope="${route.scope}"` });
      }
      o.stepUp?.({ ...caller, user: !!caller.user, acr: caller.acr ?? null, authTime: caller.authTime ?? null }, route.method, route.path, route.scope);
      body = await readJson(req);
      ctx = { req, url, params, body, caller, res, auditParams: {}, pii: !!route.pii };
      const out = await route.handler(ctx);
      status = out.status ?? 200;
      send(res, status, out.buf ?? (out.body === undefined ? undefined : JSON.stringify(out.body)), out.headers);
    } catch (e: any) {
      const err = e instanceof ApiError ? e : new ApiError(500, 'server_error', 'internal error');
      if (!(e instanceof ApiError)) console.error('[sandbox] management error', e);
      status = err.status;
      const headers = { ...err.headers };
      // a step-up challenge (RFC 9470) brings its own header; every other 401 is invalid_token
      if (status === 401 && !headers['www-authenticate']) headers['www-authenticate'] = `Bearer error="invalid_token", error_description="${err.code}"`;
      send(res, status, JSON.stringify(err.body()), headers);
    } finally {
      if (caller) {
        const p: Record<string, unknown> = Object.fromEntries(url.searchParams.entries());
        if (body && typeof body === 'object') for (const [k, v] of Object.entries(body)) p[k] = v;
        for (const k of Object.keys(p)) if (/secret|token/i.test(k) && k !== 'ttl_minutes') delete p[k];
        try {
          audit.append(caller.workspaceId, {
            occurred_at: nowIso(), credential_id: caller.credentialId, credential_type: caller.credentialType, caller_ip: caller.ip,
            method: req.method ?? 'GET', endpoint: url.pathname, params: p, status, duration_ms: Math.round(performance.now() - started),
            pii_accessed: (ctx?.audit?.pii ?? !!route?.pii) && status < 300,
            surface: ctx?.audit?.surface ?? route?.surface ?? 'api', mcp_tool: ctx?.audit?.mcp_tool ?? null,
          }, route?.scope ?? null);
        } catch (e) { console.error('[sandbox] audit append failed', e); }
      }
    }
  };
}
