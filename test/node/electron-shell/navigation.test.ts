// The Electron shell's security policy and wiring, in plain Node (split from test/node/electron-shell.test.ts by responsibility):
// the navigation guard (URL parser, not prefixes) and the hardening every webContents gets (navigation, webviews, window.open).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { APP_ORIGIN, denyWindowOpen, guardNavigation, hardenWebContents, isAppUrl, type WebContentsLike } from '../../../src-main/electron/security.ts';
import { fakeEvent } from './fakes.ts';

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
