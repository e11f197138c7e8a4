// The Electron shell's security policy and wiring, in plain Node (split from test/node/electron-shell.test.ts by responsibility):
// permission handlers deny everything; renderer network requests are cancelled.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BLOCKED_RENDERER_URLS, denyPermissionCheck, denyPermissionRequest, hardenSession, type SessionLike } from '../../../src-main/electron/security.ts';

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
