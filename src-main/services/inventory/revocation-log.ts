// The durable revocation log (inv_revocations): the attempt is written before the platform call (repository.ts), the
// result and its access-token tail after it, both under synchronous=FULL so a record survives power loss. Read back by
// revocation.ts for the history, one record, and a credential's latest revocation (its drawer).
import type { TailBasis } from '../../../src-common/contract/index.ts';
import type { Db } from '../../ports/db.ts';

export interface RevocationLogRow {
  id: number;
  batch_id: string;
  actor: string;
  transport: string;
  requested_at: string;
  finished_at: string | null;
  workspace_id: string;
  workspace_name: string;
  credential_id: string;
  credential_name: string;
  type: string | null;
  scopes_json: string;
  outcome: 'pending' | 'revoked' | 'already_revoked' | 'failed';
  error_code: string | null;
  error_message: string | null;
  tail_until: string | null;
  tail_basis: TailBasis | null;
  tail_note: string | null;
}

export function createRevocationLog(db: Db) {
  const st = {
    finish: db.prepare('UPDATE inv_revocations SET outcome = ?, finished_at = ?, error_code = ?, error_message = ?, tail_until = ?, tail_basis = ?, tail_note = ? WHERE id = ?'),
    one: db.prepare<[number], RevocationLogRow>('SELECT * FROM inv_revocations WHERE id = ?'),
    ofWs: db.prepare<[string, number], RevocationLogRow>('SELECT * FROM inv_revocations WHERE workspace_id = ? ORDER BY id DESC LIMIT ?'),
    all: db.prepare<[number], RevocationLogRow>('SELECT * FROM inv_revocations ORDER BY id DESC LIMIT ?'),
    latest: db.prepare<[string, string], RevocationLogRow>(
      "SELECT * FROM inv_revocations WHERE workspace_id = ? AND credential_id = ? AND outcome IN ('revoked', 'already_revoked') ORDER BY id DESC LIMIT 1",
    ),
  };
  return {
    /** The revocation's result and tail, in one write under synchronous=FULL (then back to NORMAL). */
    finish(id: number, r: { outcome: 'revoked' | 'already_revoked' | 'failed'; finishedAt: string; errorCode: string | null; errorMessage: string | null; tail: { until: string; basis: TailBasis; note: string | null } | null }): void {
      db.pragma('synchronous = FULL');
      try {
        st.finish.run(r.outcome, r.finishedAt, r.errorCode, r.errorMessage, r.tail?.until ?? null, r.tail?.basis ?? null, r.tail?.note?.slice(0, 500) ?? null, id);
      } finally {
        db.pragma('synchronous = NORMAL');
      }
    },
    one: (id: number): RevocationLogRow | null => st.one.get(id) ?? null,
    list: (workspaceId: string | null, limit: number): RevocationLogRow[] => (workspaceId === null ? st.all.all(limit) : st.ofWs.all(workspaceId, limit)),
    /** the latest successful revocation of one credential */
    latestOf: (workspaceId: string, credentialId: string): RevocationLogRow | null => st.latest.get(workspaceId, credentialId) ?? null,
  };
}
export type RevocationLog = ReturnType<typeof createRevocationLog>;
