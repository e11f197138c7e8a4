/* eslint-disable @typescript-eslint/no-explicit-any -- the sandbox's admin JSON */
// The CLI over the real connections implementation: `grantdesk keys edit <ws> <key> --ip-allowlist … --dry-run` prints
// which cached calls the proposal would refuse — the totals the sandbox's own replay computes — and changes nothing;
// without --dry-run it applies in place and prints the changes; `grantdesk bundles push` prints a result per workspace
// and exits 1 when one failed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
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
  p = await startRotationSandbox({ seed: 14, workspaces: 2 });
  home = mkdtempSync(join(tmpdir(), 'grantdesk-keys-edit-cli-'));
});
after(async () => {
  await p.close();
  rmSync(home, { recursive: true, force: true });
});

test('keys edit --dry-run prints the refusals the sandbox computes and changes nothing; keys edit applies in place', async () => {
  const [a, b] = p.sb.workspaces;
  assert.equal((await cli('platform', 'add', p.sb.issuer, '--name', 'sandbox')).code, 0);
  for (const w of [a!, b!]) assert.equal((await cli('connect', w.id, '--role', 'operator')).code, 0);
  const created = await cli('keys', 'create', a!.id, '--name', 'cli edited key', '--scopes', 'contacts:read', '--json');
  assert.equal(created.code, 0, created.err);
  const key = JSON.parse(created.out) as { key: { id: string }; secret: string };
  for (const ip of ['198.51.100.7', '203.0.113.8', '203.0.113.9']) assert.equal((await p.withBearer(key.secret, '/v1/contacts', { 'x-sandbox-caller-ip': ip })).status, 200);
  assert.equal((await cli('sync', '--workspaces', a!.id)).code, 0);

  const dry = await cli('keys', 'edit', a!.id, key.key.id, '--ip-allowlist', '198.51.100.0/24', '--dry-run');
  assert.equal(dry.code, 0, dry.err);
  const json = JSON.parse((await cli('keys', 'edit', a!.id, key.key.id, '--ip-allowlist', '198.51.100.0/24', '--dry-run', '--json')).out) as { since: string };
  const truth = ((await p.admin('POST', '/replay', { workspace_id: a!.id, credential_id: key.key.id, since: json.since, ip_allowlist: ['198.51.100.0/24'] })).body as any).credentials[0];
  assert.equal(truth.refused.ip, 2);
  assert.match(dry.out, new RegExp(`Would have refused ${truth.events.length} of ${truth.calls} calls: ${truth.refused.ip} IP allowlist \\(401\\)`));
  assert.match(dry.out, /Changes: IP allowlist: 198\.51\.100\.0\/24 \(was any address\)\./);
  assert.equal((dry.out.match(/→ 401 \(answered then\): Caller 203\.0\.113\.\d is outside the proposed IP allowlist/g) ?? []).length, 2, dry.out);
  assert.deepEqual(((await p.credentials(a!.id)).find((c) => c.id === key.key.id) as any).ip_allowlist, [], 'the dry run changed nothing');

  const bad = await cli('keys', 'edit', a!.id, key.key.id, '--ip-allowlist', '198.51.100.0/24,::ffff:10.0.0.0/104');
  assert.equal(bad.code, 2, 'invalid input exits 2');
  assert.match(bad.err, /IP allowlist: Entry 2: "::ffff:10\.0\.0\.0\/104" is an IPv4-mapped IPv6 block; write it as IPv4 \(10\.0\.0\.0\/8\)/);

  const applied = await cli('keys', 'edit', a!.id, key.key.id, '--ip-allowlist', '198.51.100.0/24', '--expires-in-days', '60');
  assert.equal(applied.code, 0, applied.err);
  assert.match(applied.out, /IP allowlist: 198\.51\.100\.0\/24 \(was any address\)/);
  assert.match(applied.out, /Expiry: in 60 days/);
  const after = (await p.credentials(a!.id)).find((c) => c.id === key.key.id) as any;
  assert.deepEqual(after.ip_allowlist, ['198.51.100.0/24']);
  assert.ok(after.expires_at);
  assert.equal((await p.withBearer(key.secret, '/v1/contacts', { 'x-sandbox-caller-ip': '203.0.113.8' })).status, 401, 'the same secret, now allowlisted');

  const push = await cli('bundles', 'push', 'CLI bundle', a!.id, b!.id, 'ws_nowhere', '--scopes', 'contacts:read');
  assert.equal(push.code, 1, 'a failed row exits 1');
  assert.match(push.out, /created/);
  assert.match(push.out, /No connected workspace/);
  const again = await cli('bundles', 'push', 'CLI bundle', a!.id, b!.id, '--scopes', 'contacts:read', '--json');
  assert.equal(again.code, 0, again.err);
  assert.deepEqual((JSON.parse(again.out) as { counts: unknown }).counts, { created: 0, updated: 0, unchanged: 2, failed: 0 });
});
