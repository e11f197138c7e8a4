// The audit domain's read model for other domains (inventory's blast radius and sparklines, rotation's grace traffic,
// review's least-privilege insights). The only code outside repo.ts/query.ts that reads the audit tables; other domains
// get it through services/audit/index.ts, wired in composition.ts.
// A workspace with no cached event is 'not_synced' (coverage null), never "unused": callers derive their state from it.
import type { Db } from '../../ports/db.ts';
import { RID_SLOTS } from './repo.ts';
import { bothArms, indexedArm, tailArm } from './arms.ts';
import { createInsightsAggregates } from './insights-agg.ts';
import { routeOf } from './route.ts';

export { routeOf };
import { createReplayReader } from './replay.ts';
import { createMcpUseReader } from './mcp-use.ts';

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

export function createAuditReadModel(db: Db) {
  const replay = createReplayReader(db);
  const mcpUse = createMcpUseReader(db);
  // Each query reads both arms (arms.ts): the indexed rows through the partial indexes, the rows the indexer has not
  // reached by primary-key range; the parameters of the WHERE come twice.
  const edge = (dir: 'ASC' | 'DESC') =>
    db.prepare<[string, string], { occurred_at: string; occurred_ms: number }>(
      `SELECT occurred_at, occurred_ms FROM (SELECT * FROM (SELECT e.occurred_at, e.occurred_ms, e.rid ${indexedArm('e.workspace_id = ?')} ORDER BY e.rid ${dir} LIMIT 1)
       UNION ALL SELECT * FROM (SELECT e.occurred_at, e.occurred_ms, e.rid ${tailArm('e.workspace_id = ?')} ORDER BY e.rid ${dir} LIMIT 1)) ORDER BY rid ${dir} LIMIT 1`,
    );
  // a credential's calls since an instant: the rid range walks (credential_id, rid) in the indexed arm
  const CRED_SINCE = 'e.workspace_id = ? AND e.credential_id = ? AND e.rid >= ?';
  const q = {
    first: edge('ASC'),
    last: edge('DESC'),
    endpointsSince: db.prepare<[string, string, number, string, string, number], EndpointUse>(
      `SELECT method, endpoint, COUNT(*) AS calls, MAX(occurred_at) AS lastAt FROM (${bothArms('e.method, e.endpoint, e.occurred_at', CRED_SINCE)}) GROUP BY method, endpoint`,
    ),
    ipsSince: db.prepare<[string, string, number, string, string, number, number], IpUse>(
      `SELECT ip, COUNT(*) AS calls, MAX(occurred_at) AS lastAt FROM (${bothArms('e.caller_ip AS ip, e.occurred_at', CRED_SINCE)}) GROUP BY ip ORDER BY calls DESC, ip LIMIT ?`,
    ),
    days: db.prepare<[number, string, string, number, string, string, number], { day: number; calls: number; errors: number }>(
      `SELECT (occurred_ms / ${DAY}) - ? AS day, COUNT(*) AS calls, SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS errors
       FROM (${bothArms('e.occurred_ms, e.status', CRED_SINCE)}) GROUP BY day`,
    ),
    // time-ordered key: rid = occurred_ms * RID_SLOTS + slot (repo.ts), so "since" is one index range
    series: db.prepare<[number, number, string, string, string, number, string, string, string, number], { c: string; b: number; n: number }>(
      `SELECT c, (occurred_ms - ?) / ? AS b, count(*) AS n FROM (${bothArms('e.credential_id AS c, e.occurred_ms', 'e.workspace_id = ? AND e.credential_id IN (?, ?) AND e.rid >= ?')}) GROUP BY c, b`,
    ),
    callersFromRid: db.prepare<[string, string, number, string, string, number], { ip: string | null; calls: number; lastAt: string }>(
      `SELECT ip, count(*) AS calls, max(occurred_at) AS lastAt FROM (${bothArms('e.caller_ip AS ip, e.occurred_at', CRED_SINCE)}) GROUP BY ip ORDER BY calls DESC LIMIT 50`,
    ),
    endpointsFromRid: db.prepare<[string, string, number, string, string, number], { method: string | null; endpoint: string | null; calls: number; lastAt: string }>(
      `SELECT method, endpoint, count(*) AS calls, max(occurred_at) AS lastAt FROM (${bothArms('e.method, e.endpoint, e.occurred_at', CRED_SINCE)}) GROUP BY method, endpoint ORDER BY calls DESC LIMIT 50`,
    ),
    lastFromRid: db.prepare<[string, string, number, string, string, number], { m: number | null }>(`SELECT max(occurred_ms) AS m FROM (${bothArms('e.occurred_ms', CRED_SINCE)})`),
  };
  const insights = createInsightsAggregates(db);

  /** null: nothing cached for this workspace yet (not synced), never "no traffic". */
  function coverage(workspaceId: string): Coverage | null {
    const a = q.first.get(workspaceId, workspaceId);
    const b = q.last.get(workspaceId, workspaceId);
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
      const since = sinceMs * RID_SLOTS;
      for (const e of q.endpointsSince.all(workspaceId, credentialId, since, workspaceId, credentialId, since)) {
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
      return { state: 'synced', coverageUntil: cov.untilAt, endpoints, callerIps: q.ipsSince.all(workspaceId, credentialId, since, workspaceId, credentialId, since, limit) };
    },

    /** Calls and errors per UTC day for the last `days` days (sparkline). */
    activity(workspaceId: string, credentialId: string, nowMs: number, days = 30): Activity {
      const startDay = Math.floor(nowMs / DAY) - (days - 1);
      const empty = Array.from({ length: days }, (_v, i) => ({ date: new Date((startDay + i) * DAY).toISOString().slice(0, 10), calls: 0, errors: 0 }));
      if (coverage(workspaceId) === null) return { state: 'not_synced', days: empty, total: 0 };
      let total = 0;
      const from = startDay * DAY * RID_SLOTS;
      for (const r of q.days.all(startDay, workspaceId, credentialId, from, workspaceId, credentialId, from)) {
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
        series: q.series.all(o.sinceMs, o.bucketMs, workspaceId, o.oldId, o.newId ?? '', fromRid, workspaceId, o.oldId, o.newId ?? '', fromRid).map((s) => ({ credentialId: s.c, bucket: s.b, calls: s.n })),
        oldByCallerIp: q.callersFromRid.all(workspaceId, o.oldId, fromRid, workspaceId, o.oldId, fromRid),
        oldByEndpoint: q.endpointsFromRid.all(workspaceId, o.oldId, fromRid, workspaceId, o.oldId, fromRid),
        /** the old credential's last cached call at or after sinceMs (null: none) */
        oldLastUseMs: q.lastFromRid.get(workspaceId, o.oldId, fromRid, workspaceId, o.oldId, fromRid)!.m,
      };
    },

    /** Each cached call of a credential since `sinceMs` in seq order, one at a time (guardrails dry run, replay.ts). */
    forEachCall: replay.forEachCall,
    /** MCP calls per tool and status since `sinceMs` (scopes used: a tool call uses every scope of its tool). */
    mcpToolCalls: mcpUse.mcpToolCalls,
    /** Calls per method, route and status since `sinceMs` (scopes used), from the indexer's aggregates. */
    callsByEndpointStatus: insights.callsByRouteStatus,
    /** Calls per caller IP since `sinceMs` (unlimited). */
    callsByCallerIp: insights.callsByCallerIp,
    /** Distinct contact records read successfully in a workspace (whole cache). */
    contactRecordsSeen: insights.contactRecordsSeen,
    /** Per UTC day (days since epoch): distinct contact records a credential touched with PII, and contact exports. */
    contactDays: insights.contactDays,
  };
}
export type AuditReadModel = ReturnType<typeof createAuditReadModel>;
