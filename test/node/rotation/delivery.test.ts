// Secrets-manager delivery through the real dispatcher, the real composition root and the real child-process adapter,
// against the sandbox. Attack first: the app window (IPC) and a serve tab can neither run a command of their choosing
// nor set up a target, and a refused or unknown target issues nothing; a command that echoes the secret never gets
// it into an output, a log or the data dir; a failing or hanging delivery leaves the secret recoverable only by an
// explicit show-once, and the secret that was delivered (read back from where the command put it) works.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_CONTEXT, IPC_CONTEXT, SERVE_CONTEXT } from '../../../src-main/rpc/handlers.ts';
import { arrangeKey, startRotationApp, startRotationSandbox, type RotationApp, type RotationSandbox } from './support.ts';

let p: RotationSandbox;
let dir: string;
before(async () => {
  p = await startRotationSandbox({ seed: 21, workspaces: 2 });
  dir = mkdtempSync(join(tmpdir(), 'grantdesk-delivery-'));
});
after(async () => {
  await p.close();
  rmSync(dir, { recursive: true, force: true });
});

/** a target that stores stdin in a file and echoes it to stdout and stderr (a hostile or chatty store CLI) */
const echoingStore = (file: string) => `sh -c 'cat > "$0"; cat "$0"; cat "$0" >&2' ${file}`;
/** one that echoes the secret to stderr, then fails */
const FAILING = `sh -c 'echo "got: $(cat)" >&2; echo "store: permission denied" >&2; exit 1'`;

function noSecretIn(app: RotationApp, secret: string, outputs: unknown[]): void {
  for (const o of outputs) assert.ok(!JSON.stringify(o).includes(secret), 'an output carried the secret');
  assert.ok(!app.allBytes().includes(secret), 'the data dir (cache, WAL, logs) holds the secret');
}

test('the app window and a serve tab cannot run a command or set up a target; nothing is issued', async () => {
  const app = startRotationApp(p);
  try {
    const ws = p.sb.workspaces[0]!.id;
    const marker = join(dir, 'pwned');
    const cmd = `touch ${marker}`;
    const key = await arrangeKey(p, ws);
    const w = await app.call('rotation.start', { workspace: ws, keyId: key.id });
    await app.call('rotation.advance', { wizardId: w.id, action: 'review' });
    const client = await app.as(CLI_CONTEXT).call('clients.create', { workspace: ws, name: 'job', scopes: ['contacts:read'], dailyQuota: 100 });
    const before = (await p.credentials(ws)).length;
    for (const ctx of [IPC_CONTEXT, SERVE_CONTEXT]) {
      const c = app.as(ctx);
      const tries = [
        await c.callResult('keys.create', { workspace: ws, name: 'x', scopes: ['contacts:read'], deliverCmd: cmd }),
        await c.callResult('clients.create', { workspace: ws, name: 'x', scopes: ['contacts:read'], dailyQuota: 10, deliverCmd: cmd }),
        await c.callResult('clients.rotate', { workspace: ws, clientId: client.client.id, deliverCmd: cmd }),
        await c.callResult('rotation.advance', { wizardId: w.id, action: 'rotate', deliverCmd: cmd }),
        await c.callResult('rotation.rotate', { workspace: ws, keyId: key.id, deliverCmd: cmd }),
        await c.callResult('delivery.retry', { pendingId: 'pd_0', deliverCmd: cmd }),
        await c.callResult('delivery.add', { name: 'evil', cmd }),
        await c.callResult('delivery.remove', { name: 'evil' }),
      ];
      for (const r of tries) assert.equal(r.error?.code, 'cli_only', JSON.stringify(r));
    }
    assert.equal(existsSync(marker), false, 'a command from the renderer ran');
    assert.equal((await p.credentials(ws)).length, before, 'something was issued');
    assert.equal((await app.call('rotation.status', { wizardId: w.id })).wizards[0]!.step, 'reviewed', 'the key was rotated');
    assert.deepEqual((await app.call('delivery.list', {})).targets, []);
    // a target that does not exist: invalid_input, before anything reaches the platform
    const unknown = await app.callResult('rotation.advance', { wizardId: w.id, action: 'rotate', deliverTo: 'no-such-target' });
    assert.equal(unknown.error?.code, 'invalid_input');
    assert.match(unknown.error!.message, /no delivery target named "no-such-target"/);
    assert.equal((await app.callResult('keys.create', { workspace: ws, name: 'y', scopes: ['contacts:read'], deliverTo: 'no-such-target' })).error?.code, 'invalid_input');
    assert.equal((await p.credentials(ws)).length, before);
    // a hostile command line is refused when a target is set up, even from the CLI
    const chained = await app.as(CLI_CONTEXT).callResult('delivery.add', { name: 'chained', cmd: `vault kv put secret/app key=- ; ${cmd}` });
    assert.equal(chained.error?.code, 'invalid_input');
    assert.equal(existsSync(marker), false);
  } finally {
    await app.close();
  }
});

test('wizard: delivered to a target that echoes the secret, no secret in any output, log or the data dir; the key works', async () => {
  const app = startRotationApp(p);
  try {
    const ws = p.sb.workspaces[0]!.id;
    const file = join(dir, 'store-a');
    const t = await app.as(CLI_CONTEXT).call('delivery.add', { name: 'vault-app', cmd: echoingStore(file) });
    assert.deepEqual(t.target.argv, ['sh', '-c', `cat > "$0"; cat "$0"; cat "$0" >&2`, file]);
    const targets = await app.call('delivery.list', {});
    assert.deepEqual(targets.targets.map((x) => [x.name, x.timeoutSeconds]), [['vault-app', 60]]);
    const old = await arrangeKey(p, ws);
    let w = await app.call('rotation.start', { workspace: ws, keyId: old.id });
    w = (await app.call('rotation.advance', { wizardId: w.id, action: 'review' })).wizard;
    const rotated = await app.call('rotation.advance', { wizardId: w.id, action: 'rotate', deliverTo: 'vault-app' });
    assert.equal('secret' in rotated, false, 'a delivered secret is not in the output at all');
    assert.equal(rotated.delivered?.target, 'vault-app');
    assert.equal(rotated.delivered?.exitCode, 0);
    assert.equal(rotated.wizard.delivery?.ok, true);
    assert.equal(rotated.wizard.secretLost, false);
    const secret = readFileSync(file, 'utf8');
    assert.match(secret, /^sk_live_/);
    assert.equal((await p.withBearer(secret, '/v1/workspace')).status, 200, 'the delivered secret works');
    const ack = await app.call('rotation.advance', { wizardId: w.id, action: 'acknowledge' });
    const verified = await app.call('rotation.advance', { wizardId: w.id, action: 'verify' });
    assert.equal(verified.wizard.verification?.method, 'direct');
    assert.equal(verified.wizard.verification?.ok, true);
    const status = await app.call('rotation.status', { wizardId: w.id });
    noSecretIn(app, secret, [rotated, ack, verified, status, targets]);
  } finally {
    await app.close();
  }
});

test('wizard: exit 1 → failure with the exit code and a redacted stderr tail; the secret only by an explicit show-once', async () => {
  const app = startRotationApp(p);
  try {
    const ws = p.sb.workspaces[1]!.id;
    const cli = app.as(CLI_CONTEXT);
    await cli.call('delivery.add', { name: 'broken', cmd: FAILING });
    await cli.call('delivery.add', { name: 'good', cmd: echoingStore(join(dir, 'store-b')) });
    const old = await arrangeKey(p, ws);
    let w = await app.call('rotation.start', { workspace: ws, keyId: old.id });
    w = (await app.call('rotation.advance', { wizardId: w.id, action: 'review' })).wizard;
    const failed = await app.call('rotation.advance', { wizardId: w.id, action: 'rotate', deliverTo: 'broken' });
    const f = failed.deliveryFailed!;
    assert.equal('secret' in failed, false);
    assert.equal(f.reason, 'exit_code');
    assert.equal(f.exitCode, 1);
    assert.equal(f.stderrTail, 'got: [REDACTED]\nstore: permission denied');
    assert.equal(f.message, 'Delivery to broken failed: the command exited with code 1. The new secret was not shown.');
    assert.ok(f.pendingId && f.heldUntil);
    assert.equal(failed.wizard.secretLost, true, 'an undelivered, unshown secret is lost unless shown or delivered');
    assert.equal(failed.wizard.delivery?.secretHeld, true);
    assert.deepEqual(failed.wizard.next, ['rotate']);
    assert.equal((await app.callResult('rotation.advance', { wizardId: w.id, action: 'acknowledge' })).error?.code, 'conflict', 'acknowledged a secret stored nowhere');
    // retry to a broken target again: still held, still not shown
    const again = await app.call('delivery.retry', { pendingId: f.pendingId, deliverTo: 'broken' });
    assert.equal(again.deliveryFailed?.pendingId, f.pendingId);
    // show it once, explicitly
    const shown = await app.call('delivery.reveal', { pendingId: f.pendingId });
    assert.match(shown.secret, /^sk_live_/);
    assert.equal((await p.withBearer(shown.secret, '/v1/workspace')).status, 200);
    assert.equal((await app.callResult('delivery.reveal', { pendingId: f.pendingId })).error?.code, 'not_found', 'shown twice');
    assert.equal((await app.callResult('delivery.retry', { pendingId: f.pendingId, deliverTo: 'good' })).error?.code, 'not_found');
    const after1 = (await app.call('rotation.status', { wizardId: w.id })).wizards[0]!;
    assert.equal(after1.secretLost, false);
    assert.equal(after1.delivery?.secretHeld, false);
    assert.deepEqual(after1.next, ['acknowledge']);
    noSecretIn(app, shown.secret, [failed, again, after1]);
  } finally {
    await app.close();
  }
});

test('retry to a working target delivers the held secret; a hanging command is stopped at its deadline', async () => {
  const app = startRotationApp(p);
  try {
    const ws = p.sb.workspaces[0]!.id;
    const cli = app.as(CLI_CONTEXT);
    const file = join(dir, 'store-c');
    await cli.call('delivery.add', { name: 'hangs', cmd: `sh -c 'cat > /dev/null; sleep 30'`, timeoutSeconds: 1 });
    await cli.call('delivery.add', { name: 'store-c', cmd: echoingStore(file) });
    const client = await cli.call('clients.create', { workspace: ws, name: 'nightly', scopes: ['contacts:read'], dailyQuota: 100 });
    const hung = await app.call('clients.rotate', { workspace: ws, clientId: client.client.id, deliverTo: 'hangs' });
    assert.equal('clientSecret' in hung, false);
    assert.equal(hung.deliveryFailed?.reason, 'timeout');
    assert.equal(hung.deliveryFailed?.message, 'Delivery to hangs failed: the command did not finish within 1 second and was stopped. The new secret was not shown.');
    const retried = await app.call('delivery.retry', { pendingId: hung.deliveryFailed!.pendingId!, deliverTo: 'store-c' });
    assert.equal(retried.delivered?.target, 'store-c');
    const secret = readFileSync(file, 'utf8');
    assert.match(secret, /^mcs_/);
    assert.equal(hung.check.ok, true, 'the quota check used the new secret before delivery');
    assert.equal((await app.callResult('delivery.reveal', { pendingId: hung.deliveryFailed!.pendingId! })).error?.code, 'not_found', 'a delivered secret can still be shown');
    // asked up front: a failed delivery shows the secret in the same output, once
    await cli.call('delivery.add', { name: 'broken', cmd: FAILING });
    const shown = await app.call('clients.rotate', { workspace: ws, clientId: client.client.id, deliverTo: 'broken', showSecretOnFailure: true, grace: 0 });
    assert.match(shown.clientSecret ?? '', /^mcs_/);
    assert.equal(shown.deliveryFailed?.pendingId, null);
    assert.match(shown.deliveryFailed!.message, /shown once instead/);
    noSecretIn(app, secret, [hung, retried]);
    assert.ok(!app.allBytes().includes(shown.clientSecret!));
  } finally {
    await app.close();
  }
});

test('the CLI may pipe a new key to a command of its own; delivery.add --replace, remove', async () => {
  const app = startRotationApp(p);
  try {
    const ws = p.sb.workspaces[1]!.id;
    const cli = app.as(CLI_CONTEXT);
    const file = join(dir, 'store-d');
    const created = await cli.call('keys.create', { workspace: ws, name: 'piped', scopes: ['contacts:read'], deliverCmd: echoingStore(file) });
    assert.equal('secret' in created, false);
    assert.equal(created.delivered?.target, 'sh');
    const secret = readFileSync(file, 'utf8');
    assert.equal((await p.withBearer(secret, '/v1/workspace')).status, 200);
    await cli.call('delivery.add', { name: 't', cmd: 'true' });
    assert.equal((await cli.callResult('delivery.add', { name: 't', cmd: 'false' })).error?.code, 'conflict');
    assert.deepEqual((await cli.call('delivery.add', { name: 't', cmd: 'false', replace: true })).target.argv, ['false']);
    assert.deepEqual(await cli.call('delivery.remove', { name: 't' }), { name: 't', removed: true });
    assert.equal((await cli.callResult('delivery.remove', { name: 't' })).error?.code, 'not_found');
    noSecretIn(app, secret, [created]);
  } finally {
    await app.close();
  }
});
