// The Electron shell's security policy and wiring, in plain Node: webPreferences, navigation and window-open guards,
// permission handlers, the https-only opener, the app:// protocol (traversal, CSP), the preload's exposed API, and IPC
// end to end (preload -> fake ipcRenderer -> fake ipcMain -> registerIpc -> dispatcher) with sender checks.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, isAbsolute } from 'node:path';
import { COMMAND_NAMES, EVENT_NAMES, methodName, type CallResult, type Health } from '../../src-common/contract/index.ts';
import { eventMethodName } from '../../src-common/contract/api.ts';
import { resolveDataDir } from '../../src-main/adapters/data-dir.ts';
import { createDispatcher } from '../../src-main/rpc/dispatcher.ts';
import type { Handlers } from '../../src-main/rpc/handlers.ts';
import { registerIpc, type IpcInvokeEventLike, type IpcMainLike } from '../../src-main/rpc/ipc-router.ts';
import { AppError } from '../../src-main/rpc/app-error.ts';
import { createEventBus } from '../../src-main/services/event-bus.ts';
import { createAppProtocolHandler, resolveAppPath, responseHeaders, APP_SCHEME_PRIVILEGES } from '../../src-main/electron/protocol.ts';
import {
  APP_CSP,
  APP_ORIGIN,
  BLOCKED_RENDERER_URLS,
  buildWebPreferences,
  buildWindowOptions,
  denyPermissionCheck,
  denyPermissionRequest,
  denyWindowOpen,
  guardNavigation,
  hardenSession,
  hardenWebContents,
  isAppUrl,
  openExternalUrl,
  type NavigationEventLike,
  type SessionLike,
  type WebContentsLike,
} from '../../src-main/electron/security.ts';
import { createElectronOpener } from '../../src-main/electron/shell.ts';
import { alignDataDir, createWindowRegistry, electronNativeDir, electronNativeModules, forwardEvents, type WindowLike } from '../../src-main/electron/wiring.ts';
import { eventChannelFor } from '../../src-main/electron/channels.ts';
import { API_KEY, createPreloadApi, exposeGrantdeskApi, type IpcRendererLike } from '../../src-preload/api.ts';

const REQUIRED_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function fakeEvent(url?: string): NavigationEventLike & { prevented: boolean } {
  const e = {
    prevented: false,
    ...(url === undefined ? {} : { url }),
    preventDefault() {
      e.prevented = true;
    },
  };
  return e;
}

describe('webPreferences', () => {
  test('sandboxed, isolated, no Node, web security on, no webview, no insecure content', () => {
    const p = buildWebPreferences('/app/out/preload/index.cjs');
    assert.equal(p.sandbox, true);
    assert.equal(p.contextIsolation, true);
    assert.equal(p.nodeIntegration, false);
    assert.equal(p.nodeIntegrationInWorker, false);
    assert.equal(p.nodeIntegrationInSubFrames, false);
    assert.equal(p.webSecurity, true);
    assert.equal(p.webviewTag, false);
    assert.equal(p.allowRunningInsecureContent, false);
    assert.equal(p.experimentalFeatures, false);
    assert.equal(p.navigateOnDragDrop, false);
    assert.equal(p.devTools, false);
    assert.equal(p.disableBlinkFeatures, 'Auxclick');
    assert.equal(p.preload, '/app/out/preload/index.cjs');
    assert.equal('enableBlinkFeatures' in p, false);
  });
  test('the window options carry exactly those preferences and start hidden', () => {
    const o = buildWindowOptions('/p.cjs');
    assert.deepEqual(o.webPreferences, buildWebPreferences('/p.cjs'));
    assert.equal(o.show, false);
  });
});

describe('navigation guard (URL parser, not prefixes)', () => {
  const allowed = ['app://grantdesk/index.html', 'app://grantdesk/', 'app://grantdesk/assets/x.js?v=1#top'];
  const denied = [
    'app://grantdesk.evil/',
    'app://grantdesk.evil/index.html',
    'app://evil/',
    'app://evil/grantdesk',
    'app://grantdesk@evil/',
    'app://user:pw@grantdesk/',
    'app://grantdesk:8080/',
    'https://grantdesk/',
    'https://example.com/',
    'http://127.0.0.1:8080/',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'data:text/html,<script>1</script>',
    'about:blank',
    'appx://grantdesk/',
    'not a url',
    '',
  ];
  for (const url of allowed) {
    test(`allows ${url}`, () => {
      const e = fakeEvent(url);
      assert.equal(guardNavigation(e), true);
      assert.equal(e.prevented, false);
    });
  }
  for (const url of denied) {
    test(`denies ${JSON.stringify(url)}`, () => {
      const e = fakeEvent(url);
      assert.equal(guardNavigation(e), false);
      assert.equal(e.prevented, true);
      // older signature: url as the 2nd argument
      const e2 = fakeEvent();
      assert.equal(guardNavigation(e2, url), false);
      assert.equal(e2.prevented, true);
    });
  }
  test('isAppUrl refuses non-strings', () => {
    for (const v of [undefined, null, 42, {}, ['app://grantdesk/']]) assert.equal(isAppUrl(v), false);
    assert.equal(APP_ORIGIN, 'app://grantdesk');
  });
});

describe('every webContents is hardened', () => {
  function fakeContents() {
    const listeners = new Map<string, (...args: unknown[]) => void>();
    let openHandler: (() => unknown) | null = null;
    const contents = {
      on(event: string, listener: (...args: unknown[]) => void) {
        listeners.set(event, listener);
        return contents;
      },
      setWindowOpenHandler(h: () => unknown) {
        openHandler = h;
      },
    };
    hardenWebContents(contents as unknown as WebContentsLike);
    return { listeners, openHandler: () => openHandler };
  }
  test('will-navigate, will-frame-navigate and will-redirect deny foreign origins, allow the app', () => {
    const { listeners } = fakeContents();
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      const l = listeners.get(name);
      assert.ok(l, `${name} listener installed`);
      const evil = fakeEvent('https://evil.example/');
      l(evil, 'https://evil.example/');
      assert.equal(evil.prevented, true, name);
      const ok = fakeEvent('app://grantdesk/index.html');
      l(ok, 'app://grantdesk/index.html');
      assert.equal(ok.prevented, false, name);
    }
  });
  test('webviews are never attached', () => {
    const { listeners } = fakeContents();
    const e = fakeEvent();
    listeners.get('will-attach-webview')!(e);
    assert.equal(e.prevented, true);
  });
  test('window.open is denied', () => {
    const { openHandler } = fakeContents();
    const h = openHandler();
    assert.ok(h);
    assert.deepEqual(h(), { action: 'deny' });
    assert.deepEqual(denyWindowOpen(), { action: 'deny' });
  });
});

describe('permissions and renderer network', () => {
  test('request and check handlers deny everything', () => {
    for (const perm of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal', 'fullscreen']) {
      let granted: boolean | null = null;
      denyPermissionRequest({}, perm, (g) => (granted = g));
      assert.equal(granted, false, perm);
    }
    assert.equal(denyPermissionCheck(), false);
  });
  test('hardenSession installs the deny handlers and cancels every http(s)/ws(s) request from renderers', () => {
    const installed: Record<string, unknown> = {};
    let filter: string[] = [];
    let onBefore: ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void) | null = null;
    const session: SessionLike = {
      setPermissionRequestHandler: (h) => (installed.request = h),
      setPermissionCheckHandler: (h) => (installed.check = h),
      setDevicePermissionHandler: (h) => (installed.device = h),
      webRequest: {
        onBeforeRequest: (f, l) => {
          filter = f.urls;
          onBefore = l;
        },
      },
    };
    hardenSession(session);
    assert.equal(installed.request, denyPermissionRequest);
    assert.equal(installed.check, denyPermissionCheck);
    assert.equal((installed.device as () => boolean)(), false);
    assert.deepEqual(filter, BLOCKED_RENDERER_URLS);
    let response: { cancel: boolean } | null = null;
    onBefore!({ url: 'https://example.com/x' }, (r) => (response = r));
    assert.deepEqual(response, { cancel: true });
  });
});

describe('openExternalUrl: main only, https only', () => {
  const mustNotOpen = async () => {
    throw new Error('open must not be called for a refused URL');
  };
  const refused: Array<[unknown, string]> = [
    ['http://example.com/', 'not_https'],
    ['file:///etc/passwd', 'not_https'],
    ['javascript:alert(1)', 'not_https'],
    ['smb://attacker/share', 'not_https'],
    ['ms-msdt:/id PCWDiagnostic', 'not_https'],
    ['app://grantdesk/index.html', 'not_https'],
    ['data:text/html,hi', 'not_https'],
    ['https://user:secret@example.com/', 'has_credentials'],
    ['not a url', 'malformed'],
    ['https://', 'malformed'],
    ['', 'malformed'],
    [`https://example.com/${'a'.repeat(3000)}`, 'too_long'],
    [42, 'not_a_string'],
    [null, 'not_a_string'],
    [undefined, 'not_a_string'],
    [{ toString: () => 'https://example.com' }, 'not_a_string'],
  ];
  for (const [value, reason] of refused) {
    test(`refuses ${typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value)} (${reason})`, async () => {
      let called = false;
      const r = await openExternalUrl(value, async (u) => {
        called = true;
        await mustNotOpen();
        return void u;
      });
      assert.deepEqual(r, { ok: false, reason });
      assert.equal(called, false);
    });
  }
  test('opens https URLs, normalized by the URL parser', async () => {
    const opened: string[] = [];
    const r = await openExternalUrl('  https://Example.com/a b?x=1  ', async (u) => void opened.push(u));
    assert.deepEqual(r, { ok: true, url: 'https://example.com/a%20b?x=1' });
    assert.deepEqual(opened, ['https://example.com/a%20b?x=1']);
  });
  test('a failing open is reported as data, not thrown', async () => {
    const r = await openExternalUrl('https://example.com/', async () => {
      throw new Error('no browser');
    });
    assert.deepEqual(r, { ok: false, reason: 'open_failed' });
  });
  test('the services Opener built on shell.openExternal throws a typed error for non-https and never calls shell', async () => {
    const calls: string[] = [];
    const opener = createElectronOpener({ openExternal: async (u: string) => void calls.push(u) });
    await assert.rejects(opener('http://example.com/'), (e: unknown) => e instanceof AppError && e.code === 'invalid_input');
    await opener('https://example.com/consent');
    assert.deepEqual(calls, ['https://example.com/consent']);
  });
});

describe('app:// protocol', () => {
  const base = mkdtempSync(join(tmpdir(), 'grantdesk-proto-'));
  const root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  mkdirSync(join(base, 'renderer-evil'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(base, 'secret.txt'), 'SECRET-CANARY');
  writeFileSync(join(base, 'renderer-evil', 'x.js'), 'SECRET-CANARY');
  const reads: string[] = [];
  const handler = createAppProtocolHandler({
    rootDir: root,
    readFile: async (f) => {
      reads.push(f);
      return readFileSync(f);
    },
  });
  const get = (url: string, method = 'GET') => handler({ url, method });

  test('serves index.html for / with the CSP and nosniff', async () => {
    const r = await get('app://grantdesk/');
    assert.equal(r.status, 200);
    assert.match(await r.text(), /id="root"/);
    assert.equal(r.headers.get('content-security-policy'), REQUIRED_CSP);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
  });
  test('serves assets with their type and the CSP', async () => {
    const r = await get('app://grantdesk/assets/app.js');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal(r.headers.get('content-security-policy'), REQUIRED_CSP);
  });
  test('the CSP constant, the header and the required policy are one string (no unsafe-inline/eval)', () => {
    assert.equal(APP_CSP, REQUIRED_CSP);
    assert.equal(responseHeaders('text/plain')['Content-Security-Policy'], REQUIRED_CSP);
    assert.doesNotMatch(APP_CSP, /unsafe-/);
  });
  const traversal: Array<[string, number[]]> = [
    ['app://grantdesk/../secret.txt', [404]], // the URL parser collapses ../ before we see it: stays inside root
    ['app://grantdesk/%2e%2e/secret.txt', [404]],
    ['app://grantdesk/..%2fsecret.txt', [403]],
    ['app://grantdesk/..%2F..%2Fsecret.txt', [403]],
    ['app://grantdesk/assets/..%2f..%2fsecret.txt', [403]],
    ['app://grantdesk/..%2frenderer-evil%2fx.js', [403]],
    ['app://grantdesk/%2e%2e%2fsecret.txt', [403]],
    ['app://grantdesk/..%5csecret.txt', [400]],
    ['app://grantdesk/index.html%00.js', [400]],
    ['app://grantdesk/%E0%A4%A', [400]],
    ['app://grantdesk/%2fetc%2fpasswd', [404]],
    ['app://evil/index.html', [403]],
    ['app://grantdesk.evil/index.html', [403]],
    ['app://grantdesk@evil/index.html', [403]],
    ['app://grantdesk:99/index.html', [403]],
    ['https://grantdesk/index.html', [403]],
    ['::not a url::', [400]],
  ];
  for (const [url, statuses] of traversal) {
    test(`refuses ${url}`, async () => {
      const r = await get(url);
      assert.ok(statuses.includes(r.status), `${url} -> ${r.status}`);
      const body = await r.text();
      assert.doesNotMatch(body, /SECRET-CANARY/);
      assert.equal(r.headers.get('content-security-policy'), REQUIRED_CSP);
    });
  }
  test('resolveAppPath never yields a file outside the root', () => {
    for (const [url] of traversal) {
      const r = resolveAppPath(root, url);
      if (r.ok) {
        const rel = relative(root, r.file);
        assert.ok(!rel.startsWith('..') && !isAbsolute(rel), url);
      }
    }
  });
  test('only GET and HEAD', async () => {
    assert.equal((await get('app://grantdesk/index.html', 'POST')).status, 405);
    const head = await get('app://grantdesk/index.html', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });
  test('no read ever left the root', () => {
    assert.ok(reads.length > 0);
    for (const f of reads) {
      const rel = relative(root, f);
      assert.ok(!rel.startsWith('..') && !isAbsolute(rel), f);
    }
    rmSync(base, { recursive: true, force: true });
  });
  test('the scheme is standard and secure, without CSP bypass or service workers', () => {
    assert.equal(APP_SCHEME_PRIVILEGES.scheme, 'app');
    assert.equal(APP_SCHEME_PRIVILEGES.privileges.standard, true);
    assert.equal(APP_SCHEME_PRIVILEGES.privileges.secure, true);
    assert.equal(APP_SCHEME_PRIVILEGES.privileges.bypassCSP, false);
    assert.equal(APP_SCHEME_PRIVILEGES.privileges.allowServiceWorkers, false);
  });
});

type Listener = (event: unknown, ...args: unknown[]) => void;
function fakeIpcRenderer(invoke: (channel: string, args: unknown[]) => Promise<unknown> = async () => ({ ok: true, value: null })) {
  const listeners = new Map<string, Set<Listener>>();
  const invocations: Array<{ channel: string; args: unknown[] }> = [];
  const ipc: IpcRendererLike = {
    invoke: (channel, ...args) => {
      invocations.push({ channel, args });
      return invoke(channel, args);
    },
    on: (channel, l) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(l);
      listeners.set(channel, set);
    },
    removeListener: (channel, l) => {
      listeners.get(channel)?.delete(l);
    },
  };
  const emit = (channel: string, event: unknown, payload: unknown) => {
    for (const l of listeners.get(channel) ?? []) l(event, payload);
  };
  return { ipc, listeners, invocations, emit };
}

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

describe('data dir and native modules', () => {
  const fakeApp = (userData: string) => {
    const app = {
      userData,
      getPath: (_n: 'userData') => app.userData,
      setPath: (_n: 'userData', v: string) => void (app.userData = v),
    };
    return app;
  };
  test("userData for productName Grantdesk is the CLI's data dir", () => {
    const env = { XDG_CONFIG_HOME: '/home/u/.config' };
    const app = fakeApp('/home/u/.config/Grantdesk');
    assert.deepEqual(alignDataDir(app, env, 'linux'), { dataDir: resolveDataDir(env, 'linux'), consistent: true });
  });
  test('GRANTDESK_HOME moves userData with it', () => {
    const app = fakeApp('/home/u/.config/Grantdesk');
    assert.deepEqual(alignDataDir(app, { GRANTDESK_HOME: '/data/gd' }, 'linux'), { dataDir: '/data/gd', consistent: true });
  });
  test('a userData moved elsewhere is reported as inconsistent', () => {
    const app = fakeApp('/tmp/other');
    assert.equal(alignDataDir(app, { XDG_CONFIG_HOME: '/home/u/.config' }, 'linux').consistent, false);
  });
  test('Electron-ABI native modules: resources/native when packaged, build/native-electron in development', () => {
    assert.equal(electronNativeDir({ isPackaged: true, resourcesPath: '/opt/Grantdesk/resources', appPath: '/x' }), join('/opt/Grantdesk/resources', 'native'));
    assert.equal(electronNativeDir({ isPackaged: false, resourcesPath: '/r', appPath: '/src/grantdesk' }), join('/src/grantdesk', 'build', 'native-electron'));
    assert.deepEqual(electronNativeModules('/n', () => false), {});
    assert.deepEqual(electronNativeModules('/n', () => true), { betterSqlite3: join('/n', 'better_sqlite3.node'), keytar: join('/n', 'keytar.node') });
  });
});
