// The Electron main process: hardening, app:// protocol, the window, IPC and events. Takes the electron module as a
// parameter (src-main/index.ts passes the real one), so the only runtime import of electron stays in the entry.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as Electron from 'electron';
import { createApp, type AppRuntime } from '../composition.ts';
import { restrictProcessUmask } from '../adapters/data-dir.ts';
import { createFileLogger } from '../adapters/file-logger.ts';
import { createKeytarSecretStore } from '../adapters/keytar-secret-store.ts';
import { selectSecretStore } from '../node-runtime.ts';
import { openCache } from '../adapters/sqlite.ts';
import { systemClock } from '../ports/clock.ts';
import type { Opener } from '../ports/opener.ts';
import { AppError } from '../rpc/app-error.ts';
import { registerIpc } from '../rpc/ipc-router.ts';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './protocol.ts';
import { APP_ENTRY_URL, APP_ICON, APP_SCHEME, buildWindowOptions, hardenSession, hardenWebContents, openExternalUrl } from './security.ts';
import { createElectronNotifier } from './notifier.ts';
import { alignDataDir, createWindowRegistry, electronNativeDir, electronNativeModules, forwardEvents } from './wiring.ts';

export type ElectronModule = Pick<typeof Electron, 'app' | 'BrowserWindow' | 'protocol' | 'session' | 'ipcMain' | 'shell' | 'dialog'> & Partial<Pick<typeof Electron, 'Notification'>>;

export interface ShellOptions {
  /** out/main (the bundle's folder): out/renderer and out/preload sit next to it */
  mainDir: string;
  env?: NodeJS.ProcessEnv;
}

export const APP_NAME = 'Grantdesk';

/** The https-only opener handed to services (sign-in pages, platform consoles). */
export function createElectronOpener(shell: Pick<typeof Electron.shell, 'openExternal'>): Opener {
  return async (url) => {
    const r = await openExternalUrl(url, (u) => shell.openExternal(u));
    if (!r.ok) throw new AppError('invalid_input', `Refused to open that address in the browser (${r.reason})`);
  };
}

export function startShell(electron: ElectronModule, opts: ShellOptions): void {
  const { app, BrowserWindow, protocol, session, ipcMain, shell, dialog } = electron;
  const env = opts.env ?? process.env;
  restrictProcessUmask(); // owner-only modes for every file main creates (cache, -wal/-shm, logs, locks, exports)
  app.setName(APP_NAME);
  app.enableSandbox();
  // Before 'ready' and before the lock (which lives in userData): GRANTDESK_HOME moves userData with it.
  const { dataDir, consistent } = alignDataDir(app, env);

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  // Must run before 'ready'.
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

  const windows = createWindowRegistry<Electron.BrowserWindow>();
  const rendererDir = join(opts.mainDir, '..', 'renderer');
  const preloadPath = join(opts.mainDir, '..', 'preload', 'index.cjs');
  let runtime: AppRuntime | null = null;
  let unregisterIpc: (() => void) | null = null;
  let stopEvents: (() => void) | null = null;

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  app.on('second-instance', () => {
    const [win] = windows.all();
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  const createWindow = () => {
    // the window/taskbar icon (Linux and Windows; macOS takes the bundle's icon.icns): resources/ ships inside the app
    const base = buildWindowOptions(preloadPath, { devTools: !app.isPackaged && env.GRANTDESK_DEVTOOLS === '1', icon: join(app.getAppPath(), APP_ICON) });
    const win = new BrowserWindow({
      ...base,
      webPreferences: {
        ...base.webPreferences,
        // Restated where the window is made: they win over anything spread above, and static analysis
        // (electronegativity, test/node/electronegativity.test.ts) sees them at the construction site.
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        webSecurity: true,
        disableBlinkFeatures: 'Auxclick',
      },
    });
    windows.add(win);
    win.once('ready-to-show', () => win.show());
    win.on('closed', () => windows.remove(win));
    void win.loadURL(APP_ENTRY_URL);
    return win;
  };

  const start = () => {
    const native = electronNativeModules(electronNativeDir({ isPackaged: app.isPackaged, resourcesPath: process.resourcesPath, appPath: app.getAppPath() }));
    const logger = createFileLogger(dataDir);
    if (!consistent) logger.warn('data_dir_differs_from_cli', { reason: 'userData was moved (e.g. --user-data-dir); set GRANTDESK_HOME to share it with the CLI' });
    const keytarPath = native.keytar;
    const db = openCache(dataDir, native.betterSqlite3 ? { nativeBinding: native.betterSqlite3 } : {});
    // settings.sessionOnlySecrets chooses memory-only grants at start (the renderer shows the session-only banner)
    const secretStore = selectSecretStore(db, {
      keychain: () => createKeytarSecretStore(keytarPath ? { load: () => createRequire(import.meta.url)(keytarPath) as typeof import('keytar') } : {}),
    });
    // background: the desktop app runs the token refresh scheduler, like serve mode
    runtime = createApp({ dataDir, db, secretStore, clock: systemClock, opener: createElectronOpener(shell), reveal: async (path) => shell.showItemInFolder(path), logger, background: true, notifier: electron.Notification ? createElectronNotifier(electron.Notification) : undefined });

    hardenSession(session.defaultSession);
    protocol.handle(APP_SCHEME, createAppProtocolHandler({ rootDir: rendererDir }));
    unregisterIpc = registerIpc(ipcMain, runtime.dispatcher, windows.policy);
    stopEvents = forwardEvents(runtime.bus, () => windows.all());
    createWindow();
  };

  void app.whenReady().then(() => {
    try {
      start();
    } catch (err) {
      const detail = err instanceof AppError ? err.message : err instanceof Error ? err.message.slice(0, 300) : 'unknown failure';
      dialog.showErrorBox(
        'Grantdesk could not start',
        `${detail}\n\nIf this names better_sqlite3 or keytar, the native modules are not built for Electron: run \`node build/rebuild-native.mjs\` (see README).`,
      );
      app.exit(1);
    }
  });

  app.on('activate', () => {
    if (runtime && windows.all().length === 0) createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    stopEvents?.();
    unregisterIpc?.();
    void runtime?.close();
  });
}
