// Connections domain migrations (010–019). No token ever lands in these tables: grants live in the SecretStore only.
import type { Migration } from './index.ts';

export const connectionsMigrations: readonly Migration[] = [
  {
    version: 10,
    name: 'connections',
    sql: `
CREATE TABLE connection_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE platforms (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  issuer TEXT NOT NULL,
  client_id TEXT NOT NULL,
  api_base TEXT NOT NULL,
  reuse_leeway_seconds INTEGER NOT NULL DEFAULT 0,
  metadata TEXT NOT NULL,
  added_at TEXT NOT NULL
) STRICT;
CREATE TABLE workspaces (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  platform_id TEXT NOT NULL REFERENCES platforms(id),
  status TEXT NOT NULL CHECK (status IN ('connected','needs_reconsent','disconnected')),
  reason TEXT,
  role TEXT NOT NULL,
  scopes TEXT NOT NULL,
  access_expires_at INTEGER,
  last_refresh_at INTEGER,
  last_refresh_error TEXT,
  cooldown_until INTEGER,
  failures INTEGER NOT NULL DEFAULT 0,
  connected_at INTEGER,
  generation INTEGER NOT NULL DEFAULT 0,
  revocation TEXT NOT NULL DEFAULT 'none' CHECK (revocation IN ('none','pending','confirmed')),
  revocation_attempts INTEGER NOT NULL DEFAULT 0,
  revocation_error TEXT,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX workspaces_platform ON workspaces(platform_id);
-- One row per refresh attempt: which workspace and generation, when, how far it got. Never a token.
CREATE TABLE refresh_journal (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id TEXT NOT NULL,
  generation INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('started','received','persisted','failed','recovering','recovered','abandoned')),
  pid INTEGER NOT NULL,
  finished_at INTEGER,
  note TEXT
) STRICT;
CREATE INDEX refresh_journal_open ON refresh_journal(workspace_id, state);
`,
  },
  {
    version: 11,
    name: 'connections_connected_by',
    // who connected each workspace (agency staff): name and email from the ID token, or from Settings when the platform
    // issued none; kept across disconnects so offboarding can tell one person's grants apart
    sql: `
ALTER TABLE workspaces ADD COLUMN connected_by_name TEXT;
ALTER TABLE workspaces ADD COLUMN connected_by_email TEXT;
ALTER TABLE workspaces ADD COLUMN connected_by_source TEXT CHECK (connected_by_source IN ('id_token','settings'));
`,
  },
];
