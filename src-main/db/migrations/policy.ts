// The policy domain's tables (060–069): which policy file this machine follows, local workspace tags that policy groups
// match, and each workspace's plan as last read from the platform (the required-plan rule). Never edit a shipped migration.
import type { Migration } from './index.ts';

export const policyMigrations: readonly Migration[] = [
  {
    version: 60,
    name: 'policy source, workspace tags, workspace plans',
    sql: `
CREATE TABLE policy_source (
  key TEXT PRIMARY KEY CHECK (key = 'current'),
  path TEXT NOT NULL,
  set_ms INTEGER NOT NULL
) STRICT;
CREATE TABLE policy_tags (
  workspace_id TEXT NOT NULL,
  tag TEXT NOT NULL,
  PRIMARY KEY (workspace_id, tag)
) STRICT;
CREATE TABLE policy_plans (
  workspace_id TEXT PRIMARY KEY,
  plan TEXT NOT NULL,
  fetched_ms INTEGER NOT NULL
) STRICT;
`,
  },
];
