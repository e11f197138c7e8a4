// The audit read model's usage figures for least-privilege insights, from the indexer's aggregates (indexer.ts) instead
// of a pass over the events per credential. Exact at any point of the indexer's progress: for a workspace indexed
// through seq m, an answer "since S" adds up
//   (A) the aggregate rows of whole UTC days from the first day boundary at or after S (events seq <= m),
//   (B) the events seq <= m between S and that boundary (a partial first day; the (credential_id, rid) index), and
//   (C) the events above m (not aggregated yet; primary-key range).
import type { Db } from '../../ports/db.ts';
import { DAY, NULL_STATUS } from './indexer.ts';
import { RID_SLOTS } from './repo.ts';
import { registerRouteOf } from './route.ts';

const CONTACT = "e.endpoint LIKE '/v1/contacts/%' AND e.endpoint <> '/v1/contacts/export'";
/** the raw parts (B) and (C) over `audit_events e`, with `where` over e added to each */
const raw = (sel: string, where: string) =>
  `SELECT ${sel} FROM audit_events e WHERE e.ix = 1 AND e.credential_id = @cred AND e.rid >= @ridFrom AND e.rid < @ridTo AND e.workspace_id = @ws
     AND e.occurred_ms >= @since AND e.occurred_ms < @edge AND e.seq <= @m AND ${where}
   UNION ALL SELECT ${sel} FROM audit_events e WHERE e.workspace_id = @ws AND e.seq > @m AND e.credential_id = @cred AND e.occurred_ms >= @since AND ${where}`;

interface Window {
  ws: string;
  cred: string;
  since: number;
  /** first whole day of (A) */
  day: number;
  edge: number;
  ridFrom: number;
  ridTo: number;
  m: number;
}

export function createInsightsAggregates(db: Db) {
  registerRouteOf(db);
  const marker = db.prepare<[string], { m: number }>('SELECT indexed_seq AS m FROM audit_sync_state WHERE workspace_id = ?');
  const byRouteStatus = db.prepare<[Window], { method: string; endpoint: string; status: number | null; n: number }>(
    `SELECT method, endpoint, CASE status WHEN ${NULL_STATUS} THEN NULL ELSE status END AS status, sum(n) AS n FROM (
       SELECT method, route AS endpoint, status, n FROM audit_agg_use WHERE workspace_id = @ws AND credential_id = @cred AND day >= @day
       UNION ALL ${raw(`coalesce(e.method, '') AS method, audit_route_of(e.endpoint) AS endpoint, coalesce(e.status, ${NULL_STATUS}) AS status, 1 AS n`, '1')}
     ) GROUP BY 1, 2, 3`,
  );
  const byIp = db.prepare<[Window], { ip: string; n: number }>(
    `SELECT ip, sum(n) AS n FROM (
       SELECT ip, n FROM audit_agg_ip WHERE workspace_id = @ws AND credential_id = @cred AND day >= @day
       UNION ALL ${raw("coalesce(e.caller_ip, '') AS ip, 1 AS n", '1')}
     ) WHERE ip <> '' GROUP BY 1`,
  );
  const seen = db.prepare<[{ ws: string; m: number }], { n: number }>(
    `SELECT count(*) AS n FROM (SELECT endpoint FROM audit_agg_contact WHERE workspace_id = @ws
       UNION SELECT e.endpoint FROM audit_events e WHERE e.workspace_id = @ws AND e.seq > @m AND ${CONTACT} AND e.status < 300)`,
  );
  const records = db.prepare<[Window], { day: number; n: number }>(
    `SELECT day, count(*) AS n FROM (
       SELECT day, endpoint FROM audit_agg_contact_day WHERE workspace_id = @ws AND credential_id = @cred AND day >= @day
       UNION ${raw(`e.occurred_ms / ${DAY} AS day, e.endpoint`, `e.pii_accessed = 1 AND ${CONTACT}`)}
     ) GROUP BY day`,
  );
  const exports = db.prepare<[Window], { day: number; n: number }>(
    `SELECT day, sum(n) AS n FROM (
       SELECT day, n FROM audit_agg_use WHERE workspace_id = @ws AND credential_id = @cred AND day >= @day AND route = '/v1/contacts/export' AND pii = 1
       UNION ALL ${raw(`e.occurred_ms / ${DAY} AS day, 1 AS n`, "e.pii_accessed = 1 AND e.endpoint = '/v1/contacts/export'")}
     ) GROUP BY day`,
  );

  const indexedThrough = (ws: string) => marker.get(ws)?.m ?? 0;
  function window(ws: string, cred: string, sinceMs: number): Window {
    const since = Math.max(0, Math.floor(sinceMs));
    const day = Math.ceil(since / DAY);
    const edge = day * DAY;
    // rid = occurred_ms * RID_SLOTS + slot (+1 per collision): the range is a little wider, occurred_ms decides
    return { ws, cred, since, day, edge, ridFrom: since * RID_SLOTS, ridTo: (edge + 1_000) * RID_SLOTS, m: indexedThrough(ws) };
  }

  return {
    /** calls per method, route (record ids as {id}) and status since `sinceMs`; '' for a call without method or endpoint */
    callsByRouteStatus: (workspaceId: string, credentialId: string, sinceMs: number) => byRouteStatus.all(window(workspaceId, credentialId, sinceMs)),
    /** calls per caller IP since `sinceMs` (calls without a caller IP are not listed) */
    callsByCallerIp: (workspaceId: string, credentialId: string, sinceMs: number) => byIp.all(window(workspaceId, credentialId, sinceMs)),
    /** distinct contact records read successfully in the workspace (whole cache) */
    contactRecordsSeen: (workspaceId: string): number => seen.get({ ws: workspaceId, m: indexedThrough(workspaceId) })!.n,
    /** per UTC day: distinct contact records the credential touched with PII, and its contact exports (days with either) */
    contactDays(workspaceId: string, credentialId: string, sinceMs: number): { day: number; records: number; exports: number }[] {
      const w = window(workspaceId, credentialId, sinceMs);
      const byDay = new Map<number, { day: number; records: number; exports: number }>();
      const at = (day: number) => byDay.get(day) ?? byDay.set(day, { day, records: 0, exports: 0 }).get(day)!;
      for (const r of records.all(w)) at(r.day).records = r.n;
      for (const r of exports.all(w)) at(r.day).exports = r.n;
      return [...byDay.values()].sort((a, b) => a.day - b.day);
    },
  };
}
