// MFA step-up from the real `grantdesk` bin against the sandbox: like connect, the CLI says why and prints the sign-in
// URL on stderr (no GRANTDESK_BROWSER), and goes on once someone signs in there. Creating, rotating and revoking on a
// Pro workspace each go through it; a declined one exits 1 with the sentence and the remedy; on a sandbox without
// auto-consent the authenticator page is filled with the workspace's real TOTP (RFC 6238) and three wrong codes end it.
// No step-up token on stdout or stderr (canaries from the sandbox's own database).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { follow } from '../../support/fake-browser.mjs';
import { NO_KEYRING_REASON, ROOT, startHarness } from './harness.ts';
import { credentialsOf, interactive, setPlan, stepUpTokens } from './step-up-support.ts';

/** the CLI; every URL it prints is handed to `browse` (the person at another browser) */
function run(args: string[], env: NodeJS.ProcessEnv, browse: (url: string) => Promise<unknown>) {
  return new Promise<{ status: number | null; stdout: string; stderr: string; urls: string[] }>((resolve) => {
    const c = spawn(process.execPath, [join(ROOT, 'bin', 'grantdesk.mjs'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const urls: string[] = [];
    c.stdout.on('data', (d: Buffer) => (stdout += d));
    c.stderr.on('data', (d: Buffer) => {
      stderr += d;
      for (const m of stderr.matchAll(/Open this URL to sign in:\n(\S+)\n/g)) {
        if (!urls.includes(m[1]!)) {
          urls.push(m[1]!);
          void browse(m[1]!).catch(() => undefined);
        }
      }
    });
    c.on('exit', (status) => resolve({ status, stdout, stderr, urls }));
  });
}

test('CLI: create, rotate and revoke on a Pro workspace through a printed step-up URL; a declined one exits 1 with a sentence', { skip: NO_KEYRING_REASON, timeout: 300_000 }, async () => {
  const h = await startHarness({ sandbox: { workspaces: 2, events: 60 } });
  try {
    const ws = h.sandbox.workspaces[0]!;
    await setPlan(h.sandbox, ws.id, 'pro');
    const env: NodeJS.ProcessEnv = { ...process.env, GRANTDESK_HOME: h.dataDir, GRANTDESK_BROWSER: '' };
    const connect = await run(['connect', ws.id, '--platform', 'Sandbox'], env, (u) => follow(u));
    assert.equal(connect.status, 0, connect.stderr);
    assert.doesNotMatch(connect.stderr, /fresh MFA sign-in/, 'connecting asks for no MFA');

    // create: the sentence, then the URL like connect's; the secret once on stdout
    const created = await run(['keys', 'create', ws.id, '--name', 'cli etl', '--scopes', 'contacts:read', '--json'], env, (u) => follow(u));
    assert.equal(created.status, 0, created.stderr);
    assert.match(created.stderr, new RegExp(`${ws.name} requires a fresh MFA sign-in for creating an API key; finish it in your browser\\.\\nOpen this URL to sign in:\\n`));
    assert.match(created.stderr, new RegExp(`${ws.name}: MFA sign-in done; creating an API key goes ahead\\.`));
    assert.equal(created.urls.length, 1);
    const u = new URL(created.urls[0]!);
    assert.equal(u.searchParams.get('acr_values'), 'urn:sabnode:mfa');
    assert.equal(u.searchParams.get('prompt'), 'login');
    assert.equal(u.searchParams.get('workspace'), ws.id);
    const key = JSON.parse(created.stdout) as { key: { id: string; name: string }; secret: string };
    assert.equal(key.key.name, 'cli etl');
    assert.match(key.secret, /^sk_live_/);

    // rotate: a new process, a new step-up (the token never outlives the process)
    const rotated = await run(['rotate', ws.id, key.key.id, '--grace', '1', '--json'], env, (x) => follow(x));
    assert.equal(rotated.status, 0, rotated.stderr);
    assert.match(rotated.stderr, new RegExp(`${ws.name} requires a fresh MFA sign-in for rotating an API key`));
    assert.ok((await credentialsOf(h.sandbox, ws.id)).some((c) => c.rotated_from === key.key.id));

    // revoke an OAuth app (from the cached inventory)
    const sync = await run(['credentials', 'sync', ws.id], env, (x) => follow(x));
    assert.equal(sync.status, 0, sync.stderr);
    const app = (await credentialsOf(h.sandbox, ws.id)).find((c) => c.type === 'oauth_app' && c.status === 'active');
    const revoked = await run(['revoke', ws.id, app.id, '--yes'], env, (x) => follow(x));
    assert.equal(revoked.status, 0, revoked.stderr + revoked.stdout);
    assert.match(revoked.stderr, new RegExp(`${ws.name} requires a fresh MFA sign-in for revoking an OAuth app`));
    assert.equal((await credentialsOf(h.sandbox, ws.id)).find((c) => c.id === app.id).status, 'revoked');

    // declined: exit 1, the code, the sentence and the remedy; nothing created
    const before = (await credentialsOf(h.sandbox, ws.id)).filter((c) => c.type === 'api_key').length;
    const denied = await run(['keys', 'create', ws.id, '--name', 'never', '--scopes', 'contacts:read'], env, (x) => follow(x, { deny: true }));
    assert.equal(denied.status, 1);
    assert.match(denied.stderr, new RegExp(`error step_up_refused: ${ws.name} requires a fresh MFA sign-in for creating an API key, and it was declined or failed in the browser.*; nothing was changed\\.\\n  remedy: Nothing was changed\\. Try again and finish the sign-in`));
    assert.equal(denied.stdout, '');
    assert.equal((await credentialsOf(h.sandbox, ws.id)).filter((c) => c.type === 'api_key').length, before);

    // canary: no step-up token on any output
    const tokens = stepUpTokens(h.sandbox);
    assert.ok(tokens.length >= 3);
    for (const t of tokens) for (const r of [created, rotated, revoked, denied, sync]) assert.ok(!(r.stdout + r.stderr).includes(t.slice(0, 24)), 'a step-up token in CLI output');
  } finally {
    await h.close();
  }
});

test('CLI without auto-consent: the real authenticator code signs in; three wrong codes refuse the step-up and create nothing', { skip: NO_KEYRING_REASON, timeout: 300_000 }, async () => {
  const h = await startHarness({ sandbox: { workspaces: 1, events: 20, autoConsent: false } });
  try {
    const ws = h.sandbox.workspaces[0]!;
    await setPlan(h.sandbox, ws.id, 'pro');
    const env: NodeJS.ProcessEnv = { ...process.env, GRANTDESK_HOME: h.dataDir, GRANTDESK_BROWSER: '' };
    const never = () => {
      throw new Error('connect asks for no code');
    };
    const connect = await run(['connect', ws.id, '--platform', 'Sandbox'], env, (u) => interactive(u, never));
    assert.equal(connect.status, 0, connect.stderr);

    const good = await run(['keys', 'create', ws.id, '--name', 'with totp', '--scopes', 'contacts:read', '--json'], env, (u) => interactive(u, () => h.sandbox.mfa.totp(ws.id)!));
    assert.equal(good.status, 0, good.stderr);
    assert.equal((JSON.parse(good.stdout) as { key: { name: string } }).key.name, 'with totp');

    const before = (await credentialsOf(h.sandbox, ws.id)).filter((c) => c.type === 'api_key').length;
    const wrong = await run(['keys', 'create', ws.id, '--name', 'wrong totp', '--scopes', 'contacts:read'], env, (u) => interactive(u, () => '000000'));
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, new RegExp(`error step_up_refused: ${ws.name} requires a fresh MFA sign-in for creating an API key, and it was declined or failed in the browser \\(the platform says: multi-factor sign-in failed 3 times\\); nothing was changed\\.`));
    assert.equal((await credentialsOf(h.sandbox, ws.id)).filter((c) => c.type === 'api_key').length, before, 'nothing was created');
  } finally {
    await h.close();
  }
});
