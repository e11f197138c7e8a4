// `grantdesk sync` brings the whole cache up to date (audit log AND credential inventory; --audit-only /
// --inventory-only for one part; `audit sync` keeps the audit-only words), and a read on a never-synced cache says so and
// names the command to run instead of printing an empty answer that reads like "nothing there".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../sandbox/server.ts';
import { runCli } from '../../src-main/cli/main.ts';
import { createMemorySecretStore } from '../../src-main/adapters/memory-secret-store.ts';
import { ROOT } from './connections/harness.ts';

test('grantdesk sync fills the audit log and the inventory; reads before it name `grantdesk sync`', { timeout: 120_000 }, async () => {
  const sb = await startSandbox({ workspaces: 2, events: 60, seed: 11, autoConsent: true, log: () => undefined });
  const root = mkdtempSync(join(tmpdir(), 'gd-cli-sync-'));
  const browser = join(root, 'browser.sh');
  writeFileSync(browser, `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'test', 'support', 'fake-browser.mjs')}" "$1"\n`);
  chmodSync(browser, 0o755);
  const secretStore = createMemorySecretStore();
  const env = { GRANTDESK_HOME: join(root, 'home'), GRANTDESK_BROWSER: browser };
  const cli = async (args: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), env, secretStore });
    return { code, out, err };
  };
  try {
    for (const args of [['platform', 'add', sb.issuer, '--name', 'Sandbox'], ['connect', sb.workspaces[0]!.id], ['connect', sb.workspaces[1]!.id]]) {
      const r = await cli(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
    }
    // right after connecting: nothing cached yet, and the reads say so
    const matrix = await cli(['scopes', 'matrix']);
    assert.equal(matrix.code, 0, matrix.err);
    assert.match(matrix.err, /^The credential inventory has not been synced yet: run `grantdesk sync`\.$/m);
    const query = await cli(['audit', 'query', '--json']);
    assert.equal(query.code, 0, query.err);
    assert.doesNotThrow(() => JSON.parse(query.out), 'stdout stays the JSON answer');
    assert.match(query.err, /^The audit log has not been synced yet: run `grantdesk sync`\.$/m);

    // one sync: both parts
    const all = await cli(['sync', '--json']);
    assert.equal(all.code, 0, all.err);
    const v = JSON.parse(all.out) as { audit: { results: Array<{ outcome: string; inserted: number }> } | null; inventory: { workspaces: Array<{ ok: boolean }> } | null };
    assert.equal(v.audit?.results.length, 2);
    assert.ok(v.audit!.results.every((r) => r.outcome === 'ok' && r.inserted > 0), all.out.slice(0, 400));
    assert.equal(v.inventory?.workspaces.length, 2);
    assert.ok(v.inventory!.workspaces.every((w) => w.ok), all.out.slice(0, 400));

    const after = await cli(['scopes', 'matrix', '--json']);
    assert.equal(after.code, 0, after.err);
    assert.equal(after.err, '', 'no hint once synced');
    assert.ok((JSON.parse(after.out) as { columns: unknown[] }).columns.length > 0, 'the matrix has columns after one `grantdesk sync`');
    assert.equal((await cli(['audit', 'query', '--json'])).err, '');

    // one part at a time
    const auditOnly = JSON.parse((await cli(['sync', '--audit-only', '--json'])).out) as typeof v;
    assert.ok(auditOnly.audit && auditOnly.inventory === null);
    const invOnly = JSON.parse((await cli(['sync', '--inventory-only', '--json'])).out) as typeof v;
    assert.ok(invOnly.inventory && invOnly.audit === null);
    const both = await cli(['sync', '--audit-only', '--inventory-only']);
    assert.equal(both.code, 2);
    assert.match(both.err, /not both/);
    // the audit-only words of before
    const audit = await cli(['audit', 'sync', '--json']);
    assert.equal(audit.code, 0, audit.err);
    assert.equal((JSON.parse(audit.out) as { results: unknown[] }).results.length, 2);
    // sync ages per workspace
    const health = JSON.parse((await cli(['sync', 'status', '--json'])).out) as { workspaces: Array<{ auditSyncedAt: string | null; inventorySyncedAt: string | null }> };
    assert.equal(health.workspaces.length, 2);
    assert.ok(health.workspaces.every((w) => w.auditSyncedAt && w.inventorySyncedAt));
  } finally {
    await sb.close();
    rmSync(root, { recursive: true, force: true });
  }
});
