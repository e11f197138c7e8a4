// The review domain's tables (migrations 050–059): the current session, its grants (no tokens), the auditor's log, the
// reviews this Grantdesk issued, and the refresh journal of the review tokens. Statements only; the services decide.
import type { Db } from '../../ports/db.ts';
import type { ReviewPolicy } from '../../../src-common/contract/index.ts';

export interface SessionRow {
  bundle_id: string;
  reviewer_name: string;
  reviewer_email: string;
  policy: ReviewPolicy;
  redeemed_at: string;
  expires_at: string;
  expires_ms: number;
  state: 'active' | 'expired';
  data_state: 'live' | 'kept_read_only' | 'purged';
}
export interface GrantRow {
  workspace_id: string;
  workspace_name: string;
  review_id: string;
  issuer: string;
  api_base: string;
  token_endpoint: string;
  client_id: string;
  scopes_json: string;
  expires_at: string;
  expires_ms: number;
}

export function createReviewStore(db: Db) {
  const q = {
    session: db.prepare<[], SessionRow>("SELECT * FROM review_session WHERE key = 'current'"),
    grants: db.prepare<[], GrantRow>('SELECT * FROM review_grants ORDER BY workspace_id'),
    grant: db.prepare<[string], GrantRow>('SELECT * FROM review_grants WHERE workspace_id = ?'),
    insSession: db.prepare("INSERT INTO review_session (key, bundle_id, reviewer_name, reviewer_email, policy, redeemed_at, expires_at, expires_ms, state, data_state) VALUES ('current', ?, ?, ?, ?, ?, ?, ?, 'active', 'live')"),
    insGrant: db.prepare('INSERT OR REPLACE INTO review_grants (workspace_id, workspace_name, review_id, issuer, api_base, token_endpoint, client_id, scopes_json, expires_at, expires_ms) VALUES (?,?,?,?,?,?,?,?,?,?)'),
    expire: db.prepare("UPDATE review_session SET state = 'expired', data_state = ? WHERE key = 'current'"),
    delSession: db.prepare("DELETE FROM review_session WHERE key = 'current'"),
    delGrants: db.prepare('DELETE FROM review_grants'),
    insLog: db.prepare('INSERT INTO review_log (at, command, transport, ok, detail, manifest_path) VALUES (?,?,?,?,?,?)'),
    log: db.prepare<[number], { id: number; at: string; command: string; transport: string; ok: number; detail: string; manifest_path: string | null }>('SELECT * FROM review_log ORDER BY id DESC LIMIT ?'),
    clearLog: db.prepare('DELETE FROM review_log'),
    insIssued: db.prepare('INSERT INTO review_issued (review_id, bundle_id, workspace_id, reviewer_name, reviewer_email, scopes_json, created_at, expires_at) VALUES (?,?,?,?,?,?,?,?)'),
  };
  const journal = {
    open: db.prepare<[string], { id: number; generation: number; state: string; started_at: number }>("SELECT id, generation, state, started_at FROM review_refresh_journal WHERE workspace_id = ? AND state IN ('started', 'received') ORDER BY id"),
    start: db.prepare<[string, number, number, number]>("INSERT INTO review_refresh_journal (workspace_id, generation, state, started_at, updated_at) VALUES (?, ?, 'started', ?, ?)"),
    set: db.prepare<[string, number, string | null, number | bigint]>('UPDATE review_refresh_journal SET state = ?, updated_at = ?, note = ? WHERE id = ?'),
    clear: db.prepare('DELETE FROM review_refresh_journal'),
  };
  return { q, journal };
}
export type ReviewStore = ReturnType<typeof createReviewStore>;
