// File modes: with umask 022 and a data dir that already exists 0755, every file Grantdesk creates (cache.db, -wal, -shm,
// journals, lock files, logs, exports, manifests) is 0600 and every folder 0700. The real `grantdesk` bin connects a
// sandbox workspace (fake browser), syncs and exports; then the dir is walked. A second test opens the cache and the
// logger in-process (no umask help) over files an older version left 0644, while -wal/-shm exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../sandbox/server.ts';
import { openCache } from '../../src-main/adapters/sqlite.ts';
import { createFileLogger } from '../../src-main/adapters/file-logger.ts';
import { NO_KEYRING_REASON, ROOT, cleanupKeychain } from './connections/harness.ts';
import { runCli } from '../support/run-cli.ts';
import { createKeytarSecretStore } from '../../src-main/adapters/keytar-secret-store.ts';

/** Every path under dir (dir included) with its permission bits. */
function walk(dir: string): Array<{ path: string; dir: boolean; mode: number }> {
  const out = [{ path: dir, dir: true, mode: lstatSync(dir).mode & 0o777 }];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) out.push(...walk(p));
    else out.push({ path: p, dir: false, mode: st.mode & 0o777 });
  }
  return out;
}

function assertPrivate(dir: string, skip: (p: string) => boolean = () => false) {
  const loose = walk(dir)
    .filter((e) => !skip(e.path))
    .filter((e) => e.mode !== (e.dir ? 0o700 : 0o600))
    .map((e) => `${e.path.slice(dir.length) || '/'} ${e.mode.toString(8)}`);
  assert.deepEqual(loose, [], 'every folder 0700, every file 0600');
}

const run = runCli;

test('umask 022 and a pre-created 0755 data dir: connect + sync + export leave only 0600 files and 0700 folders', { skip: NO_KEYRING_REASON, timeout: 120_000 }, async () => {
  const old = process.umask(0o022); // the child processes inherit it
  const sandbox = await startSandbox({ workspaces: 2, events: 400, seed: 5, autoConsent: true, log: () => undefined });
  const root = mkdtempSync(join(tmpdir(), 'gd-modes-'));
  const home = join(root, 'home');
  mkdirSync(home, { mode: 0o755 });
  chmodSync(home, 0o755);
  const store = createKeytarSecretStore({ timeoutMs: 10_000 });
  try {
    const browser = join(root, 'browser.sh');
    writeFileSync(browser, `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'test', 'support', 'fake-browser.mjs')}" "$1"\n`);
    chmodSync(browser, 0o755);
    const env: NodeJS.ProcessEnv = { ...process.env, GRANTDESK_HOME: home, GRANTDESK_BROWSER: browser };
    const steps = [
      ['platform', 'add', sandbox.issuer, '--name', 'Sandbox'],
      ['connect', sandbox.workspaces[0]!.id, '--platform', 'Sandbox'],
      ['connect', sandbox.workspaces[1]!.id, '--platform', 'Sandbox'],
      ['sync'],
      ['export', 'audit', '--out', join(home, 'exports-by-path.csv')],
      ['export', 'audit', '--format', 'jsonl'],
    ];
    for (const s of steps) {
      const r = await run(s, env);
      assert.equal(r.status, 0, `${s.join(' ')}: ${r.stderr}`);
    }
    const names = walk(home).map((e) => e.path.slice(home.length));
    for (const expected of ['/cache.db', '/logs/grantdesk.log', '/exports-by-path.csv', '/exports-by-path.csv.manifest.json']) assert.ok(names.includes(expected), `${expected} in ${names.join(' ')}`);
    assert.ok(names.some((n) => /^\/exports\/audit-.*\.jsonl\.manifest\.json$/.test(n)), names.join(' '));
    assertPrivate(home);
    // and while a connection is open, with the WAL and shared-memory files present
    process.umask(0o022);
    const db = openCache(home);
    try {
      db.prepare("INSERT OR REPLACE INTO connection_meta (key, value) VALUES ('file-modes-test', '1')").run();
      assert.ok(existsSync(join(home, 'cache.db-wal')) && existsSync(join(home, 'cache.db-shm')));
      assertPrivate(home);
    } finally {
      db.close();
    }
  } finally {
    process.umask(old);
    await cleanupKeychain(store, home);
    await sandbox.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('files an older version left 0644 in a 0755 data dir are tightened when the cache and log are opened (umask 022)', () => {
  const old = process.umask(0o022);
  const home = mkdtempSync(join(tmpdir(), 'gd-modes2-'));
  try {
    chmodSync(home, 0o755);
    // an older Grantdesk: cache created under umask 022, log 0644
    const first = openCache(home);
    first.close();
    for (const f of ['cache.db']) chmodSync(join(home, f), 0o644);
    mkdirSync(join(home, 'logs'), { mode: 0o755 });
    chmodSync(join(home, 'logs'), 0o755);
    writeFileSync(join(home, 'logs', 'grantdesk.log'), '{}\n', { mode: 0o644 });
    chmodSync(join(home, 'logs', 'grantdesk.log'), 0o644);
    chmodSync(home, 0o755);

    const db = openCache(home);
    try {
      const log = createFileLogger(home);
      log.info('file_modes_test');
      db.prepare("INSERT OR REPLACE INTO connection_meta (key, value) VALUES ('file-modes-test', '2')").run();
      assert.ok(existsSync(join(home, 'cache.db-wal')), 'the WAL exists');
      assert.ok(existsSync(join(home, 'cache.db-shm')), 'the shared-memory file exists');
      assertPrivate(home);
    } finally {
      db.close();
    }
  } finally {
    process.umask(old);
    rmSync(home, { recursive: true, force: true });
  }
});
