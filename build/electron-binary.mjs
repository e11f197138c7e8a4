// Where the Electron binary is, without triggering electron's lazy download (require('electron') would try to
// download it and throw where the host is unreachable). Used by scripts/start.mjs and test/electron.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ELECTRON_PKG_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'electron');

/** The executable's path, or null when it was never downloaded (electron >= 36 downloads on first use, not at install). */
export function findElectronBinary(env = process.env, pkgDir = ELECTRON_PKG_DIR) {
  let rel = null;
  try {
    rel = readFileSync(join(pkgDir, 'path.txt'), 'utf8').trim();
  } catch {
    rel = null;
  }
  const candidates = [];
  if (env.ELECTRON_OVERRIDE_DIST_PATH) candidates.push(join(env.ELECTRON_OVERRIDE_DIST_PATH, rel || 'electron'));
  if (rel) candidates.push(join(pkgDir, 'dist', rel));
  return candidates.find((p) => existsSync(p)) ?? null;
}

export const ELECTRON_MISSING_LINE =
  "Electron's binary is not installed here: it is downloaded on first use from github.com, which this machine cannot reach, so Grantdesk starts in serve mode instead (where the host is reachable, `node node_modules/electron/install.js` or `npx install-electron` fetches it and `npm start` opens the desktop app).";
