// The one place the cache database is opened.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Db } from '../ports/db.ts';
import { migrate } from '../db/migrate.ts';
import { migrations } from '../db/migrations/index.ts';

export interface OpenCacheOptions {
  /** For the Electron build: path to a better-sqlite3 binary compiled for Electron's ABI. */
  nativeBinding?: string;
  readonly?: boolean;
}

export function openCache(dataDir: string, opts: OpenCacheOptions = {}): Db {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dataDir, 'cache.db'), { nativeBinding: opts.nativeBinding });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  return db;
}
