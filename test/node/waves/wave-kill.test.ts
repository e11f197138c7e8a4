// The done-when of rotation waves (issue 16 item 3), end to end through the real CLI processes against the sandbox:
// 40 workspaces, batches of 8. Batch 1 waits until the integration uses the new keys and the old ones are quiet for 1 h
// (the sandbox's test clock moves); an injected 500 on one workspace's rotate call pauses the wave in batch 2 with that
// workspace named in the evidence; the CLI is SIGKILLed while a batch-3 rotate call is in flight (its intent recorded);
// `wave resume` settles that key from the platform and runs the wave to completion. Then the sandbox's true state shows
// exactly one rotation per key, the decoys untouched, and no new secret in any CLI output or the data dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startWaveWorld } from './wave-support.ts';

interface WaveOut { id: string; state: string; reason: string | null; currentBatch: number; items: Array<{ workspaceId: string; workspaceName: string; batch: number; state: string; evidence: string | null; newKeyId: string | null }> }

test('a 40-workspace wave pauses at the injected failure, survives a SIGKILL and completes with one rotation per key', { timeout: 600_000 }, async () => {
  const w = await startWaveWorld(40);
  const outputs: string[] = [];
  const run = async (args: string[], opts?: Parameters<typeof w.cli>[1]) => {
    const r = await w.cli(args, opts);
    outputs.push(r.out, r.err);
    return r;
  };
  const json = (s: string) => JSON.parse(s) as WaveOut;
  const hours = (h: number) => w.admin('POST', '/clock', { advance_seconds: h * 3600 });
  try {
    assert.equal((await run(['platform', 'add', w.sb.issuer, '--name', 'Sandbox'])).code, 0);
    const conn = await run(['connect-bulk', ...w.sb.workspaces.map((x) => x.id)]);
    assert.equal(conn.code, 0, conn.err);

    // without a delivery a wave is refused before anything rotates
    const refused = await run(['wave', 'rotate', '--match', 'billing-sync', '--batch', '8', '--grace', '7d']);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /never prints their secrets: pass --deliver-to NAME .* or --deliver-cmd CMD/);

    const failing = w.order[13]!; // batch 2 (positions 8–15)
    await w.admin('POST', '/faults', { route: `api-keys/${w.keys.get(failing.id)!.billing}/rotate`, error_rate: 1, error_status: 500 });

    const start = await run(['wave', 'rotate', '--match', 'billing-sync', '--batch', '8', '--grace', '7d', '--quiet', '1h', '--deliver-cmd', w.deliverCmd, '--json']);
    assert.equal(start.code, 3, start.err + start.out.slice(0, 500));
    let wave = json(start.out);
    assert.equal(wave.items.length, 40, 'one item per workspace: the decoy "billing-sync-old-decoy" does not match');
    assert.equal(wave.state, 'waiting');
    assert.deepEqual(wave.items.map((i) => i.workspaceId), w.order.map((o) => o.id));
    assert.equal(wave.items.filter((i) => i.state === 'delivered').length, 8);
    assert.match(wave.reason!, /Batch 1 of 5 waits for 8 workspaces to cut over.*Waiting for the new key/);
    assert.equal(w.delivered().length, 8);

    // nothing moves before the evidence does: a resume now checks the audit log and still waits
    const early = await run(['wave', 'resume', wave.id, '--json']);
    assert.equal(early.code, 3);
    assert.equal(json(early.out).items.filter((i) => i.state === 'pending').length, 32);

    // the integration cuts over; the old keys then stay quiet for more than an hour of platform time
    assert.equal(await w.cutOver(), 8);
    await hours(2);
    const paused = await run(['wave', 'resume', wave.id, '--json']);
    assert.equal(paused.code, 1, paused.err + paused.out.slice(0, 500));
    wave = json(paused.out);
    assert.equal(wave.state, 'paused');
    assert.equal(wave.currentBatch, 2);
    assert.deepEqual(wave.items.slice(0, 8).map((i) => i.state), Array(8).fill('cut_over'));
    assert.match(wave.items[0]!.evidence!, /^The new key made 1 successful call \(the first at .*\), the old key unused since the rotation \(2 h\), no call refused\.$/);
    assert.deepEqual(wave.items.slice(8, 13).map((i) => i.state), Array(5).fill('delivered'));
    assert.equal(wave.items[13]!.state, 'failed');
    assert.deepEqual(wave.items.slice(14).map((i) => i.state), Array(26).fill('pending'), 'nothing after the failure was rotated');
    assert.match(wave.reason!, new RegExp(`^Paused at batch 2: Rotating billing-sync \\(.*\\) in ${failing.name} failed at .*Nothing was rotated; resume to try it again\\.`));
    const human = await run(['wave', 'status', wave.id]);
    assert.match(human.out, new RegExp(`batch 2  ${failing.name} \\(${failing.id}\\)  billing-sync .* failed: Rotating`));

    // the fault is fixed; the resume retries it and finishes batch 2's rotations, then waits for its cut-over
    await w.admin('DELETE', '/faults');
    const retried = await run(['wave', 'resume', wave.id, '--json']);
    assert.equal(retried.code, 3, retried.err);
    assert.deepEqual(json(retried.out).items.slice(8, 16).map((i) => i.state), Array(8).fill('delivered'));
    assert.equal(await w.cutOver(), 8);
    await hours(2);

    // SIGKILL while a batch-3 rotate call is in flight: the platform holds it 20 s, then drops the connection unanswered
    const victim = w.order[20]!;
    await w.admin('POST', '/faults', { route: `api-keys/${w.keys.get(victim.id)!.billing}/rotate`, latency_ms: 20_000, reset_rate: 1, times: 1 });
    let pid = 0;
    const killedRun = run(['wave', 'resume', wave.id, '--json'], { onSpawn: (p) => (pid = p) });
    let intent = false;
    for (let i = 0; i < 600 && !intent; i++) {
      await new Promise((r) => setTimeout(r, 100));
      intent = w.itemState(wave.id, victim.id) === 'rotating';
    }
    assert.ok(intent, 'the intent was recorded before the rotate call left');
    process.kill(pid, 'SIGKILL');
    const killed = await killedRun;
    assert.equal(killed.signal, 'SIGKILL');

    // resume after the kill: the key is read back (not rotated), rotated once now; then batch by batch to the end
    let last = await run(['wave', 'resume', wave.id, '--json']);
    for (let round = 0; round < 8 && last.code === 3; round++) {
      assert.ok((await w.cutOver()) > 0, 'each waiting round delivered new secrets');
      await hours(2);
      last = await run(['wave', 'resume', wave.id, '--json']);
    }
    assert.equal(last.code, 0, last.err + last.out.slice(0, 800));
    wave = json(last.out);
    assert.equal(wave.state, 'completed');
    assert.ok(wave.items.every((i) => i.state === 'cut_over'));
    const victimItem = wave.items.find((i) => i.workspaceId === victim.id)!;
    assert.equal(victimItem.state, 'cut_over');

    // the sandbox's truth: exactly one rotation per billing-sync key, the decoys untouched, nothing rotated twice
    const truth = await w.state();
    for (const o of w.order) {
      const keys = truth.get(o.id)!;
      const { billing, decoy } = w.keys.get(o.id)!;
      const successors = keys.filter((k) => k.rotated_from === billing);
      assert.equal(successors.length, 1, `${o.name}: exactly one rotation of its billing-sync key`);
      assert.equal(keys.filter((k) => k.rotated_from === successors[0]!.id).length, 0, `${o.name}: the new key was not rotated again`);
      assert.equal(keys.find((k) => k.id === billing)!.effective_status, 'rotating', 'the old key is in its grace period');
      assert.equal(keys.find((k) => k.id === decoy)!.effective_status, 'active');
      assert.equal(keys.filter((k) => k.rotated_from === decoy).length, 0, 'the decoy was not rotated');
      assert.equal(wave.items.find((i) => i.workspaceId === o.id)!.newKeyId, successors[0]!.id);
    }
    const secrets = w.delivered();
    assert.equal(secrets.length, 40, 'one delivery per key');
    // no new secret in any CLI output or in the data dir (cache, WAL, logs)
    const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
    const bytes = walk(w.home).map((f) => readFileSync(f).toString('latin1')).join('\n') + outputs.join('\n');
    for (const s of secrets) assert.ok(!bytes.includes(s), 'a new secret leaked into output or the data dir');
  } finally {
    await w.sb.close();
  }
});
