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
  {
    // Rotation waves: one integration's key rotated across many workspaces in batches, each batch after the audit log
    // shows the previous one cut over. A persistent state machine (services/rotation/wave-*.ts): an item's state is
    // written BEFORE the platform call (intent: 'rotating') and AFTER it, so a crash between them is settled by
    // re-reading the key from the platform, never by rotating again. The delivery command is kept (it is not a secret,
    // like a delivery target's); a secret never is.
    version: 42,
    name: 'rotation_waves',
    sql: `
CREATE TABLE rot_waves (
  id TEXT PRIMARY KEY,
  match TEXT NOT NULL,
  batch_size INTEGER NOT NULL CHECK (batch_size BETWEEN 1 AND 500),
  grace_days INTEGER NOT NULL CHECK (grace_days BETWEEN 0 AND 30),
  quiet_minutes INTEGER NOT NULL CHECK (quiet_minutes > 0),
  deliver_to TEXT,
  deliver_cmd TEXT,
  delivery_target TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running','waiting','paused','completed','cancelled')),
  reason TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE TABLE rot_wave_items (
  id TEXT PRIMARY KEY,
  wave_id TEXT NOT NULL REFERENCES rot_waves(id),
  ord INTEGER NOT NULL,
  batch INTEGER NOT NULL,
  workspace_id TEXT NOT NULL,
  workspace_name TEXT NOT NULL,
  key_name TEXT NOT NULL,
  old_key_id TEXT NOT NULL,
  old_key_label TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending','rotating','rotated','delivered','cut_over','failed','undelivered','gate_failed')),
  intent_at TEXT,
  new_key_id TEXT,
  new_key_label TEXT,
  rotated_at TEXT,
  rotated_ms INTEGER,
  grace_ends_at TEXT,
  gate_since_ms INTEGER,
  cut_over_at TEXT,
  evidence TEXT,
  updated_at TEXT NOT NULL,
  UNIQUE (wave_id, ord)
) STRICT;
CREATE INDEX rot_wave_items_wave ON rot_wave_items(wave_id, batch);
`,
  },
];
