// The audit domain's read model for other domains (inventory's blast radius and sparklines, rotation's grace traffic,
// review's least-privilege insights). The only code outside repo.ts/query.ts that reads the audit tables; other domains
// get it through services/audit/index.ts, wired in composition.ts.
// A workspace with no cached event is 'not_synced' (coverage null), never "unused": callers derive their state from it.
import type { Db } from '../../ports/db.ts';
import { RID_SLOTS } from './repo.ts';
import { createReplayReader } from './replay.ts';

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
/** What the cache holds for a workspace: its first and last cached event. */
export interface Coverage {
  fromMs: number;
  fromAt: string;
  untilMs: number;
  untilAt: string;
}

const DAY = 86_400_000;

/** `/v1/contacts/con_46kx9hyxgk` -> `/v1/contacts/{id}`: endpoints are grouped by route, not by record. */
export function routeOf(endpoint: string): string {
  return endpoint
    .split('/')
    .map((seg) => (/^[a-z]{1,8}_[A-Za-z0-9_-]{4,}$/.test(seg) || /^\d+$/.test(seg) || /^[0-9a-f-]{16,}$/i.test(seg) ? '{id}' : seg))
    .join('/');
}

export function createAuditReadModel(db: Db) {
  const replay = createReplayReader(db);
  const q = {
    first: db.prepare<[string], { occurred_at: string; occurred_ms: number }>('SELECT occurred_at, occurred_ms FROM audit_events WHERE workspace_id = ? ORDER BY rid ASC LIMIT 1'),
    last: db.prepare<[string], { occurred_at: string; occurred_ms: number }>('SELECT occurred_at, occurred_ms FROM audit_events WHERE workspace_id = ? ORDER BY rid DESC LIMIT 1'),
    endpointsSince: db.prepare<[string, string, number], EndpointUse>(
      `SELECT method, endpoint, COUNT(*) AS calls, MAX(occurred_at) AS lastAt FROM audit_events
       WHERE workspace_id = ? AND credential_id = ? AND occurred_ms >= ? GROUP BY method, endpoint`,
    ),
    ipsSince: db.prepare<[string, string, number, number], IpUse>(
      `SELECT caller_ip AS ip, COUNT(*) AS calls, MAX(occurred_at) AS lastAt FROM audit_events
       WHERE workspace_id = ? AND credential_id = ? AND occurred_ms >= ? GROUP BY caller_ip ORDER BY calls DESC, caller_ip LIMIT ?`,
    ),
    days: db.prepare<[number, string, string, number], { day: number; calls: number; errors: number }>(
      `SELECT (occurred_ms / ${DAY}) - ? AS day, COUNT(*) AS calls, SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS errors
       FROM audit_events WHERE workspace_id = ? AND credential_id = ? AND occurred_ms >= ? GROUP BY day`,
    ),
    // time-ordered key: rid = occurred_ms * RID_SLOTS + slot (repo.ts), so "since" is one index range
    series: db.prepare<[number, number, string, string, string, number], { c: string; b: number; n: number }>(
      `SELECT credential_id AS c, (occurred_ms - ?) / ? AS b, count(*) AS n FROM audit_events
       WHERE workspace_id = ? AND credential_id IN (?, ?) AND rid >= ? GROUP BY c, b`,
    ),
    callersFromRid: db.prepare<[string, string, number], { ip: string | null; calls: number; lastAt: string }>(
      'SELECT caller_ip AS ip, count(*) AS calls, max(occurred_at) AS lastAt FROM audit_events WHERE workspace_id = ? AND credential_id = ? AND rid >= ? GROUP BY caller_ip ORDER BY calls DESC LIMIT 50',
    ),
    endpointsFromRid: db.prepare<[string, string, number], { method: string | null; endpoint: string | null; calls: number; lastAt: string }>(
      'SELECT method, endpoint, count(*) AS calls, max(occurred_at) AS lastAt FROM audit_events WHERE workspace_id = ? AND credential_id = ? AND rid >= ? GROUP BY method, endpoint ORDER BY calls DESC LIMIT 50',
    ),
    lastFromRid: db.prepare<[string, string, number], { m: number | null }>('SELECT max(occurred_ms) AS m FROM audit_events WHERE workspace_id = ? AND credential_id = ? AND rid >= ?'),
    statusCounts: db.prepare<[string, string, number], { method: string; endpoint: string; status: number; n: number }>(
      'SELECT method, endpoint, status, COUNT(*) AS n FROM audit_events WHERE workspace_id = ? AND credential_id = ? AND occurred_ms >= ? GROUP BY method, endpoint, status',
    ),
    ipCounts: db.prepare<[string, string, number], { ip: string; n: number }>(
      'SELECT caller_ip AS ip, COUNT(*) AS n FROM audit_events WHERE workspace_id = ? AND credential_id = ? AND occurred_ms >= ? GROUP BY caller_ip',
    ),
    contactsSeen: db.prepare<[string], { n: number }>(
      "SELECT COUNT(DISTINCT endpoint) AS n FROM audit_events WHERE workspace_id = ? AND endpoint LIKE '/v1/contacts/%' AND endpoint NOT IN ('/v1/contacts/export') AND status < 300",
    ),
    contactDays: db.prepare<[string, string, number], { day: number; records: number; exports: number }>(
      `SELECT occurred_ms / ${DAY} AS day,
              COUNT(DISTINCT CASE WHEN endpoint LIKE '/v1/contacts/%' AND endpoint <> '/v1/contacts/export' THEN endpoint END) AS records,
              SUM(CASE WHEN endpoint = '/v1/contacts/export' THEN 1 ELSE 0 END) AS exports
       FROM audit_events WHERE workspace_id = ? AND credential_id = ? AND occurred_ms >= ? AND pii_accessed = 1 GROUP BY day`,
    ),
  };

  /** null: nothing cached for this workspace yet (not synced), never "no traffic". */
  function coverage(workspaceId: string): Coverage | null {
    const a = q.first.get(workspaceId);
    const b = q.last.get(workspaceId);
    if (!a || !b) return null;
    return { fromMs: a.occurred_ms, fromAt: a.occurred_at, untilMs: b.occurred_ms, untilAt: b.occurred_at };
  }

  return {
    coverage,
    /** first and last cached event over several workspaces; null when none of them holds an event */
    coverageOf(workspaceIds: readonly string[]): { fromMs: number; untilMs: number } | null {
      let out: { fromMs: number; untilMs: number } | null = null;
      for (const ws of workspaceIds) {
        const c = coverage(ws);
        if (!c) continue;
        out = out ? { fromMs: Math.min(out.fromMs, c.fromMs), untilMs: Math.max(out.untilMs, c.untilMs) } : { fromMs: c.fromMs, untilMs: c.untilMs };
      }
      return out;
    },

    /** A credential's calls since `sinceMs`, by route and by caller IP (blast radius). */
    usageByCredential(workspaceId: string, credentialId: string, sinceMs: number, limit = 50): Usage {
      const cov = coverage(workspaceId);
      if (cov === null) return { state: 'not_synced', coverageUntil: null, endpoints: [], callerIps: [] };
      const byRoute = new Map<string, EndpointUse>();
      for (const e of q.endpointsSince.all(workspaceId, credentialId, sinceMs)) {
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
      return { state: 'synced', coverageUntil: cov.untilAt, endpoints, callerIps: q.ipsSince.all(workspaceId, credentialId, sinceMs, limit) };
    },

    /** Calls and errors per UTC day for the last `days` days (sparkline). */
    activity(workspaceId: string, credentialId: string, nowMs: number, days = 30): Activity {
      const startDay = Math.floor(nowMs / DAY) - (days - 1);
      const empty = Array.from({ length: days }, (_v, i) => ({ date: new Date((startDay + i) * DAY).toISOString().slice(0, 10), calls: 0, errors: 0 }));
      if (coverage(workspaceId) === null) return { state: 'not_synced', days: empty, total: 0 };
      let total = 0;
      for (const r of q.days.all(startDay, workspaceId, credentialId, startDay * DAY)) {
        const d = empty[r.day];
        if (!d) continue;
        d.calls = r.calls;
        d.errors = r.errors;
        total += r.calls;
      }
      return { state: 'synced', days: empty, total };
    },

    /** Traffic of an old and a new credential since a rotation: call counts per bucket, the old one's callers, endpoints and last use. */
    graceTraffic(workspaceId: string, o: { oldId: string; newId: string | null; sinceMs: number; bucketMs: number }) {
      const fromRid = o.sinceMs * RID_SLOTS;
      return {
        series: q.series.all(o.sinceMs, o.bucketMs, workspaceId, o.oldId, o.newId ?? '', fromRid).map((s) => ({ credentialId: s.c, bucket: s.b, calls: s.n })),
        oldByCallerIp: q.callersFromRid.all(workspaceId, o.oldId, fromRid),
        oldByEndpoint: q.endpointsFromRid.all(workspaceId, o.oldId, fromRid),
        /** the old credential's last cached call at or after sinceMs (null: none) */
        oldLastUseMs: q.lastFromRid.get(workspaceId, o.oldId, fromRid)!.m,
      };
    },

    /** Each cached call of a credential since `sinceMs` in seq order, one at a time (guardrails dry run, replay.ts). */
    forEachCall: replay.forEachCall,
    /** Calls per method, raw endpoint and status since `sinceMs` (scopes used). */
    callsByEndpointStatus: (workspaceId: string, credentialId: string, sinceMs: number) => q.statusCounts.all(workspaceId, credentialId, sinceMs),
    /** Calls per caller IP since `sinceMs` (unlimited). */
    callsByCallerIp: (workspaceId: string, credentialId: string, sinceMs: number) => q.ipCounts.all(workspaceId, credentialId, sinceMs),
    /** Distinct contact records read successfully in a workspace (whole cache). */
    contactRecordsSeen: (workspaceId: string): number => q.contactsSeen.get(workspaceId)!.n,
    /** Per UTC day (days since epoch): distinct contact records a credential touched with PII, and contact exports. */
    contactDays: (workspaceId: string, credentialId: string, sinceMs: number) => q.contactDays.all(workspaceId, credentialId, sinceMs),
  };
}
export type AuditReadModel = ReturnType<typeof createAuditReadModel>;
