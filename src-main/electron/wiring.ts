// Pure pieces of the shell's wiring: which webContents are ours (the IPC sender policy), event forwarding to windows,
// the data dir, and where the Electron-ABI native modules live. No electron import at runtime.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveDataDir } from '../adapters/data-dir.ts';
import type { EventBus } from '../ports/events.ts';
import type { SenderPolicy } from '../rpc/ipc-router.ts';
import { eventChannelFor } from './channels.ts';
import { APP_ORIGIN } from './security.ts';

export interface WindowLike {
  isDestroyed(): boolean;
  readonly webContents: { readonly id: number; isDestroyed?(): boolean; send(channel: string, ...args: unknown[]): void };
}

/** The windows main created. The IPC router trusts only their top frames (and only when they show app://grantdesk). */
export interface WindowRegistry<W extends WindowLike> {
  add(win: W): void;
  remove(win: W): void;
  all(): W[];
  policy: SenderPolicy;
}

export function createWindowRegistry<W extends WindowLike>(): WindowRegistry<W> {
  const windows = new Set<W>();
  const live = () => [...windows].filter((w) => !w.isDestroyed());
  return {
    add: (w) => void windows.add(w),
    remove: (w) => void windows.delete(w),
    all: live,
    policy: {
      appOrigin: APP_ORIGIN,
      isKnownWebContents: (id) => live().some((w) => w.webContents.id === id),
    },
  };
}

/** Forwards every bus event to every live window on grantdesk:event:<name>. Payloads were validated by the bus. */
export function forwardEvents(bus: EventBus, windows: () => WindowLike[]): () => void {
  return bus.subscribe((name, payload) => {
    for (const w of windows()) {
      if (w.isDestroyed() || w.webContents.isDestroyed?.()) continue;
      w.webContents.send(eventChannelFor(name), payload);
    }
  });
}

export interface AppPathsLike {
  getPath(name: 'userData'): string;
  setPath(name: 'userData', value: string): void;
}

/**
 * The desktop app and the CLI share one data dir: GRANTDESK_HOME if set (then userData follows it), else Electron's
 * userData for productName Grantdesk, which is what resolveDataDir() computes. `consistent` is false when something
 * (e.g. --user-data-dir) moved userData elsewhere; the shell logs it.
 */
export function alignDataDir(app: AppPathsLike, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): { dataDir: string; consistent: boolean } {
  if (env.GRANTDESK_HOME && env.GRANTDESK_HOME.trim() !== '') app.setPath('userData', env.GRANTDESK_HOME);
  const dataDir = app.getPath('userData');
  return { dataDir, consistent: dataDir === resolveDataDir(env, platform) };
}

/**
 * Native modules built for Electron's ABI live apart from node_modules (which stays on Node's ABI for the CLI and
 * tests): packaged, in <resources>/native (extraResources); in development, build/native-electron. Both are produced by
 * `node build/rebuild-native.mjs` (@electron/rebuild into a staging folder; never a postinstall).
 */
export function electronNativeDir(env: { isPackaged: boolean; resourcesPath: string; appPath: string }): string {
  return env.isPackaged ? join(env.resourcesPath, 'native') : join(env.appPath, 'build', 'native-electron');
}

export function electronNativeModules(dir: string, exists: (p: string) => boolean = existsSync): { betterSqlite3?: string; keytar?: string } {
  const sqlite = join(dir, 'better_sqlite3.node');
  const keytar = join(dir, 'keytar.node');
  return { ...(exists(sqlite) ? { betterSqlite3: sqlite } : {}), ...(exists(keytar) ? { keytar } : {}) };
}
