// Packaging without the Electron binary: the afterPack hook flips the required fuses (on a fake binary carrying
// Electron's fuse sentinel), the electron-builder config, and the promise that `npm install` never downloads Electron.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import afterPack from '../../build/after-pack.mjs';
import { grantdeskFuseConfig, packedElectronPath } from '../../build/fuses.mjs';
import { findElectronBinary } from '../../build/electron-binary.mjs';

const root = join(import.meta.dirname, '..', '..');
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/** A stand-in executable: junk, the sentinel, version 1, a 9-fuse wire with every fuse enabled, junk. */
function fakeElectron(path: string): void {
  const wire = Buffer.alloc(9, FuseState.ENABLE);
  writeFileSync(path, Buffer.concat([Buffer.alloc(4096, 0x41), Buffer.from(SENTINEL), Buffer.from([1, 9]), wire, Buffer.alloc(4096, 0x42)]));
}

describe('fuses (build/after-pack.mjs)', () => {
  test('the afterPack hook flips the required fuses on the packed Linux executable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grantdesk-fuses-'));
    try {
      fakeElectron(join(dir, 'grantdesk'));
      await afterPack({
        electronPlatformName: 'linux',
        arch: 1,
        appOutDir: dir,
        packager: { appInfo: { productFilename: 'Grantdesk' }, executableName: 'grantdesk' },
      });
      const wire = await getCurrentFuseWire(join(dir, 'grantdesk'));
      assert.equal(wire[FuseV1Options.RunAsNode], FuseState.DISABLE);
      assert.equal(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable], FuseState.DISABLE);
      assert.equal(wire[FuseV1Options.EnableNodeCliInspectArguments], FuseState.DISABLE);
      assert.equal(wire[FuseV1Options.OnlyLoadAppFromAsar], FuseState.ENABLE);
      assert.equal(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation], FuseState.ENABLE);
      assert.equal(wire[FuseV1Options.EnableCookieEncryption], FuseState.ENABLE);
      assert.equal(wire[FuseV1Options.GrantFileProtocolExtraPrivileges], FuseState.DISABLE);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('config and executable paths per platform', () => {
    const c = grantdeskFuseConfig({ platform: 'darwin', arch: 'arm64' }) as unknown as Record<string | number, unknown>;
    assert.equal(c[FuseV1Options.RunAsNode], false);
    assert.equal(c[FuseV1Options.OnlyLoadAppFromAsar], true);
    assert.equal(c.resetAdHocDarwinSignature, true);
    const base = { appOutDir: '/o', productFilename: 'Grantdesk', executableName: 'grantdesk' };
    assert.equal(packedElectronPath({ ...base, platform: 'linux' }), join('/o', 'grantdesk'));
    assert.equal(packedElectronPath({ ...base, platform: 'win32' }), join('/o', 'Grantdesk.exe'));
    assert.equal(packedElectronPath({ ...base, platform: 'darwin' }), join('/o', 'Grantdesk.app'));
  });
});

describe('electron-builder config and npm scripts', () => {
  const yml = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string>; devDependencies: Record<string, string> };
  test('asar, product name, built files only, fuses hook, no in-place native rebuild', () => {
    for (const line of ['appId: dev.grantdesk.desktop', 'productName: Grantdesk', 'asar: true', '  - out/**', 'npmRebuild: false', 'afterPack: ./build/after-pack.mjs']) {
      assert.ok(yml.split('\n').includes(line), line);
    }
  });
  test('no install-time native rebuild or Electron download; package script exists', () => {
    for (const hook of ['preinstall', 'install', 'postinstall']) {
      assert.equal(pkg.scripts[hook], undefined, hook);
    }
    // `prepare` builds the CLI bundle (esbuild, pure JS: issue 15.3) and nothing else: no native rebuild, no Electron
    assert.equal(pkg.scripts.prepare, 'node scripts/build-cli.mjs --if-stale', 'prepare only builds the CLI');
    const buildCli = readFileSync(join(root, 'scripts', 'build-cli.mjs'), 'utf8');
    assert.doesNotMatch(buildCli, /['"]electron['"/]|node-gyp|prebuild-install|electron-rebuild|@electron\/rebuild/, 'the CLI build touches no native module and no Electron');
    assert.match(pkg.scripts.package ?? '', /electron-builder/);
    assert.match(pkg.scripts.package ?? '', /rebuild-native/);
    assert.equal(pkg.scripts.start, 'node scripts/start.mjs');
    // electron >= 36 has no install script: the binary is fetched on first use, so `npm install` exits 0 offline
    const electronPkg = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { scripts?: Record<string, string>; version: string };
    assert.equal(electronPkg.scripts?.postinstall, undefined);
    assert.equal(electronPkg.scripts?.install, undefined);
    assert.ok(Number(electronPkg.version.split('.')[0]) >= 43, 'Electron on a supported major');
  });
  test('findElectronBinary never downloads: null without path.txt or dist, the path when both exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'grantdesk-electron-pkg-'));
    try {
      assert.equal(findElectronBinary({}, dir), null);
      writeFileSync(join(dir, 'path.txt'), 'electron');
      assert.equal(findElectronBinary({}, dir), null);
      mkdirSync(join(dir, 'dist'));
      writeFileSync(join(dir, 'dist', 'electron'), '');
      assert.equal(findElectronBinary({}, dir), join(dir, 'dist', 'electron'));
      const override = mkdtempSync(join(tmpdir(), 'grantdesk-electron-override-'));
      writeFileSync(join(override, 'electron'), '');
      assert.equal(findElectronBinary({ ELECTRON_OVERRIDE_DIST_PATH: override }, dir), join(override, 'electron'));
      rmSync(override, { recursive: true, force: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
