import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { migrate } from '../../src-main/db/migrate.ts';
import { migrations } from '../../src-main/db/migrations/index.ts';
import { AppError } from '../../src-main/rpc/app-error.ts';

test('migrations are numbered uniquely and apply forward once', () => {
  const versions = migrations.map((m) => m.version);
  assert.equal(new Set(versions).size, versions.length);
  const db = new Database(':memory:');
  const first = migrate(db, migrations);
  assert.deepEqual(first.applied, [...versions].sort((a, b) => a - b));
  assert.deepEqual(migrate(db, migrations).applied, []);
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
});

test('an edited migration fails loudly', () => {
  const db = new Database(':memory:');
  migrate(db, migrations);
  const edited = migrations.map((m, i) => (i === 0 ? { ...m, sql: m.sql + ' -- edited' } : m));
  assert.throws(() => migrate(db, edited), (e: unknown) => e instanceof AppError && /edited/.test(e.message));
});

test('a cache from a newer Grantdesk is refused, not silently used', () => {
  const db = new Database(':memory:');
  migrate(db, [...migrations, { version: 999, name: 'future', sql: 'CREATE TABLE future (x INTEGER)' }]);
  assert.throws(() => migrate(db, migrations), (e: unknown) => e instanceof AppError && e.code === 'io_error' && /newer/.test(e.message));
});
