// API key rotation against the real sandbox: the whole wizard, the end of grace with the sandbox's test clock, the
// secret canary (cache incl. WAL, logs, later responses, events) and the grace-period traffic chart.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { arrangeKey, startRotationApp, startRotationSandbox, type RotationSandbox } from './support.ts';

let p: RotationSandbox;
before(async () => {
  p = await startRotationSandbox();
});
after(async () => {
  await p.close();
});

test('rotate with 7-day grace: secret once, verify, traffic by IP and endpoint, grace end by the test clock', async () => {
  const app = startRotationApp(p);
  const events: string[] = [];
  const unsubscribe = app.runtime.bus.subscribe((name, payload) => events.push(`${name} ${JSON.stringify(payload)}`));
  const responses: string[] = [];
  const call: typeof app.call = async (name, input) => {
    const v = await app.call(name, input);
    responses.push(JSON.stringify(v));
    return v;
  };
  try {
    const ws = p.sb.workspaces[0]!;
    const old = await arrangeKey(p, ws.id, { ip_allowlist: ['198.51.100.0/24', '203.0.113.7'] });
    const keys = await call('keys.list', { workspace: ws.name });
    assert.ok(keys.keys.some((k) => k.id === old.id && k.status === 'active'));

    let w = await call('rotation.start', { workspace: ws.id, keyId: old.id });
    assert.equal(w.step, 'chosen');
    assert.deepEqual(w.guardrails!.ipAllowlist.map((c) => c.normalized), ['198.51.100.0/24', '203.0.113.7/32']);
    // the same key again resumes the same wizard
    assert.equal((await call('rotation.start', { workspace: ws.id, keyId: old.id })).id, w.id);
    // a bad CIDR is refused before anything reaches the platform
    const bad = await app.callResult('rotation.advance', { wizardId: w.id, action: 'review', ipAllowlist: ['10.0.0.300/8'] });
    assert.equal(bad.ok, false);
    assert.equal(bad.error!.code, 'invalid_input');
    w = (await call('rotation.advance', { wizardId: w.id, action: 'review', graceDays: 7, ipAllowlist: ['198.51.100.0/24', '203.0.113.7/32', '127.0.0.1'] })).wizard;
    assert.equal(w.step, 'reviewed');
    assert.ok(w.guardrails!.ipAllowlist.some((c) => c.normalized === '127.0.0.1/32' && c.problem?.includes('loopback')));

    const rotated = await app.call('rotation.advance', { wizardId: w.id, action: 'rotate' });
    const secret = rotated.secret!;
    assert.match(secret, /^sk_live_/);
    w = rotated.wizard;
    assert.equal(w.step, 'rotated');
    assert.ok(w.secretInMemory);
    assert.ok(w.graceEndsAt);

    // true state: exactly one rotation, the old key in grace
    let creds = await p.credentials(ws.id);
    assert.equal(creds.filter((c) => c.rotated_from === old.id).length, 1);
    assert.equal(creds.find((c) => c.id === old.id)!.grace_ends_at, w.graceEndsAt);

    w = (await call('rotation.advance', { wizardId: w.id, action: 'acknowledge' })).wizard;
    assert.equal(w.step, 'acknowledged');
    w = (await call('rotation.advance', { wizardId: w.id, action: 'verify' })).wizard;
    assert.equal(w.step, 'verified');
    assert.equal(w.verification!.method, 'direct');
    assert.equal(w.verification!.ok, true);
    assert.equal(w.secretInMemory, false, 'the secret leaves memory once verified');
    w = (await call('rotation.advance', { wizardId: w.id, action: 'watch' })).wizard;
    assert.equal(w.step, 'grace');

    // callers still on the old key, from two IPs (the sandbox takes the caller IP from an admin-only header)
    for (const [ip, path] of [['198.51.100.20', '/v1/contacts'], ['198.51.100.20', '/v1/contacts'], ['203.0.113.7', '/v1/workspace']] as const) {
      assert.equal((await p.withBearer(old.secret, path, { 'x-sandbox-caller-ip': ip })).status, 200);
    }
    assert.equal((await p.withBearer(secret, '/v1/contacts', { 'x-sandbox-caller-ip': '198.51.100.21' })).status, 200);

    let st = await call('rotation.status', { wizardId: w.id });
    assert.equal(st.traffic!.auditState, 'not_synced', 'says so when the audit cache is empty');
    const synced = await app.call('audit.sync', { workspaces: [ws.id] });
    assert.equal(synced.results.length, 1);
    st = await call('rotation.status', { wizardId: w.id });
    const tr = st.traffic!;
    assert.equal(tr.auditState, 'synced');
    assert.equal(tr.oldKeyCalls, 3);
    assert.equal(tr.newKeyCalls, 2, 'the verify call and one caller');
    assert.deepEqual(tr.byCallerIp.map((x) => [x.ip, x.calls]), [['198.51.100.20', 2], ['203.0.113.7', 1]]);
    assert.deepEqual(tr.byEndpoint.map((x) => [x.endpoint, x.calls]), [['/v1/contacts', 2], ['/v1/workspace', 1]]);
    assert.equal(tr.quiet, false);
    assert.equal(tr.buckets.reduce((a, b) => a + b.oldKeyCalls, 0), 3);

    // not quiet: end grace is refused without force
    const refused = await app.callResult('rotation.endGrace', { wizardId: w.id });
    assert.equal(refused.ok, false);
    assert.equal(refused.error!.code, 'conflict');
    // finish is refused while the old key still works
    assert.equal((await app.callResult('rotation.advance', { wizardId: w.id, action: 'finish' })).error?.code, 'conflict');

    // the sandbox's test clock passes the grace period: old key rejected, new key works
    assert.equal((await p.admin('POST', '/clock', { advance_seconds: 8 * 86400 })).status, 200);
    const oldAfter = await p.withBearer(old.secret, '/v1/workspace', { 'x-sandbox-caller-ip': '198.51.100.20' });
    assert.equal(oldAfter.status, 401);
    assert.equal(oldAfter.body!.error, 'token_expired');
    assert.equal((await p.withBearer(secret, '/v1/workspace', { 'x-sandbox-caller-ip': '198.51.100.20' })).status, 200);
    w = (await call('rotation.advance', { wizardId: w.id, action: 'finish' })).wizard;
    assert.equal(w.step, 'finished');
    creds = await p.credentials(ws.id);
    assert.equal(creds.filter((c) => c.rotated_from === old.id).length, 1);

    // later responses: list, status, calendar
    await call('keys.list', { workspace: ws.id, includeRevoked: true });
    await call('rotation.status', { includeFinished: true });
    await call('rotation.calendar', {});

    // canary: the secret appears in exactly one response (the rotate) and nowhere else
    unsubscribe();
    for (const r of responses) assert.ok(!r.includes(secret), 'a later contract response carried the secret');
    for (const e of events) assert.ok(!e.includes(secret), 'an event carried the secret');
    assert.ok(!JSON.stringify(await app.call('rotation.status', { wizardId: w.id })).includes(secret));
    await app.close({ keepDir: true });
    const bytes = app.allBytes();
    assert.ok(bytes.length > 0);
    assert.ok(!bytes.includes(secret), 'the secret reached the data dir (cache, WAL or logs)');
    assert.ok(!bytes.includes(secret.slice(8)), 'the secret body reached the data dir');
  } finally {
    await app.close().catch(() => {});
  }
});

test('grantdesk rotate in one go, then end grace now while quiet: the old key stops working (grace ended, not revoked), the new key keeps working', async () => {
  const app = startRotationApp(p);
  try {
    const ws = p.sb.workspaces[1]!;
    const old = await arrangeKey(p, ws.id);
    const out = await app.call('rotation.rotate', { workspace: ws.id, keyId: old.id, grace: '7d' });
    assert.equal(out.wizard.step, 'grace');
    assert.equal(out.wizard.graceDays, 7);
    assert.equal(out.verification!.ok, true);
    const secret = out.secret!;
    // an audit cache that ends before the rotation cannot show the old key quiet (issue 13 item 7): a sync before the
    // rotation, then the claim is refused, and so is ending the grace period on it
    const before = await app.call('rotation.status', { wizardId: out.wizard.id });
    assert.equal(before.traffic!.quiet, false, 'no audit data at all is never "quiet"');
    await app.call('audit.sync', { workspaces: [ws.id] });
    const cacheEnd = (await app.call('rotation.status', { wizardId: out.wizard.id })).traffic!;
    assert.equal(cacheEnd.auditEndsBeforeRotation, false, 'the verify call after the rotation is in the cache now');
    // the old key has not been used since the rotation, by audit data newer than it: quiet
    const st = await app.call('rotation.status', { wizardId: out.wizard.id });
    assert.equal(st.traffic!.quiet, true);
    const ended = await app.call('rotation.endGrace', { wizardId: out.wizard.id });
    assert.equal(ended.wizard.step, 'ended_early');
    assert.equal((await p.withBearer(old.secret, '/v1/workspace')).status, 401);
    assert.equal((await p.withBearer(secret, '/v1/workspace')).status, 200);
    const creds = await p.credentials(ws.id);
    assert.equal(ended.method, 'end_grace');
    const oldTruth = creds.find((c) => c.id === old.id)! as { status: string; grace_ends_at?: string | null };
    // ended, not revoked: the grace end moved to now, exactly as if the grace period had run out
    assert.notEqual(oldTruth.status, 'revoked');
    assert.ok(oldTruth.grace_ends_at && Date.parse(oldTruth.grace_ends_at) <= Date.now());
    assert.equal(creds.filter((c) => c.rotated_from === old.id).length, 1);
  } finally {
    await app.close();
  }
});

test('an audit cache that ends before the rotation: the traffic says so, never "quiet", and end grace is refused until a sync reaches past it', async () => {
  const app = startRotationApp(p);
  try {
    const ws = p.sb.workspaces[2]!;
    const old = await arrangeKey(p, ws.id, { name: 'cache-before-rotation' });
    await app.call('audit.sync', { workspaces: [ws.id] }); // the cache ends here, before the rotation
    const out = await app.call('rotation.rotate', { workspace: ws.id, keyId: old.id, grace: '7d' });
    for (let i = 0; i < 2; i++) assert.equal((await p.withBearer(old.secret, '/v1/contacts', { 'x-sandbox-caller-ip': '198.51.100.77' })).status, 200);
    let tr = (await app.call('rotation.status', { wizardId: out.wizard.id })).traffic!;
    assert.equal(tr.auditState, 'synced');
    assert.equal(tr.auditEndsBeforeRotation, true);
    assert.ok(Date.parse(tr.auditCoverageUntil!) < Date.parse(out.wizard.rotatedAt!));
    assert.equal(tr.quiet, false, 'a cache older than the rotation is not evidence of quiet');
    const refused = await app.callResult('rotation.endGrace', { wizardId: out.wizard.id });
    assert.equal(refused.error?.code, 'conflict');
    assert.match(refused.error!.message, /no events after the rotation/);
    await app.call('audit.sync', { workspaces: [ws.id] });
    tr = (await app.call('rotation.status', { wizardId: out.wizard.id })).traffic!;
    assert.equal(tr.auditEndsBeforeRotation, false);
    assert.equal(tr.oldKeyCalls, 2);
    assert.equal(tr.quiet, false, 'the old key was used after the rotation');
  } finally {
    await app.close();
  }
});
