#!/usr/bin/env node
// `npm start`: the desktop app when Electron's binary is present (downloading it once if the host is reachable);
// otherwise one plain line saying why, then the same UI in serve mode (prints the URL).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ELECTRON_MISSING_LINE, ELECTRON_PKG_DIR, findElectronBinary } from '../build/electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32', ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** electron downloads lazily (no install script, so `npm install` always exits 0); try once, quietly. */
async function tryDownloadElectron() {
  if (process.env.GRANTDESK_NO_ELECTRON_DOWNLOAD === '1') return null;
  const child = spawn(process.execPath, [join(ELECTRON_PKG_DIR, 'install.js')], { cwd: root, stdio: 'ignore' });
  const notice = setTimeout(() => console.log("Downloading Electron's binary (first start only)..."), 5000);
  const code = await new Promise((resolve) => {
    child.on('exit', (c) => resolve(c ?? 1));
    child.on('error', () => resolve(1));
  });
  clearTimeout(notice);
  return code === 0 ? findElectronBinary() : null;
}

function forward(child) {
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

const electron = findElectronBinary() ?? (await tryDownloadElectron());
if (electron) {
  sh(npx, ['electron-vite', 'build']);
  if (!existsSync(join(root, 'build', 'native-electron', 'better_sqlite3.node'))) {
    // better-sqlite3/keytar in node_modules are built for Node's ABI; build Electron-ABI copies apart (once).
    sh(process.execPath, [join(root, 'build', 'rebuild-native.mjs')]);
  }
  forward(spawn(electron, ['.'], { cwd: root, stdio: 'inherit' }));
} else {
  console.log(ELECTRON_MISSING_LINE);
  sh(npx, ['vite', 'build', '--config', 'vite.web.config.ts', '--logLevel', 'warn']);
  forward(spawn(process.execPath, [join(root, 'bin', 'grantdesk.mjs'), 'serve', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' }));
}
