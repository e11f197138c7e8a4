// Offboarding domain migrations (090–099): each offboarding batch (who or what was offboarded, by whom) and its rows, one
// per credential or workspace grant, written before the platform call and finished after it (retry re-runs failed rows).
import type { Migration } from './index.ts';

export const offboardingMigrations: readonly Migration[] = [
  {
    version: 90,
    name: 'offboarding',
    sql: `
CREATE TABLE ofb_batches (
  id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  actor TEXT NOT NULL,
  transport TEXT NOT NULL,
  selector_kind TEXT NOT NULL CHECK (selector_kind IN ('client_id','match','staff')),
  selector_value TEXT NOT NULL,
  description TEXT NOT NULL
) STRICT;
CREATE TABLE ofb_rows (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  batch_id TEXT NOT NULL REFERENCES ofb_batches(id),
  kind TEXT NOT NULL CHECK (kind IN ('credential','grant')),
  workspace_id TEXT NOT NULL,
  workspace_name TEXT NOT NULL,
  credential_id TEXT,
  credential_name TEXT NOT NULL,
  type TEXT,
  action TEXT NOT NULL CHECK (action IN ('revoke','disable','disconnect')),
  outcome TEXT NOT NULL CHECK (outcome IN ('pending','revoked','already_revoked','disconnected','failed')),
  error_code TEXT,
  error_message TEXT,
  sentence TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  revocation_id INTEGER,
  finished_at TEXT
) STRICT;
CREATE INDEX ofb_rows_batch ON ofb_rows(batch_id, id);
`,
  },
];
