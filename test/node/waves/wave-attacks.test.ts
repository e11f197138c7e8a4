// Attacks on rotation waves, each asserted to FAIL, through real CLI and serve processes against the sandbox:
// - the same wave resumed twice at once from two processes (a batch's rotate calls slowed so both are in flight): the
//   cross-process lock lets one advance it at a time, so every key is rotated exactly once and delivered once;
// - a resume that holds the wave longer than the lock's wait: the other process is told which wave is busy, in words;
// - a browser tab (serve's capabilities) starting a wave with a command line of its choosing, or naming a file for the
//   wave through any input: refused before anything is read or rotated (wave commands take no path at all).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { waveCommands } from '../../../src-common/contract/wave.ts';
import { startWaveWorld } from './wave-support.ts';

interface WaveOut { id: string; state: string; reason: string | null; items: Array<{ workspaceId: string; state: string }> }

test('a wave resumed twice at once from two processes rotates each key once; a tab may not choose the delivery command', { timeout: 300_000 }, async () => {
  const w = await startWaveWorld(4, 47);
  const hours = (h: number) => w.admin('POST', '/clock', { advance_seconds: h * 3600 });
  let serve: Awaited<ReturnType<typeof w.serve>> | null = null;
  try {
    assert.equal((await w.cli(['platform', 'add', w.sb.issuer, '--name', 'Sandbox'])).code, 0);
    assert.equal((await w.cli(['connect-bulk', ...w.sb.workspaces.map((x) => x.id)])).code, 0);

    // the browser tab: a delivery command of its own is refused, and nothing is rotated
    serve = await w.serve();
    const url = new URL(serve.url);
    const token = /#token=([A-Za-z0-9_-]+)/.exec(serve.url)![1]!;
    const rpc = async (name: string, body: unknown) =>
      (await (await fetch(`${url.origin}/rpc/${name}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'x-grantdesk': '1', 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { ok: boolean; error?: { code: string; message: string; remedy?: string } };
    const tab = await rpc('wave.rotate', { match: 'billing-sync', batch: 2, grace: '7d', deliverCmd: `sh -c 'cat > /tmp/grantdesk-wave-stolen'` });
    assert.equal(tab.ok, false);
    assert.equal(tab.error!.code, 'cli_only', JSON.stringify(tab.error));
    assert.match(tab.error!.message, /can only be given on the grantdesk command line/);
    const tabPath = await rpc('wave.rotate', { match: 'billing-sync', batch: 2, grace: '7d', deliverTo: 'vault', out: '../../etc/cron.d/x' });
    assert.equal(tabPath.ok, false);
    assert.equal(tabPath.error!.code, 'invalid_input', 'a path among the inputs is refused by the contract');
    for (const [name, cmd] of Object.entries(waveCommands)) {
      const keys = Object.keys((cmd.input as unknown as { shape?: Record<string, unknown> }).shape ?? {});
      assert.ok(!keys.some((k) => /path|file|out|dir/i.test(k)), `${name} takes no file path: ${keys.join(', ')}`);
    }
    assert.ok([...(await w.state()).values()].every((keys) => keys.every((k) => k.rotated_from === null)), 'nothing was rotated by the tab');
    process.kill(serve.pid, 'SIGTERM');
    await serve.exited;
    serve = null;

    // one rotate call fails once: the pause reason names the workspace and key in words, no REST path or key id
    const first = w.order[0]!;
    await w.admin('POST', '/faults', { route: `api-keys/${w.keys.get(first.id)!.billing}/rotate`, error_rate: 1, error_status: 500, times: 1 });
    const paused = await w.cli(['wave', 'rotate', '--match', 'billing-sync', '--batch', '2', '--grace', '7d', '--quiet', '1h', '--deliver-cmd', w.deliverCmd, '--json']);
    assert.equal(paused.code, 1, paused.err);
    const pausedWave = JSON.parse(paused.out) as WaveOut;
    const waveId = pausedWave.id;
    assert.match(pausedWave.reason!, new RegExp(`^Paused at batch 1: Rotating billing-sync \\(sk_live_…\\w{4}\\) in ${first.name} failed at .* UTC: the platform failed \\(HTTP 500\\)`));
    assert.doesNotMatch(pausedWave.reason!, /\/v1\/|key_[a-z0-9]|server_error/, 'no REST path, key id or error code in the reason');
    const human = await w.cli(['wave', 'status', waveId]);
    assert.match(human.out, /need attention/);
    assert.match(human.out, new RegExp(`Fix what the reason says, then run grantdesk wave resume ${waveId}\\.`));
    const start = await w.cli(['wave', 'resume', waveId, '--json']);
    assert.equal(start.code, 3, start.err);
    const waiting = JSON.parse(start.out) as WaveOut;
    assert.match(waiting.reason!, /^Batch 1 of 2 waits for 2 workspaces to cut over \(the new key in use, the old one quiet\)\. /);
    assert.doesNotMatch(waiting.reason!, /grantdesk wave resume/, 'the reason leaves how to continue to each surface');
    assert.match((await w.cli(['wave', 'status', waveId])).out, new RegExp(`Run grantdesk wave resume ${waveId} later to check again and continue\\.`));
    assert.equal(await w.cutOver(), 2);
    await hours(2);
    // batch 2's rotate calls each take 3 s, so the two resumes overlap
    for (const o of w.order.slice(2)) await w.admin('POST', '/faults', { route: `api-keys/${w.keys.get(o.id)!.billing}/rotate`, latency_ms: 3000, times: 1 });
    const [a, b] = await Promise.all([w.cli(['wave', 'resume', waveId, '--json']), w.cli(['wave', 'resume', waveId, '--json'])]);
    for (const r of [a, b]) {
      assert.equal(r.code, 3, `each resume answers, waiting for batch 2's cut-over: ${r.err}${r.out.slice(0, 300)}`);
      assert.doesNotMatch(r.err, /internal|Error:/);
    }
    for (const r of [a, b]) assert.deepEqual((JSON.parse(r.out) as WaveOut).items.map((i) => i.state), ['cut_over', 'cut_over', 'delivered', 'delivered']);

    const truth = await w.state();
    for (const o of w.order) {
      const keys = truth.get(o.id)!;
      const { billing } = w.keys.get(o.id)!;
      const successors = keys.filter((k) => k.rotated_from === billing);
      assert.equal(successors.length, 1, `${o.name}: exactly one rotation`);
      assert.equal(keys.filter((k) => k.rotated_from === successors[0]!.id).length, 0, `${o.name}: the new key was not rotated again`);
    }
    assert.equal(w.delivered().length, 4, 'one delivery per key');

    // a process that holds the wave longer than a minute: the other one is told in words, not with the lock's name
    const release = await lockfile.lock(join(w.home, 'locks', `wave-${waveId}`), { realpath: false, stale: 5000, update: 1000, retries: 0 });
    let busy: Awaited<ReturnType<typeof w.cli>>;
    try {
      busy = await w.cli(['wave', 'cancel', waveId]);
    } finally {
      await release();
    }
    assert.notEqual(busy.code, 0);
    assert.match(busy.err, /Another Grantdesk \(a terminal, a scheduled resume or another window\) is working on this wave right now/);
    assert.doesNotMatch(busy.err, /holds the lock for wave-/);
    const cancelled = await w.cli(['wave', 'cancel', waveId, '--json']);
    assert.equal(cancelled.code, 0, cancelled.err);
    assert.equal((JSON.parse(cancelled.out) as WaveOut).state, 'cancelled');
  } finally {
    if (serve) process.kill(serve.pid, 'SIGTERM');
    await w.sb.close();
  }
});
