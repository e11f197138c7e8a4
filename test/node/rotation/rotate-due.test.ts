// `grantdesk rotate --due` for cron/CI over a real sandbox: exactly the keys and client secrets the platform reports as
// past 90 days (or expiring within 14 days) are rotated, each new secret goes to the Secret Service and never to stdout,
// every other credential's secret is unchanged, the exit codes are 1 (one rotate call fails at the platform; the rerun
// rotates only that one) / 0 / 3 (nothing due any more) / 2 (no
// delivery: a headless run never prints secrets), and --dry-run lists without rotating.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../../sandbox/server.ts';
import { runCli } from '../../../src-main/cli/main.ts';
import { createMemorySecretStore } from '../../../src-main/adapters/memory-secret-store.ts';
import { ROOT } from '../connections/harness.ts';

const DAY = 86_400_000;
interface Listed { id: string; name: string; status: string; created_at: string | null; expires_at?: string | null; secret_created_at?: string | null; grace_ends_at?: string | null }

test('rotate --due rotates exactly the overdue keys and client secrets, delivered, never printed', { timeout: 240_000 }, async () => {
  const sb = await startSandbox({ workspaces: 3, events: 20, seed: 31, autoConsent: true, admin: true, log: () => undefined });
  const root = mkdtempSync(join(tmpdir(), 'gd-due-'));
  const browser = join(root, 'browser.sh');
  writeFileSync(browser, `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'test', 'support', 'fake-browser.mjs')}" "$1"\n`);
  chmodSync(browser, 0o755);
  const env = { ...process.env, GRANTDESK_HOME: join(root, 'home'), GRANTDESK_BROWSER: browser };
  const secretStore = createMemorySecretStore();
  const cli = async (args: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), env, secretStore });
    return { code, out, err };
  };
  const admin = async (path: string, body?: unknown) =>
    (await (await fetch(`${sb.issuer}/__admin${path}`, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${sb.adminToken}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined })).json()) as { token: string; workspaces: Array<{ credentials: Array<{ id: string; type: string; secret_sha256: string | null; effective_status: string; rotated_from: string | null }> }> };
  // the platform's own lists, read with a service token the admin API mints (not through Grantdesk)
  const platformLists = async (ws: string) => {
    const { token } = await admin('/tokens', { workspace: ws, scopes: ['credentials:read'], ttl_minutes: 10 });
    const get = async (p: string) => ((await (await fetch(`${sb.issuer}${p}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { data: Listed[] }).data;
    return { keys: await get('/v1/api-keys'), clients: await get('/v1/machine-clients') };
  };
  type TrueCred = { id: string; type: string; secret_sha256: string | null; effective_status: string; rotated_from: string | null };
  const stateOf = async () => new Map(((await admin('/state')).workspaces as Array<{ credentials: TrueCred[] }>).flatMap((w) => w.credentials.map((c) => [c.id, c] as const)));
  try {
    assert.equal((await cli(['platform', 'add', sb.issuer, '--name', 'Sandbox'])).code, 0);
    for (const w of sb.workspaces) assert.equal((await cli(['connect', w.id])).code, 0);

    // the oracle, from the platform's lists
    const now = Date.now();
    const expected: string[] = [];
    for (const w of sb.workspaces) {
      const l = await platformLists(w.id);
      for (const k of l.keys) {
        if (k.status !== 'active' || !k.created_at) continue;
        const old = now - Date.parse(k.created_at) > 90 * DAY + DAY;
        const exp = k.expires_at ? Date.parse(k.expires_at) : null;
        if (old || (exp !== null && exp > now && exp - now <= 14 * DAY)) expected.push(k.id);
      }
      for (const m of l.clients) if (m.status === 'active' && !m.grace_ends_at && now - Date.parse(m.secret_created_at ?? m.created_at!) > 90 * DAY + DAY) expected.push(m.id);
    }
    expected.sort();
    assert.ok(expected.length >= 2, `the seed has overdue credentials (${expected.length})`);

    // headless without a delivery: refused before anything rotates
    const refused = await cli(['rotate', '--due']);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /never prints secrets: pass --deliver-to NAME or --deliver-cmd CMD/);

    const dry = await cli(['rotate', '--due', '--dry-run', '--json']);
    assert.equal(dry.code, 0, dry.err);
    const planned = JSON.parse(dry.out) as { rows: Array<{ credentialId: string; outcome: string }> };
    assert.deepEqual(planned.rows.map((r) => r.credentialId).sort(), expected, 'the dry run lists exactly the overdue ones');
    assert.ok(planned.rows.every((r) => r.outcome === 'planned'));

    const before = await stateOf();
    // one overdue key's rotate call fails at the platform (500 on every try): that row fails, the others rotate, exit 1
    const faulted = expected.find((id) => id.startsWith('key_'))!;
    assert.ok(faulted, 'an overdue API key to fail');
    const faults = (method: string, body?: unknown) => fetch(`${sb.issuer}/__admin/faults`, { method, headers: { authorization: `Bearer ${sb.adminToken}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    assert.equal((await faults('POST', { route: `api-keys/${faulted}/rotate`, error_rate: 1, error_status: 500 })).status, 200);
    type Report = { rows: Array<{ credentialId: string; outcome: string; newCredentialId: string | null; type: string; message: string | null }>; rotated: number };
    const deliver = ['--deliver-cmd', 'secret-tool store --label=grantdesk-due service grantdesk-due-test account due'];
    const partial = await cli(['rotate', '--due', '--json', ...deliver]);
    assert.equal(partial.code, 1, `some failed: exit 1 (${partial.err}${partial.out.slice(0, 500)})`);
    const first = JSON.parse(partial.out) as Report;
    assert.deepEqual(first.rows.map((r) => r.credentialId).sort(), expected, 'every due credential has a row');
    const failedRow = first.rows.find((r) => r.credentialId === faulted)!;
    assert.equal(failedRow.outcome, 'failed');
    assert.ok(failedRow.message && /[a-z]/.test(failedRow.message), 'the failure is a sentence');
    assert.deepEqual(first.rows.filter((r) => r.outcome === 'failed').map((r) => r.credentialId), [faulted], 'only the faulted key failed');
    assert.equal(first.rotated, expected.length - 1);
    assert.equal((await stateOf()).get(faulted)!.effective_status, 'active', 'the failed key was not rotated');
    // the fault clears; the next scheduled run rotates exactly the one left over
    assert.equal((await faults('DELETE')).status, 200);
    const run = await cli(['rotate', '--due', '--json', ...deliver]);
    assert.equal(run.code, 0, run.err + run.out.slice(0, 2000));
    const second = JSON.parse(run.out) as Report;
    assert.deepEqual(second.rows.map((r) => r.credentialId), [faulted], 'the rerun rotates only what failed: nothing twice');
    assert.equal(second.rotated, 1);
    const report = { rows: [...first.rows.filter((r) => r.outcome === 'rotated'), ...second.rows], rotated: first.rotated + second.rotated };
    assert.deepEqual(report.rows.map((r) => r.credentialId).sort(), expected);
    assert.equal(report.rotated, expected.length);
    // the new secrets went to the Secret Service, never to the output
    const after = await stateOf();
    for (const r of report.rows) {
      if (r.type === 'api_key') {
        // an API key rotation makes a new key; the old one keeps its secret through the grace period
        assert.equal(after.get(r.credentialId)!.effective_status, 'rotating', `${r.credentialId} is in its grace period`);
        assert.equal(after.get(r.newCredentialId!)!.rotated_from, r.credentialId, 'the new key was rotated from it');
        const exp = (after.get(r.newCredentialId!) as unknown as { expires_at: string | null }).expires_at;
        if (exp) assert.ok(Date.parse(exp) - Date.now() > 14 * DAY, `the new key ${r.newCredentialId} has a fresh lifetime (${exp})`);
      } else assert.notEqual(after.get(r.credentialId)!.secret_sha256, before.get(r.credentialId)!.secret_sha256, `${r.credentialId} has a new client secret`);
    }
    const touched = new Set([...report.rows.map((r) => r.credentialId), ...report.rows.map((r) => r.newCredentialId!)]);
    // everything else keeps its secret and guardrails (last_used_at moves: Grantdesk's own grant made the calls)
    const fixed = (c: TrueCred | undefined) => c && { ...c, last_used_at: undefined, live_access_tokens: undefined, access_tokens_valid_until: undefined };
    for (const [id, c] of before) if (!touched.has(id)) assert.deepEqual(fixed(after.get(id)), fixed(c), `${id} was not due and is unchanged`);
    assert.equal(after.size, before.size + report.rows.filter((r) => r.type === 'api_key').length, 'one new key per rotated API key, nothing else');
    assert.ok(!/sk_(live|test)_[A-Za-z0-9]{20,}/.test(run.out + run.err + partial.out + partial.err), 'no key secret in the output');
    const { execFileSync } = await import('node:child_process');
    const stored = execFileSync('secret-tool', ['lookup', 'service', 'grantdesk-due-test', 'account', 'due']).toString();
    assert.ok(stored.length >= 20, 'the last new secret is in the Secret Service');
    assert.ok(!(run.out + run.err).includes(stored), 'and it never appeared in the output');

    // nothing due any more: exit 3 (a crash-and-rerun rotates nothing twice)
    const again = await cli(['rotate', '--due', '--json', '--deliver-cmd', 'secret-tool store --label=grantdesk-due service grantdesk-due-test account due']);
    assert.equal(again.code, 3, again.err);
    assert.deepEqual(JSON.parse(again.out).rows, []);
  } finally {
    await sb.close();
    rmSync(root, { recursive: true, force: true });
  }
});
