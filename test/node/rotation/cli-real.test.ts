// End to end through the real connections implementation and the real CLI: add the sandbox platform, connect a workspace
// (PKCE in a test "browser"), create a key, `grantdesk rotate <ws> <key> --grace 7d`. The new secret is printed exactly
// once; later CLI output, the data dir (cache, WAL, logs) and the keychain never hold it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../../src-main/cli/main.ts';
import { createMemorySecretStore } from '../../../src-main/adapters/memory-secret-store.ts';
import { startRotationSandbox, type RotationSandbox } from './support.ts';

const here = dirname(fileURLToPath(import.meta.url));
let p: RotationSandbox;
let home: string;
const secretStore = createMemorySecretStore();

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    env: { ...process.env, GRANTDESK_HOME: home, GRANTDESK_BROWSER: join(here, 'follow-auth.mjs') },
    secretStore,
  });
  return { code, out, err };
}

before(async () => {
  p = await startRotationSandbox({ seed: 12, workspaces: 2 });
  home = mkdtempSync(join(tmpdir(), 'grantdesk-rotation-cli-'));
});
after(async () => {
  await p.close();
  rmSync(home, { recursive: true, force: true });
});

test('grantdesk rotate over the real connections: secret printed once, then never again', async () => {
  const ws = p.sb.workspaces[0]!.id;
  const add = await cli('platform', 'add', p.sb.issuer, '--name', 'sandbox');
  assert.equal(add.code, 0, add.err);
  const conn = await cli('connect', ws, '--role', 'operator');
  assert.equal(conn.code, 0, conn.err);

  const created = await cli('keys', 'create', ws, '--name', 'cli key', '--scopes', 'contacts:read', '--ip-allowlist', '127.0.0.1/32,::1/128', '--json');
  assert.equal(created.code, 0, created.err);
  const key = JSON.parse(created.out) as { key: { id: string }; secret: string };
  assert.equal(created.out.split(key.secret).length - 1, 1);

  const bad = await cli('rotate', ws, key.key.id, '--grace', '45d');
  assert.equal(bad.code, 2);

  const rot = await cli('rotate', ws, key.key.id, '--grace', '7d');
  assert.equal(rot.code, 0, rot.err);
  const m = /secret: (sk_live_\S+)/.exec(rot.out);
  assert.ok(m, rot.out);
  const secret = m[1]!;
  assert.equal(rot.out.split(secret).length - 1, 1, 'printed exactly once');
  assert.match(rot.out, /step: grace/);

  const creds = await p.credentials(ws);
  const rotated = creds.filter((c) => c.rotated_from === key.key.id);
  assert.equal(rotated.length, 1);
  assert.equal((await p.withBearer(secret, '/v1/workspace')).status, 200);
  assert.equal((await p.withBearer(key.secret, '/v1/workspace')).status, 200, 'old key works during grace');

  // the same command again resumes the wizard (already in grace): no second rotation, no secret
  const again = await cli('rotate', ws, key.key.id, '--grace', '7d');
  assert.equal(again.code, 0, again.err);
  assert.match(again.out, /secret: -/);
  assert.equal((await p.credentials(ws)).filter((c) => c.rotated_from === key.key.id).length, 1);

  const later = [
    await cli('rotation', 'status', '--json'),
    await cli('keys', 'list', ws, '--json'),
    await cli('calendar', '--json'),
    await cli('rotation', 'status'),
    again,
  ];
  for (const l of later) {
    assert.equal(l.code, 0, l.err);
    assert.ok(!l.out.includes(secret) && !l.err.includes(secret), 'later CLI output carried the secret');
  }
  const wizardId = (JSON.parse(later[0]!.out) as { wizards: Array<{ id: string; step: string }> }).wizards[0]!.id;
  const end = await cli('rotation', 'end-grace', wizardId, '--force');
  assert.equal(end.code, 0, end.err);
  assert.equal((await p.withBearer(key.secret, '/v1/workspace')).status, 401);

  const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  const files = walk(home);
  assert.ok(files.some((f) => f.endsWith('cache.db')));
  for (const f of files) assert.ok(!readFileSync(f).toString('latin1').includes(secret), `${f} holds the secret`);
  for (const acct of await secretStore.list()) assert.ok(!(await secretStore.get(acct))!.includes(secret), 'keychain holds the secret');
});
