// Inventory migrations (030–039): the credential inventory cache, the agency baseline, reviews and the revocation log.
import type { Migration } from './index.ts';

export const inventoryMigrations: readonly Migration[] = [
  {
    version: 30,
    name: 'inventory_cache',
    sql: `
CREATE TABLE inv_sync (
  workspace_id TEXT PRIMARY KEY,
  workspace_name TEXT NOT NULL,
  first_synced_ms INTEGER,
  synced_at TEXT,
  synced_ms INTEGER,
  attempted_at TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('ok', 'failed')),
  error_code TEXT,
  error_message TEXT
) STRICT;
CREATE TABLE inv_scopes (
  name TEXT PRIMARY KEY,
  resource TEXT NOT NULL,
  action TEXT NOT NULL,
  description TEXT NOT NULL,
  ord INTEGER NOT NULL
) STRICT;
CREATE TABLE inv_credentials (
  workspace_id TEXT NOT NULL,
  id TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('api_key', 'app', 'machine_client', 'service_token')),
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  scopes_json TEXT NOT NULL,
  prefix TEXT,
  last_four TEXT,
  client_id TEXT,
  ip_allowlist_json TEXT NOT NULL DEFAULT '[]',
  expires_at TEXT,
  expires_ms INTEGER,
  rate_limit_per_minute INTEGER,
  daily_quota INTEGER,
  created_at TEXT,
  last_used_at TEXT,
  last_used_ms INTEGER,
  grace_ends_at TEXT,
  rotated_from TEXT,
  secret_created_at TEXT,
  content_hash TEXT NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
) STRICT;
CREATE INDEX inv_credentials_client ON inv_credentials(client_id);
CREATE TABLE inv_credential_scopes (
  workspace_id TEXT NOT NULL,
  credential_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, credential_id, scope)
) STRICT;
CREATE INDEX inv_credential_scopes_scope ON inv_credential_scopes(scope);
CREATE TABLE inv_bundles (
  workspace_id TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  scopes_json TEXT NOT NULL,
  created_at TEXT,
  updated_at TEXT,
  PRIMARY KEY (workspace_id, id)
) STRICT;
CREATE TABLE inv_baseline (
  key TEXT PRIMARY KEY CHECK (key = 'agency'),
  name TEXT NOT NULL,
  scopes_json TEXT NOT NULL,
  set_at TEXT NOT NULL
) STRICT;
CREATE TABLE inv_reviews (
  workspace_id TEXT PRIMARY KEY,
  reviewed_at TEXT NOT NULL,
  reviewed_ms INTEGER NOT NULL
) STRICT;
CREATE TABLE inv_revocations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  batch_id TEXT NOT NULL,
  actor TEXT NOT NULL,
  transport TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  finished_at TEXT,
  workspace_id TEXT NOT NULL,
  workspace_name TEXT NOT NULL,
  credential_id TEXT NOT NULL,
  credential_name TEXT NOT NULL,
  type TEXT,
  scopes_json TEXT NOT NULL DEFAULT '[]',
  outcome TEXT NOT NULL CHECK (outcome IN ('pending', 'revoked', 'already_revoked', 'failed')),
  error_code TEXT,
  error_message TEXT
) STRICT;
CREATE INDEX inv_revocations_ws ON inv_revocations(workspace_id, id);
`,
  },
  {
    // The revocation tail: until when the outstanding access tokens of an OAuth revocation work (the platform's
    // access_tokens_valid_until, or the documented default lifetime when its answer was missing or not believable), which
    // of the two it is, and why the platform's answer was not used. NULL tail_until: nothing outlived the revocation.
    version: 31,
    name: 'inventory_revocation_tail',
    sql: `
ALTER TABLE inv_revocations ADD COLUMN tail_until TEXT;
ALTER TABLE inv_revocations ADD COLUMN tail_basis TEXT CHECK (tail_basis IS NULL OR tail_basis IN ('platform', 'documented_default'));
ALTER TABLE inv_revocations ADD COLUMN tail_note TEXT;
CREATE INDEX inv_revocations_cred ON inv_revocations(workspace_id, credential_id, id);
`,
  },
  {
    // The platform's route → scope table (GET /v1/scopes `routes`), synced with the catalogue: which scope each logged call
    // needed, so a guardrails dry run judges cached calls without asking the platform. Empty: the platform publishes none.
    version: 32,
    name: 'inventory_scope_routes',
    sql: `
CREATE TABLE inv_scope_routes (
  ord INTEGER PRIMARY KEY,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  scope TEXT
) STRICT;
`,
  },
  {
    // The platform's MCP tool catalogue (GET /v1/mcp/tools): which scopes each MCP tool needs, so insights count an MCP
    // tool call in the audit log as use of those scopes. Replaced whole when the platform's answer is valid; the one
    // state row says when it was last read and why an answer was not stored ('none': the platform has no MCP endpoint).
    version: 33,
    name: 'inventory_mcp_tools',
    sql: `
CREATE TABLE inv_mcp_tools (
  name TEXT PRIMARY KEY,
  description TEXT NOT NULL,
  scopes_json TEXT NOT NULL
) STRICT;
CREATE TABLE inv_mcp_catalogue_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  state TEXT NOT NULL CHECK (state IN ('ok', 'none', 'refused', 'error')),
  checked_at TEXT NOT NULL,
  problem TEXT
) STRICT;
`,
  },
  {
    // The scope matrix's read model, kept by triggers in the same transaction as every write to inv_credentials (sync,
    // revoke, purge): per workspace and scope, how many credentials hold it (revoked ones apart, as the matrix hides them
    // by default), and per workspace how many credentials there are. The grid's first paint reads these few thousand rows
    // instead of every credential (bench/matrix-render.bench.ts); test/node/inventory/matrix-depth.test.ts holds them
    // equal to the count over the credentials themselves. The indexes serve the drift query per workspace and the
    // credentials that may be inactive now (status, expiry, grace end).
    version: 34,
    name: 'inventory_matrix_read_model',
    sql: `
CREATE TABLE inv_matrix_cells (
  workspace_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  holders INTEGER NOT NULL,
  holders_revoked INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, scope)
) STRICT, WITHOUT ROWID;
CREATE TABLE inv_matrix_rows (
  workspace_id TEXT PRIMARY KEY,
  credentials INTEGER NOT NULL,
  revoked INTEGER NOT NULL
) STRICT;
INSERT INTO inv_matrix_cells (workspace_id, scope, holders, holders_revoked)
  SELECT c.workspace_id, CAST(j.value AS TEXT), SUM(c.status <> 'revoked'), SUM(c.status = 'revoked')
  FROM inv_credentials c, json_each(c.scopes_json) j GROUP BY 1, 2;
INSERT INTO inv_matrix_rows (workspace_id, credentials, revoked)
  SELECT workspace_id, SUM(status <> 'revoked'), SUM(status = 'revoked') FROM inv_credentials GROUP BY 1;
CREATE TRIGGER inv_matrix_after_insert AFTER INSERT ON inv_credentials BEGIN
  INSERT INTO inv_matrix_cells (workspace_id, scope, holders, holders_revoked)
    SELECT NEW.workspace_id, CAST(j.value AS TEXT), NEW.status <> 'revoked', NEW.status = 'revoked' FROM json_each(NEW.scopes_json) j WHERE true
    ON CONFLICT (workspace_id, scope) DO UPDATE SET holders = holders + excluded.holders, holders_revoked = holders_revoked + excluded.holders_revoked;
  INSERT INTO inv_matrix_rows (workspace_id, credentials, revoked) VALUES (NEW.workspace_id, NEW.status <> 'revoked', NEW.status = 'revoked')
    ON CONFLICT (workspace_id) DO UPDATE SET credentials = credentials + excluded.credentials, revoked = revoked + excluded.revoked;
END;
CREATE TRIGGER inv_matrix_after_delete AFTER DELETE ON inv_credentials BEGIN
  UPDATE inv_matrix_cells SET
    holders = holders - (OLD.status <> 'revoked') * (SELECT count(*) FROM json_each(OLD.scopes_json) j WHERE CAST(j.value AS TEXT) = inv_matrix_cells.scope),
    holders_revoked = holders_revoked - (OLD.status = 'revoked') * (SELECT count(*) FROM json_each(OLD.scopes_json) j WHERE CAST(j.value AS TEXT) = inv_matrix_cells.scope)
    WHERE workspace_id = OLD.workspace_id AND scope IN (SELECT CAST(value AS TEXT) FROM json_each(OLD.scopes_json));
  DELETE FROM inv_matrix_cells WHERE workspace_id = OLD.workspace_id AND holders = 0 AND holders_revoked = 0;
  UPDATE inv_matrix_rows SET credentials = credentials - (OLD.status <> 'revoked'), revoked = revoked - (OLD.status = 'revoked') WHERE workspace_id = OLD.workspace_id;
  DELETE FROM inv_matrix_rows WHERE workspace_id = OLD.workspace_id AND credentials = 0 AND revoked = 0;
END;
CREATE TRIGGER inv_matrix_after_update AFTER UPDATE OF workspace_id, scopes_json, status ON inv_credentials BEGIN
  UPDATE inv_matrix_cells SET
    holders = holders - (OLD.status <> 'revoked') * (SELECT count(*) FROM json_each(OLD.scopes_json) j WHERE CAST(j.value AS TEXT) = inv_matrix_cells.scope),
    holders_revoked = holders_revoked - (OLD.status = 'revoked') * (SELECT count(*) FROM json_each(OLD.scopes_json) j WHERE CAST(j.value AS TEXT) = inv_matrix_cells.scope)
    WHERE workspace_id = OLD.workspace_id AND scope IN (SELECT CAST(value AS TEXT) FROM json_each(OLD.scopes_json));
  UPDATE inv_matrix_rows SET credentials = credentials - (OLD.status <> 'revoked'), revoked = revoked - (OLD.status = 'revoked') WHERE workspace_id = OLD.workspace_id;
  INSERT INTO inv_matrix_cells (workspace_id, scope, holders, holders_revoked)
    SELECT NEW.workspace_id, CAST(j.value AS TEXT), NEW.status <> 'revoked', NEW.status = 'revoked' FROM json_each(NEW.scopes_json) j WHERE true
    ON CONFLICT (workspace_id, scope) DO UPDATE SET holders = holders + excluded.holders, holders_revoked = holders_revoked + excluded.holders_revoked;
  INSERT INTO inv_matrix_rows (workspace_id, credentials, revoked) VALUES (NEW.workspace_id, NEW.status <> 'revoked', NEW.status = 'revoked')
    ON CONFLICT (workspace_id) DO UPDATE SET credentials = credentials + excluded.credentials, revoked = revoked + excluded.revoked;
  DELETE FROM inv_matrix_cells WHERE workspace_id IN (OLD.workspace_id, NEW.workspace_id) AND holders = 0 AND holders_revoked = 0;
  DELETE FROM inv_matrix_rows WHERE workspace_id IN (OLD.workspace_id, NEW.workspace_id) AND credentials = 0 AND revoked = 0;
END;
CREATE INDEX inv_credential_scopes_seen ON inv_credential_scopes(workspace_id, first_seen_ms);
CREATE INDEX inv_credentials_status ON inv_credentials(status);
CREATE INDEX inv_credentials_expires ON inv_credentials(expires_ms);
CREATE INDEX inv_credentials_grace ON inv_credentials(grace_ends_at) WHERE grace_ends_at IS NOT NULL;
`,
  },
];
