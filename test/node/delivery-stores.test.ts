// Secrets-manager delivery end to end against REAL stores on this machine, through the real `grantdesk` bin as a child
// process: a rotated API key is piped to `secret-tool store` (the Secret Service of scripts/with-keyring.sh's D-Bus
// session) and a new key and a rotated machine-client secret to `pass insert` (GnuPG, a throwaway GNUPGHOME with a
// passphrase-less key). Each secret is read back from the store (`secret-tool lookup`, `pass show`) and used against
// the sandbox; none of them appears in any CLI output, the logs or the data dir. A failing store: exit 1, the secret not
// printed (and, with --show-secret-on-failure, printed exactly once).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from '../support/run-cli.ts';
import { NO_KEYRING_REASON, ROOT } from './connections/harness.ts';
import { arrangeKey, startRotationSandbox, type RotationSandbox } from './rotation/support.ts';

const HAVE_PASS = spawnSync('pass', ['--version']).status === 0 && spawnSync('gpg', ['--version']).status === 0;
const SKIP = NO_KEYRING_REASON || (HAVE_PASS ? false : 'pass or gpg is not installed (apt-get install pass)');

let p: RotationSandbox;
let root: string;
let env: NodeJS.ProcessEnv;
const outputs: CliResult[] = [];
/** a Secret Service attribute unique to this run, so parallel runs never read each other's items */
const SERVICE = `grantdesk-test-${process.pid}`;

async function cli(...args: string[]): Promise<CliResult> {
  const r = await runCli(args, env);
  outputs.push(r);
  return r;
}
const text = (r: CliResult) => `${r.stdout}\n${r.stderr}`;
const store = (cmd: string, args: string[]) => execFileSync(cmd, args, { env, encoding: 'utf8' });

function dataDirBytes(): string {
  const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  return walk(env.GRANTDESK_HOME!).map((f) => readFileSync(f).toString('latin1')).join('\n');
}

before(async () => {
  if (SKIP) return;
  p = await startRotationSandbox({ seed: 31, workspaces: 1 });
  root = mkdtempSync(join(tmpdir(), 'grantdesk-stores-'));
  const gnupg = join(root, 'gnupg');
  execFileSync('mkdir', ['-m', '700', gnupg]);
  env = { ...process.env, GRANTDESK_HOME: join(root, 'home'), GRANTDESK_BROWSER: join(ROOT, 'test', 'node', 'rotation', 'follow-auth.mjs'), GNUPGHOME: gnupg, PASSWORD_STORE_DIR: join(root, 'pass') };
  execFileSync('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'grantdesk-test@example.invalid', 'default', 'default', 'never'], { env, stdio: 'ignore' });
  const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(store('gpg', ['--list-keys', '--with-colons', 'grantdesk-test@example.invalid']))![1]!;
  store('pass', ['init', fpr]);
  const ws = p.sb.workspaces[0]!.id;
  assert.equal((await cli('platform', 'add', p.sb.issuer, '--name', 'sandbox')).status, 0);
  const conn = await cli('connect', ws, '--role', 'operator');
  assert.equal(conn.status, 0, conn.stderr);
});
after(async () => {
  if (SKIP) return;
  spawnSync('gpgconf', ['--kill', 'gpg-agent'], { env });
  spawnSync('secret-tool', ['clear', 'service', SERVICE], { env });
  await p.close();
  rmSync(root, { recursive: true, force: true });
});

test('a rotated API key lands in the Secret Service (secret-tool) without appearing in any output; read back, it works', { skip: SKIP, timeout: 120_000 }, async () => {
  const ws = p.sb.workspaces[0]!.id;
  const old = await arrangeKey(p, ws);
  const r = await cli('rotate', ws, old.id, '--grace', '7d', '--deliver-cmd', `secret-tool store --label='Grantdesk test key' service ${SERVICE} account k1`);
  assert.equal(r.status, 0, text(r));
  assert.match(r.stdout, /delivered:\s*\n\s+target: secret-tool/);
  assert.match(r.stdout, /step: grace/);
  const secret = store('secret-tool', ['lookup', 'service', SERVICE, 'account', 'k1']);
  assert.match(secret, /^sk_live_[A-Za-z0-9_-]+$/);
  assert.equal((await p.withBearer(secret, '/v1/workspace')).status, 200, 'the key read back from the Secret Service works');
  const rotated = (await p.credentials(ws)).filter((c) => c.rotated_from === old.id);
  assert.equal(rotated.length, 1);
  for (const o of outputs) assert.ok(!text(o).includes(secret), 'a CLI output carried the secret');
  assert.ok(!dataDirBytes().includes(secret), 'the data dir holds the secret');
});

test('a new key and a rotated machine-client secret land in pass (GnuPG); read back, they work; nothing printed', { skip: SKIP, timeout: 120_000 }, async () => {
  const ws = p.sb.workspaces[0]!.id;
  const k = await cli('keys', 'create', ws, '--name', 'pass key', '--scopes', 'contacts:read', '--deliver-cmd', 'pass insert -m -f grantdesk/key', '--json');
  assert.equal(k.status, 0, text(k));
  const created = JSON.parse(k.stdout) as { key: { id: string }; secret?: string; delivered?: { target: string; exitCode: number } };
  assert.equal(created.secret, undefined);
  assert.deepEqual([created.delivered?.target, created.delivered?.exitCode], ['pass', 0]);
  const keySecret = store('pass', ['show', 'grantdesk/key']);
  assert.equal((await p.withBearer(keySecret, '/v1/workspace')).status, 200);

  const c = await cli('clients', 'create', ws, '--name', 'nightly', '--scopes', 'contacts:read', '--daily-quota', '100', '--deliver-cmd', 'pass insert -m -f grantdesk/client-v1', '--json');
  assert.equal(c.status, 0, text(c));
  const client = (JSON.parse(c.stdout) as { client: { id: string; clientId: string } }).client;
  const rot = await cli('clients', 'rotate', ws, client.id, '--grace', '1d', '--deliver-cmd', 'pass insert -m -f grantdesk/client', '--json');
  assert.equal(rot.status, 0, text(rot));
  const out = JSON.parse(rot.stdout) as { clientSecret?: string; delivered?: { target: string }; check: { ok: boolean } };
  assert.equal(out.clientSecret, undefined);
  assert.equal(out.check.ok, true);
  const clientSecret = store('pass', ['show', 'grantdesk/client']);
  assert.match(clientSecret, /^mcs_/);
  assert.notEqual(clientSecret, store('pass', ['show', 'grantdesk/client-v1']));
  // the rotated secret read back from pass gets a token from the platform (client_credentials)
  const tok = await fetch(p.tokenEndpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  assert.equal(tok.status, 200);
  await tok.body?.cancel();
  const bytes = dataDirBytes();
  for (const s of [keySecret, clientSecret]) {
    for (const o of outputs) assert.ok(!text(o).includes(s), 'a CLI output carried a secret');
    assert.ok(!bytes.includes(s), 'the data dir holds a secret');
  }
});

test('a failing store: exit 1, stderr says delivery failed, the secret is printed only with --show-secret-on-failure (once)', { skip: SKIP, timeout: 120_000 }, async () => {
  const ws = p.sb.workspaces[0]!.id;
  const spy = join(root, 'spy');
  // a hostile store: copies what it gets, echoes it to stdout and stderr, then fails
  const hostile = `sh -c 'tee "$0"; cat "$0" >&2; exit 3' ${spy}`;
  const old = await arrangeKey(p, ws);
  const r = await cli('rotate', ws, old.id, '--grace', '7d', '--deliver-cmd', hostile);
  assert.equal(r.status, 1, text(r));
  const secret = readFileSync(spy, 'utf8');
  assert.match(secret, /^sk_live_/);
  assert.ok(!text(r).includes(secret), 'the echoed secret reached the CLI output');
  assert.match(r.stderr, /delivery failed: Delivery to sh failed: the command exited with code 3\. The new secret was not shown\./);
  assert.match(r.stderr, /--show-secret-on-failure/);
  assert.match(r.stdout, /step: rotated/);
  // the same command again re-issues the never-shown key; asked up front, a failed delivery prints the secret once
  const again = await cli('rotate', ws, old.id, '--grace', '7d', '--deliver-cmd', hostile, '--show-secret-on-failure');
  assert.equal(again.status, 1, text(again));
  const reissued = readFileSync(spy, 'utf8');
  assert.notEqual(reissued, secret);
  assert.equal(again.stdout.split(reissued).length - 1, 1, 'printed exactly once');
  assert.ok(!again.stderr.includes(reissued));
  assert.match(again.stdout, /step: grace/);
  assert.equal((await p.withBearer(reissued, '/v1/workspace')).status, 200);
  assert.equal((await p.withBearer(secret, '/v1/workspace')).status, 401, 'the never-shown key was rotated with no grace');
  assert.ok(!dataDirBytes().includes(secret) && !dataDirBytes().includes(reissued));
  // from the CLI, a hostile command line is refused before anything is issued
  const before = (await p.credentials(ws)).length;
  const refused = await cli('keys', 'create', ws, '--name', 'x', '--scopes', 'contacts:read', '--deliver-cmd', 'pass insert -m x; curl evil');
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /error invalid_input: Delivery command: ";" chains commands/);
  assert.equal((await p.credentials(ws)).length, before);
});
