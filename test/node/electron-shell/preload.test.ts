// The Electron shell's security policy and wiring, in plain Node (split from test/node/electron-shell.test.ts by responsibility):
// the preload exposes named methods only, one per contract command and event.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMAND_NAMES, EVENT_NAMES, methodName } from '../../../src-common/contract/index.ts';
import { eventMethodName } from '../../../src-common/contract/api.ts';
import { eventChannelFor } from '../../../src-main/electron/channels.ts';
import { API_KEY, createPreloadApi, exposeGrantdeskApi } from '../../../src-preload/api.ts';
import { fakeIpcRenderer } from './fakes.ts';

describe('preload: named methods only', () => {
  test('exposes exactly one function per contract command and event on window.grantdesk', () => {
    const exposed: Array<[string, unknown]> = [];
    const { ipc } = fakeIpcRenderer();
    exposeGrantdeskApi({ exposeInMainWorld: (k, v) => void exposed.push([k, v]) }, ipc);
    assert.equal(exposed.length, 1);
    const [key, api] = exposed[0]!;
    assert.equal(key, API_KEY);
    assert.equal(key, 'grantdesk');
    const expected = [...COMMAND_NAMES.map(methodName), ...EVENT_NAMES.map(eventMethodName)].sort();
    const keys = Object.keys(api as object).sort();
    assert.deepEqual(keys, expected);
    for (const k of keys) assert.equal(typeof (api as Record<string, unknown>)[k], 'function', k);
    for (const banned of ['invoke', 'send', 'on', 'off', 'once', 'ipcRenderer', 'process', 'env', 'require', 'electron']) {
      assert.equal(banned in (api as object), false, banned);
    }
    assert.ok(Object.isFrozen(api));
  });
  test('each method invokes grantdesk:<command> with exactly one payload argument', async () => {
    const { ipc, invocations } = fakeIpcRenderer();
    const api = createPreloadApi(ipc) as unknown as Record<string, (input?: unknown) => Promise<unknown>>;
    for (const name of COMMAND_NAMES) {
      await api[methodName(name)]!({ probe: name });
      await api[methodName(name)]!();
    }
    assert.equal(invocations.length, COMMAND_NAMES.length * 2);
    COMMAND_NAMES.forEach((name, i) => {
      assert.deepEqual(invocations[i * 2], { channel: `grantdesk:${name}`, args: [{ probe: name }] });
      assert.deepEqual(invocations[i * 2 + 1], { channel: `grantdesk:${name}`, args: [{}] });
    });
  });
  test('subscriptions pass only the payload (never the IpcRendererEvent) and unsubscribe cleanly', () => {
    const { ipc, listeners, emit } = fakeIpcRenderer();
    const api = createPreloadApi(ipc) as unknown as Record<string, (l: (...a: unknown[]) => void) => () => void>;
    for (const name of EVENT_NAMES) {
      const channel = eventChannelFor(name);
      assert.equal(channel, `grantdesk:event:${name}`);
      const received: unknown[][] = [];
      const off = api[eventMethodName(name)]!((...args) => received.push(args));
      const ipcEvent = { sender: { send() {} }, ports: [], senderId: 0 };
      emit(channel, ipcEvent, { n: 1 });
      assert.deepEqual(received, [[{ n: 1 }]]);
      assert.notEqual(received[0]![0], ipcEvent);
      off();
      assert.equal(listeners.get(channel)?.size ?? 0, 0);
      emit(channel, ipcEvent, { n: 2 });
      assert.equal(received.length, 1);
    }
  });
  test('a non-function listener is refused', () => {
    const api = createPreloadApi(fakeIpcRenderer().ipc) as unknown as Record<string, (l: unknown) => unknown>;
    assert.throws(() => api[eventMethodName(EVENT_NAMES[0]!)]!('not a function'), TypeError);
  });
});
