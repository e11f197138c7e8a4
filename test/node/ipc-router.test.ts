// The IPC router without Electron: a fake IpcMainLike records handlers; we call them with fake events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMAND_NAMES } from '../../src-common/contract/index.ts';
import { channelFor, registerIpc, type IpcInvokeEventLike, type IpcMainLike } from '../../src-main/rpc/ipc-router.ts';
import { createTempRuntime } from '../support/temp-runtime.ts';

function fakeIpc() {
  const handlers = new Map<string, (e: IpcInvokeEventLike, ...a: unknown[]) => Promise<unknown>>();
  const ipc: IpcMainLike = {
    handle: (c, l) => void handlers.set(c, l),
    removeHandler: (c) => void handlers.delete(c),
  };
  return { ipc, handlers };
}
const policy = { appOrigin: 'app://grantdesk', isKnownWebContents: (id: number) => id === 1 };
const good: IpcInvokeEventLike = { sender: { id: 1 }, senderFrame: { url: 'app://grantdesk/index.html#/settings', parent: null } };

test('registers exactly one channel per contract command and unregisters them', () => {
  const t = createTempRuntime();
  const { ipc, handlers } = fakeIpc();
  const off = registerIpc(ipc, t.runtime.dispatcher, policy);
  assert.deepEqual([...handlers.keys()].sort(), COMMAND_NAMES.map(channelFor).sort());
  off();
  assert.equal(handlers.size, 0);
  return t.close();
});

test('trusted top frame of a known window gets results; untrusted senders get forbidden_sender', async () => {
  const t = createTempRuntime();
  try {
    const { ipc, handlers } = fakeIpc();
    registerIpc(ipc, t.runtime.dispatcher, policy);
    const h = handlers.get(channelFor('app.health'))!;
    const ok = (await h(good, {})) as { ok: boolean; value: { transport: string } };
    assert.equal(ok.ok, true);
    assert.equal(ok.value.transport, 'ipc');
    const bad: IpcInvokeEventLike[] = [
      { sender: { id: 2 }, senderFrame: good.senderFrame }, // unknown window
      { sender: { id: 1 }, senderFrame: { url: 'app://grantdesk/', parent: {} } }, // sub-frame
      { sender: { id: 1 }, senderFrame: { url: 'app://evil/', parent: null } },
      { sender: { id: 1 }, senderFrame: { url: 'app://grantdesk.evil/', parent: null } },
      { sender: { id: 1 }, senderFrame: { url: 'https://grantdesk/', parent: null } },
      { sender: { id: 1 }, senderFrame: { url: 'not a url', parent: null } },
      { sender: { id: 1 }, senderFrame: null },
    ];
    for (const e of bad) {
      const r = (await h(e, {})) as { ok: boolean; error: { code: string } };
      assert.equal(r.ok, false);
      assert.equal(r.error.code, 'forbidden_sender', JSON.stringify(e.senderFrame));
    }
    const extraArgs = (await h(good, {}, 'second')) as { ok: boolean; error: { code: string } };
    assert.equal(extraArgs.error.code, 'invalid_input');
    const badPayload = (await handlers.get(channelFor('settings.set'))!(good, { theme: 42 })) as { ok: boolean; error: { code: string } };
    assert.equal(badPayload.error.code, 'invalid_input');
  } finally {
    await t.close();
  }
});
