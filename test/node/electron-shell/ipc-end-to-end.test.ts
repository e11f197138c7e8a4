// The Electron shell's security policy and wiring, in plain Node (split from test/node/electron-shell.test.ts by responsibility):
// IPC end to end (preload -> fake ipcRenderer -> fake ipcMain -> registerIpc -> dispatcher) with sender checks, and
// bus events main -> windows.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMAND_NAMES, type CallResult, type Health } from '../../../src-common/contract/index.ts';
import { createDispatcher } from '../../../src-main/rpc/dispatcher.ts';
import type { Handlers } from '../../../src-main/rpc/handlers.ts';
import { registerIpc, type IpcInvokeEventLike, type IpcMainLike } from '../../../src-main/rpc/ipc-router.ts';
import { createEventBus } from '../../../src-main/services/event-bus.ts';
import { createWindowRegistry, forwardEvents, type WindowLike } from '../../../src-main/electron/wiring.ts';
import { createPreloadApi } from '../../../src-preload/api.ts';
import { fakeIpcRenderer } from './fakes.ts';

describe('IPC end to end: preload -> ipcMain -> registerIpc -> dispatcher', () => {
  const health: Health = {
    version: '0.0.0-test',
    dataDir: '/tmp/x',
    keychain: { backend: 'memory-session', state: 'session-only', detail: 'test', remedy: null },
    online: true,
    reviewMode: false,
    transport: 'ipc',
  };
  const silent = { info() {}, warn() {}, error() {} };
  const handlers = { 'app.health': async () => health } as unknown as Handlers;
  const dispatcher = createDispatcher(handlers, { isReadOnly: () => false, logger: silent });

  function setup(frame: { url: string; parent: unknown } | null, senderId: number) {
    const registered = new Map<string, (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
    const ipcMain: IpcMainLike = {
      handle: (c, l) => void registered.set(c, l),
      removeHandler: (c) => void registered.delete(c),
    };
    const windows = createWindowRegistry<WindowLike>();
    windows.add({ isDestroyed: () => false, webContents: { id: 7, send() {} } });
    const unregister = registerIpc(ipcMain, dispatcher, windows.policy);
    const event: IpcInvokeEventLike = { senderFrame: frame, sender: { id: senderId } };
    const { ipc } = fakeIpcRenderer(async (channel, args) => {
      const h = registered.get(channel);
      if (!h) throw new Error(`No handler registered for '${channel}'`);
      return h(event, ...args);
    });
    return { api: createPreloadApi(ipc), registered, unregister, ipc };
  }
  const top = { url: 'app://grantdesk/index.html', parent: null };

  test('the app window top frame gets a validated result', async () => {
    const { api, registered } = setup(top, 7);
    assert.deepEqual([...registered.keys()].sort(), COMMAND_NAMES.map((n) => `grantdesk:${n}`).sort());
    const r = (await api.appHealth({})) as CallResult<Health>;
    assert.deepEqual(r, { ok: true, value: health });
  });
  test('invalid payloads come back as invalid_input', async () => {
    const { api } = setup(top, 7);
    const r = await (api.appHealth as (i: unknown) => Promise<CallResult<unknown>>)({ extra: 1 });
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.code, 'invalid_input');
  });
  const forbidden: Array<[string, { url: string; parent: unknown } | null, number]> = [
    ['unknown sender id', top, 99],
    ['sub-frame sender', { url: 'app://grantdesk/index.html', parent: {} }, 7],
    ['wrong origin (https)', { url: 'https://evil.example/', parent: null }, 7],
    ['look-alike origin', { url: 'app://grantdesk.evil/index.html', parent: null }, 7],
    ['credentials in origin', { url: 'app://grantdesk@evil/', parent: null }, 7],
    ['file origin', { url: 'file:///index.html', parent: null }, 7],
    ['no sender frame', null, 7],
  ];
  for (const [label, frame, id] of forbidden) {
    test(`${label} -> forbidden_sender`, async () => {
      const { api } = setup(frame, id);
      const r = (await api.appHealth({})) as CallResult<Health>;
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.error.code, 'forbidden_sender');
    });
  }
  test('a destroyed window is no longer a known sender; unregister removes every channel', async () => {
    const registered = new Map<string, unknown>();
    const ipcMain: IpcMainLike = { handle: (c, l) => void registered.set(c, l), removeHandler: (c) => void registered.delete(c) };
    let destroyed = false;
    const windows = createWindowRegistry<WindowLike>();
    windows.add({ isDestroyed: () => destroyed, webContents: { id: 7, send() {} } });
    const unregister = registerIpc(ipcMain, dispatcher, windows.policy);
    assert.equal(windows.policy.isKnownWebContents(7), true);
    destroyed = true;
    assert.equal(windows.policy.isKnownWebContents(7), false);
    unregister();
    assert.equal(registered.size, 0);
  });
});

describe('events main -> windows', () => {
  test('bus events reach live windows on grantdesk:event:<name>, never destroyed ones', () => {
    const bus = createEventBus();
    const sent: Array<[number, string, unknown[]]> = [];
    const win = (id: number, destroyed: boolean): WindowLike => ({
      isDestroyed: () => destroyed,
      webContents: { id, send: (c, ...a) => void sent.push([id, c, a]) },
    });
    const stop = forwardEvents(bus, () => [win(1, false), win(2, true)]);
    bus.emit('state.changed', { topic: 'settings', workspaceId: null });
    assert.deepEqual(sent, [[1, 'grantdesk:event:state.changed', [{ topic: 'settings', workspaceId: null }]]]);
    stop();
    bus.emit('state.changed', { topic: 'health', workspaceId: null });
    assert.equal(sent.length, 1);
  });
});
