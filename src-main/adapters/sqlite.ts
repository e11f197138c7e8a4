// The one place the cache database is opened.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Db } from '../ports/db.ts';
import { migrate } from '../db/migrate.ts';
import { migrations } from '../db/migrations/index.ts';
import { ensurePrivateDir, tightenMode } from './data-dir.ts';

export interface OpenCacheOptions {
  /** For the Electron build: path to a better-sqlite3 binary compiled for Electron's ABI. */
  nativeBinding?: string;
  readonly?: boolean;
}

/** The database and the files SQLite keeps beside it (WAL, shared memory, rollback journal). */
export const CACHE_FILES = ['cache.db', 'cache.db-wal', 'cache.db-shm', 'cache.db-journal'] as const;

/**
 * Opens <dataDir>/cache.db: the data dir 0700 (tightened if it existed looser), the database and its -wal/-shm 0600
 * whatever the umask. SQLite creates -wal/-shm (and journals) later with the mode of the database file, so the database is
 * chmod'ed first, then WAL is forced into existence and all of them are chmod'ed as well.
 */
export function openCache(dataDir: string, opts: OpenCacheOptions = {}): Db {
  ensurePrivateDir(dataDir);
  const file = join(dataDir, 'cache.db');
  const db = new Database(file, { nativeBinding: opts.nativeBinding });
  tightenMode(file, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  // a read inside WAL mode maps the -shm and a write creates the -wal: both exist now, created by this connection
  db.prepare('SELECT count(*) FROM sqlite_master').get();
  for (const f of CACHE_FILES) tightenMode(join(dataDir, f), 0o600);
  return db;
}
