/* eslint-disable @typescript-eslint/no-explicit-any -- rows and JSON bodies are dynamic */
// Guardrails after creation: the platform's published route → scope table (GET /v1/scopes `routes`), the machine-client
// PATCH (ip_allowlist, name, daily_quota) and the admin replay (POST /__admin/replay): which of a credential's logged calls
// proposed guardrails would have refused, computed from the sandbox's own audit events with the same checks, in the same
// order, as a live call (IP allowlist 401, then the per-minute rate limit 429, then the route's scope 403).
import type { DB } from './db.ts';
import { SCOPES } from './scopes.ts';
import { ApiError, intIn, ipAllowed, parseCidrs, parseScopes, str } from './management-input.ts';

export interface RouteScope { method: string; path: string; scope: string | null }

/** `{param}` matches one path segment of letters, digits, `_` and `-` (the live router's rule). */
const templateRe = (path: string) => new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[A-Za-z0-9_-]+')}$`);

/**
 * Business routes the platform serves beyond the management API (§6: the seeded history calls them; the sandbox does not
 * implement them live): per resource, list/read (read), create/update (write), delete (delete).
 */
function businessRoutes(): RouteScope[] {
  const out: RouteScope[] = [];
  for (const res of [...new Set(SCOPES.map((s) => s.resource))]) {
    if (res === 'credentials' || res === 'audit') continue;
    out.push({ method: 'GET', path: `/v1/${res}`, scope: `${res}:read` }, { method: 'GET', path: `/v1/${res}/{id}`, scope: `${res}:read` });
    out.push({ method: 'POST', path: `/v1/${res}`, scope: `${res}:write` }, { method: 'PATCH', path: `/v1/${res}/{id}`, scope: `${res}:write` });
    out.push({ method: 'DELETE', path: `/v1/${res}/{id}`, scope: `${res}:delete` });
  }
  return out;
}

export type RouteTable = ReturnType<typeof createRouteTable>;

/** Every route with the scope it requires, in matching order (the first route whose method and path match wins). */
export function createRouteTable() {
  const live: Array<RouteScope & { re: RegExp }> = [];
  const business = businessRoutes().map((r) => ({ ...r, re: templateRe(r.path) }));
  const all = () => {
    const seen = new Set(live.map((r) => `${r.method} ${r.path}`));
    return [...live, ...business.filter((r) => !seen.has(`${r.method} ${r.path}`))];
  };
  return {
    /** called by the management router for each route it registers */
    add(method: string, path: string, scope: string | null) { live.push({ method, path, scope, re: templateRe(path) }); },
    published: (): RouteScope[] => all().map(({ method, path, scope }) => ({ method, path, scope })),
    /** the scope a call to `endpoint` requires; null: no scope, or no such route (the platform answers 404/405 before any scope check) */
    scopeFor(method: string, endpoint: string): string | null {
      for (const r of all()) if (r.method === method && r.re.test(endpoint)) return r.scope;
      return null;
    },
  };
}

/** PATCH /v1/machine-clients/{id}: name, ip_allowlist, daily_quota. Scopes are fixed at creation (tokens already issued carry them). */
export function patchMachineClient(db: DB, id: string, b: any): void {
  if (b.scopes !== undefined) throw new ApiError(400, 'invalid_request', "a machine client's scopes cannot be changed (access tokens already issued carry them); create a new machine client with the narrower scopes");
  const sets: string[] = []; const vals: any[] = [];
  if (b.name !== undefined) { sets.push('name = ?'); vals.push(str(b.name, 'name')); }
  if (b.ip_allowlist !== undefined) { sets.push('ip_allowlist = ?'); vals.push(JSON.stringify(parseCidrs(b.ip_allowlist))); }
  if (b.daily_quota !== undefined) { sets.push('daily_quota = ?'); vals.push(intIn(b.daily_quota, 'daily_quota', 1, 10000000)); }
  if (sets.length) db.prepare(`UPDATE credentials SET ${sets.join(', ')} WHERE id = ?`).run(...vals, id);
}

type Reason = 'ip' | 'rate' | 'scope';

/**
 * POST /__admin/replay {workspace_id, credential_ids | credential_id, since, scopes?, ip_allowlist?, rate_limit_per_minute?}:
 * every logged call of those credentials at or after `since`, judged against the proposed guardrails (an omitted one keeps
 * the credential's current value; rate_limit_per_minute null means none). Exact and unbounded: this is the truth.
 */
export function replayTruth(db: DB, table: RouteTable, b: any) {
  const ws = str(b.workspace_id, 'workspace_id')!;
  const ids: string[] = Array.isArray(b.credential_ids) ? b.credential_ids : [str(b.credential_id, 'credential_id')!];
  const sinceMs = typeof b.since === 'string' ? Date.parse(b.since) : NaN;
  if (!Number.isFinite(sinceMs)) throw new ApiError(400, 'invalid_request', 'since must be an ISO-8601 timestamp');
  const cred = db.prepare('SELECT * FROM credentials WHERE id = ? AND workspace_id = ?');
  const events = (db.prepare('SELECT json FROM audit_events WHERE workspace_id = ? ORDER BY seq').pluck(true).all(ws) as Buffer[]).map((x) => JSON.parse(x.toString('utf8')));
  const credentials = ids.map((id) => {
    const row = cred.get(id, ws) as any;
    if (!row) throw new ApiError(404, 'not_found', `no credential ${id} in workspace ${ws}`);
    const scopes = new Set(b.scopes !== undefined ? parseScopes(b.scopes) : JSON.parse(row.scopes));
    const allow = b.ip_allowlist !== undefined ? parseCidrs(b.ip_allowlist) : JSON.parse(row.ip_allowlist ?? '[]');
    const rate: number | null = b.rate_limit_per_minute !== undefined ? (b.rate_limit_per_minute === null ? null : intIn(b.rate_limit_per_minute, 'rate_limit_per_minute', 1, 100000)) : row.rate_limit_per_minute ?? null;
    const refused = { ip: 0, rate: 0, scope: 0 };
    const out: any[] = [];
    let window = { minute: -1, count: 0 };
    let calls = 0;
    for (const e of events) {
      if (e.credential_id !== id || Date.parse(e.occurred_at) < sinceMs) continue;
      calls++;
      let reason: Reason | null = null;
      let required: string | null = null;
      if (!ipAllowed(e.caller_ip, allow)) reason = 'ip';
      else {
        const minute = Math.floor(Date.parse(e.occurred_at) / 60000);
        if (window.minute !== minute) window = { minute, count: 0 };
        window.count++;
        if (rate !== null && window.count > rate) reason = 'rate';
        else {
          required = table.scopeFor(e.method, e.endpoint);
          if (required !== null && !scopes.has(required)) reason = 'scope';
        }
      }
      if (!reason) continue;
      refused[reason]++;
      out.push({ seq: e.seq, id: e.id, occurred_at: e.occurred_at, method: e.method, endpoint: e.endpoint, caller_ip: e.caller_ip, status: e.status, reason, ...(reason === 'scope' ? { required_scope: required } : {}) });
    }
    return { credential_id: id, calls, refused, events: out };
  });
  return { workspace_id: ws, since: new Date(sinceMs).toISOString(), credentials };
}
