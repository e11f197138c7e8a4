// The Electron shell's security policy and wiring, in plain Node (split from test/node/electron-shell.test.ts by responsibility):
// Electron's userData is the CLI's data dir; where the Electron-ABI native modules are loaded from.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { resolveDataDir } from '../../../src-main/adapters/data-dir.ts';
import { alignDataDir, electronNativeDir, electronNativeModules } from '../../../src-main/electron/wiring.ts';

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
