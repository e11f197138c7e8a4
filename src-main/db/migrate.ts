import { createHash } from 'node:crypto';
import type { Db } from '../ports/db.ts';
import { AppError } from '../rpc/app-error.ts';
import type { Migration } from './migrations/index.ts';

export function migrationHash(m: Migration): string {
  return createHash('sha256').update(`${m.version}\n${m.name}\n${m.sql}`).digest('hex');
}

/** Applies pending migrations in order; an edited, missing or unknown-newer migration stops the app loudly. */
export function migrate(db: Db, list: readonly Migration[]): { applied: number[] } {
  const sorted = [...list].sort((a, b) => a.version - b.version);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.version === sorted[i - 1]!.version) throw new AppError('internal', `Duplicate migration version ${sorted[i]!.version}`);
  }
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
  const rows = db.prepare('SELECT version, name, sha256 FROM schema_migrations ORDER BY version').all() as { version: number; name: string; sha256: string }[];
  const known = new Map(sorted.map((m) => [m.version, m]));
  for (const row of rows) {
    const m = known.get(row.version);
    if (!m) throw new AppError('io_error', `The cache was written by a newer Grantdesk (migration ${row.version} ${row.name} is unknown); update Grantdesk`);
    if (migrationHash(m) !== row.sha256) throw new AppError('internal', `Migration ${row.version} ${row.name} was edited after it was applied (hash mismatch)`);
  }
  const done = new Set(rows.map((r) => r.version));
  const applied: number[] = [];
  const insert = db.prepare('INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)');
  for (const m of sorted) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      insert.run(m.version, m.name, migrationHash(m), new Date().toISOString());
    })();
    applied.push(m.version);
  }
  return { applied };
}
