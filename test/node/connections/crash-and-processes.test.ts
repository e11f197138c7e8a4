// Cross-process safety with real child processes (the CLI) sharing one data dir and the real keychain:
// - two processes refreshing the same workspace at once → both succeed, no reuse (the second uses the rotated token);
// - SIGKILL at four points of a refresh, with platform leeway 30 s and 0 s → the grant is never lost silently: either the
//   workspace works after restart, or it says needs_reconsent with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { z } from 'zod';
import { NO_KEYRING_REASON, ROOT, startHarness, type Harness } from './harness.ts';

function cli(h: Harness, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'grantdesk.mjs'), ...args], {
      env: { ...process.env, GRANTDESK_HOME: h.dataDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

test('two processes refreshing the same workspace: both succeed, 0 reuse detections', { skip: NO_KEYRING_REASON, timeout: 60_000 }, async () => {
  const h = await startHarness();
  try {
    const ws = h.sandbox.workspaces[0]!.id;
    await h.call('workspaces.connect', { workspace: ws });
    const [a, b] = await Promise.all([cli(h, ['refresh', ws, '--force']), cli(h, ['refresh', ws, '--force'])]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    await h.reopen();
    const w = await h.call('workspaces.status', { workspace: ws });
    assert.equal(w.status, 'connected');
    assert.equal(w.generation, 3, 'two sequential rotations, the second with the first one\'s token');
    await h.app.services.connections.api.call(ws, { method: 'GET', path: '/v1/workspace', schema: z.object({ id: z.literal(ws) }) });
    const after = await h.call('workspaces.refresh', { workspace: ws, force: true });
    assert.equal(after.generation, 4, 'the grant is alive: no reuse revoked it');
  } finally {
    await h.close();
  }
});

const POINTS = ['response-received', 'parsed', 'during-write', 'after-write'] as const;
for (const leeway of [30, 0]) {
  test(`SIGKILL at each point of a refresh, platform leeway ${leeway} s`, { skip: NO_KEYRING_REASON, timeout: 90_000 }, async (t) => {
    const h = await startHarness({ sandbox: { reuseLeewaySeconds: leeway, workspaces: POINTS.length }, addPlatform: false });
    try {
      await h.call('platforms.add', { issuer: h.sandbox.issuer, name: 'Sandbox', reuseLeewaySeconds: leeway });
      for (const [i, point] of POINTS.entries()) {
        await t.test(point, async () => {
          const ws = h.sandbox.workspaces[i]!.id;
          await h.call('workspaces.connect', { workspace: ws });
          const killed = await cli(h, ['refresh', ws, '--force'], { GRANTDESK_TEST_KILL_AT: point });
          assert.equal(killed.signal, 'SIGKILL', `child was killed at ${point}: ${killed.stderr}`);
          await h.reopen(); // a restart: fresh memory, the journal and keychain are all there is
          const r = await h.callResult('workspaces.refresh', { workspace: ws });
          const w = await h.call('workspaces.status', { workspace: ws });
          if (w.status === 'connected') {
            assert.equal(r.ok, true, JSON.stringify(r.error));
            // the grant really works: an API call and one more rotation succeed
            await h.app.services.connections.api.call(ws, { method: 'GET', path: '/v1/workspace', schema: z.object({ id: z.literal(ws) }) });
            const again = await h.call('workspaces.refresh', { workspace: ws, force: true });
            assert.equal(again.status, 'connected');
          } else {
            assert.equal(w.status, 'needs_reconsent');
            assert.ok(w.reason && w.reason.length > 10, 'the workspace says why');
          }
          // what we expect per point and leeway
          if (point === 'after-write') assert.equal(w.status, 'connected');
          if ((point === 'response-received' || point === 'parsed') && leeway === 30) assert.equal(w.status, 'connected', w.reason ?? '');
          if ((point === 'response-received' || point === 'parsed') && leeway === 0) assert.equal(w.status, 'needs_reconsent');
          // never loops: a second restart leaves it as it is
          await h.reopen();
          await h.callResult('workspaces.refresh', { workspace: ws });
          assert.equal((await h.call('workspaces.status', { workspace: ws })).status, w.status);
        });
      }
    } finally {
      await h.close();
    }
  });
}
