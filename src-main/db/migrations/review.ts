// Review migrations (050–059): auditor review mode (the redeemed review, its workspaces, the auditor's local log) and the
// operator's record of reviews issued. No tokens or redeem codes, ever: those live in the SecretStore or are shown once.
import type { Migration } from './index.ts';

export const reviewMigrations: readonly Migration[] = [
  {
    version: 50,
    name: 'reviews',
    sql: `
CREATE TABLE review_session (
  key TEXT PRIMARY KEY CHECK (key = 'current'),
  bundle_id TEXT NOT NULL,
  reviewer_name TEXT NOT NULL,
  reviewer_email TEXT NOT NULL,
  policy TEXT NOT NULL CHECK (policy IN ('keep_read_only', 'purge')),
  redeemed_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  expires_ms INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('active', 'expired')),
  data_state TEXT NOT NULL CHECK (data_state IN ('live', 'kept_read_only', 'purged'))
) STRICT;
CREATE TABLE review_grants (
  workspace_id TEXT PRIMARY KEY,
  workspace_name TEXT NOT NULL,
  review_id TEXT NOT NULL,
  issuer TEXT NOT NULL,
  api_base TEXT NOT NULL,
  token_endpoint TEXT NOT NULL,
  client_id TEXT NOT NULL,
  scopes_json TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  expires_ms INTEGER NOT NULL
) STRICT;
CREATE TABLE review_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  command TEXT NOT NULL,
  transport TEXT NOT NULL,
  ok INTEGER NOT NULL,
  detail TEXT NOT NULL,
  manifest_path TEXT
) STRICT;
CREATE TABLE review_issued (
  review_id TEXT PRIMARY KEY,
  bundle_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  reviewer_name TEXT NOT NULL,
  reviewer_email TEXT NOT NULL,
  scopes_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
) STRICT;
`,
  },
  {
    version: 51,
    name: 'review_refresh_journal',
    // One row per refresh of a review token (never a token): a process that died between the platform's answer and the
    // keychain write leaves its row open, and the next process sees it under the lock instead of reusing a consumed token.
    sql: `
CREATE TABLE review_refresh_journal (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id TEXT NOT NULL,
  generation INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('started', 'received', 'persisted', 'failed', 'recovered', 'abandoned')),
  started_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  note TEXT
) STRICT;
CREATE INDEX review_refresh_journal_open ON review_refresh_journal (workspace_id, state);
`,
  },
  {
    version: 52,
    name: 'review_platform',
    // The operator's copy of what the platform records for the connected workspaces' reviews (also those issued from
    // another Grantdesk), as last listed or changed from here: status and end after an extension, a withdrawal or a
    // revocation. The expiry calendar reads review ends from it. No codes, no tokens.
    sql: `
CREATE TABLE review_platform (
  review_id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  reviewer_name TEXT NOT NULL,
  reviewer_email TEXT NOT NULL,
  scopes_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'redeemed', 'expired', 'revoked', 'withdrawn')),
  seen_at TEXT NOT NULL
) STRICT;
CREATE INDEX review_platform_ws ON review_platform (workspace_id);
`,
  },
];
