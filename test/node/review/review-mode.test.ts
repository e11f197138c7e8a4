/* eslint-disable @typescript-eslint/no-explicit-any -- JSON results of contract calls */
// Done-when of issue 8, end to end over the real sandbox: an operator issues a 14-day review for three workspaces; the
// auditor's Grantdesk redeems it, syncs and exports read-only, cannot change anything over Electron IPC, serve mode or
// the CLI (the list comes from the contract), builds an evidence package that verifies (and fails after any byte
// changes), and loses access by itself at expiry (controlled Clock port); the platform refuses the grant after it too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../../sandbox/server.ts';
import { processClock } from '../../../sandbox/clock.ts';
import { createApp, type AppRuntime } from '../../../src-main/composition.ts';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createMemorySecretStore } from '../../../src-main/adapters/memory-secret-store.ts';
import { createFileLogger } from '../../../src-main/adapters/file-logger.ts';
import { contract, LOCAL_ONLY_COMMANDS, MUTATING_COMMANDS, REVIEW_BLOCKED_COMMANDS, type CommandName } from '../../../src-common/contract/index.ts';
import { channelFor, registerIpc, type IpcInvokeEventLike, type IpcMainLike } from '../../../src-main/rpc/ipc-router.ts';
import { startServe } from '../../../src-main/serve/serve-server.ts';
import { runCli } from '../../../src-main/cli/main.ts';
import { follow } from '../../support/fake-browser.mjs';
import type { SecretStore } from '../../../src-main/ports/secret-store.ts';
import { CLI_CONTEXT, SERVE_CONTEXT } from '../../../src-main/rpc/handlers.ts';
import { testClient } from '../../support/test-client.ts';

const DAY = 86_400_000;

function controlledClock() {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms: number) => (offset += ms) };
}

function app(dataDir: string, secretStore: SecretStore, clock = controlledClock()): AppRuntime {
  return createApp({ dataDir, db: openCache(dataDir), secretStore, clock, opener: async (url) => void follow(url), logger: createFileLogger(dataDir) });
}

/** words for runCli: the command's words plus a dummy value for each positional (the guard runs before validation). */
function cliArgv(name: CommandName): string[] | null {
  const cli = contract[name].cli;
  if (!cli) return null;
  return [...cli.words, ...(cli.positionals ?? []).map(() => '1')];
}

test('review mode: issue, redeem, read-only on every transport, evidence package, expiry on both sides', { timeout: 240_000 }, async () => {
  const sb = await startSandbox({ workspaces: 3, events: 600, seed: 5, autoConsent: true, admin: true, clock: processClock(), log: () => undefined });
  const opDir = mkdtempSync(join(tmpdir(), 'grantdesk-op-'));
  const audDir = mkdtempSync(join(tmpdir(), 'grantdesk-aud-'));
  const opStore = createMemorySecretStore();
  const audStore = createMemorySecretStore();
  const clock = controlledClock();
  const op = app(opDir, opStore);
  const opc = testClient(op);
  let aud: AppRuntime | null = null;
  try {
    // ---- operator: connect three workspaces, issue one 14-day review for all of them
    await opc.call('platforms.add', { issuer: sb.issuer, name: 'Sandbox' });
    const ids = sb.workspaces.map((w) => w.id);
    for (const id of ids) await opc.call('workspaces.connect', { workspace: id, role: 'operator' });
    const redeemFile = join(opDir, 'for-the-auditor.gdreview');
    const denied = await opc.callResult('review.create', { workspaces: ids, scopes: ['contacts:write'], durationDays: 14, reviewerName: 'Ada', reviewerEmail: 'ada@audit.example' });
    assert.equal(denied.ok ? null : denied.error.code, 'invalid_input', 'write scopes are refused before any platform call');
    const tooLong = await opc.callResult('review.create', { workspaces: ids, scopes: ['audit:read'], durationDays: 31, reviewerName: 'Ada', reviewerEmail: 'ada@audit.example' });
    assert.equal(tooLong.ok ? null : tooLong.error.code, 'invalid_input');
    // the redeem file goes to a path the operator's shell names (outside the exports folder): the CLI's file access
    const created = await opc.as(CLI_CONTEXT).call('review.create', { workspaces: ids, scopes: ['audit:read', 'contacts:read', 'credentials:read'], durationDays: 14, reviewerName: 'Ada Auditor', reviewerEmail: 'ada@audit.example', out: redeemFile });
    assert.equal(created.reviews.length, 3);
    assert.equal(created.path, redeemFile);
    assert.equal(statSync(redeemFile).mode & 0o777, 0o600);
    assert.ok(created.redeemText.startsWith('GDREVIEW1.'));
    const expiresMs = Date.parse(created.expiresAt);
    assert.ok(Math.abs(expiresMs - (Date.now() + 14 * DAY)) < 120_000);
    // the operator's Grantdesk stays writable; the code never lands in its database
    assert.equal((await opc.call('app.health', {})).reviewMode, false);
    const code = JSON.parse(Buffer.from(created.redeemText.slice('GDREVIEW1.'.length), 'base64url').toString('utf8')).items[0].code as string;
    for (const f of readdirSync(opDir).filter((n) => /sqlite|db/.test(n))) assert.ok(!readFileSync(join(opDir, f)).includes(Buffer.from(code)), `the redeem code is not in ${f}`);

    // ---- auditor: redeem the file -> review mode
    aud = app(audDir, audStore, clock);
    const audc = testClient(aud);
    const st = await audc.as(CLI_CONTEXT).call('review.redeem', { file: redeemFile }); // a file redeem: the shell's file access
    assert.equal(st.state, 'active');
    assert.equal(st.readOnly, true);
    assert.equal(st.workspaces.length, 3);
    assert.deepEqual(st.reviewer, { name: 'Ada Auditor', email: 'ada@audit.example' });
    assert.ok(st.secondsLeft !== null && st.secondsLeft > 13 * 86400 && st.secondsLeft <= 14 * 86400);
    assert.equal((await audc.call('app.health', {})).reviewMode, true);
    const again = await audc.as(CLI_CONTEXT).callResult('review.redeem', { file: redeemFile });
    assert.equal(again.ok ? null : again.error.code, 'review_mode_read_only', 'redeem is refused once in review mode');

    // ---- explore and export read-only
    const synced = await audc.call('audit.sync', {});
    assert.equal(synced.results.length, 3);
    assert.ok(synced.results.every((r: any) => r.outcome === 'ok' && r.inserted > 0), JSON.stringify(synced.results).slice(0, 400));
    const page = await audc.call('audit.query', { limit: 10 });
    assert.ok(page.rows.length > 0);
    const inv = await audc.call('inventory.sync', {});
    assert.ok(inv.workspaces.length === 3);
    const exp = await audc.as(SERVE_CONTEXT).call('audit.export', { format: 'csv' });
    const manifest = JSON.parse(readFileSync(exp.manifestPath, 'utf8'));
    assert.equal(manifest.review.reviewer.email, 'ada@audit.example');
    assert.deepEqual([...manifest.review.reviewIds].sort(), created.reviews.map((r: any) => r.reviewId).sort());
    // what a screen loads by itself (status polls, timelines, lists, sync ages) is UI plumbing, not the auditor's own work
    await audc.call('audit.timeline', {});
    await audc.call('audit.status', {});
    await audc.call('inventory.matrix', {});
    await audc.call('sync.health', {});
    const log = await audc.call('review.log', {});
    const logged = log.entries.map((e: any) => e.command);
    for (const c of ['audit.timeline', 'audit.status', 'inventory.matrix', 'sync.health', 'app.health', 'review.status']) assert.ok(!logged.includes(c), `${c} is not in the review log`);
    assert.deepEqual([...new Set(log.entries.map((e: any) => e.action))].sort(), ['Exported audit events', 'Redeemed the review', 'Searched the audit log', 'Synced the audit log', 'Synced the credential inventory'], 'each entry says in words what the auditor did');
    for (const c of ['audit.sync', 'audit.query', 'audit.export', 'review.redeem']) assert.ok(logged.includes(c), `${c} is in the review log`);
    assert.ok(log.entries.some((e: any) => e.command === 'audit.export' && e.detail.includes(exp.manifestPath)));

    // ---- every mutating command is refused in main, over all three transports (derived from the contract)
    assert.deepEqual([...LOCAL_ONLY_COMMANDS].sort(), ['alerts.notify', 'audit.sync', 'inventory.sync', 'review.exit', 'sync.all'], 'a new localOnly command is a conscious decision');
    assert.ok(REVIEW_BLOCKED_COMMANDS.length >= 20);
    assert.equal(REVIEW_BLOCKED_COMMANDS.length + LOCAL_ONLY_COMMANDS.length, MUTATING_COMMANDS.length);
    // Electron IPC
    const handlers = new Map<string, (e: IpcInvokeEventLike, ...a: unknown[]) => Promise<unknown>>();
    const ipc: IpcMainLike = { handle: (c, l) => void handlers.set(c, l), removeHandler: (c) => void handlers.delete(c) };
    registerIpc(ipc, aud.dispatcher, { appOrigin: 'app://grantdesk', isKnownWebContents: (id) => id === 1 });
    const ev: IpcInvokeEventLike = { sender: { id: 1 }, senderFrame: { url: 'app://grantdesk/index.html', parent: null } };
    for (const name of REVIEW_BLOCKED_COMMANDS) {
      const r = (await handlers.get(channelFor(name))!(ev, {})) as { ok: boolean; error?: { code: string } };
      assert.equal(r.error?.code, 'review_mode_read_only', `ipc ${name}`);
    }
    // serve mode (HTTP)
    const serve = await startServe({ dispatcher: aud.dispatcher, bus: aud.bus, staticDir: null, port: 0 });
    try {
      for (const name of REVIEW_BLOCKED_COMMANDS) {
        const res = await fetch(`${new URL(serve.url).origin}/rpc/${name}`, { method: 'POST', headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json', 'x-grantdesk': '1' }, body: '{}' });
        const body = (await res.json()) as { ok: boolean; error?: { code: string } };
        assert.equal(body.error?.code, 'review_mode_read_only', `serve ${name}`);
      }
    } finally {
      await serve.close();
    }
    // the CLI (its own runtime on the same data dir, as a second process would)
    let viaCli = 0;
    for (const name of REVIEW_BLOCKED_COMMANDS) {
      const argv = cliArgv(name);
      if (!argv) continue;
      let err = '';
      const codeOut = await runCli(argv, { stdout: () => undefined, stderr: (s) => (err += s), env: { ...process.env, GRANTDESK_HOME: audDir }, secretStore: audStore });
      assert.equal(codeOut, 1, `cli ${name}: ${err}`);
      assert.match(err, /review_mode_read_only/, `cli ${name}`);
      viaCli++;
    }
    assert.ok(viaCli >= 20, `${viaCli} mutating commands reached over the CLI`);

    // ---- evidence package: verifies, and fails after any byte changes
    // the package and its manifest are at a path the auditor's shell names: the CLI's file access
    const pkg = await audc.as(CLI_CONTEXT).call('review.evidence', { out: join(audDir, 'evidence-1') });
    assert.ok(pkg.exports >= 2, 'the fresh export plus the one made during the review');
    const ok = await audc.as(CLI_CONTEXT).call('audit.verify', { manifest: pkg.manifestPath });
    assert.equal(ok.ok, true, JSON.stringify(ok.checks.filter((c: any) => !c.ok)));
    const pm = JSON.parse(readFileSync(pkg.manifestPath, 'utf8'));
    for (const target of [pm.files.find((f: any) => f.path === 'audit-events.jsonl').path, 'review-log.json', 'package-manifest.json']) {
      const p = join(pkg.path, target);
      const orig = readFileSync(p);
      const bad = Buffer.from(orig);
      const at = Math.floor(bad.length / 2);
      bad[at] = bad[at] === 0x30 ? 0x31 : 0x30;
      writeFileSync(p, bad);
      const r = await audc.as(CLI_CONTEXT).callResult('audit.verify', { manifest: pkg.manifestPath });
      assert.equal(r.ok ? 'passed' : r.error.code, 'tamper_detected', `one byte changed in ${target} must fail verification`);
      const viaCliVerify = await runCli(['verify', pkg.manifestPath], { stdout: () => undefined, stderr: () => undefined, env: { ...process.env, GRANTDESK_HOME: audDir }, secretStore: audStore });
      assert.equal(viaCliVerify, 1, `grantdesk verify exits 1 after a change in ${target}`);
      writeFileSync(p, orig);
    }
    assert.equal((await audc.as(CLI_CONTEXT).call('audit.verify', { manifest: pkg.manifestPath })).ok, true);

    // ---- expiry: controlled clock only (the platform has not expired yet): tokens wiped, refresh stops
    const captured = JSON.parse((await audStore.get(`grantdesk-review:${ids[0]}`))!) as { access_token: string; refresh_token: string };
    clock.advance(14 * DAY + 3600_000);
    const ended = await audc.call('review.status', {});
    assert.equal(ended.state, 'expired');
    assert.equal(ended.dataState, 'kept_read_only');
    assert.equal(ended.secondsLeft, 0);
    assert.ok(ended.workspaces.every((w: any) => !w.hasToken));
    assert.deepEqual((await audStore.list()).filter((a) => a.startsWith('grantdesk-review:')), [], 'tokens wiped from the keychain');
    const after = await audc.callResult('audit.sync', { workspaces: [ids[0]!] });
    const stillReads = await audc.call('audit.query', { limit: 5 });
    assert.ok(stillReads.rows.length > 0, 'policy keep_read_only: the cache stays readable');
    assert.ok(after.ok && (after.value as any).results.every((r: any) => r.outcome === 'error' && /review ended/.test(r.message)), `no sync after expiry: ${JSON.stringify(after).slice(0, 300)}`);
    const blocked = await audc.callResult('settings.set', { theme: 'dark' });
    assert.equal(blocked.ok ? null : blocked.error.code, 'review_mode_read_only');

    // ---- the platform refuses the grant itself once its clock passes the end
    const before = await fetch(`${sb.issuer}/v1/audit-events/head`, { headers: { authorization: `Bearer ${captured.access_token}` } });
    void before;
    await fetch(`${sb.issuer}/__admin/clock`, { method: 'POST', headers: { authorization: `Bearer ${sb.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ advance_seconds: 14 * 86400 + 3600 }) });
    const refused = await fetch(`${sb.issuer}/v1/audit-events/head`, { headers: { authorization: `Bearer ${captured.access_token}` } });
    assert.equal(refused.status, 401);
    const rt = await fetch(`${sb.issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: 'grantdesk-desktop', grant_type: 'refresh_token', refresh_token: captured.refresh_token }) });
    assert.equal(((await rt.json()) as { error: string }).error, 'invalid_grant');

    // ---- exit: purge and back to normal
    const exited = await audc.call('review.exit', {});
    assert.equal(exited.state, 'none');
    assert.equal((await audc.call('audit.query', { limit: 5 })).rows.length, 0, 'exit purges the reviewed workspaces');
    assert.equal((await audc.call('app.health', {})).reviewMode, false);
  } finally {
    await op.close().catch(() => undefined);
    await aud?.close().catch(() => undefined);
    await sb.close();
    rmSync(opDir, { recursive: true, force: true });
    rmSync(audDir, { recursive: true, force: true });
  }
});
