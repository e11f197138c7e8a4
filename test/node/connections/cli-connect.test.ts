// The real `grantdesk` bin connects a sandbox workspace with nothing but a browser command (GRANTDESK_BROWSER, here a
// wrapper around test/support/fake-browser.mjs), and with --print-url prints the authorization URL on stderr for a
// browser elsewhere (the test follows it). Real keychain (inside scripts/with-keyring.sh); tokens never reach stdout/stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { follow } from '../../support/fake-browser.mjs';
import { NO_KEYRING_REASON, ROOT, startHarness } from './harness.ts';

function run(args: string[], env: NodeJS.ProcessEnv, onStderr?: (all: string) => void) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const c = spawn(process.execPath, [join(ROOT, 'bin', 'grantdesk.mjs'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d));
    c.stderr.on('data', (d: Buffer) => {
      stderr += d;
      onStderr?.(stderr);
    });
    c.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

test('CLI connect with only a browser-command opener, and --print-url', { skip: NO_KEYRING_REASON, timeout: 60_000 }, async () => {
  const h = await startHarness({ addPlatform: false });
  try {
    const browser = join(h.dataDir, 'browser.sh');
    writeFileSync(browser, `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'test', 'support', 'fake-browser.mjs')}" "$1"\n`);
    chmodSync(browser, 0o755);
    const env: NodeJS.ProcessEnv = { ...process.env, GRANTDESK_HOME: h.dataDir, GRANTDESK_BROWSER: browser };
    const add = await run(['platform', 'add', h.sandbox.issuer, '--name', 'Sandbox'], env);
    assert.equal(add.status, 0, add.stderr);

    // 1. GRANTDESK_BROWSER receives the URL as one argv word; the loopback callback completes the flow
    const a = h.sandbox.workspaces[0]!;
    const r1 = await run(['connect', a.id, '--platform', 'Sandbox', '--role', 'auditor'], env);
    assert.equal(r1.status, 0, r1.stderr);
    assert.match(r1.stdout, new RegExp(a.id));
    assert.doesNotMatch(r1.stderr, /Open this URL/, 'the browser command was used, no URL printed');

    // 2. --print-url: the URL goes to stderr, stdout stays clean for the result; someone else opens it
    const b = h.sandbox.workspaces[1]!;
    let followed: Promise<unknown> | null = null;
    let printed = '';
    const r2 = await run(['connect', b.id, '--platform', 'Sandbox', '--print-url', '--json'], env, (all) => {
      const m = /Open this URL to sign in:\n(\S+)\n/.exec(all);
      if (m && !followed) {
        printed = m[1]!;
        followed = follow(printed);
      }
    });
    assert.equal(r2.status, 0, r2.stderr);
    assert.ok(followed, 'a URL was printed');
    const url = new URL(printed);
    assert.equal(url.origin, h.sandbox.issuer);
    assert.equal(url.searchParams.get('workspace'), b.id);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    const w = JSON.parse(r2.stdout) as { id: string; status: string; scopes: string[] };
    assert.equal(w.id, b.id);
    assert.equal(w.status, 'connected');

    const list = await run(['workspaces', '--json'], env);
    const rows = JSON.parse(list.stdout) as Array<{ id: string; status: string; role: string }>;
    assert.deepEqual(rows.map((x) => [x.id, x.status, x.role]).sort(), [[a.id, 'connected', 'auditor'], [b.id, 'connected', 'operator']].sort());
    // the grants are in the keychain, and no token was printed
    const grants = (await h.store.list()).filter((x) => x.startsWith('grant:') && (x.endsWith(`:${a.id}`) || x.endsWith(`:${b.id}`)));
    assert.equal(grants.length, 2);
    for (const g of grants) {
      const item = JSON.parse((await h.store.get(g))!) as { accessToken: string; refreshToken: string };
      for (const out of [r1.stdout, r1.stderr, r2.stdout, r2.stderr, list.stdout]) {
        assert.ok(!out.includes(item.accessToken) && !out.includes(item.refreshToken));
      }
    }
  } finally {
    await h.close();
  }
});
