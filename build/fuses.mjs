// The fuses every packaged Grantdesk ships with, and where the Electron executable sits in electron-builder's output.
// Used by build/after-pack.mjs; asserted by test/node/electron-packaging.test.ts against a fake binary.
import { join } from 'node:path';
import { FuseV1Options, FuseVersion } from '@electron/fuses';

export function grantdeskFuseConfig({ platform, arch }) {
  return {
    version: FuseVersion.V1,
    // flipping fuses invalidates an ad-hoc signature on Apple silicon; electron-builder signs afterwards anyway
    resetAdHocDarwinSignature: platform === 'darwin' && arch === 'arm64',
    strictlyRequireAllFuses: false,
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    [FuseV1Options.EnableCookieEncryption]: true,
    // app:// serves the renderer; file:// needs no extra privileges
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  };
}

/** electron-builder's packed executable: <appOutDir>/<name>(.exe) on Linux/Windows, <appOutDir>/<productFilename>.app on macOS. */
export function packedElectronPath({ appOutDir, platform, productFilename, executableName }) {
  if (platform === 'darwin' || platform === 'mas') return join(appOutDir, `${productFilename}.app`);
  if (platform === 'win32') return join(appOutDir, `${productFilename}.exe`);
  return join(appOutDir, executableName);
}
