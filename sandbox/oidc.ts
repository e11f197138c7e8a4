/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic JSON bodies and the untyped oidc-provider API */
// OAuth 2 / OIDC authorization server built on node-oidc-provider.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { errors } from 'oidc-provider';
import type { DB } from './db.ts';
import { MANAGEMENT_SCOPES, SCOPES } from './scopes.ts';
import { now, nowIso } from './clock.ts';
import { registerReviewExchange, reviewTtlCap, TOKEN_EXCHANGE } from './reviews.ts';
import { ACR_MFA, ACR_PWD, MAX_TOTP_ATTEMPTS, type Mfa } from './mfa.ts';
import { grantRevocation } from './revocation.ts';

export const DESKTOP_CLIENT_ID = 'grantdesk-desktop';
const TOKEN_MODELS = new Set(['AccessToken', 'ClientCredentials', 'RefreshToken', 'AuthorizationCode', 'DeviceCode', 'BackchannelAuthenticationRequest']);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const epoch = () => Math.floor(now() / 1000);

export interface OidcOptions {
  issuer: string;
  db: DB;
  reuseLeewaySeconds: number;
  accessTokenTtl: number;
  autoConsent: boolean;
  log: (msg: string) => void;
  /** MFA step-up (sandbox/mfa.ts): the per-workspace authenticator the interaction checks */
  mfa: Mfa;
  /** who the auto-consent signs in as (a SANDBOX_STAFF login; `POST /__admin/signin-as`); default SANDBOX_USER */
  signInAs?: string;
}

/** the request asks for a multi-factor sign-in (RFC 9470 step-up: acr_values names urn:sabnode:mfa) */
export const wantsMfa = (params: any) => String(params?.acr_values ?? '').split(' ').includes(ACR_MFA);

export const TTL = {
  AccessToken: 3600,
  ClientCredentials: 3600,
  RefreshToken: 30 * 24 * 3600,
  AuthorizationCode: 60,
  DeviceCode: 600,
  Interaction: 3600,
  Session: 14 * 24 * 3600,
  Grant: 365 * 24 * 3600,
};

export class QuotaExceeded extends errors.OIDCProviderError {
  constructor(description: string) {
    super(429, 'quota_exceeded');
    this.error_description = description;
    this.expose = true;
  }
}

export function createAdapterFactory(db: DB, opts: { reuseLeewaySeconds: () => number }) {
  const upsert = db.prepare(`INSERT INTO oidc (model, id, payload, grant_id, uid, user_code, expires_at, consumed_at, revoked_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)
    ON CONFLICT(model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id, uid = excluded.uid, user_code = excluded.user_code, expires_at = excluded.expires_at`);
  const get = db.prepare('SELECT * FROM oidc WHERE model = ? AND id = ?');
  const byUid = db.prepare('SELECT * FROM oidc WHERE model = ? AND uid = ?');
  const byUserCode = db.prepare('SELECT * FROM oidc WHERE model = ? AND user_code = ?');
  const consume = db.prepare('UPDATE oidc SET consumed_at = ? WHERE model = ? AND id = ?');
  const del = db.prepare('DELETE FROM oidc WHERE model = ? AND id = ?');
  const tomb = db.prepare('UPDATE oidc SET revoked_at = ? WHERE model = ? AND id = ? AND revoked_at IS NULL');
  // RFC 7009 revocation of any of its tokens (and refresh-token reuse) ends the whole grant: the grant row, its refresh
  // tokens and codes die at once; its other access tokens live out their exp (the revocation tail, sandbox/revocation.ts)
  const revocation = grantRevocation(db);
  const getGs = db.prepare('SELECT * FROM grant_state WHERE grant_id = ?');
  const gsLatest = db.prepare('INSERT INTO grant_state (grant_id, latest_rt) VALUES (?, ?) ON CONFLICT(grant_id) DO UPDATE SET latest_rt = excluded.latest_rt');
  const gsPrev = db.prepare('UPDATE grant_state SET prev_rt = ?, prev_rt_consumed_at = ? WHERE grant_id = ?');
  const mcByClientId = db.prepare("SELECT * FROM credentials WHERE client_id = ? AND type = 'machine_client'");

  const rowToPayload = (row: any) => {
    if (!row) return undefined;
    // A revoked grant is still found: introspection of its access tokens (the tail) looks it up. Nothing new can be issued
    // from it, because its refresh tokens and codes are revoked with it.
    if (row.revoked_at && row.model !== 'Grant') return undefined;
    const p = JSON.parse(row.payload);
    if (row.consumed_at) p.consumed = row.consumed_at;
    return p;
  };

  return class SqliteAdapter {
    constructor(public model: string) {}

    async upsert(id: string, payload: any, expiresIn?: number) {
      const exp = expiresIn ? epoch() + expiresIn : null;
      upsert.run(this.model, id, JSON.stringify(payload), payload.grantId ?? null, payload.uid ?? null, payload.userCode ?? null, exp);
      if (this.model === 'RefreshToken' && payload.grantId) gsLatest.run(payload.grantId, id);
    }

    async find(id: string) {
      if (this.model === 'Client') {
        const mc = mcByClientId.get(id) as any;
        if (!mc || mc.status !== 'active') return undefined;
        const scopes: string[] = JSON.parse(mc.scopes);
        return {
          client_id: mc.client_id,
          // Not a plaintext secret: compareClientSecret is patched to compare hashes (see installHashedClientSecrets).
          client_secret: `sha256:${mc.secret_hash}`,
          client_name: mc.name,
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          token_endpoint_auth_method: 'client_secret_basic',
          scope: scopes.join(' '),
        };
      }
      const row = get.get(this.model, id) as any;
      const p = rowToPayload(row);
      if (p && this.model === 'RefreshToken' && p.consumed && p.grantId) {
        const leeway = opts.reuseLeewaySeconds();
        const gs = getGs.get(p.grantId) as any;
        if (leeway > 0 && gs && gs.prev_rt === id && epoch() - gs.prev_rt_consumed_at <= leeway) {
          delete p.consumed; // immediately previous refresh token, still inside the reuse leeway
          p.__leeway = true;
        }
      }
      if (p) delete p.__leeway;
      return p;
    }

    async findByUserCode(userCode: string) { return rowToPayload(byUserCode.get(this.model, userCode)); }
    async findByUid(uid: string) { return rowToPayload(byUid.get(this.model, uid)); }

    async consume(id: string) {
      const row = get.get(this.model, id) as any;
      if (this.model === 'RefreshToken' && row?.grant_id) {
        if (row.consumed_at) {
          // Leeway reuse of the previous token: the sibling issued on the first use is retired (not found => invalid_grant,
          // without revoking the grant). Only one refresh token of a grant is ever live.
          const gs = getGs.get(row.grant_id) as any;
          if (gs?.latest_rt && gs.latest_rt !== id) tomb.run(epoch(), 'RefreshToken', gs.latest_rt);
          return;
        }
        const t = epoch();
        consume.run(t, this.model, id);
        gsPrev.run(id, t, row.grant_id);
        return;
      }
      consume.run(epoch(), this.model, id);
    }

    async destroy(id: string) {
      // a destroyed grant is kept as a tombstone: its issued access tokens still introspect until their exp (the tail)
      if (TOKEN_MODELS.has(this.model) || this.model === 'Grant') tomb.run(epoch(), this.model, id);
      else del.run(this.model, id);
    }

    async revokeByGrantId(grantId: string) { revocation.revokeWithTail(grantId, epoch()); }
  };
}

function layout(title: string, body: string) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>
<meta name="referrer" content="no-referrer"><style>body{font-family:system-ui,sans-serif;max-width:480px;margin:40px auto;padding:0 16px}
label{display:block;margin:12px 0 4px}input,select,button{font-size:16px;padding:6px;width:100%;box-sizing:border-box}button{margin-top:16px}
.banner{background:#fff3cd;padding:8px;border:1px solid #e0c36c}</style></head><body>
<div class="banner">SabNode sandbox platform: test data only.</div>${body}</body></html>`;
}
const esc = (s: string) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));

export const SANDBOX_USER = { id: 'usr_sandbox_admin', login: 'admin@sandbox.test', password: 'sandbox', name: 'Sandbox Admin' };
/**
 * The agency staff accounts that can sign in (password `sandbox` for each). Their name and email reach the client as
 * `name` / `email` claims in the ID token and at userinfo when it asks for `openid profile email`.
 */
export const SANDBOX_STAFF = [
  SANDBOX_USER,
  { id: 'usr_sandbox_rita', login: 'rita.ops@agency.test', password: 'sandbox', name: 'Rita Ops' },
  { id: 'usr_sandbox_sam', login: 'sam.lee@agency.test', password: 'sandbox', name: 'Sam Lee' },
] as const;
const staffById = (id: string) => SANDBOX_STAFF.find((s) => s.id === id);
const staffByLogin = (login: unknown) => SANDBOX_STAFF.find((s) => s.login === login);
/** the account the auto-consent signs in as */
const autoAccount = (o: OidcOptions) => staffByLogin(o.signInAs)?.id ?? SANDBOX_USER.id;

export function createProvider(o: OidcOptions) {
  const { db } = o;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'sandbox-rs256', use: 'sig', alg: 'RS256' };
  const Adapter = createAdapterFactory(db, { reuseLeewaySeconds: () => o.reuseLeewaySeconds });
  const getGrantWs = db.prepare('SELECT workspace_id, credential_id FROM grant_state WHERE grant_id = ?');
  const mcByClientId = db.prepare("SELECT * FROM credentials WHERE client_id = ? AND type = 'machine_client'");
  const usageGet = db.prepare('SELECT count FROM mc_usage WHERE credential_id = ? AND day = ?');
  const usageInc = db.prepare('INSERT INTO mc_usage (credential_id, day, count) VALUES (?, ?, 1) ON CONFLICT(credential_id, day) DO UPDATE SET count = count + 1');
  const touch = db.prepare('UPDATE credentials SET last_used_at = ? WHERE id = ?');

  // Tokens of an auditor review's grant never outlive the review (sandbox/reviews.ts).
  const reviewCap = reviewTtlCap(db);
  const capped = (token: any, ttl: number) => { const c = reviewCap(token?.grantId); return c === null ? ttl : Math.min(ttl, c); };
  const allScopes = ['openid', 'offline_access', ...SCOPES.map((s) => s.name)];
  const provider = new Provider(o.issuer, {
    adapter: Adapter as any,
    clients: [{
      client_id: DESKTOP_CLIENT_ID,
      client_name: 'Grantdesk desktop',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code', TOKEN_EXCHANGE],
      response_types: ['code'],
      scope: ['openid', 'profile', 'email', 'offline_access', ...MANAGEMENT_SCOPES].join(' '),
    }],
    jwks: { keys: [jwk as any] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    scopes: allScopes,
    acrValues: [ACR_PWD, ACR_MFA],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // the scope-requested claims (name, email) travel in the ID token too, not only at userinfo
    conformIdTokenClaims: false,
    extraParams: ['workspace'],
    pkce: { required: () => true },
    responseTypes: ['code'],
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx: any, client: any, code: any) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    loadExistingGrant: async (ctx: any) => {
      // Every authorization is for exactly one workspace, so a grant is never silently reused.
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    findAccount: async (_ctx: any, sub: string) => {
      const who = staffById(sub) ?? SANDBOX_USER;
      return { accountId: sub, claims: async () => ({ sub, email: who.login, email_verified: true, name: who.name }) };
    },
    ttl: {
      AccessToken: (_ctx: any, token: any) => capped(token, o.accessTokenTtl),
      ClientCredentials: () => Math.min(o.accessTokenTtl, TTL.ClientCredentials),
      RefreshToken: (_ctx: any, token: any) => capped(token, TTL.RefreshToken),
      AuthorizationCode: TTL.AuthorizationCode,
      DeviceCode: TTL.DeviceCode,
      Interaction: TTL.Interaction,
      Session: TTL.Session,
      Grant: TTL.Grant,
      IdToken: 3600,
    } as any,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      deviceFlow: { enabled: true, charset: 'base-20', mask: '****-****' },
      introspection: {
        enabled: true,
        // public clients may only introspect their own tokens; confidential clients any token of the platform
        allowedPolicy: async (ctx: any, client: any, token: any) => !(client.clientAuthMethod === 'none' && token.clientId !== ctx.oidc.client.clientId),
      },
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx: any, client: any, token: any) => token.clientId === client.clientId,
      },
      userinfo: { enabled: true },
    },
    clientBasedCORS: () => false,
    interactions: { url: (_ctx: any, interaction: any) => `/interaction/${interaction.uid}` },
    extraTokenClaims: async (ctx: any, token: any) => {
      if (token.kind === 'ClientCredentials') {
        const mc = mcByClientId.get(token.clientId) as any;
        if (!mc) return undefined;
        const day = nowIso().slice(0, 10);
        const used = ((usageGet.get(mc.id, day) as any)?.count ?? 0) as number;
        const limit = mc.daily_quota as number;
        const midnight = Date.UTC(new Date(now()).getUTCFullYear(), new Date(now()).getUTCMonth(), new Date(now()).getUTCDate() + 1);
        const retryAfter = Math.max(1, Math.ceil((midnight - now()) / 1000));
        ctx.set('X-Quota-Limit', String(limit));
        ctx.set('X-Quota-Reset', String(Math.floor(midnight / 1000)));
        if (used >= limit) {
          ctx.set('X-Quota-Remaining', '0');
          ctx.set('Retry-After', String(retryAfter));
          throw new QuotaExceeded(`daily token quota of ${limit} exhausted; retry after ${retryAfter} s`);
        }
        usageInc.run(mc.id, day);
        touch.run(nowIso(), mc.id);
        const remaining = limit - used - 1;
        ctx.set('X-Quota-Remaining', String(remaining));
        if (remaining <= limit * 0.1) ctx.set('X-Quota-Warning', `${remaining} of ${limit} daily token requests remaining`);
        return { workspace_id: mc.workspace_id, credential_id: mc.id };
      }
      const gs = token.grantId ? (getGrantWs.get(token.grantId) as any) : undefined;
      if (!gs) return undefined;
      // RFC 9470: the strength and time of the sign-in behind the token (the code's, or the refresh token's it came from)
      const src = ctx?.oidc?.entities?.AuthorizationCode ?? ctx?.oidc?.entities?.RefreshToken ?? ctx?.oidc?.entities?.DeviceCode;
      const acr = typeof src?.acr === 'string' ? src.acr : null;
      const authTime = Number.isInteger(src?.authTime) ? src.authTime : null;
      return { workspace_id: gs.workspace_id, credential_id: gs.credential_id, ...(acr ? { acr } : {}), ...(authTime !== null ? { auth_time: authTime } : {}) };
    },
    renderError: async (ctx: any, out: any) => {
      ctx.type = 'html';
      ctx.body = layout('Error', `<h1>${esc(out.error)}</h1><p>${esc(out.error_description ?? '')}</p>`);
    },
  } as any);
  provider.proxy = false;
  registerReviewExchange(provider, db);

  // Client secrets of machine clients are stored as SHA-256 hashes only (current + previous during rotation grace).
  const graceGet = db.prepare("SELECT prev_secret_hash, grace_ends_at FROM credentials WHERE client_id = ? AND type = 'machine_client'");
  (provider.Client.prototype as any).compareClientSecret = function (actual: string) {
    const h = sha256(String(actual));
    if (`sha256:${h}` === this.clientSecret) return true;
    const row = graceGet.get(this.clientId) as any;
    return !!(row?.prev_secret_hash && row.prev_secret_hash === h && row.grace_ends_at && Date.parse(row.grace_ends_at) > now());
  };
  return provider;
}

// ----- interactions (login + consent with a workspace picker, or --auto-consent) -----
async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export function createInteractionHandler(provider: any, o: OidcOptions) {
  const { db } = o;
  const wsList = db.prepare('SELECT id, name FROM workspaces ORDER BY ord');
  const wsGet = db.prepare('SELECT id, name FROM workspaces WHERE id = ?');
  const insGs = db.prepare('INSERT INTO grant_state (grant_id, workspace_id, credential_id) VALUES (?, ?, ?) ON CONFLICT(grant_id) DO UPDATE SET workspace_id = excluded.workspace_id, credential_id = excluded.credential_id');
  const insApp = db.prepare(`INSERT INTO credentials (id, workspace_id, type, name, scopes, status, created_at, client_id, grant_id) VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?)`);
  // the client's live user grant in the workspace a step-up signs in again for (newest first)
  const liveGrantOf = db.prepare(`SELECT c.id FROM credentials c JOIN oidc g ON g.model = 'Grant' AND g.id = c.grant_id AND g.revoked_at IS NULL
    WHERE c.workspace_id = ? AND c.client_id = ? AND c.type = 'user_grant' AND c.status = 'active' ORDER BY c.created_at DESC, c.id DESC LIMIT 1`).pluck(true);
  const attempts = new Map<string, number>();

  /** The login part of a result: a multi-factor sign-in when the request asked for one (and it was verified), now. */
  const login = (accountId: string, mfa: boolean) => ({ accountId, acr: mfa ? ACR_MFA : ACR_PWD, amr: mfa ? ['pwd', 'otp'] : ['pwd'], ts: epoch() });

  /**
   * A step-up (acr_values asks for MFA) re-authenticates a grant the client already holds in the workspace: its tokens act
   * as that grant's credential (no second app entry, the audit log names the same credential), without offline_access (a
   * step-up never yields a refresh token), for the access token's lifetime only. Without such a grant it is a new consent.
   */
  async function stepUpConsent(details: any, workspaceId: string, accountId: string) {
    const { params } = details;
    const existing = liveGrantOf.get(workspaceId, params.client_id) as string | undefined;
    if (!existing) return consent(details, workspaceId, accountId, true);
    const requested = String(params.scope ?? '').split(' ').filter((x) => x && x !== 'offline_access');
    const grant = new provider.Grant({ accountId, clientId: params.client_id });
    grant.addOIDCScope(requested.join(' '));
    const grantId = await grant.save(o.accessTokenTtl + 60);
    insGs.run(grantId, workspaceId, existing);
    return { login: login(accountId, true), consent: { grantId } };
  }

  async function consent(details: any, workspaceId: string, accountId: string, mfa = false) {
    const { params } = details;
    const requested = String(params.scope ?? '').split(' ').filter((x) => x && !(mfa && x === 'offline_access'));
    const grant = new provider.Grant({ accountId, clientId: params.client_id });
    grant.addOIDCScope(requested.join(' '));
    const grantId = await grant.save();
    const client = await provider.Client.find(params.client_id);
    const appId = `app_${randomBytes(10).toString('hex')}`;
    insApp.run(appId, workspaceId, params.client_id === DESKTOP_CLIENT_ID ? 'user_grant' : 'oauth_app', client?.clientName ?? params.client_id,
      JSON.stringify(requested.filter((s) => s !== 'openid' && s !== 'offline_access')), nowIso(), params.client_id, grantId);
    insGs.run(grantId, workspaceId, appId);
    return { login: login(accountId, mfa), consent: { grantId } };
  }

  /** The MFA step: who asks, for which workspace, and the authenticator code (the sandbox prints each workspace's secret). */
  const mfaPage = (uid: string, params: any, ws: { id: string; name: string }, problem: string | null) => {
    const maxAge = params.max_age !== undefined ? ` (a sign-in no older than ${esc(String(params.max_age))} seconds)` : '';
    return layout('Multi-factor sign-in', `<h1>Confirm it is you</h1>
<p><strong>${esc(params.client_id)}</strong> asks for a fresh multi-factor sign-in for the workspace <strong>${esc(ws.name)}</strong>${maxAge} before a sensitive change.</p>
${problem ? `<p role="alert">${esc(problem)}</p>` : ''}<form method="post" action="/interaction/${uid}/mfa">
<label>Email</label><input name="login" value="${esc(SANDBOX_USER.login)}" autocomplete="username">
<label>Password (sandbox: ${esc(SANDBOX_USER.password)})</label><input name="password" type="password" autocomplete="current-password">
<label>Authenticator code (6 digits; the sandbox printed this workspace's TOTP secret when it started)</label><input name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}">
<button type="submit">Verify</button></form><form method="post" action="/interaction/${uid}/abort"><button type="submit">Deny</button></form>`);
  };

  const html = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
    res.end(body);
  };

  return async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', o.issuer);
    const m = /^\/interaction\/([^/]+)(?:\/(login|confirm|abort|mfa))?$/.exec(url.pathname);
    if (!m) return html(res, 404, layout('Not found', '<h1>Not found</h1>'));
    let details: any;
    try {
      details = await provider.interactionDetails(req, res);
    } catch (e: any) {
      return html(res, 400, layout('Error', `<h1>Interaction expired</h1><p>${esc(e.message)}</p>`));
    }
    const { uid, prompt, params, session } = details;
    const wsParam = params.workspace ? (wsGet.get(params.workspace) as any) : undefined;
    const accountId = session?.accountId ?? details.lastSubmission?.login?.accountId;
    const mfa = wantsMfa(params);
    try {
      if (mfa && !wsParam) return html(res, 400, layout('Error', '<h1>Unknown workspace</h1><p>A multi-factor sign-in is for one workspace; this request names none the platform knows.</p>'));
      if (req.method === 'GET' && !m[2]) {
        if (o.autoConsent && wsParam) {
          if (mfa) {
            o.log(`!!! AUTO-CONSENT (sandbox only): the MFA step (authenticator code) for workspace ${wsParam.id} was completed without anyone entering a code; client ${params.client_id} re-authenticated with acr ${ACR_MFA}`);
            return provider.interactionFinished(req, res, await stepUpConsent(details, wsParam.id, accountId ?? autoAccount(o)), { mergeWithLastSubmission: false });
          }
          o.log(`!!! AUTO-CONSENT (sandbox only): client ${params.client_id} granted [${params.scope}] for workspace ${wsParam.id} without a login page`);
          const result = await consent(details, wsParam.id, accountId ?? autoAccount(o));
          return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
        }
        if (mfa) return html(res, 200, mfaPage(uid, params, wsParam, null));
        if (prompt.name === 'login' && !(o.autoConsent)) {
          return html(res, 200, layout('Sign in', `<h1>Sign in</h1><form method="post" action="/interaction/${uid}/login">
<label>Email</label><input name="login" value="${esc(SANDBOX_USER.login)}" autocomplete="username">
<label>Password (sandbox: ${esc(SANDBOX_USER.password)})</label><input name="password" type="password" autocomplete="current-password">
<button type="submit">Sign in</button></form>`));
        }
        const options = (wsList.all() as any[]).map((w) => `<option value="${esc(w.id)}"${w.id === wsParam?.id ? ' selected' : ''}>${esc(w.name)} (${esc(w.id)})</option>`).join('');
        const scopes = String(params.scope ?? '').split(' ').filter(Boolean).map((s) => `<li><code>${esc(s)}</code></li>`).join('');
        return html(res, 200, layout('Authorize', `<h1>Authorize ${esc(params.client_id)}</h1><p>It asks for:</p><ul>${scopes}</ul>
<form method="post" action="/interaction/${uid}/confirm"><label>Workspace (each grant is for exactly one workspace)</label><select name="workspace">${options}</select>
<button type="submit">Allow</button></form><form method="post" action="/interaction/${uid}/abort"><button type="submit">Deny</button></form>`));
      }
      if (req.method === 'POST' && m[2] === 'login') {
        const form = await readForm(req);
        const who = staffByLogin(form.get('login'));
        if (!who || form.get('password') !== who.password) {
          return html(res, 401, layout('Sign in', `<h1>Sign in</h1><p>Wrong email or password.</p><p><a href="/interaction/${uid}">Try again</a></p>`));
        }
        return provider.interactionFinished(req, res, { login: { accountId: who.id } }, { mergeWithLastSubmission: false });
      }
      if (req.method === 'POST' && m[2] === 'confirm') {
        const form = await readForm(req);
        const ws = wsGet.get(form.get('workspace') ?? '') as any;
        if (!ws) return html(res, 400, layout('Error', '<h1>Unknown workspace</h1>'));
        const result = await consent(details, ws.id, accountId ?? SANDBOX_USER.id);
        return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
      }
      if (req.method === 'POST' && m[2] === 'mfa' && mfa) {
        const form = await readForm(req);
        const pwdOk = form.get('login') === SANDBOX_USER.login && form.get('password') === SANDBOX_USER.password;
        // the code is checked even when the password is wrong, so a guess costs a step either way
        const codeOk = o.mfa.verifyTotp(wsParam.id, String(form.get('code') ?? '').replace(/\s+/g, ''));
        if (!pwdOk || !codeOk) {
          const n = (attempts.get(uid) ?? 0) + 1;
          attempts.set(uid, n);
          if (n >= MAX_TOTP_ATTEMPTS) {
            attempts.delete(uid);
            return provider.interactionFinished(req, res, { error: 'access_denied', error_description: `multi-factor sign-in failed ${n} times` }, { mergeWithLastSubmission: false });
          }
          return html(res, 401, mfaPage(uid, params, wsParam, `Wrong email, password or authenticator code. ${MAX_TOTP_ATTEMPTS - n} of ${MAX_TOTP_ATTEMPTS} attempts left.`));
        }
        attempts.delete(uid);
        return provider.interactionFinished(req, res, await stepUpConsent(details, wsParam.id, SANDBOX_USER.id), { mergeWithLastSubmission: false });
      }
      if (req.method === 'POST' && m[2] === 'abort') {
        return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-user denied the authorization' }, { mergeWithLastSubmission: false });
      }
      return html(res, 405, layout('Error', '<h1>Method not allowed</h1>'));
    } catch (e: any) {
      return html(res, 500, layout('Error', `<h1>Error</h1><p>${esc(e.message)}</p>`));
    }
  };
}
