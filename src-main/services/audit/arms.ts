// The two disjoint parts of the cached events that every query over the secondary indexes reads (migration 22):
//   indexed: ix = 1, the rows the partial indexes (WHERE ix = 1) hold; the indexer has taken them in;
//   tail:    ix = 0, rows a sync committed that the indexer has not reached: above their workspace's indexed_seq, read by
//            primary-key range (one short range per workspace; an empty one when the indexer has caught up).
// Together they are every cached row exactly once, so answers are exact while the indexer catches up; they are only
// slower (the tail is scanned, not looked up). The ix = 1 / ix = 0 literals must stay literal: SQLite uses a partial
// index only when the query repeats its WHERE term.

/** FROM + WHERE of one arm over `audit_events e` (alias e), with `where` (over e) applied. */
export function indexedArm(where: string): string {
  return `FROM audit_events e WHERE e.ix = 1 AND (${where})`;
}
export function tailArm(where: string): string {
  // CROSS JOIN fixes the loop order (SQLite never reorders it): each workspace's short range above its marker, never a
  // walk of the rid index (an ORDER BY rid would tempt the planner into one) over rows that are all ix = 1
  return `FROM audit_sync_state t_ CROSS JOIN audit_events e ON e.workspace_id = t_.workspace_id AND e.seq > t_.indexed_seq WHERE e.ix = 0 AND (${where})`;
}

/**
 * `SELECT sel` over both arms as one UNION ALL (a subquery for an outer GROUP BY or count); the parameters of `where`
 * are needed twice, in order: `[...p, ...p]` (see `twice`).
 */
export function bothArms(sel: string, where: string): string {
  return `SELECT ${sel} ${indexedArm(where)} UNION ALL SELECT ${sel} ${tailArm(where)}`;
}

export const twice = <T>(p: readonly T[]): T[] => [...p, ...p];
