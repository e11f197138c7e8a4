import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type DB = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workspaces (
  id TEXT PRIMARY KEY, ord INTEGER NOT NULL, name TEXT NOT NULL, plan TEXT NOT NULL, region TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS credentials (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  type TEXT NOT NULL,            -- api_key | oauth_app | user_grant | machine_client | service_token
  name TEXT NOT NULL,
  scopes TEXT NOT NULL,          -- JSON array
  ip_allowlist TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL,          -- stored status: active | revoked | disabled
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  expires_at TEXT,
  secret_hash TEXT,              -- sha256 hex of the secret; plaintext is never stored
  prev_secret_hash TEXT,
  grace_ends_at TEXT,
  rotated_from TEXT,
  secret_created_at TEXT,
  client_id TEXT,
  grant_id TEXT,
  prefix TEXT,
  last_four TEXT,
  rate_limit_per_minute INTEGER,
  daily_quota INTEGER,
  seeded INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS credentials_ws ON credentials(workspace_id, type);
CREATE INDEX IF NOT EXISTS credentials_secret ON credentials(secret_hash);
CREATE INDEX IF NOT EXISTS credentials_prev_secret ON credentials(prev_secret_hash);
CREATE INDEX IF NOT EXISTS credentials_client ON credentials(client_id);
CREATE INDEX IF NOT EXISTS credentials_grant ON credentials(grant_id);
CREATE TABLE IF NOT EXISTS scope_bundles (
  id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, name TEXT NOT NULL, description TEXT, scopes TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS contacts (
  id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS contacts_ws ON contacts(workspace_id);
CREATE TABLE IF NOT EXISTS audit_events (
  workspace_id TEXT NOT NULL, seq INTEGER NOT NULL,
  json BLOB NOT NULL,              -- UTF-8 bytes of the event exactly as served (including prev_hash and hash)
  PRIMARY KEY (workspace_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit_heads (workspace_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mc_usage (credential_id TEXT NOT NULL, day TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (credential_id, day));
CREATE TABLE IF NOT EXISTS oidc (
  model TEXT NOT NULL, id TEXT NOT NULL, payload TEXT NOT NULL,
  grant_id TEXT, uid TEXT, user_code TEXT, expires_at INTEGER, consumed_at INTEGER, revoked_at INTEGER,
  PRIMARY KEY (model, id)
);
CREATE INDEX IF NOT EXISTS oidc_grant ON oidc(grant_id);
CREATE INDEX IF NOT EXISTS oidc_uid ON oidc(uid);
CREATE INDEX IF NOT EXISTS oidc_user_code ON oidc(user_code);
CREATE TABLE IF NOT EXISTS grant_state (
  grant_id TEXT PRIMARY KEY, workspace_id TEXT, credential_id TEXT,
  latest_rt TEXT, prev_rt TEXT, prev_rt_consumed_at INTEGER
);
CREATE TABLE IF NOT EXISTS insights (workspace_id TEXT PRIMARY KEY, json TEXT NOT NULL);
`;

export function enableWal(db: DB): void { db.pragma('journal_mode = WAL'); }

export function openDb(dataDir?: string): { db: DB; dir: string } {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'grantdesk-sandbox-'));
  mkdirSync(dir, { recursive: true });
  const db = new Database(join(dir, 'sandbox.sqlite'));
  const fresh = !(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'meta'").get());
  // A fresh database is seeded in one big transaction without a rollback journal, then switched to WAL.
  db.pragma(fresh ? 'journal_mode = OFF' : 'journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -131072');
  db.pragma('mmap_size = 2147483648');
  db.exec(SCHEMA);
  return { db, dir };
}
