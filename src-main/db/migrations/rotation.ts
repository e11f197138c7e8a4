// Rotation migrations (040–049): the resumable API key rotation wizard and its step history. No secrets, ever:
// only key ids, labels (prefix + last four) and timestamps.
import type { Migration } from './index.ts';

export const rotationMigrations: readonly Migration[] = [
  {
    version: 40,
    name: 'rotation_wizards',
    sql: `
CREATE TABLE rot_wizards (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  workspace_name TEXT NOT NULL,
  key_name TEXT NOT NULL,
  old_key_id TEXT NOT NULL,
  old_key_label TEXT NOT NULL,
  step TEXT NOT NULL CHECK (step IN ('chosen','reviewed','rotating','rotated','acknowledged','verified','grace','finished','ended_early','cancelled')),
  grace_days INTEGER NOT NULL CHECK (grace_days BETWEEN 0 AND 30),
  guardrails_json TEXT,
  rotate_from_id TEXT,
  intent_at TEXT,
  new_key_id TEXT,
  new_key_label TEXT,
  rotated_at TEXT,
  rotated_ms INTEGER,
  grace_ends_at TEXT,
  secret_lost INTEGER NOT NULL DEFAULT 0,
  acknowledged_at TEXT,
  verification_json TEXT,
  ended_at TEXT,
  last_error_json TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX rot_wizards_one_open ON rot_wizards(workspace_id, old_key_id) WHERE step NOT IN ('finished','ended_early','cancelled');
CREATE TABLE rot_wizard_log (
  wizard_id TEXT NOT NULL REFERENCES rot_wizards(id),
  at TEXT NOT NULL,
  step TEXT NOT NULL,
  detail TEXT NOT NULL
) STRICT;
CREATE INDEX rot_wizard_log_wizard ON rot_wizard_log(wizard_id);
`,
  },
  {
    // Secrets-manager delivery: named commands a new secret is piped to (set up from the CLI only), and what became of
    // a wizard's delivery. The command is not a secret (the secret only ever reaches its stdin); delivery_json holds
    // the target, exit code, a redacted stderr tail and the in-memory hold's id, never the secret.
    version: 41,
    name: 'rotation_delivery_targets',
    sql: `
CREATE TABLE rot_delivery_targets (
  name TEXT PRIMARY KEY,
  command TEXT NOT NULL,
  timeout_seconds INTEGER NOT NULL CHECK (timeout_seconds BETWEEN 1 AND 600),
  created_at TEXT NOT NULL
) STRICT;
ALTER TABLE rot_wizards ADD COLUMN delivery_json TEXT;
`,
  },
];
