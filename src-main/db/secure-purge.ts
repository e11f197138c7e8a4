// Schema-level helpers for purging workspaces from this machine's cache (auditor reviews: at expiry with the purge policy,
// and at `review.exit`). Domains with derived structures purge their own tables first (the audit repository un-indexes
// its full-text rows); this removes whatever per-workspace rows are left in ordinary tables and then makes sure neither
// cache.db nor its WAL still holds the deleted bytes.
import type { Db } from '../ports/db.ts';

/** Runs fn with secure_delete on (deleted content is overwritten with zeros), restoring the previous setting after. */
export function withSecureDelete<T>(db: Db, fn: () => T): T {
  const before = db.pragma('secure_delete', { simple: true }) as number;
  db.pragma('secure_delete = ON');
  try {
    return fn();
  } finally {
    db.pragma(`secure_delete = ${before ? 'ON' : 'OFF'}`);
  }
}

/** Deletes the rows of these workspaces from every ordinary table with a workspace_id column, except the skipped ones. */
export function deleteWorkspaceRows(db: Db, workspaceIds: readonly string[], skip: (table: string) => boolean): void {
  if (!workspaceIds.length) return;
  const tables = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%'")
    .all()
    .map((t) => t.name)
    .filter((t) => !skip(t));
  const marks = workspaceIds.map(() => '?').join(',');
  const q = (n: string) => `"${n.replace(/"/g, '""')}"`;
  db.transaction(() => {
    for (const t of tables) {
      if (!db.prepare<[], { name: string }>(`PRAGMA table_info(${q(t)})`).all().some((c) => c.name === 'workspace_id')) continue;
      db.prepare(`DELETE FROM ${q(t)} WHERE workspace_id IN (${marks})`).run(...workspaceIds);
    }
  })();
}

/**
 * Moves everything into cache.db and empties the WAL (checkpoint TRUNCATE), rebuilds the file without free pages
 * (VACUUM), and empties the WAL again (VACUUM in WAL mode writes through it). Returns false when another connection kept
 * the WAL from being emptied (its readers hold old frames); the next purge or checkpoint finishes it.
 */
export function compactSecurely(db: Db): boolean {
  const truncate = () => {
    const r = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    return (r[0]?.busy ?? 0) === 0;
  };
  const first = truncate();
  db.exec('VACUUM');
  return truncate() && first;
}
