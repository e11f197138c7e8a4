// The archive from the command line, as a user types it: grantdesk archive --before DATE --out DIR, grantdesk verify DIR
// (exit 0; after one flipped byte, non-zero with the failing file named), grantdesk audit query --archive DIR [filters],
// and the same commands refused in review mode's way for the app (the CLI names any folder; the app a plain name).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src-main/cli/main.ts';
import { createMemorySecretStore } from '../../../src-main/adapters/memory-secret-store.ts';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createAuditService } from '../../../src-main/services/audit/audit-service.ts';
import { createAuditIndexer } from '../../../src-main/services/audit/indexer.ts';
import { createEventBus } from '../../../src-main/services/event-bus.ts';
import { createPlatformClient } from '../../../src-main/platform/index.ts';
import { readManifests } from '../../../src-main/services/audit/archive-manifest.ts';
import { chains } from './archive-support.ts';

async function cli(home: string, args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), env: { GRANTDESK_HOME: home }, secretStore: createMemorySecretStore() });
  return { code, out, err };
}

test('grantdesk archive, verify DIR and audit query --archive from the command line', async () => {
  const home = mkdtempSync(join(tmpdir(), 'gd-archive-cli-'));
  try {
    // a cache with real chains, written the way sync writes it
    const db = openCache(home);
    const audit = createAuditService({ db, dataDir: home, appVersion: 't', bus: createEventBus(), clock: { now: () => Date.now() }, logger: { info() {}, warn() {}, error() {} }, platform: createPlatformClient({ call: () => assert.fail('no platform') }), directory: null, concurrency: () => 1 });
    const c = chains();
    for (const [ws, chain] of Object.entries(c)) for (let i = 0; i < chain.length; i += 500) audit.engine.applyPage(ws, chain.slice(i, i + 500) as never);
    createAuditIndexer(db).catchUp();
    db.close();
    const dir = join(home, 'out', 'arch');
    const archived = Object.values(c).flat().filter((e) => e.occurred_at < '2026-01-01').length;

    const a = await cli(home, ['archive', '--before', '2026-01-01', '--out', dir, '--json']);
    assert.equal(a.code, 0, a.err);
    const result = JSON.parse(a.out);
    assert.equal(result.rows, archived);
    assert.equal(result.removedFromCache, archived);

    const v = await cli(home, ['verify', dir]);
    assert.equal(v.code, 0, v.err);
    assert.match(v.out, /run arc_/);

    const q = await cli(home, ['audit', 'query', '--archive', dir, '--workspaces', 'ws_beta', '--endpoint', '/v1/apps', '--limit', '1000', '--json']);
    assert.equal(q.code, 0, q.err);
    const rows = JSON.parse(q.out).rows as { workspaceId: string; seq: number; endpoint: string }[];
    const expected = c.ws_beta!.filter((e) => e.occurred_at < '2026-01-01' && e.endpoint === '/v1/apps').map((e) => e.seq).reverse();
    assert.deepEqual(rows.map((r) => r.seq), expected);
    assert.ok(rows.every((r) => r.workspaceId === 'ws_beta' && r.endpoint === '/v1/apps'));

    // one flipped byte: verify fails, exits non-zero and names the file
    const f = readManifests(dir)[0]!.manifest!.files[2]!;
    const p = join(dir, ...f.path.split('/'));
    const b = readFileSync(p);
    b[10] = b[10]! ^ 0xff;
    writeFileSync(p, b);
    const bad = await cli(home, ['verify', dir]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.err, /Verification FAILED/);
    assert.ok(bad.err.includes(f.path), bad.err);
    const bad2 = await cli(home, ['archive', 'verify', dir]);
    assert.notEqual(bad2.code, 0);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
