// electron-builder afterPack hook: flips the Electron fuses on the packed executable (before signing).
// RunAsNode off, NODE_OPTIONS off, --inspect off, OnlyLoadAppFromAsar on, asar integrity on, cookie encryption on.
import { flipFuses } from '@electron/fuses';
import { grantdeskFuseConfig, packedElectronPath } from './fuses.mjs';

const ARCH_NAMES = { 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64', 4: 'universal' };

export default async function afterPack(context) {
  const platform = context.electronPlatformName;
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch);
  const target = packedElectronPath({
    appOutDir: context.appOutDir,
    platform,
    productFilename: context.packager.appInfo.productFilename,
    executableName: context.packager.executableName,
  });
  await flipFuses(target, grantdeskFuseConfig({ platform, arch }));
  // stderr: stdout of a process run under node's test runner carries the runner's own serialized protocol
  process.stderr.write(`  • fuses flipped on ${target}\n`);
}
