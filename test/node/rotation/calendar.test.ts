// The expiry calendar across workspaces, from the local caches: inventory (key expiries, client-secret ages), rotation
// wizards (grace ends, each opening its wizard), with filters; missing sources are named, never silently empty.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { arrangeKey, startRotationApp, startRotationSandbox, type RotationSandbox } from './support.ts';

let p: RotationSandbox;
before(async () => {
  p = await startRotationSandbox({ seed: 13, workspaces: 3 });
});
after(async () => {
  await p.close();
});

test('calendar: what is due next across all workspaces, filters, and the wizard each item opens', async () => {
  const app = startRotationApp(p);
  try {
    // before any sync: sources say so
    let cal = await app.call('rotation.calendar', {});
    assert.equal(cal.sources.find((s) => s.name === 'credential inventory')!.state, 'empty');
    assert.equal(cal.sources.find((s) => s.name === 'review grants')!.state, 'missing');

    const [a, b] = p.sb.workspaces;
    const soon = await arrangeKey(p, a!.id, { name: 'expiring soon', expires_in_days: 3 });
    const old = await arrangeKey(p, b!.id, { name: 'to rotate' });
    const out = await app.call('rotation.rotate', { workspace: b!.id, keyId: old.id, grace: 5 });
    await app.call('inventory.sync', {});

    cal = await app.call('rotation.calendar', { withinDays: 365 });
    assert.equal(cal.sources.find((s) => s.name === 'credential inventory')!.state, 'ok');
    const exp = cal.items.find((i) => i.credentialId === soon.id && i.kind === 'key_expiry')!;
    assert.ok(exp, 'the expiring key is on the calendar');
    assert.equal(exp.severity, 'soon');
    assert.equal(exp.action.kind, 'rotate_key');
    assert.equal(exp.workspaceName, a!.name);
    const grace = cal.items.find((i) => i.kind === 'grace_end' && i.credentialId === old.id)!;
    assert.equal(grace.action.kind, 'watch_grace');
    assert.equal(grace.action.wizardId, out.wizard.id);
    assert.equal(cal.items.filter((i) => i.credentialId === old.id && i.kind === 'grace_end').length, 1, 'no duplicate from the inventory');
    assert.ok(cal.items.some((i) => i.kind === 'secret_age' && i.action.kind === 'rotate_client'), 'machine-client secret ages');
    assert.ok(new Set(cal.items.map((i) => i.workspaceId)).size >= 2, 'one timeline across workspaces');
    for (let i = 1; i < cal.items.length; i++) assert.ok(cal.items[i - 1]!.at <= cal.items[i]!.at, 'sorted by date');

    const onlyA = await app.call('rotation.calendar', { workspace: a!.name, withinDays: 365 });
    assert.ok(onlyA.items.length > 0 && onlyA.items.every((i) => i.workspaceId === a!.id));
    const onlyGrace = await app.call('rotation.calendar', { kinds: ['grace_end'], withinDays: 365 });
    assert.ok(onlyGrace.items.every((i) => i.kind === 'grace_end'));
    const upcoming = await app.call('rotation.calendar', { includeOverdue: false, withinDays: 7 });
    assert.ok(upcoming.items.every((i) => i.daysLeft >= 0 && i.daysLeft <= 7));
  } finally {
    await app.close();
  }
});
