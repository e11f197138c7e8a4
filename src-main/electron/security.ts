// The shell's security policy as pure functions: webPreferences, the app origin check, navigation and window-open guards,
// permission handlers and the https-only external opener. Nothing here touches Electron at runtime, so every rule is
// tested in plain Node with fake events (test/node/electron-shell/).
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

export const APP_SCHEME = 'app';
export const APP_HOST = 'grantdesk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Sent on every app:// response. No unsafe-inline, no unsafe-eval, no network from the renderer. */
export const APP_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The renderer is a hostile tab: sandboxed, isolated, no Node, web security on. */
export function buildWebPreferences(preloadPath: string, opts: { devTools?: boolean } = {}): WebPreferences {
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    // middle-click (auxclick) could open links in new windows without window.open
    disableBlinkFeatures: 'Auxclick',
    safeDialogs: true,
    spellcheck: false,
    devTools: opts.devTools ?? false,
  };
}

/** the window icon, relative to the app's root (electron-builder.yml packs resources/icon.png; scripts/make-icons.mjs draws it) */
export const APP_ICON = 'resources/icon.png';

export function buildWindowOptions(preloadPath: string, opts: { devTools?: boolean; icon?: string } = {}): BrowserWindowConstructorOptions {
  return {
    ...(opts.icon ? { icon: opts.icon } : {}),
    width: 1280,
    height: 820,
    minWidth: 880,
    minHeight: 560,
    show: false,
    title: 'Grantdesk',
    backgroundColor: '#1b1d22',
    webPreferences: buildWebPreferences(preloadPath, opts),
  };
}

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/** True only for app://grantdesk/... (parsed: scheme and host compared exactly, no credentials, no port). */
export function isAppUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const url = parseUrl(value);
  if (!url) return false;
  return url.protocol === `${APP_SCHEME}:` && url.hostname === APP_HOST && url.port === '' && url.username === '' && url.password === '';
}

export interface PreventableLike {
  preventDefault(): void;
}
/** will-navigate / will-redirect: the event carries `url` (Electron >= 25); older signatures pass it as the 2nd argument. */
export interface NavigationEventLike extends PreventableLike {
  readonly url?: string;
}

/** Denies any navigation whose target is not the app's own origin. Returns whether it was allowed. */
export function guardNavigation(event: NavigationEventLike, url?: string): boolean {
  const target = event.url ?? url;
  if (isAppUrl(target)) return true;
  event.preventDefault();
  return false;
}

export type WindowOpenResponse = { action: 'deny' };
/** setWindowOpenHandler: never opens a window. Links to the web go through the https-only opener in main. */
export function denyWindowOpen(): WindowOpenResponse {
  return { action: 'deny' };
}

/** setPermissionRequestHandler: every permission (camera, notifications, clipboard, ...) is denied. */
export function denyPermissionRequest(_webContents: unknown, _permission: string, callback: (granted: boolean) => void): void {
  callback(false);
}
/** setPermissionCheckHandler: every check answers no. */
export function denyPermissionCheck(): boolean {
  return false;
}

export type OpenExternalResult =
  | { ok: true; url: string }
  | { ok: false; reason: 'not_a_string' | 'malformed' | 'not_https' | 'has_credentials' | 'too_long' | 'open_failed' };

const MAX_EXTERNAL_URL = 2048;

/**
 * The one way to the system browser: main-only, https only, parsed with the URL parser. `open` is injected
 * (shell.openExternal in the app; a function that fails the test if called in tests).
 */
export async function openExternalUrl(value: unknown, open: (url: string) => Promise<void>): Promise<OpenExternalResult> {
  if (typeof value !== 'string') return { ok: false, reason: 'not_a_string' };
  if (value.length > MAX_EXTERNAL_URL) return { ok: false, reason: 'too_long' };
  const url = parseUrl(value.trim());
  if (!url) return { ok: false, reason: 'malformed' };
  if (url.protocol !== 'https:' || url.hostname === '') return { ok: false, reason: 'not_https' };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'has_credentials' };
  const href = url.href;
  try {
    await open(href);
  } catch {
    return { ok: false, reason: 'open_failed' };
  }
  return { ok: true, url: href };
}

/** The part of Electron's WebContents the hardening touches. */
export interface WebContentsLike {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: NavigationEventLike, url?: string) => void): unknown;
  on(event: 'will-frame-navigate', listener: (details: NavigationEventLike) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableLike) => void): unknown;
  setWindowOpenHandler(handler: () => WindowOpenResponse): void;
}

/** Applied to every webContents ('web-contents-created'), not only to our window. */
export function hardenWebContents(contents: WebContentsLike): void {
  contents.on('will-navigate', (event, url) => {
    guardNavigation(event, url);
  });
  contents.on('will-frame-navigate', (details) => {
    guardNavigation(details);
  });
  contents.on('will-redirect', (event, url) => {
    guardNavigation(event, url);
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(denyWindowOpen);
}

/** The part of Electron's Session the hardening touches. */
export interface SessionLike {
  setPermissionRequestHandler(handler: typeof denyPermissionRequest): void;
  setPermissionCheckHandler(handler: typeof denyPermissionCheck): void;
  setDevicePermissionHandler?(handler: () => boolean): void;
  webRequest: {
    onBeforeRequest(filter: { urls: string[] }, listener: (details: { url: string }, callback: (response: { cancel: boolean }) => void) => void): void;
  };
}

/** The renderer needs no network: every http(s)/ws(s) request from a renderer is cancelled (main does all HTTP). */
export const BLOCKED_RENDERER_URLS = ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'];

export function hardenSession(session: SessionLike): void {
  session.setPermissionRequestHandler(denyPermissionRequest);
  session.setPermissionCheckHandler(denyPermissionCheck);
  session.setDevicePermissionHandler?.(() => false);
  session.webRequest.onBeforeRequest({ urls: BLOCKED_RENDERER_URLS }, (_details, callback) => callback({ cancel: true }));
}
