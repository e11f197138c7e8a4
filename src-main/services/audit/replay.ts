// The cached calls of one credential since an instant, in the platform's order (seq): what a guardrails dry run replays
// against proposed guardrails. Read by primary-key range (workspace_id, seq), so the answer is exact whether or not the
// indexer has caught up; visited one row at a time, never all in memory.
import type { Db } from '../../ports/db.ts';

export interface ReplayCall {
  seq: number;
  eventId: string;
  occurredAt: string;
  occurredMs: number;
  method: string | null;
  endpoint: string | null;
  callerIp: string | null;
  status: number | null;
}

export function createReplayReader(db: Db) {
  const st = db.prepare<[string, string, number], ReplayCall>(
    `SELECT seq, event_id AS eventId, occurred_at AS occurredAt, occurred_ms AS occurredMs, method, endpoint, caller_ip AS callerIp, status
     FROM audit_events WHERE workspace_id = ? AND credential_id = ? AND occurred_ms >= ? ORDER BY seq`,
  );
  return {
    /** Calls `visit` for each cached call of the credential at or after `sinceMs`, in seq order; returns how many. */
    forEachCall(workspaceId: string, credentialId: string, sinceMs: number, visit: (c: ReplayCall) => void): number {
      let n = 0;
      for (const c of st.iterate(workspaceId, credentialId, sinceMs)) {
        n++;
        visit(c);
      }
      return n;
    },
  };
}
