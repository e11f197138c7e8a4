// The alerts domain's tables (070–079): when each cause was first seen and whether it is snoozed, what each channel
// (webhook, OS notifications, browser notifications) already delivered for which version of the cause, and run times.
// The webhook URL and its signing secret live in the keychain, never here. Never edit a shipped migration.
import type { Migration } from './index.ts';

export const alertsMigrations: readonly Migration[] = [
  {
    version: 70,
    name: 'alert state, deliveries, meta',
    sql: `
CREATE TABLE alert_state (
  id TEXT PRIMARY KEY,
  first_seen_ms INTEGER NOT NULL,
  snoozed_until_ms INTEGER,
  snooze_fingerprint TEXT
) STRICT;
CREATE TABLE alert_deliveries (
  id TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('webhook', 'os', 'browser')),
  fingerprint TEXT NOT NULL,
  delivered_ms INTEGER NOT NULL,
  PRIMARY KEY (id, channel)
) STRICT;
CREATE TABLE alert_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
`,
  },
];
