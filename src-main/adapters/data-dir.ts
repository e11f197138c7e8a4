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
