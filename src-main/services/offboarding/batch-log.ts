// The durable offboarding record (ofb_batches, ofb_rows): a batch and all its rows are written before the first platform
// call (outcome pending), each row is finished after its call under synchronous=FULL, and a retry updates the failed rows
// in place (attempts counts the tries). Read back for the result, one batch, and the history.
import type { Db } from '../../ports/db.ts';

export type SelectorKind = 'client_id' | 'match' | 'staff';
export type RowOutcome = 'pending' | 'revoked' | 'already_revoked' | 'disconnected' | 'failed';

export interface BatchRow {
  id: string;
  created_at: string;
  actor: string;
  transport: string;
  selector_kind: SelectorKind;
  selector_value: string;
  description: string;
}

export interface OffboardLogRow {
  id: number;
  batch_id: string;
  kind: 'credential' | 'grant';
  workspace_id: string;
  workspace_name: string;
  credential_id: string | null;
  credential_name: string;
  type: string | null;
  action: 'revoke' | 'disable' | 'disconnect';
  outcome: RowOutcome;
  error_code: string | null;
  error_message: string | null;
  sentence: string;
  attempts: number;
  revocation_id: number | null;
  finished_at: string | null;
}

export type NewRow = Pick<OffboardLogRow, 'kind' | 'workspace_id' | 'workspace_name' | 'credential_id' | 'credential_name' | 'type' | 'action'>;

export function createBatchLog(db: Db) {
  const st = {
    batch: db.prepare('INSERT INTO ofb_batches (id, created_at, actor, transport, selector_kind, selector_value, description) VALUES (@id, @created_at, @actor, @transport, @selector_kind, @selector_value, @description)'),
    row: db.prepare(
      "INSERT INTO ofb_rows (batch_id, kind, workspace_id, workspace_name, credential_id, credential_name, type, action, outcome) VALUES (@batch_id, @kind, @workspace_id, @workspace_name, @credential_id, @credential_name, @type, @action, 'pending')",
    ),
    finish: db.prepare(
      'UPDATE ofb_rows SET outcome = @outcome, error_code = @error_code, error_message = @error_message, sentence = @sentence, attempts = attempts + 1, revocation_id = COALESCE(@revocation_id, revocation_id), finished_at = @finished_at WHERE id = @id',
    ),
    one: db.prepare<[string], BatchRow>('SELECT * FROM ofb_batches WHERE id = ?'),
    rows: db.prepare<[string], OffboardLogRow>('SELECT * FROM ofb_rows WHERE batch_id = ? ORDER BY id'),
    recent: db.prepare<[number], BatchRow>('SELECT * FROM ofb_batches ORDER BY created_at DESC, rowid DESC LIMIT ?'),
  };
  return {
    /** the batch and its rows, all pending, in one transaction (synchronous=FULL: the record survives power loss) */
    start(b: BatchRow, rows: readonly NewRow[]): OffboardLogRow[] {
      db.pragma('synchronous = FULL');
      try {
        db.transaction(() => {
          st.batch.run(b);
          for (const r of rows) st.row.run({ ...r, batch_id: b.id });
        })();
      } finally {
        db.pragma('synchronous = NORMAL');
      }
      return st.rows.all(b.id);
    },
    finish(id: number, r: { outcome: Exclude<RowOutcome, 'pending'>; errorCode: string | null; errorMessage: string | null; sentence: string; revocationId: number | null; finishedAt: string }): void {
      db.pragma('synchronous = FULL');
      try {
        st.finish.run({ id, outcome: r.outcome, error_code: r.errorCode, error_message: r.errorMessage?.slice(0, 1000) ?? null, sentence: r.sentence.slice(0, 1000), revocation_id: r.revocationId, finished_at: r.finishedAt });
      } finally {
        db.pragma('synchronous = NORMAL');
      }
    },
    batch: (id: string): BatchRow | null => st.one.get(id) ?? null,
    rows: (batchId: string): OffboardLogRow[] => st.rows.all(batchId),
    recent: (limit: number): BatchRow[] => st.recent.all(limit),
  };
}
export type BatchLog = ReturnType<typeof createBatchLog>;
