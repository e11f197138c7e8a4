// Exports never overwrite: an existing file at the target (an earlier export, its manifest, any other file) is refused with
// `conflict` naming the file and the remedy; the app without a name gets a fresh unique name; the CLI's --force replaces
// on purpose (and only there); a file that appears while the export runs is not replaced either (link, not rename); and
// a history row verifies the file whose hash it recorded, so a replaced file fails "verify by exportId".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createAuditService } from '../../../src-main/services/audit/audit-service.ts';
import { createEventBus } from '../../../src-main/services/event-bus.ts';
import { claimOutputPath, createExclusiveFile, writeFileExclusive } from '../../../src-main/services/output-path.ts';
import { AppError } from '../../../src-main/rpc/app-error.ts';
import { CLI_CONTEXT, IPC_CONTEXT, SERVE_CONTEXT } from '../../../src-main/rpc/handlers.ts';
import { makeChain } from '../../support/audit-chain.ts';
import { createFakePlatform } from '../../support/audit-fake-platform.ts';
import { runCli } from '../../support/run-cli.ts';
import { createPlatformClient } from '../../../src-main/platform/index.ts';

const quiet = { info() {}, warn() {}, error() {} };
const CLI = CLI_CONTEXT.capabilities;
const APP = IPC_CONTEXT.capabilities;

async function setup(now: () => number = () => Date.now()) {
  const dir = mkdtempSync(join(tmpdir(), 'gd-noow-'));
  const db = openCache(dir);
  const fp = createFakePlatform({ ws_a: makeChain('ws_a', 300, { seed: 21 }), ws_b: makeChain('ws_b', 150, { seed: 22 }) });
  const svc = createAuditService({ db, dataDir: dir, appVersion: '9.9.9', bus: createEventBus(), clock: { now }, logger: quiet, platform: createPlatformClient(fp), directory: fp.directory, concurrency: () => 2, pageSize: 100 });
  await svc.sync({});
  return { dir, db, svc, close: () => (db.close(), rmSync(dir, { recursive: true, force: true })) };
}

async function conflict(p: Promise<unknown>, file: RegExp): Promise<AppError> {
  const err = await p.then(
    () => assert.fail('expected a conflict'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AppError, String(err));
  assert.equal(err.code, 'conflict', err.message);
  assert.match(err.message, file);
  assert.match(err.message, /choose another name/);
  return err;
}

test('an earlier export is never replaced by a later one to the same name; its history row still verifies', async () => {
  const s = await setup();
  try {
    const out = join(s.dir, 'evidence.csv');
    const small = await s.svc.export({ out, format: 'csv', bom: false, workspaces: ['ws_b'] }, CLI);
    const before = readFileSync(out);
    const manifestBefore = readFileSync(small.manifestPath);
    const err = await conflict(s.svc.export({ out, format: 'csv', bom: false }, CLI), /evidence\.csv already exists/);
    assert.match(err.message, /--force/, 'the CLI is told about --force');
    assert.deepEqual(readFileSync(out), before, 'the earlier evidence file is untouched');
    assert.deepEqual(readFileSync(small.manifestPath), manifestBefore);
    assert.equal((await s.svc.exports(10)).exports.length, 1, 'no history row for the refused export');
    assert.equal((await s.svc.verify({ exportId: small.exportId }, CLI)).ok, true);
    // a JSONL export whose name is another export's manifest
    await conflict(s.svc.export({ out: small.manifestPath, format: 'jsonl', bom: false }, CLI), /evidence\.csv\.manifest\.json already exists/);
    assert.deepEqual(readFileSync(small.manifestPath), manifestBefore);
    // an export whose manifest would land on an existing file
    writeFileSync(join(s.dir, 'other.csv.manifest.json'), 'not ours\n');
    await conflict(s.svc.export({ out: join(s.dir, 'other.csv'), format: 'csv', bom: false }, CLI), /other\.csv\.manifest\.json already exists/);
    assert.equal(readFileSync(join(s.dir, 'other.csv.manifest.json'), 'utf8'), 'not ours\n');
    assert.ok(!existsSync(join(s.dir, 'other.csv')), 'nothing half-written is left');
    // any other file
    writeFileSync(join(s.dir, 'notes.txt'), 'my notes\n');
    await conflict(s.svc.export({ out: join(s.dir, 'notes.txt'), format: 'csv', bom: false }, CLI), /notes\.txt already exists/);
    assert.equal(readFileSync(join(s.dir, 'notes.txt'), 'utf8'), 'my notes\n');
    assert.deepEqual(readdirSync(s.dir).filter((f) => f.includes('.tmp-')), [], 'no temp files left behind');
  } finally {
    s.close();
  }
});

test('the app: a named existing export (or manifest) is refused; without a name each export gets a fresh name', async () => {
  const s = await setup(() => Date.parse('2026-12-01T12:00:00.000Z')); // the same instant: the same default name
  try {
    const a = await s.svc.export({ format: 'csv', bom: false }, APP);
    const b = await s.svc.export({ format: 'csv', bom: false }, APP);
    assert.notEqual(a.path, b.path);
    assert.match(b.path, /audit-2026-12-01T12-00-00-000Z-2\.csv$/);
    assert.equal((await s.svc.verify({ exportId: a.exportId }, APP)).ok, true);
    const named = await s.svc.export({ out: 'x.csv', format: 'csv', bom: false, workspaces: ['ws_b'] }, SERVE_CONTEXT.capabilities);
    const err = await conflict(s.svc.export({ out: 'x.csv.manifest.json', format: 'csv', bom: false }, SERVE_CONTEXT.capabilities), /x\.csv\.manifest\.json already exists/);
    assert.doesNotMatch(err.message, /--force/, 'the app has no --force');
    await conflict(s.svc.export({ out: 'x.csv', format: 'jsonl', bom: false }, APP), /x\.csv already exists/);
    await assert.rejects(s.svc.export({ out: 'x.csv', format: 'csv', bom: false, force: true }, APP), (e: AppError) => e.code === 'invalid_input' && /only possible from the command line/.test(e.message));
    assert.equal((await s.svc.verify({ exportId: named.exportId }, APP)).ok, true);
  } finally {
    s.close();
  }
});

test('--force from the CLI replaces on purpose, and the old history row then fails: its file is no longer the recorded one', async () => {
  const s = await setup();
  try {
    const out = join(s.dir, 'evidence.csv');
    const small = await s.svc.export({ out, format: 'csv', bom: false, workspaces: ['ws_b'] }, CLI);
    const big = await s.svc.export({ out, format: 'csv', bom: false, force: true }, CLI);
    assert.equal(big.rowCount, 450);
    assert.equal((await s.svc.verify({ exportId: big.exportId }, CLI)).ok, true);
    const old = await s.svc.verify({ exportId: small.exportId }, CLI);
    assert.equal(old.ok, false, 'the 150-row history row does not vouch for the 450-row file now at its path');
    const hist = old.checks.find((c) => c.name === 'history record');
    assert.ok(hist && !hist.ok, JSON.stringify(old.checks));
    assert.match(hist.detail, /no longer the one export/);
    const rows = (await s.svc.exports(10)).exports;
    assert.equal(rows.find((r) => r.exportId === small.exportId)?.lastVerifyOk, false, 'the old row shows the failed verification');
    assert.equal(rows.find((r) => r.exportId === big.exportId)?.lastVerifyOk, true);
    // the same file swapped in behind the manifest's back (manifest kept) fails by exportId and by manifest
    const other = await s.svc.export({ out: join(s.dir, 'other.csv'), format: 'csv', bom: false, workspaces: ['ws_a'] }, CLI);
    writeFileSync(other.path, readFileSync(out));
    writeFileSync(other.manifestPath, readFileSync(big.manifestPath, 'utf8').replace('"file": "evidence.csv"', '"file": "other.csv"'));
    const swapped = await s.svc.verify({ exportId: other.exportId }, CLI);
    assert.equal(swapped.ok, false);
    assert.ok(swapped.checks.some((c) => c.name === 'history record' && !c.ok), JSON.stringify(swapped.checks));
  } finally {
    s.close();
  }
});

test('a file created at the target while the export is written is not replaced (link, not rename)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gd-race-'));
  try {
    const target = join(dir, 'late.csv');
    const f = createExclusiveFile(target);
    writeFileSync(target, 'someone else got here first\n'); // the race: after our check, before our commit
    assert.throws(() => f.commit(), (e: AppError) => e.code === 'conflict' && /late\.csv already exists/.test(e.message));
    assert.equal(readFileSync(target, 'utf8'), 'someone else got here first\n');
    assert.deepEqual(readdirSync(dir), ['late.csv'], 'the temp file is gone');
    // the exclusive writer: mode 0600 whatever the umask, and refuses an existing file
    writeFileExclusive(join(dir, 'new.json'), '{}\n');
    assert.equal(statSync(join(dir, 'new.json')).mode & 0o777, 0o600);
    assert.throws(() => writeFileExclusive(join(dir, 'new.json'), '[]\n'), (e: AppError) => e.code === 'conflict');
    assert.equal(readFileSync(join(dir, 'new.json'), 'utf8'), '{}\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('folders (the evidence package): an existing folder, even empty, is refused; a fresh default name is chosen', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gd-fold-'));
  try {
    const exportsDir = join(dir, 'exports');
    const pkg = join(dir, 'pkg');
    mkdirSync(pkg);
    assert.throws(() => claimOutputPath(CLI, { out: pkg, folder: exportsDir, defaultName: 'evidence-x', kind: 'folder' }), (e: AppError) => e.code === 'conflict' && e.message.includes(pkg));
    const a = claimOutputPath(APP, { out: undefined, folder: exportsDir, defaultName: 'evidence-x', kind: 'folder' });
    const b = claimOutputPath(APP, { out: undefined, folder: exportsDir, defaultName: 'evidence-x', kind: 'folder' });
    assert.deepEqual([a.path, b.path], [join(exportsDir, 'evidence-x'), join(exportsDir, 'evidence-x-2')]);
    assert.ok(statSync(b.path).isDirectory());
    assert.equal(statSync(b.path).mode & 0o777, 0o700);
    assert.throws(() => claimOutputPath(APP, { out: 'evidence-x', folder: exportsDir, defaultName: 'evidence-y', kind: 'folder' }), (e: AppError) => e.code === 'conflict');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const cli = (args: string[], home: string) => runCli(args, { ...process.env, GRANTDESK_HOME: home });

test('the CLI: `export audit --out` onto an existing file exits 1 with conflict; --force replaces it', { timeout: 60_000 }, async () => {
  const s = await setup();
  try {
    const out = join(s.dir, 'report.csv');
    writeFileSync(out, 'keep me\n');
    const refused = await cli(['export', 'audit', '--out', out, '--session-only'], s.dir);
    assert.equal(refused.status, 1, refused.stderr);
    assert.match(refused.stderr, /error conflict: .*report\.csv already exists.*--force/);
    assert.equal(readFileSync(out, 'utf8'), 'keep me\n');
    const forced = await cli(['export', 'audit', '--out', out, '--force', '--session-only', '--json'], s.dir);
    assert.equal(forced.status, 0, forced.stderr);
    assert.equal((JSON.parse(forced.stdout) as { rowCount: number }).rowCount, 450);
    assert.notEqual(readFileSync(out, 'utf8'), 'keep me\n');
  } finally {
    s.close();
  }
});
