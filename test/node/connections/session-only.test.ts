// settings.sessionOnlySecrets chooses the secret store at start (node runtime: CLI and serve; the Electron shell uses the
// same selectSecretStore): memory-only grants, reported as keychain state session-only (what drives the renderer's
// persistent banner); the CLI's --session-only still works; nothing reaches the OS keychain in that mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Health } from '../../../src-common/contract/index.ts';
import { createKeytarSecretStore } from '../../../src-main/adapters/keytar-secret-store.ts';
import { runCli } from '../../../src-main/cli/main.ts';
import { createNodeRuntime } from '../../../src-main/node-runtime.ts';
import { startSandbox } from '../../../sandbox/server.ts';
import { follow } from '../../support/fake-browser.mjs';
import { NO_KEYRING_REASON } from './harness.ts';
import { testClient } from '../../support/test-client.ts';

async function cliHealth(dataDir: string, extra: string[] = []): Promise<Health> {
  let out = '';
  const code = await runCli(['health', '--json', ...extra], { stdout: (s) => (out += s), stderr: () => undefined, env: { GRANTDESK_HOME: dataDir } });
  assert.equal(code, 0);
  return JSON.parse(out) as Health;
}

test('settings.sessionOnlySecrets picks the memory store at the next start; --session-only still works', { timeout: 60_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'grantdesk-session-only-'));
  const sb = await startSandbox({ workspaces: 2, events: 0, autoConsent: true, log: () => undefined });
  try {
    let rt = createNodeRuntime({ dataDir, opener: async (url) => void follow(url) });
    const c = testClient(() => rt); // IPC's capabilities, over whichever runtime is current
    const normal = await c.call('app.health', {});
    assert.equal(normal.keychain.backend, 'keytar', 'default: the OS keychain');
    assert.notEqual(normal.keychain.state, 'session-only');
    await c.call('settings.set', { sessionOnlySecrets: true });
    assert.equal((await c.call('app.health', {})).keychain.backend, 'keytar', 'applies at the next start, not silently mid-run');
    await rt.close();

    rt = createNodeRuntime({ dataDir, opener: async (url) => void follow(url) });
    const h = await c.call('app.health', {});
    assert.deepEqual([h.keychain.backend, h.keychain.state], ['memory-session', 'session-only']);
    // grants live in memory only: connect works, and the OS keychain receives nothing
    await c.call('platforms.add', { issuer: sb.issuer, name: 'Sandbox' });
    const w = await c.call('workspaces.connect', { workspace: sb.workspaces[0]!.id });
    assert.equal(w.status, 'connected');
    if (!NO_KEYRING_REASON) {
      const keychain = createKeytarSecretStore({ timeoutMs: 10_000 });
      assert.ok(!(await keychain.list()).some((a) => a.endsWith(`:${sb.workspaces[0]!.id}`)), 'nothing in the OS keychain');
    }
    await rt.close();

    // the CLI honours the stored setting too, and --session-only without it
    assert.equal((await cliHealth(dataDir)).keychain.state, 'session-only');
    const other = mkdtempSync(join(tmpdir(), 'grantdesk-session-only-'));
    try {
      assert.equal((await cliHealth(other)).keychain.backend, 'keytar');
      assert.deepEqual(((await cliHealth(other, ['--session-only'])).keychain), { backend: 'memory-session', state: 'session-only', detail: (await cliHealth(dataDir)).keychain.detail, remedy: null });
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
    // switching back returns to the keychain at the next start
    rt = createNodeRuntime({ dataDir, opener: async () => undefined });
    await c.call('settings.set', { sessionOnlySecrets: false });
    await rt.close();
    assert.equal((await cliHealth(dataDir)).keychain.backend, 'keytar');
  } finally {
    await sb.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
