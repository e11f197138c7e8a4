// File-level helpers for purging workspaces from this machine's cache (auditor reviews: at expiry with the purge policy,
// and at `review.exit`). Each domain deletes its own rows through its entry (the audit repository un-indexes its
// full-text rows first); these run that with secure_delete on and then make sure neither cache.db nor its WAL still holds
// the deleted bytes. test/node/review/review-attacks.test.ts walks every table with a workspace_id column after a purge,
// so a new domain table that is not purged fails it.
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
