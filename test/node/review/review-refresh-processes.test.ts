/* eslint-disable @typescript-eslint/no-explicit-any -- JSON output of the CLI and the sandbox's admin state */
// Issue 11 row 4: review tokens refresh single-flight across processes. Two real `grantdesk sync` CLI processes (bin/,
// the real keychain inside scripts/with-keyring.sh) keep syncing one redeemed review for 60 s while the platform issues
// 5-second access tokens and has no reuse leeway: every rotation is done once, under the shared lock, and persisted
// before use, so the platform never sees a consumed refresh token again (reuse detection would revoke the review grant).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startSandbox } from '../../../sandbox/server.ts';
import { createApp } from '../../../src-main/composition.ts';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createMemorySecretStore } from '../../../src-main/adapters/memory-secret-store.ts';
import { createFileLogger } from '../../../src-main/adapters/file-logger.ts';
import { follow } from '../../support/fake-browser.mjs';
import { testClient } from '../../support/test-client.ts';
import { NO_KEYRING_REASON, ROOT } from '../connections/harness.ts';

const RUN_MS = 60_000;

function cli(home: string, args: string[], stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'grantdesk.mjs'), ...args], { env: { ...process.env, GRANTDESK_HOME: home }, stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c));
    child.stderr!.on('data', (c: Buffer) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}

test('two CLI processes syncing a review with 5-second access tokens for 60 s: 0 reuse detections, the grant stays alive', { skip: NO_KEYRING_REASON, timeout: 240_000 }, async (t) => {
  const sb = await startSandbox({ workspaces: 1, events: 300, seed: 4, autoConsent: true, admin: true, accessTokenTtl: 5, reuseLeewaySeconds: 0, log: () => undefined });
  const opDir = mkdtempSync(join(tmpdir(), 'grantdesk-op-'));
  const audDir = mkdtempSync(join(tmpdir(), 'grantdesk-aud-'));
  const op = createApp({ dataDir: opDir, db: openCache(opDir), secretStore: createMemorySecretStore(), clock: { now: () => Date.now() }, opener: async (url) => void follow(url), logger: createFileLogger(opDir) });
  const { call } = testClient(op);
  try {
    const ws = sb.workspaces[0]!.id;
    await call('platforms.add', { issuer: sb.issuer, name: 'Sandbox' });
    await call('workspaces.connect', { workspace: ws, role: 'operator' });
    const created = await call('review.create', { workspaces: [ws], scopes: ['audit:read'], durationDays: 2, reviewerName: 'Ada Auditor', reviewerEmail: 'ada@audit.example' });
    const redeemed = await cli(audDir, ['review', 'redeem', '--code', '-', '--json'], created.redeemText + '\n');
    assert.equal(redeemed.code, 0, redeemed.stderr);
    assert.equal(JSON.parse(redeemed.stdout).state, 'active');

    const until = Date.now() + RUN_MS;
    const failures: string[] = [];
    let runs = 0;
    const lane = async () => {
      while (Date.now() < until) {
        const r = await cli(audDir, ['audit', 'sync', '--json']);
        runs++;
        if (r.code !== 0) {
          failures.push(`exit ${r.code}: ${r.stderr.slice(0, 300)}`);
          continue;
        }
        for (const res of JSON.parse(r.stdout).results as any[]) {
          // two processes may append the same page at once (the audit cursor guard answers conflict); a token problem may not
          if (res.outcome !== 'ok' && !/at the same time|another grantdesk process/i.test(res.message ?? '')) failures.push(`${res.outcome}: ${res.message}`);
        }
      }
    };
    await Promise.all([lane(), lane()]);
    t.diagnostic(`${runs} sync runs; failures: ${failures.length}${failures.length ? ` (first: ${failures[0]})` : ''}`);
    assert.ok(runs >= 10, `${runs} sync runs in 60 s`);
    assert.deepEqual(failures, [], 'no sync run failed on its review token');

    // the platform's true state: the review grant was never revoked (a reuse detection revokes it for good)
    const state = (await (await fetch(`${sb.issuer}/__admin/state?workspace=${ws}`, { headers: { authorization: `Bearer ${sb.adminToken}` } })).json()) as any;
    const grant = state.workspaces[0].credentials.find((c: any) => c.id && /^Review rev_/.test(c.name));
    assert.ok(grant, 'the review grant is in the true state');
    assert.equal(grant.effective_status, 'active', `0 reuse detections: the review grant is ${grant.effective_status}`);

    // rotations really happened under contention, each persisted, none interrupted
    const db = new Database(join(audDir, 'cache.db'), { readonly: true });
    const rows = db.prepare('SELECT state, count(*) AS n FROM review_refresh_journal GROUP BY state').all() as Array<{ state: string; n: number }>;
    db.close();
    const by = Object.fromEntries(rows.map((r) => [r.state, r.n]));
    t.diagnostic(`${runs} sync runs in two processes; refresh journal ${JSON.stringify(by)}`);
    assert.ok((by.persisted ?? 0) >= 5, `rotations persisted: ${JSON.stringify(by)}`);
    assert.equal(by.abandoned ?? 0, 0, JSON.stringify(by));
    assert.equal(by.failed ?? 0, 0, JSON.stringify(by));
    // and the grant still works afterwards
    const last = await cli(audDir, ['audit', 'sync', '--json']);
    assert.equal(last.code, 0, last.stderr);
    assert.ok(JSON.parse(last.stdout).results.every((r: any) => r.outcome === 'ok'), last.stdout.slice(0, 300));
    const exited = await cli(audDir, ['review', 'exit']);
    assert.equal(exited.code, 0, exited.stderr);
  } finally {
    await op.close().catch(() => undefined);
    await sb.close();
    rmSync(opDir, { recursive: true, force: true });
    rmSync(audDir, { recursive: true, force: true });
  }
});
