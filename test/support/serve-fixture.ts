// Reusable fixture: the built renderer (out/renderer) in serve mode, in-process, opened in real Chromium.
// Builds nothing: run `npx vite build --config vite.web.config.ts` first (`npm test` does).
//
//   const app = await startServeFixture();            // temp GRANTDESK_HOME, session-only memory secrets
//   const problems = app.problems;                     // console errors, page errors, CSP violations since launch
//   await app.page.getByTestId('nav-settings').click();
//   await app.screenshot('settings-light');            // test-output/screenshots/settings-light.png
//   assert.deepEqual(problems.all(), []);
//   await app.close();
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createNodeRuntime } from '../../src-main/node-runtime.ts';
import { createMemorySecretStore } from '../../src-main/adapters/memory-secret-store.ts';
import type { AppRuntime } from '../../src-main/composition.ts';
import type { Opener } from '../../src-main/ports/opener.ts';
import type { SecretStore } from '../../src-main/ports/secret-store.ts';
import { startServe, type RunningServe } from '../../src-main/serve/serve-server.ts';
import { launchChromium } from '../chromium/helpers.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '..', '..');
export const RENDERER_DIR = join(REPO_ROOT, 'out', 'renderer');
export const TEST_OUTPUT = process.env.GRANTDESK_TEST_OUTPUT ?? join(REPO_ROOT, 'test-output');
export const SCREENSHOT_DIR = join(TEST_OUTPUT, 'screenshots');

export interface ServeFixtureOptions {
  /** defaults to a fresh session-only memory store */
  secretStore?: SecretStore;
  /** the system-browser opener of the runtime (every URL is also recorded in `opened`); default: record only */
  opener?: Opener;
  /** prefers-color-scheme Chromium reports (the `system` theme follows it) */
  colorScheme?: 'light' | 'dark';
  /** hash route to open, e.g. '#/settings' */
  hash?: string;
  viewport?: { width: number; height: number };
  /** reuse a browser across fixtures in one file; close() then leaves it open */
  browser?: Browser;
  /** wait for the frame's ready marker (health and settings loaded); default true */
  waitForReady?: boolean;
}

export interface PageProblems {
  consoleErrors: string[];
  pageErrors: string[];
  cspViolations: string[];
  /** every problem, labelled; [] when clean */
  all(): string[];
  clear(): void;
}

export interface ServeFixture {
  page: Page;
  context: BrowserContext;
  browser: Browser;
  serve: RunningServe;
  runtime: AppRuntime;
  dataDir: string;
  /** URLs the app asked to open in the system browser */
  opened: string[];
  problems: PageProblems;
  /** writes test-output/screenshots/<name>.png and returns its path */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Collects console errors, uncaught page errors and CSP violations (securitypolicyviolation events, reported through a
 * binding installed before any page script runs). Call before the first navigation.
 */
export async function collectPageProblems(page: Page): Promise<PageProblems> {
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => pageErrors.push(`${err.name}: ${err.message}`));
  await page.exposeBinding('__grantdeskReportCsp', (_src, v: string) => {
    cspViolations.push(v);
  });
  // a string: runs in the page (the node-side typecheck has no DOM lib); init scripts are not subject to the page's CSP
  await page.addInitScript(`document.addEventListener('securitypolicyviolation', (e) => {
    window.__grantdeskReportCsp?.(e.effectiveDirective + ' blocked ' + (e.blockedURI || '(inline)') + ' at ' + e.sourceFile + ':' + e.lineNumber);
  });`);
  return {
    consoleErrors,
    pageErrors,
    cspViolations,
    all: () => [...consoleErrors.map((m) => `console: ${m}`), ...pageErrors.map((m) => `pageerror: ${m}`), ...cspViolations.map((m) => `csp: ${m}`)],
    clear() {
      consoleErrors.length = 0;
      pageErrors.length = 0;
      cspViolations.length = 0;
    },
  };
}

export async function startServeFixture(opts: ServeFixtureOptions = {}): Promise<ServeFixture> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error(`The renderer is not built (${RENDERER_DIR}). Run: npx vite build --config vite.web.config.ts`);
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'grantdesk-chromium-'));
  const opened: string[] = [];
  const runtime = createNodeRuntime({
    dataDir,
    opener: async (url) => {
      opened.push(url);
      await opts.opener?.(url);
    },
    secretStore: opts.secretStore ?? createMemorySecretStore(),
  });
  let serve: RunningServe | null = null;
  const ownBrowser = opts.browser === undefined;
  let browser: Browser | null = opts.browser ?? null;
  try {
    serve = await startServe({ dispatcher: runtime.dispatcher, bus: runtime.bus, staticDir: RENDERER_DIR, port: 0, exportFile: (id) => runtime.services.audit.exportFile(id) });
    browser ??= await launchChromium();
    const context = await browser.newContext({ colorScheme: opts.colorScheme ?? 'light', viewport: opts.viewport ?? { width: 1280, height: 800 } });
    const page = await context.newPage();
    const problems = await collectPageProblems(page);
    await page.goto(`${serve.url}${opts.hash ?? ''}`);
    if (opts.waitForReady !== false) await page.locator('[data-testid="app-frame"][data-ready="true"]').waitFor();
    const s = serve;
    const b = browser;
    return {
      page,
      context,
      browser: b,
      serve: s,
      runtime,
      dataDir,
      opened,
      problems,
      async screenshot(name) {
        await mkdir(SCREENSHOT_DIR, { recursive: true });
        const path = join(SCREENSHOT_DIR, `${name.replace(/[^a-zA-Z0-9._-]/g, '_')}.png`);
        await page.screenshot({ path });
        return path;
      },
      async close() {
        await context.close().catch(() => {});
        if (ownBrowser) await b.close().catch(() => {});
        await s.close();
        await runtime.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (ownBrowser) await browser?.close().catch(() => {});
    await serve?.close();
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}
