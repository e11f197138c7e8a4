import { chmodSync, lstatSync, mkdirSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_DIR_NAME = 'Grantdesk';

/** GRANTDESK_HOME, else the OS app-data dir the desktop app uses (Electron's userData for productName Grantdesk). */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.GRANTDESK_HOME && env.GRANTDESK_HOME.trim() !== '') return env.GRANTDESK_HOME;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME);
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME);
  return join(env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config'), APP_DIR_NAME);
}

/**
 * Owner-only file modes for this process: files 0600, folders 0700 whatever the caller's umask (022 would give 0644 to
 * everything SQLite, the logger or an export creates). Set early by every Node entry point (CLI, serve, Electron main).
 */
export function restrictProcessUmask(): void {
  process.umask(0o077);
}

/** chmod to `mode` if the path exists, is ours (never someone else's folder) and has looser bits. Returns true if changed. */
export function tightenMode(path: string, mode: number): boolean {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch {
    return false;
  }
  if (st.isSymbolicLink()) return false;
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return false;
  if ((st.mode & 0o777) === mode) return false;
  chmodSync(path, mode);
  return true;
}

/** Creates the data dir 0700, or, when it already existed with looser bits (and is ours), makes it 0700. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  tightenMode(dir, 0o700);
}
