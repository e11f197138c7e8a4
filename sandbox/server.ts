/* eslint-disable @typescript-eslint/no-explicit-any -- dynamic JSON bodies and the untyped oidc-provider API */
// Grantdesk sandbox platform: a SabNode-style remote platform for demos and tests.
// It plays the remote system, so it must not import anything from the app (src-*).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import ipaddr from 'ipaddr.js';
import { enableWal, openDb } from './db.ts';
import { AuditLog } from './audit.ts';
import { seed } from './seed.ts';
import { now, nowIso, offsetClock, useClock, type SandboxClock } from './clock.ts';
import { createInteractionHandler, createProvider, SANDBOX_STAFF, TTL } from './oidc.ts';
import type { OidcOptions } from './oidc.ts';
import { createManagement } from './management.ts';
import { createRouteTable, replayTruth } from './management-guardrails.ts';
import { Faults, parseFaultSpec, type FaultConfig } from './faults.ts';
import { SCOPE_NAMES } from './scopes.ts';
import { reviewRoutes } from './reviews.ts';
import { mcpRoutes } from './mcp.ts';
import { MCP_PATH } from './mcp-tools.ts';
import { effectiveStatus } from './status.ts';
import { createMfa, totp } from './mfa.ts';
import { grantRevocation, validUntilIso } from './revocation.ts';

export interface SandboxOptions {
  port?: number;               // 0 = free port (default 0)
  host?: string;               // default 127.0.0.1
  workspaces?: number;         // default 3
  events?: number;             // total seeded audit events across all workspaces, default 200
  seed?: number;               // default 1
  autoConsent?: boolean;
  faults?: string | Record<string, FaultConfig>;
  reuseLeewaySeconds?: number; // 0..60, default 0
  admin?: boolean;
  accessTokenTtl?: number;     // seconds, default 3600
  dataDir?: string;            // default: a fresh temp dir (deleted on close)
  anchor?: string | number;    // time the seeded history ends at; default start of the current UTC day
  log?: (msg: string) => void; // default: stderr
  /** default: an offset clock for the sandbox's own code only; pass processClock() so the admin clock also moves oidc-provider's expiries */
  clock?: SandboxClock;
}

export interface SandboxHandle {
  issuer: string;
  port: number;
  adminToken?: string;
  workspaces: Array<{ id: string; name: string }>;
  /** MFA step-up (sandbox/mfa.ts): each workspace's plan, authenticator secret and the code it shows now */
  mfa: { plan(ws: string): string; totpSecret(ws: string): string | null; totp(ws: string): string | null };
  dataDir: string;
  seedMs: number;
  setReuseLeeway(seconds: number): void;
  close(): Promise<void>;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const clock = options.clock ?? offsetClock();
  useClock(clock);
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const leeway = options.reuseLeewaySeconds ?? 0;
  if (!Number.isFinite(leeway) || leeway < 0 || leeway > 60) throw new Error('reuseLeewaySeconds must be between 0 and 60');
  const accessTokenTtl = options.accessTokenTtl ?? TTL.AccessToken;
  const tempDir = !options.dataDir;
  const { db, dir } = openDb(options.dataDir);
  const audit = new AuditLog(db);

  const seeded = db.prepare("SELECT value FROM meta WHERE key = 'seeded'").get() as any;
  let seedMs = 0;
  if (!seeded) {
    const anchorMs = options.anchor !== undefined ? new Date(options.anchor).getTime() : Math.floor(now() / 86400000) * 86400000;
    const r = seed(db, { workspaces: options.workspaces ?? 3, events: options.events ?? 200, seed: options.seed ?? 1, anchorMs });
    seedMs = r.ms;
    db.prepare("INSERT INTO meta (key, value) VALUES ('seeded', ?)").run(JSON.stringify({ seed: options.seed ?? 1, events: r.events, anchor: new Date(anchorMs).toISOString() }));
  }
  enableWal(db);
  const workspaces = db.prepare('SELECT id, name FROM workspaces ORDER BY ord').all() as Array<{ id: string; name: string }>;

  const faults = new Faults();
  if (options.faults) faults.load(typeof options.faults === 'string' ? parseFaultSpec(options.faults) : options.faults);
  const adminToken = options.admin ? `adm_${randomBytes(24).toString('hex')}` : undefined;

  const host = options.host ?? '127.0.0.1';
  let dispatch: (req: IncomingMessage, res: ServerResponse) => void = (_q, s) => { s.statusCode = 503; s.end(); };
  const server = createServer((req, res) => dispatch(req, res));
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(options.port ?? 0, host, () => resolve()); });
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://${host}:${port}`;

  const mfa = createMfa(db);
  const oidcOpts: OidcOptions = { issuer, db, reuseLeewaySeconds: leeway, accessTokenTtl, autoConsent: !!options.autoConsent, log, mfa };
  const provider = createProvider(oidcOpts);
  provider.on('server_error', (_ctx: any, err: Error) => log(`[sandbox] oidc server_error: ${err.stack ?? err}`));
  const providerCallback = provider.callback();
  const interactions = createInteractionHandler(provider, oidcOpts);
  if (options.autoConsent) log('!!! SANDBOX AUTO-CONSENT IS ON: authorization requests carrying a valid `workspace` parameter are approved without any login or consent page. Never use outside tests/demos.');

  const callerIp = (req: IncomingMessage) => {
    const hdr = adminToken ? req.headers['x-sandbox-caller-ip'] : undefined;
    const raw = typeof hdr === 'string' && hdr ? hdr : req.socket.remoteAddress ?? '0.0.0.0';
    try { return ipaddr.process(raw).toString(); } catch { return raw; }
  };
  const routeTable = createRouteTable();
  const management = createManagement({
    routeTable,
    db, audit, callerIp,
    tamperFor: () => faults.tampers(),
    pageAnomalies: () => faults.pageAnomalies(),
    stepUp: (caller, method, route, scope) => mfa.check(caller, method, route, scope),
    extraRoutes: [...reviewRoutes(db), ...mcpRoutes(db)],
  });

  // ----- admin API -----
  const json = (res: ServerResponse, status: number, body: unknown) => {
    const s = JSON.stringify(body, null, 2);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(s)) });
    res.end(s);
  };
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const t = Buffer.concat(chunks).toString('utf8');
    return t.trim() ? JSON.parse(t) : {};
  };
  const adminOk = (req: IncomingMessage) => {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!m || !adminToken) return false;
    const a = Buffer.from(sha256(m[1] ?? '')); const b = Buffer.from(sha256(adminToken));
    return timingSafeEqual(a, b);
  };
  const credRows = db.prepare('SELECT * FROM credentials WHERE workspace_id = ? ORDER BY type, created_at, id');
  const tokens = grantRevocation(db);
  const grantRevokedRow = db.prepare("SELECT revoked_at FROM oidc WHERE model = 'Grant' AND id = ?");
  const insightRow = db.prepare('SELECT json FROM insights WHERE workspace_id = ?');
  const wsRows = db.prepare('SELECT * FROM workspaces ORDER BY ord');
  function state(wsFilter?: string) {
    const list = (wsRows.all() as any[]).filter((w) => !wsFilter || w.id === wsFilter);
    return {
      now: nowIso(), clock_offset_seconds: clock.offsetMs() / 1000, clock_moves_token_expiries: clock.movesProviderExpiries, reuse_leeway_seconds: oidcOpts.reuseLeewaySeconds,
      workspaces: list.map((w) => ({
        id: w.id, name: w.name, plan: w.plan, region: w.region, created_at: w.created_at,
        audit_head: audit.head(w.id),
        credentials: (credRows.all(w.id) as any[]).map((c) => ({
          id: c.id, type: c.type, name: c.name, scopes: JSON.parse(c.scopes), ip_allowlist: JSON.parse(c.ip_allowlist), status: c.status,
          // what the management API reports (time and grant liveness applied); `status` is the stored value
          effective_status: effectiveStatus(c, now(), (g) => { const r = grantRevokedRow.get(g) as any; return !!r && !r.revoked_at; }),
          created_at: c.created_at, last_used_at: c.last_used_at, expires_at: c.expires_at, grace_ends_at: c.grace_ends_at, rotated_from: c.rotated_from,
          client_id: c.client_id, daily_quota: c.daily_quota, rate_limit_per_minute: c.rate_limit_per_minute, seeded: !!c.seeded,
          secret_sha256: c.secret_hash, previous_secret_sha256: c.prev_secret_hash,
          // the revocation tail: access tokens of this credential's grant that still work, and until when (sandbox/revocation.ts)
          ...(c.grant_id ? { live_access_tokens: tokens.liveAccessTokens(c.grant_id, Math.floor(now() / 1000)), access_tokens_valid_until: validUntilIso(tokens.validUntil(c.grant_id, Math.floor(now() / 1000))) } : {}),
        })),
        insight_truths: JSON.parse((insightRow.get(w.id) as any)?.json ?? '{}'),
      })),
    };
  }
  const insSt = db.prepare(`INSERT INTO credentials (id, workspace_id, type, name, scopes, ip_allowlist, status, created_at, expires_at, secret_hash, secret_created_at)
    VALUES (?, ?, 'service_token', ?, ?, '[]', 'active', ?, ?, ?, ?)`);
  const leakSt = db.prepare(`SELECT prefix, last_four FROM credentials WHERE id = ? AND workspace_id = ? AND type = 'api_key'`);
  const leakUp = db.prepare('UPDATE credentials SET secret_hash = ? WHERE id = ? AND workspace_id = ?');
  async function admin(req: IncomingMessage, res: ServerResponse, url: URL) {
    if (!adminToken) return json(res, 404, { error: 'not_found', error_description: 'admin API disabled (start with --admin)' });
    if (!adminOk(req)) return json(res, 401, { error: 'invalid_token', error_description: 'admin token required: Authorization: Bearer <adminToken>' });
    const p = url.pathname.replace(/^\/__admin/, '');
    try {
      if (p === '/faults' && req.method === 'GET') return json(res, 200, { faults: faults.routes });
      if (p === '/faults' && req.method === 'POST') {
        const b = await readBody(req);
        if (typeof b.spec === 'string') faults.load(parseFaultSpec(b.spec));
        else {
          if (typeof b.route !== 'string') return json(res, 400, { error: 'invalid_request', error_description: 'route (string) or spec (string) required' });
          const { route, replace, tamper_workspace, tamper_seq, ...cfg } = b;
          if (tamper_workspace) cfg.tamper = [{ workspace: tamper_workspace, seq: Number(tamper_seq) }];
          faults.set(route, cfg, !!replace);
        }
        return json(res, 200, { faults: faults.routes });
      }
      if (p === '/faults' && req.method === 'DELETE') { faults.clear(url.searchParams.get('route') ?? undefined); return json(res, 200, { faults: faults.routes }); }
      if (p === '/clock' && req.method === 'GET') return json(res, 200, { now: nowIso(), offset_seconds: clock.offsetMs() / 1000, moves_token_expiries: clock.movesProviderExpiries });
      if (p === '/clock' && req.method === 'POST') {
        const b = await readBody(req);
        const s = Number(b.advance_seconds);
        if (!Number.isFinite(s) || s < 0) return json(res, 400, { error: 'invalid_request', error_description: 'advance_seconds must be a number >= 0' });
        clock.advance(s);
        return json(res, 200, { now: nowIso(), offset_seconds: clock.offsetMs() / 1000, moves_token_expiries: clock.movesProviderExpiries });
      }
      if (p === '/config' && req.method === 'POST') {
        const b = await readBody(req);
        if (b.reuse_leeway_seconds !== undefined) {
          const v = Number(b.reuse_leeway_seconds);
          if (!Number.isFinite(v) || v < 0 || v > 60) return json(res, 400, { error: 'invalid_request', error_description: 'reuse_leeway_seconds must be 0..60' });
          oidcOpts.reuseLeewaySeconds = v;
        }
        return json(res, 200, { reuse_leeway_seconds: oidcOpts.reuseLeewaySeconds, access_token_ttl_seconds: oidcOpts.accessTokenTtl });
      }
      if (p === '/signin-as' && req.method === 'POST') {
        // which agency staff account the auto-consent signs in as from now on (its name/email land in the ID token)
        const b = await readBody(req);
        if (!SANDBOX_STAFF.some((s) => s.login === b.login)) return json(res, 400, { error: 'invalid_request', error_description: `login must be one of ${SANDBOX_STAFF.map((s) => s.login).join(', ')}` });
        oidcOpts.signInAs = b.login;
        return json(res, 200, { login: b.login, name: SANDBOX_STAFF.find((s) => s.login === b.login)!.name });
      }
      if (p === '/mfa' && (req.method === 'GET' || req.method === 'POST')) {
        const b = req.method === 'POST' ? await readBody(req) : {};
        const ws = req.method === 'POST' ? b.workspace : url.searchParams.get('workspace');
        if (!workspaces.some((w) => w.id === ws)) return json(res, 404, { error: 'not_found', error_description: `no workspace ${String(ws).slice(0, 80)}` });
        if (req.method === 'POST') mfa.set(ws, b);
        return json(res, 200, { ...mfa.describe(ws), totp_now: totp(mfa.totpSecret(ws)!) });
      }
      if (p === '/state' && req.method === 'GET') {
        const ws = url.searchParams.get('workspace') ?? undefined;
        if (ws && !workspaces.some((w) => w.id === ws)) return json(res, 404, { error: 'not_found', error_description: `no workspace ${ws}` });
        return json(res, 200, state(ws));
      }
      if (p === '/leak' && req.method === 'POST') {
        // test control: re-key one API key to a secret this call returns (same prefix and last four), as if it had leaked;
        // seeded secrets are never revealed, so this is how a test holds a real seeded key's secret
        const b = await readBody(req);
        const k = leakSt.get(String(b.key_id ?? ''), String(b.workspace_id ?? '')) as { prefix: string; last_four: string } | undefined;
        if (!k) return json(res, 404, { error: 'not_found', error_description: 'no API key with that key_id in that workspace_id' });
        const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
        let body = ''; for (const x of randomBytes(36)) body += B62[x % 62];
        const secret = k.prefix + body + k.last_four;
        leakUp.run(sha256(secret), String(b.key_id), String(b.workspace_id));
        return json(res, 200, { workspace_id: b.workspace_id, key_id: b.key_id, secret });
      }
      if (p === '/replay' && req.method === 'POST') return json(res, 200, replayTruth(db, routeTable, await readBody(req)));
      if (p === '/tokens' && req.method === 'POST') {
        const b = await readBody(req);
        if (!workspaces.some((w) => w.id === b.workspace)) return json(res, 400, { error: 'invalid_request', error_description: 'workspace must be a seeded ws_ id' });
        const scopes: string[] = Array.isArray(b.scopes) ? b.scopes : [];
        if (scopes.some((s) => !SCOPE_NAMES.has(s))) return json(res, 400, { error: 'invalid_scope', error_description: 'unknown scope' });
        const ttl = Math.min(60, Math.max(1, Number(b.ttl_minutes ?? 60)));
        const id = `st_${randomBytes(10).toString('hex')}`; const token = `gst_${randomBytes(32).toString('base64url')}`;
        insSt.run(id, b.workspace, 'admin-minted service token', JSON.stringify([...new Set(scopes)].sort()), nowIso(), new Date(now() + ttl * 60000).toISOString(), sha256(token), nowIso());
        return json(res, 201, { id, token, scopes: [...new Set(scopes)].sort(), expires_at: new Date(now() + ttl * 60000).toISOString() });
      }
      return json(res, 404, { error: 'not_found', error_description: `no admin route ${req.method} ${p}` });
    } catch (e: any) {
      return json(res, 400, { error: 'invalid_request', error_description: String(e?.message ?? e) });
    }
  }

  dispatch = (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const path = url.pathname;
    void (async () => {
      try {
        if (path.startsWith('/__admin')) return await admin(req, res, url);
        if (await faults.apply(req, res, path)) return;
        if (path.startsWith('/v1/') || path === '/v1' || path === MCP_PATH) return await management(req, res);
        if (path.startsWith('/interaction/')) return await interactions(req, res);
        if (path === '/auth' && req.method === 'GET' && !url.searchParams.has('prompt') && /(^|\s)offline_access(\s|$)/.test(url.searchParams.get('scope') ?? '')) {
          // Every grant goes through (auto-)consent anyway, so offline_access does not need an explicit prompt=consent here.
          url.searchParams.set('prompt', 'consent');
          req.url = url.pathname + url.search;
        }
        return providerCallback(req, res);
      } catch (e) {
        log(`[sandbox] unhandled: ${(e as Error).stack}`);
        if (!res.headersSent) { res.statusCode = 500; res.end(); }
      }
    })();
  };

  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });

  return {
    issuer, port, adminToken, workspaces, dataDir: dir, seedMs,
    mfa: { plan: (ws) => mfa.planOf(ws), totpSecret: (ws) => mfa.totpSecret(ws), totp: (ws) => { const s = mfa.totpSecret(ws); return s ? totp(s) : null; } },
    setReuseLeeway(s: number) { oidcOpts.reuseLeewaySeconds = s; },
    async close() {
      await new Promise<void>((resolve) => { server.close(() => resolve()); for (const s of sockets) s.destroy(); });
      db.close();
      if (tempDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
