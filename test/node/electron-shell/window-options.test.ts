// The Electron shell's security policy and wiring, in plain Node (split from test/node/electron-shell.test.ts by responsibility):
// the BrowserWindow's webPreferences and window options.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildWebPreferences, buildWindowOptions } from '../../../src-main/electron/security.ts';

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
