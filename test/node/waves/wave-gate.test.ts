// The gate and the pauses of a rotation wave, through the real CLI against the sandbox (3 workspaces, one per batch):
//  - a rotate call whose answer is cut short (the platform rotated, Grantdesk never got the secret) is read back from
//    the platform, not retried: the wave pauses with the key "undelivered" and the re-issue command; after the re-issue
//    (`grantdesk rotate … --grace 0d`) the resume follows the re-issued key;
//  - the old key still in use keeps the batch waiting, with its last use and caller in the evidence, until quiet for 1 h;
//  - a 403 by the new key pauses the wave with the call in the evidence; a resume counts only newer refusals;
//  - a cancelled wave rotates nothing more; a new key never used by the end of the grace period fails the gate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWaveWorld } from './wave-support.ts';

interface WaveOut { id: string; state: string; reason: string | null; items: Array<{ workspaceId: string; state: string; evidence: string | null; newKeyId: string | null }> }

test('wave gate: lost answer read back, old key in use waits, a 403 pauses, cancel stops', { timeout: 300_000 }, async () => {
  const w = await startWaveWorld(3, 46);
  const json = (s: string) => JSON.parse(s) as WaveOut;
  const hours = (h: number) => w.admin('POST', '/clock', { advance_seconds: h * 3600 });
  const [o0, o1, o2] = w.order as [{ id: string; name: string }, { id: string; name: string }, { id: string; name: string }];
  try {
    assert.equal((await w.cli(['platform', 'add', w.sb.issuer, '--name', 'Sandbox'])).code, 0);
    assert.equal((await w.cli(['connect-bulk', ...w.sb.workspaces.map((x) => x.id)])).code, 0);

    // the platform rotates o0's key but its answer arrives cut in half
    await w.admin('POST', '/faults', { route: `api-keys/${w.keys.get(o0.id)!.billing}/rotate`, truncated_rate: 1, times: 1 });
    const start = await w.cli(['wave', 'rotate', '--match', 'billing-sync', '--batch', '1', '--grace', '7d', '--quiet', '1h', '--deliver-cmd', w.deliverCmd, '--json']);
    assert.equal(start.code, 1, start.err + start.out.slice(0, 400));
    let wave = json(start.out);
    const id = wave.id;
    assert.equal(wave.state, 'paused');
    assert.equal(wave.items[0]!.state, 'undelivered');
    assert.match(wave.reason!, new RegExp(`^Paused at batch 1: The platform shows billing-sync \\(.*\\) in ${o0.name} rotated to sk_live_…\\w{4} at .* UTC, but its answer never arrived whole .* Re-issue it with grantdesk rotate ${o0.id} key_\\w+ --grace 0`));
    let truth = await w.state();
    const firstNew = truth.get(o0.id)!.filter((k) => k.rotated_from === w.keys.get(o0.id)!.billing);
    assert.equal(firstNew.length, 1, 'rotated once on the platform, not retried');
    assert.equal(wave.items[0]!.newKeyId, firstNew[0]!.id);
    assert.equal(w.delivered().length, 0, 'nothing was delivered: Grantdesk never had that secret');
    const again = await w.cli(['wave', 'resume', id, '--json']);
    assert.equal(again.code, 1, 'still paused until the key is re-issued');
    assert.equal((await w.state()).get(o0.id)!.filter((k) => k.rotated_from === w.keys.get(o0.id)!.billing).length, 1, 'a resume does not rotate it again');

    // the re-issue the evidence names; the resume follows it
    const re = await w.cli(['rotate', o0.id, firstNew[0]!.id, '--grace', '0d', '--deliver-cmd', w.deliverCmd]);
    assert.equal(re.code, 0, re.err);
    const followed = await w.cli(['wave', 'resume', id, '--json']);
    assert.equal(followed.code, 3, followed.err);
    wave = json(followed.out);
    assert.equal(wave.items[0]!.state, 'delivered');
    assert.match(wave.items[0]!.evidence!, /Waiting for the new key|waiting until the old key has been quiet/);

    // the integration uses the new secret, but something still calls with the old one (valid in its grace period)
    assert.equal(await w.cutOver(), 1);
    assert.equal(await w.call(w.keys.get(o0.id)!.billingSecret, '/v1/workspace'), 200);
    await hours(0.5);
    const oldInUse = await w.cli(['wave', 'resume', id, '--json']);
    assert.equal(oldInUse.code, 3);
    assert.match(json(oldInUse.out).items[0]!.evidence!, /^The old key was last used at .* UTC from 127\.0\.0\.1 \(1 call since the rotation\); waiting until it has been quiet for 1 h, at .* UTC/);
    await hours(2);
    const batch2 = await w.cli(['wave', 'resume', id, '--json']);
    assert.equal(batch2.code, 3, batch2.err);
    wave = json(batch2.out);
    assert.deepEqual(wave.items.map((i) => i.state), ['cut_over', 'delivered', 'pending']);
    assert.match(wave.items[0]!.evidence!, /the old key quiet since .* UTC \(2 h 30 min\), no call refused\.$/);

    // o1's integration uses the new key, but for a call its scopes do not allow: 403
    assert.equal(await w.cutOver(), 1);
    const o1Secret = w.delivered().at(-1)!;
    assert.equal(await w.call(o1Secret, '/v1/api-keys'), 403);
    await hours(2);
    const refused = await w.cli(['wave', 'resume', id, '--json']);
    assert.equal(refused.code, 1, refused.err);
    wave = json(refused.out);
    assert.equal(wave.items[1]!.state, 'gate_failed');
    assert.match(wave.reason!, new RegExp(`^Paused at batch 2: 1 call was refused \\(not authorised or forbidden\\) since .* UTC: the latest, GET /v1/api-keys with the new key from 127\\.0\\.0\\.1, got 403 at .* UTC\\. Fix the integration's credentials, then resume \\(only newer refusals count\\)\\.`));
    assert.equal(wave.items[2]!.state, 'pending', 'the next batch waits');
    // fixed: a resume counts only refusals after it
    const passed = await w.cli(['wave', 'resume', id, '--json']);
    assert.equal(passed.code, 3, passed.err);
    assert.deepEqual(json(passed.out).items.map((i) => i.state), ['cut_over', 'cut_over', 'delivered']);
    assert.equal(await w.cutOver(), 1);
    await hours(2);
    const done = await w.cli(['wave', 'resume', id]);
    assert.equal(done.code, 0, done.err);
    assert.match(done.out, /State: completed, batch 3 of 3; 3 cut over, 0 rotated and waiting, 0 not rotated yet, 0 need attention/);

    // a second wave over the decoys, cancelled after its first batch: nothing more rotates
    const decoys = await w.cli(['wave', 'rotate', '--match', 'BILLING-SYNC-old-*', '--batch', '1', '--grace', '7d', '--deliver-cmd', w.deliverCmd, '--json']);
    assert.equal(decoys.code, 3, decoys.err);
    const did = json(decoys.out).id;
    const cancelled = await w.cli(['wave', 'cancel', did, '--json']);
    assert.equal(cancelled.code, 0);
    assert.match(json(cancelled.out).reason!, /^Cancelled at .* UTC: nothing more is rotated; 1 key was rotated before and stays rotated\.$/);
    assert.equal((await w.cli(['wave', 'resume', did, '--json'])).code, 0, 'a cancelled wave stays cancelled');
    truth = await w.state();
    assert.equal(truth.get(o0.id)!.filter((k) => k.rotated_from === w.keys.get(o0.id)!.decoy).length, 1);
    for (const o of [o1, o2]) {
      assert.equal(truth.get(o.id)!.filter((k) => k.rotated_from === w.keys.get(o.id)!.decoy).length, 0, `${o.name}: the cancelled wave rotated nothing more`);
      assert.equal(truth.get(o.id)!.filter((k) => k.rotated_from === w.keys.get(o.id)!.billing).length, 1, `${o.name}: one rotation`);
    }
    // a wave whose integrations never pick up their new secrets: when the grace period ends, the gate fails
    const idle = await w.cli(['wave', 'rotate', '--match', 'billing-sync', '--batch', '3', '--grace', '1d', '--deliver-cmd', w.deliverCmd, '--json']);
    assert.equal(idle.code, 3, idle.err);
    await hours(25);
    const expired = await w.cli(['wave', 'resume', json(idle.out).id, '--json']);
    assert.equal(expired.code, 1, expired.err);
    assert.deepEqual(json(expired.out).items.map((i) => i.state), ['gate_failed', 'gate_failed', 'gate_failed']);
    assert.match(json(expired.out).reason!, /^Paused at batch 1: The new key sk_live_…\w{4} was not used before the old key's grace period ended \(.* UTC\): the integration did not pick up its new secret\./);
    assert.equal((await w.cli(['wave', 'cancel', json(idle.out).id])).code, 0);

    const status = await w.cli(['wave', 'status']);
    assert.match(status.out, /State: completed[\s\S]*State: cancelled|State: cancelled[\s\S]*State: completed/);
  } finally {
    await w.sb.close();
  }
});
