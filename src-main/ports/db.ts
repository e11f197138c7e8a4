// Services see the database through this type only; the native module is opened in adapters/sqlite.ts alone.
export type Db = import('better-sqlite3').Database;
export type Statement = import('better-sqlite3').Statement;
