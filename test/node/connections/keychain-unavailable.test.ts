// Fail closed: a CLI without a Secret Service (no D-Bus session) gets a typed error with a remedy, and nothing is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ROOT, startHarness } from './harness.ts';
import { runCli } from '../../support/run-cli.ts';

test('connect without a Secret Service → keychain_unavailable with remedy; no workspace, no token anywhere', { timeout: 60_000 }, async () => {
  const h = await startHarness({ addPlatform: false });
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, GRANTDESK_HOME: h.dataDir, GRANTDESK_BROWSER: join(ROOT, 'test', 'support', 'no-such-browser') };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    // async: the sandbox runs in this process and must keep answering
    const run = (args: string[]) => runCli(args, env);
    const add = await run(['platform', 'add', h.sandbox.issuer, '--name', 'Sandbox']);
    assert.equal(add.status, 0, add.stderr + add.stdout);
    const r = await run(['connect', h.sandbox.workspaces[0]!.id]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /error keychain_(unavailable|locked|timeout)/);
    assert.match(r.stderr, /remedy: /);
    assert.doesNotMatch(r.stderr, /Open this URL/, 'no browser was opened: the keychain is checked first');
    const db = new Database(join(h.dataDir, 'cache.db'), { readonly: true });
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM workspaces').get() as { n: number }).n, 0);
    db.close();
  } finally {
    await h.close();
  }
});
