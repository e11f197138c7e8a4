// The incident domain's tables (080–089): incidents opened for a leaked secret (which credential it was, how that was
// confirmed) and every action taken with the platform's answer. The pasted secret itself is never stored: not here, not
// hashed, not in part. Never edit a shipped migration.
import type { Migration } from './index.ts';

export const incidentMigrations: readonly Migration[] = [
  {
    version: 80,
    name: 'incidents and their actions',
    sql: `
CREATE TABLE incident_cases (
  id TEXT PRIMARY KEY,
  opened_ms INTEGER NOT NULL,
  workspace_id TEXT NOT NULL,
  credential_id TEXT NOT NULL,
  match_json TEXT NOT NULL,
  last_rotation_ms INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'revoked', 'rotated'))
) STRICT;
CREATE TABLE incident_actions (
  incident_id TEXT NOT NULL REFERENCES incident_cases(id),
  n INTEGER NOT NULL,
  at_ms INTEGER NOT NULL,
  action TEXT NOT NULL,
  ok INTEGER NOT NULL,
  sentence TEXT NOT NULL,
  platform_json TEXT,
  PRIMARY KEY (incident_id, n)
) STRICT;
`,
  },
];
