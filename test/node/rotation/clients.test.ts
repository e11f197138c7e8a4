// Machine clients and service tokens against the sandbox: secret once, quota headers and 429 surfaced with their remedy,
// disable/enable at once, usage with a forecast; service tokens minted, shown once, never stored.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRotationApp, startRotationSandbox, type RotationSandbox } from './support.ts';
import { QUOTA_REMEDY } from '../../../src-main/services/rotation/clients-service.ts';

let p: RotationSandbox;
before(async () => {
  p = await startRotationSandbox({ seed: 9, workspaces: 2 });
});
after(async () => {
  await p.close();
});

test('machine client: quota warning header, then 429 with Retry-After, each with its remedy; disable and enable', async () => {
  const app = startRotationApp(p);
  try {
    const ws = p.sb.workspaces[0]!;
    const created = await app.call('clients.create', { workspace: ws.id, name: 'nightly export', scopes: ['contacts:read'], dailyQuota: 2 });
    assert.match(created.clientSecret ?? '', /^mcs_/);
    assert.equal(created.check.ok, true);
    assert.equal(created.check.limit, 2);
    assert.equal(created.check.remaining, 1);
    assert.equal(created.check.warning, null);
    assert.equal(created.check.remedy, null);

    const r1 = await app.call('clients.rotate', { workspace: ws.id, clientId: created.client.id, grace: '3d' });
    assert.equal(r1.check.ok, true);
    assert.equal(r1.check.remaining, 0);
    assert.match(r1.check.warning!, /0 of 2 daily token requests remaining/);
    assert.equal(r1.check.remedy, QUOTA_REMEDY.near);
    assert.ok(r1.client.graceEndsAt);

    const r2 = await app.call('clients.rotate', { workspace: ws.id, clientId: created.client.clientId, grace: 0 });
    assert.equal(r2.check.ok, false);
    assert.equal(r2.check.status, 429);
    assert.equal(r2.check.error!.code, 'rate_limited');
    assert.ok(r2.check.retryAfterSeconds! > 0);
    assert.equal(r2.check.remedy, QUOTA_REMEDY.exhausted);
    assert.notEqual(r2.clientSecret, r1.clientSecret);

    const u = await app.call('clients.usage', { workspace: ws.id, clientId: created.client.id });
    assert.equal(u.usedToday, 2);
    assert.equal(u.level, 'exhausted');
    assert.equal(u.remedy, QUOTA_REMEDY.exhausted);
    assert.equal(u.days.length, 30);
    assert.equal(u.days.at(-1)!.requests, 2);
    assert.equal(u.forecast.perDay.length, 14);

    const d = await app.call('clients.disable', { workspace: ws.id, clientId: created.client.id });
    assert.equal(d.client.status, 'disabled');
    assert.equal((await p.credentials(ws.id)).find((c) => c.id === created.client.id)!.status, 'disabled');
    const e = await app.call('clients.enable', { workspace: ws.id, clientId: created.client.id });
    assert.equal(e.client.status, 'active');

    const list = await app.call('clients.list', { workspace: ws.id });
    assert.ok(list.clients.some((c) => c.id === created.client.id && c.secretAgeDays === 0 && !c.rotationDue));
    assert.ok(r2.clientSecret && !JSON.stringify(list).includes(r2.clientSecret));
    await app.close({ keepDir: true });
    const bytes = app.allBytes();
    for (const s of [created.clientSecret, r1.clientSecret, r2.clientSecret]) assert.ok(s && !bytes.includes(s), 'a client secret reached the data dir');
  } finally {
    await app.close().catch(() => {});
  }
});

test('service token: 15m with chosen scopes, works once minted, never stored', async () => {
  const app = startRotationApp(p);
  try {
    const ws = p.sb.workspaces[1]!;
    const t = await app.call('serviceTokens.mint', { workspace: ws.name, scopes: ['contacts:read'], ttl: '15m' });
    assert.equal(t.ttlMinutes, 15);
    assert.deepEqual(t.scopes, ['contacts:read']);
    assert.ok(Math.abs(Date.parse(t.expiresAt) - Date.now() - 15 * 60_000) < 60_000);
    assert.equal((await p.withBearer(t.token, '/v1/contacts')).status, 200);
    assert.equal((await app.callResult('serviceTokens.mint', { workspace: ws.id, scopes: ['contacts:read'], ttl: '90m' })).error?.code, 'invalid_input');
    assert.equal((await app.callResult('serviceTokens.mint', { workspace: ws.id, scopes: ['contacts:read'], ttl: 4 })).error?.code, 'invalid_input');
    await app.close({ keepDir: true });
    assert.ok(!app.allBytes().includes(t.token));
  } finally {
    await app.close().catch(() => {});
  }
});

test('re-consent plan: before and after from the grant, dropping a scope names the feature it disables', async () => {
  const app = startRotationApp(p);
  try {
    const ws = p.sb.workspaces[0]!;
    const plan = await app.call('reconsent.plan', { workspace: ws.id, drop: ['credentials:write'] });
    assert.ok(plan.before.includes('credentials:write'));
    assert.ok(!plan.after.includes('credentials:write'));
    assert.deepEqual(plan.removed, ['credentials:write']);
    assert.ok(plan.warnings.some((w) => w.includes('rotation')));
    assert.equal(plan.handoff.command, 'workspaces.connect');
    assert.deepEqual(plan.handoff.input.scopes, plan.after);
  } finally {
    await app.close();
  }
});
