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
];
