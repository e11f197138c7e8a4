// Numbered, forward-only migrations. Never edit one that has shipped: its SHA-256 is recorded and checked on open.
// Ranges keep domains apart: 001–009 core, 010–019 connections, 020–029 audit, 030–039 inventory, 040–049 rotation, 050–059 reviews, 060–069 policy, 070–079 alerts, 080–089 incident.
// Ranges keep domains apart: 001–009 core, 010–019 connections, 020–029 audit, 030–039 inventory, 040–049 rotation, 050–059 reviews, 060–069 policy, 070–079 alerts, 080–089 offboarding.
import { auditMigrations } from './audit.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

import { inventoryMigrations } from './inventory.ts';
import { connectionsMigrations } from './connections.ts';
import { rotationMigrations } from './rotation.ts';
import { reviewMigrations } from './review.ts';
import { policyMigrations } from './policy.ts';
import { alertsMigrations } from './alerts.ts';
import { incidentMigrations } from './incident.ts';
import { offboardingMigrations } from './offboarding.ts';

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'settings',
    sql: `CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;`,
  },
  ...connectionsMigrations,
  ...inventoryMigrations,
  ...auditMigrations,
  ...rotationMigrations,
  ...reviewMigrations,
  ...policyMigrations,
  ...alertsMigrations,
  ...incidentMigrations,
  ...offboardingMigrations,
];
