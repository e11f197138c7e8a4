import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contract, COMMAND_NAMES } from '../../src-common/contract/index.ts';
import { runCli } from '../../src-main/cli/main.ts';
import { createMemorySecretStore } from '../../src-main/adapters/memory-secret-store.ts';

async function cli(args: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const home = mkdtempSync(join(tmpdir(), 'grantdesk-cli-'));
  try {
    const code = await runCli(args, {
      stdout: (s) => (out += s),
      stderr: (s) => (err += s),
      env: { GRANTDESK_HOME: home, ...env },
      secretStore: createMemorySecretStore(),
    });
    return { code, out, err, home };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

test('--help lists every command that has CLI words, and exits 0', async () => {
  const r = await cli(['--help']);
  assert.equal(r.code, 0);
  for (const name of COMMAND_NAMES) {
    const words = contract[name].cli?.words;
    if (words) assert.ok(r.out.includes(words.join(' ')), `help misses ${words.join(' ')}`);
  }
  assert.match(r.out, /serve/);
});

test('no arguments prints help with usage exit code 2', async () => {
  const r = await cli([]);
  assert.equal(r.code, 2);
  assert.match(r.out, /Usage: grantdesk/);
});

test('every command has --help, exit 0', async () => {
  for (const name of COMMAND_NAMES) {
    const words = contract[name].cli?.words;
    if (!words) continue;
    const r = await cli([...words, '--help']);
    assert.equal(r.code, 0, words.join(' '));
    assert.match(r.out, /^grantdesk /);
  }
});

test('every read command accepts --json (output parses as JSON) or fails with a typed error', async () => {
  for (const name of COMMAND_NAMES) {
    const spec = contract[name].cli;
    if (!spec || contract[name].mutates || (spec.positionals?.length ?? 0) > 0) continue;
    const r = await cli([...spec.words, '--json']);
    if (r.code === 0) assert.doesNotThrow(() => JSON.parse(r.out), spec.words.join(' '));
    else assert.match(r.err, /^error [a-z_]+: /, spec.words.join(' '));
  }
});

test('exit codes: unknown command 2, bad option 2, invalid value 2, ok 0', async () => {
  assert.equal((await cli(['frobnicate'])).code, 2);
  assert.equal((await cli(['health', '--bogus'])).code, 2);
  const bad = await cli(['settings', 'set', '--theme', 'purple']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^error invalid_input: /);
  const num = await cli(['settings', 'set', '--refresh-lead-seconds', 'soon']);
  assert.equal(num.code, 2);
  assert.match(num.err, /expects a number/);
  const ok = await cli(['settings', 'set', '--theme', 'dark', '--json']);
  assert.equal(ok.code, 0);
  assert.equal(JSON.parse(ok.out).theme, 'dark');
});

test('runtime errors exit 1 with a line naming the error code', async () => {
  const home = mkdtempSync(join(tmpdir(), 'grantdesk-cli-'));
  try {
    // the data dir is a file: the cache cannot open
    const file = join(home, 'not-a-dir');
    writeFileSync(file, 'x');
    const r = spawnSync(process.execPath, ['bin/grantdesk.mjs', 'settings', 'get'], { env: { ...process.env, GRANTDESK_HOME: file }, encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^error io_error: Cannot open the data directory/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('keychain unavailable is reported by health with a remedy, never hidden', async () => {
  // keychain unavailable: no D-Bus session in this child, so the real keytar store fails closed
  const home = mkdtempSync(join(tmpdir(), 'grantdesk-cli-'));
  try {
    const env = { ...process.env, GRANTDESK_HOME: home, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', DISPLAY: '' };
    const r = spawnSync(process.execPath, ['bin/grantdesk.mjs', 'health', '--json'], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const health = JSON.parse(r.stdout);
    assert.equal(health.keychain.backend, 'keytar');
    assert.notEqual(health.keychain.state, 'ok');
    assert.ok(health.keychain.remedy.length > 0);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('the real bin runs: --version, --help and a usage error', () => {
  const v = spawnSync(process.execPath, ['bin/grantdesk.mjs', '--version'], { encoding: 'utf8' });
  assert.equal(v.status, 0);
  assert.match(v.stdout, /^\d+\.\d+\.\d+/);
  const u = spawnSync(process.execPath, ['bin/grantdesk.mjs', 'nope'], { encoding: 'utf8' });
  assert.equal(u.status, 2);
  assert.match(u.stderr, /^usage: /);
});

test('scopes matrix --csv is its own command (CSV text) wherever --csv stands; scopes matrix alone is the matrix object', async () => {
  for (const argv of [
    ['scopes', 'matrix', '--csv'],
    ['scopes', 'matrix', '--include-revoked', '--csv'],
    ['scopes', 'matrix', '--csv', '--types', 'api_key'],
  ]) {
    const r = await cli(argv);
    assert.equal(r.code, 0, `${argv.join(' ')}: ${r.err}`);
    assert.ok(r.out.startsWith('workspace_id,workspace,credential_id,'), `${argv.join(' ')}: ${r.out.slice(0, 80)}`);
  }
  const asJson = await cli(['scopes', 'matrix', '--csv', '--json']);
  assert.equal(asJson.code, 0, asJson.err);
  assert.match(JSON.parse(asJson.out) as string, /^workspace_id,/);
  const matrix = await cli(['scopes', 'matrix', '--json']);
  assert.equal(matrix.code, 0, matrix.err);
  const m = JSON.parse(matrix.out) as { workspaces: unknown[]; columns: unknown[] };
  assert.ok(Array.isArray(m.workspaces) && Array.isArray(m.columns), 'the matrix object, never CSV text');
  const help = await cli(['scopes', 'matrix', '--csv', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /^grantdesk scopes matrix --csv /);
});
