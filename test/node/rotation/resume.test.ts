// The wizard survives a restart half-way without ever rotating twice: the sandbox's true state is the judge.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlatformCall, WorkspaceApi } from '../../../src-main/ports/platform.ts';
import { arrangeKey, startRotationApp, startRotationSandbox, type RotationSandbox } from './support.ts';

let p: RotationSandbox;
before(async () => {
  p = await startRotationSandbox({ seed: 8 });
});
after(async () => {
  await p.close();
});

/** A WorkspaceApi whose rotate POST never answers: `forward` decides whether the request reaches the platform first (crash after vs before sending). */
function crashingApi(forward: boolean): { api: WorkspaceApi; sent: Promise<void> } {
  let markSent!: () => void;
  const sent = new Promise<void>((r) => (markSent = r));
  return {
    sent,
    api: {
      async call<T>(ws: string, req: PlatformCall<T>) {
        if (req.method === 'POST' && req.path.endsWith('/rotate')) {
          if (forward) await p.api.call(ws, req);
          markSent();
          return new Promise<never>(() => {}); // the process "dies" before the response is persisted
        }
        return p.api.call(ws, req);
      },
    },
  };
}

function withApi(dataDir: string, api: WorkspaceApi) {
  return startRotationApp({ ...p, api }, { dataDir });
}

test('crash after the rotate POST reached the platform: resume adopts it, re-issues the secret, never rotates the key twice', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'grantdesk-rotation-resume-'));
  try {
    const ws = p.sb.workspaces[0]!;
    const old = await arrangeKey(p, ws.id);
    const crash = crashingApi(true);
    const a = withApi(dataDir, crash.api);
    let w = await a.call('rotation.start', { workspace: ws.id, keyId: old.id, graceDays: 5 });
    w = (await a.call('rotation.advance', { wizardId: w.id, action: 'review' })).wizard;
    void a.callResult('rotation.advance', { wizardId: w.id, action: 'rotate' });
    await crash.sent;
    await a.close({ keepDir: true });

    const b = startRotationApp(p, { dataDir });
    try {
      const st = await b.call('rotation.status', { wizardId: w.id });
      const resumed = st.wizards[0]!;
      assert.equal(resumed.step, 'rotated', 'lands on the step after the rotation');
      assert.equal(resumed.secretLost, true);
      assert.deepEqual(resumed.next, ['rotate']);
      let creds = await p.credentials(ws.id);
      const first = creds.filter((c) => c.rotated_from === old.id);
      assert.equal(first.length, 1, 'exactly one rotation of the key');
      assert.equal(resumed.newKeyId, first[0]!.id);
      // start on the same key resumes, does not rotate
      assert.equal((await b.call('rotation.start', { workspace: ws.id, keyId: old.id })).id, w.id);
      // acknowledge is refused: nobody ever saw that secret
      assert.equal((await b.callResult('rotation.advance', { wizardId: w.id, action: 'acknowledge' })).error?.code, 'conflict');
      // re-issue: rotates the never-shown key with grace 0; the original key's rotation stays single
      const again = await b.call('rotation.advance', { wizardId: w.id, action: 'rotate' });
      assert.ok(again.secret);
      assert.equal(again.wizard.step, 'rotated');
      assert.equal(again.wizard.secretLost, false);
      creds = await p.credentials(ws.id);
      assert.equal(creds.filter((c) => c.rotated_from === old.id).length, 1);
      assert.equal(creds.filter((c) => c.rotated_from === first[0]!.id).length, 1);
      assert.equal(again.wizard.graceEndsAt, creds.find((c) => c.id === old.id)!.grace_ends_at, 'the old key keeps its grace');
      assert.equal((await p.withBearer(old.secret, '/v1/workspace')).status, 200, 'old key still in grace');
      await b.call('rotation.advance', { wizardId: w.id, action: 'acknowledge' });
      const v = await b.call('rotation.advance', { wizardId: w.id, action: 'verify' });
      assert.equal(v.wizard.step, 'verified');
      assert.equal(v.wizard.verification!.method, 'direct');
      assert.equal((await p.withBearer(again.secret!, '/v1/workspace')).status, 200);
    } finally {
      await b.close({ keepDir: true });
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('crash before the POST left: resume goes back to the reviewed step and one rotate rotates once', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'grantdesk-rotation-resume-'));
  try {
    const ws = p.sb.workspaces[1]!;
    const old = await arrangeKey(p, ws.id);
    const crash = crashingApi(false);
    const a = withApi(dataDir, crash.api);
    let w = await a.call('rotation.start', { workspace: ws.id, keyId: old.id });
    w = (await a.call('rotation.advance', { wizardId: w.id, action: 'review' })).wizard;
    void a.callResult('rotation.advance', { wizardId: w.id, action: 'rotate' });
    await crash.sent;
    await a.close({ keepDir: true });

    const b = startRotationApp(p, { dataDir });
    try {
      const resumed = (await b.call('rotation.status', { wizardId: w.id })).wizards[0]!;
      assert.equal(resumed.step, 'reviewed');
      assert.equal((await p.credentials(ws.id)).filter((c) => c.rotated_from === old.id).length, 0);
      const r = await b.call('rotation.advance', { wizardId: w.id, action: 'rotate' });
      assert.ok(r.secret);
      assert.equal((await p.credentials(ws.id)).filter((c) => c.rotated_from === old.id).length, 1);
    } finally {
      await b.close({ keepDir: true });
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('restart after the secret was shown: lands on acknowledge, verifies by platform metadata, never shows the secret again', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'grantdesk-rotation-resume-'));
  try {
    const ws = p.sb.workspaces[2]!;
    const old = await arrangeKey(p, ws.id);
    const a = startRotationApp(p, { dataDir });
    let w = await a.call('rotation.start', { workspace: ws.id, keyId: old.id });
    w = (await a.call('rotation.advance', { wizardId: w.id, action: 'review' })).wizard;
    const r = await a.call('rotation.advance', { wizardId: w.id, action: 'rotate' });
    const secret = r.secret!;
    // a second rotate on the same wizard is refused (conditional step change)
    assert.equal((await a.callResult('rotation.advance', { wizardId: w.id, action: 'rotate' })).error?.code, 'conflict');
    await a.close({ keepDir: true });

    const b = startRotationApp(p, { dataDir });
    try {
      const resumed = (await b.call('rotation.status', { wizardId: w.id })).wizards[0]!;
      assert.equal(resumed.step, 'rotated');
      assert.equal(resumed.secretInMemory, false);
      assert.deepEqual(resumed.next, ['acknowledge']);
      await b.call('rotation.advance', { wizardId: w.id, action: 'acknowledge' });
      const v = await b.call('rotation.advance', { wizardId: w.id, action: 'verify' });
      assert.equal(v.wizard.step, 'verified');
      assert.equal(v.wizard.verification!.method, 'metadata');
      assert.equal(v.secret, null);
      assert.equal((await p.credentials(ws.id)).filter((c) => c.rotated_from === old.id).length, 1);
      assert.ok(!JSON.stringify(v).includes(secret));
    } finally {
      await b.close({ keepDir: true });
    }
    assert.ok(!b.allBytes().includes(secret));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
