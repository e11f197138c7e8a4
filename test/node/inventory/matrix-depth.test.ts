// The scope matrix at depth 'counts' (what the grid paints first) is the 'credentials' matrix without the summaries: the
// same workspaces, column counts, totals and counts for every filter, over a cache with revoked, disabled and expired
// credentials, drift since a review and a baseline. A hostile credential name never travels at depth 'counts'.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Matrix, MatrixFilters } from '../../../src-common/contract/index.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from '../../../src-main/db/migrate.ts';
import { migrations } from '../../../src-main/db/migrations/index.ts';
import { createInventoryRepository } from '../../../src-main/services/inventory/repository.ts';
import { seedInventory } from './seed.ts';
import { startTestApp, type TestApp } from './support.ts';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const CANARY = '=cmd|"/c calc"!A1 canary-name-7f3a';
let app: TestApp;

before(() => {
  app = startTestApp({ now: () => NOW });
  const repo = app.runtime.services.inventory.repository;
  const seeded = seedInventory(repo, { workspaces: 40, nowMs: NOW - 3 * 86_400_000, seed: 9 });
  // statuses the lifecycle and the revoked filter read, and an expiry and a grace end in the past
  const all = repo.credentials();
  for (const [i, c] of all.entries()) {
    if (i % 7 === 1) repo.setCredentialStatus(c.workspaceId, c.id, 'revoked', NOW);
    else if (i % 11 === 2) repo.setCredentialStatus(c.workspaceId, c.id, 'disabled', NOW);
    else if (i % 13 === 3) repo.setCredentialStatus(c.workspaceId, c.id, 'expired', NOW);
  }
  // drift: review three workspaces, then a later sync grants new scopes (one to a credential named like a formula)
  repo.markReviewed(seeded.slice(0, 3).map((w) => w.id), NOW - 2 * 86_400_000);
  for (const w of seeded.slice(0, 3)) {
    const creds = repo.credentials().filter((c) => c.workspaceId === w.id);
    const changed = creds.map((c, i) => {
      const { workspaceId: _w, firstSeenMs: _f, updatedMs: _u, ...n } = c;
      return i === 1 ? { ...n, name: CANARY, scopes: [...new Set([...n.scopes, 'webhooks:delete', 'users:write'])].sort() } : n;
    });
    repo.applyWorkspace(w.id, w.name, changed, null, NOW - 86_400_000);
  }
  repo.setBaseline('Agency standard', ['contacts:read', 'deals:read', 'companies:read', 'audit:read', 'credentials:read'], new Date(NOW).toISOString());
});
after(async () => {
  await app?.close();
});

const FILTERS: MatrixFilters[] = [
  {},
  { includeRevoked: true },
  { workspace: 'Acme' },
  { workspace: 'ws_0002,ws_0005' },
  { types: ['api_key'] },
  { types: ['app', 'machine_client'], includeRevoked: true },
  { scopes: ['contacts:delete'] },
  { writeOrDelete: true },
  { expiringWithinDays: 14 },
  { unusedForDays: 90 },
  { overGrantsOnly: true },
  { driftOnly: true },
  { driftOnly: true, includeRevoked: true, workspace: 'ws_0001' },
];

/** the 'credentials' matrix as it would look at depth 'counts' */
function asCounts(m: Matrix): Matrix {
  return { ...m, depth: 'counts', workspaces: m.workspaces.map((w) => ({ ...w, credentials: [] })) };
}

describe('scope matrix depths', () => {
  it('depth counts equals the full matrix without its summaries, for every filter', async () => {
    for (const f of FILTERS) {
      const full = await app.call('inventory.matrix', f);
      const counts = await app.call('inventory.matrix', { ...f, depth: 'counts' });
      assert.equal(full.depth, 'credentials');
      assert.equal(counts.depth, 'counts');
      assert.deepEqual(counts, asCounts(full), JSON.stringify(f));
      for (const w of full.workspaces) {
        assert.equal(w.credentialCount, w.credentials.length, `${w.id} ${JSON.stringify(f)}`);
        assert.equal(w.hasDrift, w.credentials.some((c) => c.drift.length > 0), `${w.id} ${JSON.stringify(f)}`);
      }
    }
  });

  it('the seed is not trivial: revoked hidden by default, drift and over-grants present', async () => {
    const shown = await app.call('inventory.matrix', {});
    const withRevoked = await app.call('inventory.matrix', { includeRevoked: true });
    assert.ok(withRevoked.totals.credentials > shown.totals.credentials);
    assert.ok(shown.totals.drift > 0 && shown.totals.overGrants > 0);
    assert.ok(shown.counts.revoked > 0 && shown.counts.disabled > 0 && shown.counts.expired > 0);
    assert.ok(shown.workspaces.some((w) => w.hasDrift) && shown.workspaces.some((w) => !w.hasDrift));
  });

  it('a credential named like a formula never travels at depth counts; the full matrix carries it as data', async () => {
    const counts = JSON.stringify(await app.call('inventory.matrix', { depth: 'counts', includeRevoked: true }));
    assert.ok(!counts.includes('canary-name-7f3a'));
    const full = JSON.stringify(await app.call('inventory.matrix', { includeRevoked: true }));
    assert.ok(full.includes('canary-name-7f3a'));
  });

  it('the aggregates follow a sync that removes credentials and a purge of workspaces', async () => {
    const repo = app.runtime.services.inventory.repository;
    const ws = 'ws_0004';
    const keep = repo.credentials().filter((c) => c.workspaceId === ws).slice(0, 2);
    repo.applyWorkspace(ws, 'shrunk', keep.map(({ workspaceId: _w, firstSeenMs: _f, updatedMs: _u, ...n }) => n), null, NOW);
    repo.purgeWorkspaces(['ws_0006', 'ws_0007']);
    for (const f of [{}, { includeRevoked: true }]) {
      const full = await app.call('inventory.matrix', f);
      assert.deepEqual(await app.call('inventory.matrix', { ...f, depth: 'counts' }), asCounts(full));
      assert.equal(full.workspaces.find((w) => w.id === ws)?.credentialCount, keep.filter((c) => f.includeRevoked || c.status !== 'revoked').length);
    }
  });

  it('a cache written before the read model existed is counted in full by the migration', () => {
    const dir = mkdtempSync(join(tmpdir(), 'grantdesk-matrix-backfill-'));
    const db = new Database(join(dir, 'cache.db'));
    try {
      migrate(db, migrations.filter((m) => m.version < 34));
      seedInventory(createInventoryRepository(db), { workspaces: 12, nowMs: NOW, seed: 5 });
      const expected = db.prepare("SELECT c.workspace_id ws, j.value scope, SUM(c.status <> 'revoked') n FROM inv_credentials c, json_each(c.scopes_json) j GROUP BY 1, 2 ORDER BY 1, 2").all();
      assert.ok(expected.length > 50);
      migrate(db, migrations);
      const cells = db.prepare('SELECT workspace_id ws, scope, holders n FROM inv_matrix_cells ORDER BY 1, 2').all();
      assert.deepEqual(cells, expected);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unknown depth is refused with a sentence, never read as a filter', async () => {
    const r = await app.callUnchecked('inventory.matrix', { depth: 'everything' });
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.code, 'invalid_input');
    const r2 = await app.callUnchecked('inventory.matrixCsv', { depth: 'counts' });
    assert.equal(r2.ok, false, 'the CSV has one depth: every credential');
  });
});
