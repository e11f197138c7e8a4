// Audit cache migrations (versions 020–029). Forward-only: never edit one that has shipped (its SHA-256 is checked on open).
import type { Migration } from './index.ts';

export const auditMigrations: readonly Migration[] = [
  {
    version: 20,
    name: 'audit_events',
    sql: `
CREATE TABLE audit_events (
  workspace_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  occurred_ms INTEGER NOT NULL,
  credential_id TEXT,
  credential_type TEXT,
  caller_ip TEXT,
  method TEXT,
  endpoint TEXT,
  status INTEGER,
  duration_ms INTEGER,
  pii_accessed INTEGER NOT NULL,
  params_json TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  -- time-ordered unique key: occurred_ms * 1024 + slot; the explorer's keyset and the FTS rowid
  rid INTEGER NOT NULL,
  -- caller_ip as 32 hex digits (IPv4 mapped into IPv6) so a CIDR block is one index range
  ip_hex TEXT,
  -- fields the platform sent that this version does not know, as JCS; kept so the hash can be recomputed offline
  extra_json TEXT,
  PRIMARY KEY (workspace_id, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX audit_events_rid ON audit_events (rid);
CREATE INDEX audit_events_ws_rid ON audit_events (workspace_id, rid);
CREATE INDEX audit_events_cred_rid ON audit_events (credential_id, rid);
CREATE INDEX audit_events_endpoint_rid ON audit_events (endpoint, rid);
CREATE INDEX audit_events_ip_rid ON audit_events (ip_hex, rid);
CREATE VIRTUAL TABLE audit_fts USING fts5 (body, content = '', tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE audit_sync_state (
  workspace_id TEXT PRIMARY KEY,
  cursor_seq INTEGER NOT NULL,
  head_hash TEXT NOT NULL,
  remote_head_seq INTEGER,
  remote_head_hash TEXT,
  event_count INTEGER NOT NULL DEFAULT 0,
  last_sync_at TEXT,
  last_error TEXT,
  state TEXT NOT NULL DEFAULT 'never'
) STRICT;
CREATE TABLE audit_gaps (
  workspace_id TEXT NOT NULL,
  from_seq INTEGER NOT NULL,
  to_seq INTEGER NOT NULL,
  detected_at TEXT NOT NULL,
  resolved_at TEXT,
  PRIMARY KEY (workspace_id, from_seq)
) STRICT;
CREATE TABLE audit_tamper (
  workspace_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  detected_at TEXT NOT NULL,
  reason TEXT NOT NULL,
  received_json TEXT,
  PRIMARY KEY (workspace_id, seq)
) STRICT;
CREATE TABLE audit_exports (
  export_id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  path TEXT NOT NULL,
  manifest_path TEXT NOT NULL,
  format TEXT NOT NULL,
  bom INTEGER NOT NULL,
  row_count INTEGER NOT NULL,
  byte_length INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  filters_json TEXT NOT NULL,
  last_verified_at TEXT,
  last_verify_ok INTEGER
) STRICT;
`,
  },
  {
    version: 21,
    name: 'audit_events_csv_plain',
    // 1 when every text field of the row can go into CSV verbatim (no quote, comma, CR, LF, no formula trigger, not empty,
    // no extra members); lets the exporter skip per-field escaping for the common row. 0 (the default) is always correct.
    sql: `ALTER TABLE audit_events ADD COLUMN csv_plain INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 22,
    name: 'audit_indexer_and_aggregates',
    // Sync commits only what guards correctness (the event rows with their primary key and rid, the cursor and the chain
    // head); the indexer (services/audit/indexer.ts) does the rest behind it, in its own transactions, up to
    // audit_sync_state.indexed_seq per workspace: the full-text rows, ix = 1 (the secondary indexes are partial, WHERE
    // ix = 1, so an ix = 0 row costs them nothing at insert) and the aggregates. Queries read the indexed rows through the
    // indexes and the rows above indexed_seq (ix = 0) by primary-key range, so answers stay exact while it catches up.
    // Rows written before this version keep ix = 1; the full-text index and the aggregates are rebuilt by the indexer
    // from seq 1 (indexed_seq starts at 0), and until then the explorer says search is catching up.
    sql: `
ALTER TABLE audit_events ADD COLUMN ix INTEGER NOT NULL DEFAULT 1;
DROP INDEX audit_events_ws_rid;
DROP INDEX audit_events_cred_rid;
DROP INDEX audit_events_endpoint_rid;
DROP INDEX audit_events_ip_rid;
CREATE INDEX audit_events_ws_rid ON audit_events (workspace_id, rid) WHERE ix = 1;
CREATE INDEX audit_events_cred_rid ON audit_events (credential_id, rid) WHERE ix = 1;
CREATE INDEX audit_events_endpoint_rid ON audit_events (endpoint, rid) WHERE ix = 1;
CREATE INDEX audit_events_ip_rid ON audit_events (ip_hex, rid) WHERE ix = 1;
ALTER TABLE audit_sync_state ADD COLUMN indexed_seq INTEGER NOT NULL DEFAULT 0;
INSERT INTO audit_fts (audit_fts) VALUES ('delete-all');
-- events per workspace and UTC hour (hour = occurred_ms / 3600000): the timeline over everything
CREATE TABLE audit_agg_hour (
  workspace_id TEXT NOT NULL,
  hour INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, hour)
) WITHOUT ROWID;
-- calls per credential, UTC day, method, route (endpoint with record ids as {id}), status and PII flag: scopes used,
-- contact exports. '' stands for a NULL text and -9007199254740991 for a NULL status (key columns are NOT NULL).
CREATE TABLE audit_agg_use (
  workspace_id TEXT NOT NULL,
  credential_id TEXT NOT NULL,
  day INTEGER NOT NULL,
  method TEXT NOT NULL,
  route TEXT NOT NULL,
  status INTEGER NOT NULL,
  pii INTEGER NOT NULL,
  n INTEGER NOT NULL,
  last_at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, credential_id, day, method, route, status, pii)
) WITHOUT ROWID;
-- calls per credential, UTC day and caller IP
CREATE TABLE audit_agg_ip (
  workspace_id TEXT NOT NULL,
  credential_id TEXT NOT NULL,
  day INTEGER NOT NULL,
  ip TEXT NOT NULL,
  n INTEGER NOT NULL,
  last_at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, credential_id, day, ip)
) WITHOUT ROWID;
-- distinct contact records read successfully per workspace (a record is its endpoint /v1/contacts/<id>)
CREATE TABLE audit_agg_contact (
  workspace_id TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  PRIMARY KEY (workspace_id, endpoint)
) WITHOUT ROWID;
-- distinct contact records a credential touched with PII per UTC day
CREATE TABLE audit_agg_contact_day (
  workspace_id TEXT NOT NULL,
  credential_id TEXT NOT NULL,
  day INTEGER NOT NULL,
  endpoint TEXT NOT NULL,
  PRIMARY KEY (workspace_id, credential_id, day, endpoint)
) WITHOUT ROWID;
`,
  },
  {
    version: 23,
    name: 'audit_events_surface',
    // Which door a call came through (api | mcp | webhook) and, for an MCP call, the tool it named. `surface` holds
    // Grantdesk's reading ('api' when the platform sent no surface); surface_sent = 1 when the platform sent both members,
    // so the event is re-hashed with them exactly as served and without them when it sent neither. Rows cached before
    // this version kept any surface the platform sent in extra_json (and keep it there, surface_sent 0): the columns take
    // its valid values so filters see them. The partial indexes cost nothing for the API calls that are most rows.
    sql: `
ALTER TABLE audit_events ADD COLUMN surface TEXT NOT NULL DEFAULT 'api';
ALTER TABLE audit_events ADD COLUMN mcp_tool TEXT;
ALTER TABLE audit_events ADD COLUMN surface_sent INTEGER NOT NULL DEFAULT 0;
UPDATE audit_events SET surface = json_extract(extra_json, '$.surface'),
  mcp_tool = CASE WHEN json_extract(extra_json, '$.surface') = 'mcp' AND json_type(extra_json, '$.mcp_tool') = 'text' THEN json_extract(extra_json, '$.mcp_tool') END
  WHERE extra_json IS NOT NULL AND json_extract(extra_json, '$.surface') IN ('api', 'mcp', 'webhook');
CREATE INDEX audit_events_surface_rid ON audit_events (surface, rid) WHERE surface <> 'api';
CREATE INDEX audit_events_mcp_tool_rid ON audit_events (mcp_tool, rid) WHERE mcp_tool IS NOT NULL;
CREATE INDEX audit_events_mcp_cred_rid ON audit_events (credential_id, rid) WHERE surface = 'mcp';
`,
  },
  {
    version: 24,
    name: 'audit_archive_anchors',
    // Where each workspace's cached chain begins after `grantdesk archive` moved its older events into Parquet files
    // (services/audit/archive*.ts): the seq and hash of the last archived event, so the first cached event still links
    // (its prev_hash equals this hash), and which archive run and folder hold the rest. One row per workspace, replaced
    // by each run in the same transaction that removes the events from the cache.
    sql: `
CREATE TABLE audit_archive_anchors (
  workspace_id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  archive_id TEXT NOT NULL,
  folder TEXT NOT NULL,
  archived_at TEXT NOT NULL
) STRICT;
`,
  },
  {
    version: 25,
    name: 'audit_csv_lines',
    // The CSV line of each event (services/audit/csv-line-sql.ts, CRLF included), stored by the indexer behind the sync in
    // the batch that indexes the event, so a CSV export copies bytes instead of SQLite formatting every field (~6 µs an
    // event). A separate table, not a column: audit_events' rows (and every scan of them) stay the size they were.
    // Present exactly for csv_from_seq < seq <= indexed_seq: rows indexed before this version (seq <= csv_from_seq) and
    // rows the indexer has not reached are formatted on the fly by the same expression.
    sql: `
CREATE TABLE audit_csv_lines (
  workspace_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  line TEXT NOT NULL,
  PRIMARY KEY (workspace_id, seq)
) WITHOUT ROWID;
ALTER TABLE audit_sync_state ADD COLUMN csv_from_seq INTEGER NOT NULL DEFAULT 0;
UPDATE audit_sync_state SET csv_from_seq = indexed_seq;
`,
  },
];
