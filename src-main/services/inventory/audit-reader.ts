// Reads the audit domain's cache (the pinned audit_events table) for blast radius and activity sparklines.
// The table may not exist yet, or hold nothing for a workspace: that is reported as 'not_synced', never as "unused".
import type { Db } from '../../ports/db.ts';

export interface EndpointUse {
  method: string;
  endpoint: string;
  calls: number;
  lastAt: string;
}
export interface IpUse {
  ip: string;
  calls: number;
  lastAt: string;
}
export interface Usage {
  state: 'synced' | 'not_synced';
  coverageUntil: string | null;
  endpoints: EndpointUse[];
  callerIps: IpUse[];
}
export interface Activity {
  state: 'synced' | 'not_synced';
  days: { date: string; calls: number; errors: number }[];
  total: number;
}

const DAY = 86_400_000;

/** `/v1/contacts/con_46kx9hyxgk` -> `/v1/contacts/{id}`: endpoints are grouped by route, not by record. */
export function routeOf(endpoint: string): string {
  return endpoint
    .split('/')
    .map((seg) => (/^[a-z]{1,8}_[A-Za-z0-9_-]{4,}$/.test(seg) || /^\d+$/.test(seg) || /^[0-9a-f-]{16,}$/i.test(seg) ? '{id}' : seg))
    .join('/');
}

export function createAuditReader(db: Db) {
  const tableExists = () =>
    db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'audit_events'").get()!.n > 0;

  function coverage(workspaceId: string): string | null {
    const r = db.prepare<[string], { at: string | null }>('SELECT MAX(occurred_at) AS at FROM audit_events WHERE workspace_id = ?').get(workspaceId);
    return r?.at ?? null;
  }

  return {
    usage(workspaceId: string, credentialId: string, sinceMs: number, limit = 50): Usage {
      if (!tableExists()) return { state: 'not_synced', coverageUntil: null, endpoints: [], callerIps: [] };
      const until = coverage(workspaceId);
      if (until === null) return { state: 'not_synced', coverageUntil: null, endpoints: [], callerIps: [] };
      const raw = db
        .prepare<[string, string, number], EndpointUse>(
          `SELECT method, endpoint, COUNT(*) AS calls, MAX(occurred_at) AS lastAt FROM audit_events
           WHERE workspace_id = ? AND credential_id = ? AND occurred_ms >= ? GROUP BY method, endpoint`,
        )
        .all(workspaceId, credentialId, sinceMs);
      const byRoute = new Map<string, EndpointUse>();
      for (const e of raw) {
        const route = routeOf(e.endpoint);
        const k = `${e.method} ${route}`;
        const cur = byRoute.get(k);
        if (!cur) byRoute.set(k, { method: e.method, endpoint: route, calls: e.calls, lastAt: e.lastAt });
        else {
          cur.calls += e.calls;
          if (e.lastAt > cur.lastAt) cur.lastAt = e.lastAt;
        }
      }
      const endpoints = [...byRoute.values()].sort((a, b) => b.calls - a.calls || a.endpoint.localeCompare(b.endpoint)).slice(0, limit);
      const callerIps = db
        .prepare<[string, string, number, number], IpUse>(
          `SELECT caller_ip AS ip, COUNT(*) AS calls, MAX(occurred_at) AS lastAt FROM audit_events
           WHERE workspace_id = ? AND credential_id = ? AND occurred_ms >= ? GROUP BY caller_ip ORDER BY calls DESC, caller_ip LIMIT ?`,
        )
        .all(workspaceId, credentialId, sinceMs, limit);
      return { state: 'synced', coverageUntil: until, endpoints, callerIps };
    },
    activity(workspaceId: string, credentialId: string, nowMs: number, days = 30): Activity {
      const startDay = Math.floor(nowMs / DAY) - (days - 1);
      const empty = Array.from({ length: days }, (_v, i) => ({ date: new Date((startDay + i) * DAY).toISOString().slice(0, 10), calls: 0, errors: 0 }));
      if (!tableExists() || coverage(workspaceId) === null) return { state: 'not_synced', days: empty, total: 0 };
      const rows = db
        .prepare<[number, string, string, number], { day: number; calls: number; errors: number }>(
          `SELECT (occurred_ms / ${DAY}) - ? AS day, COUNT(*) AS calls, SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS errors
           FROM audit_events WHERE workspace_id = ? AND credential_id = ? AND occurred_ms >= ? GROUP BY day`,
        )
        .all(startDay, workspaceId, credentialId, startDay * DAY);
      let total = 0;
      for (const r of rows) {
        const d = empty[r.day];
        if (!d) continue;
        d.calls = r.calls;
        d.errors = r.errors;
        total += r.calls;
      }
      return { state: 'synced', days: empty, total };
    },
  };
}
export type AuditReader = ReturnType<typeof createAuditReader>;
