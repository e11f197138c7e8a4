// The shared setup of the Chromium job tests: a sandbox with N workspaces/events, the real app connected to all of them,
// the syncs the test asks for, serve mode over the built renderer, and one Chromium page on it.
//
//   const demo = await startDemoApp({ workspaces: 6, events: 6000, seed: 1, sync: { audit: true } });
//   await demo.page.goto(`${demo.serve.url}#/scope-matrix`);
//   after(() => demo?.close());
//
// startRotationDemo does the same over the rotation domain's sandbox (test clock, keys) and app (real file logger).
// openInChromium is the serve + browser half alone, for tests that compose their own runtime(s); startServedSide is one
// of several Grantdesks (operator, auditor) on a shared browser.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { SandboxOptions } from '../../sandbox/server.ts';
import { createFileLogger } from '../../src-main/adapters/file-logger.ts';
import { createMemorySecretStore } from '../../src-main/adapters/memory-secret-store.ts';
import { openCache } from '../../src-main/adapters/sqlite.ts';
import { createApp, type AppRuntime } from '../../src-main/composition.ts';
import type { Clock } from '../../src-main/ports/clock.ts';
import { startServe, type RunningServe } from '../../src-main/serve/serve-server.ts';
import { startRealApp, startSandboxPlatform, type SandboxPlatform, type TestApp } from '../node/inventory/support.ts';
import { startRotationApp, startRotationSandbox, type RotationApp, type RotationSandbox } from '../node/rotation/support.ts';
import { follow } from '../support/fake-browser.mjs';
import { collectPageProblems, RENDERER_DIR, type PageProblems } from '../support/serve-fixture.ts';
import { testClient, type TestClient } from '../support/test-client.ts';
import { launchChromium } from './helpers.ts';

export interface ChromiumOptions {
  viewport: { width: number; height: number };
  acceptDownloads?: boolean;
  /** grant clipboard-read/-write to the serve origin */
  clipboard?: boolean;
  /** serve the audit export download route */
  exportFile?: boolean;
  /** default out/renderer */
  staticDir?: string;
  /** reuse a browser (close() then closes only this page's context); default: launch one and close it */
  browser?: Browser;
}

export interface ServedPage {
  serve: RunningServe;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  problems: PageProblems;
  close(): Promise<void>;
}

/** serve mode over `runtime`, and a fresh Chromium page (problems collected from before the first navigation) */
export async function openInChromium(runtime: AppRuntime, opts: ChromiumOptions): Promise<ServedPage> {
  const serve = await startServe({
    dispatcher: runtime.dispatcher,
    bus: runtime.bus,
    staticDir: opts.staticDir ?? RENDERER_DIR,
    port: 0,
    ...(opts.exportFile ? { exportFile: (id: string) => runtime.services.audit.exportFile(id) } : {}),
  });
  const ownBrowser = opts.browser === undefined;
  let browser: Browser | undefined = opts.browser;
  try {
    browser ??= await launchChromium();
    const context = await browser.newContext({ viewport: opts.viewport, ...(opts.acceptDownloads ? { acceptDownloads: true } : {}) });
    if (opts.clipboard) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(serve.url).origin }).catch(() => {});
    const page = await context.newPage();
    const problems = await collectPageProblems(page);
    const b = browser;
    return {
      serve,
      browser: b,
      context,
      page,
      problems,
      async close() {
        if (ownBrowser) await b.close();
        else await context.close().catch(() => {});
        await serve.close();
      },
    };
  } catch (err) {
    if (ownBrowser) await browser?.close().catch(() => {});
    await serve.close();
    throw err;
  }
}

export interface DemoSync {
  /** sync.all this many times (before the others) */
  all?: number;
  audit?: boolean;
  inventory?: boolean;
}

interface DemoOptions extends ChromiumOptions {
  workspaces: number;
  events?: number;
  seed: number;
  sync?: DemoSync;
}

export interface DemoApp extends ServedPage {
  p: SandboxPlatform;
  app: TestApp;
}

async function withCleanup<T>(cleanup: () => Promise<void>, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    await cleanup().catch(() => {});
    throw err;
  }
}

/** the sandbox's own defaults stand where a size is not given (an `events: undefined` would replace them) */
const sandboxSizes = (o: DemoOptions): SandboxOptions => ({ workspaces: o.workspaces, seed: o.seed, ...(o.events === undefined ? {} : { events: o.events }) });

/** each sync asked for must succeed; its error is the assertion message */
async function runSyncs(app: TestApp, sync: DemoSync): Promise<void> {
  const names = [...Array<'sync.all'>(sync.all ?? 0).fill('sync.all'), ...(sync.audit ? ['audit.sync' as const] : []), ...(sync.inventory ? ['inventory.sync' as const] : [])];
  for (const name of names) {
    const r = await app.callResult(name, {});
    assert.equal(r.ok, true, JSON.stringify(r.error));
  }
}

/** `arrange` (connect, sync…), then serve + page over `app`; on a failure on the way, everything started is closed */
async function serveDemo<P extends { close(): Promise<void> }, A extends { runtime: AppRuntime; close(): Promise<void> }>(p: P, app: A, opts: ChromiumOptions, arrange: () => Promise<void>): Promise<ServedPage & { p: P; app: A }> {
  return withCleanup(
    async () => {
      await app.close();
      await p.close();
    },
    async () => {
      await arrange();
      const served = await openInChromium(app.runtime, opts);
      return {
        ...served,
        p,
        app,
        async close() {
          await served.close();
          await app.close();
          await p.close();
        },
      };
    },
  );
}

/** the inventory domain's sandbox and the real app (real connections domain) connected to every workspace; `prepare` runs before serve starts */
export async function startDemoApp(opts: DemoOptions & { prepare?: (app: TestApp) => Promise<void> }): Promise<DemoApp> {
  const p = await startSandboxPlatform(sandboxSizes(opts));
  const app = await withCleanup(() => p.close(), () => startRealApp(p.sb.issuer, p.sb.workspaces.map((w) => w.id)));
  return serveDemo(p, app, opts, async () => {
    await runSyncs(app, opts.sync ?? {});
    await opts.prepare?.(app);
  });
}

export interface RotationDemo extends ServedPage {
  p: RotationSandbox;
  app: RotationApp;
}

/** the rotation domain's sandbox and app (real connections), the sandbox added and every workspace connected as operator */
export async function startRotationDemo(opts: DemoOptions): Promise<RotationDemo> {
  const p = await startRotationSandbox(sandboxSizes(opts));
  const app = startRotationApp(p, { useRealConnections: true });
  return serveDemo(p, app, opts, async () => {
    await app.call('platforms.add', { issuer: p.sb.issuer, name: 'sandbox' });
    for (const w of p.sb.workspaces) await app.call('workspaces.connect', { workspace: w.id, role: 'operator' });
    // these tests call the syncs with call(): a failure throws with the app's message
    if (opts.sync?.inventory) await app.call('inventory.sync', {});
    if (opts.sync?.audit) await app.call('audit.sync', {});
  });
}

/** one of several Grantdesks in a test (operator, auditor…): its own data dir, the scripted consent browser, a page on a shared Chromium */
export interface ServedSide extends ServedPage {
  rt: AppRuntime;
  /** the typed client with IPC's capabilities: what this side's serve tab may do */
  c: TestClient;
  dataDir: string;
}

export async function startServedSide(browser: Browser, opts: { name: string; viewport: { width: number; height: number }; clock?: Clock }): Promise<ServedSide> {
  const dataDir = mkdtempSync(join(tmpdir(), `grantdesk-${opts.name}-`));
  const rt = createApp({ dataDir, db: openCache(dataDir), secretStore: createMemorySecretStore(), clock: opts.clock ?? { now: () => Date.now() }, opener: async (url) => void follow(url), logger: createFileLogger(dataDir) });
  const cleanup = async () => {
    await rt.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const served = await withCleanup(cleanup, () => openInChromium(rt, { viewport: opts.viewport, clipboard: true, browser }));
  return {
    ...served,
    rt,
    c: testClient(rt),
    dataDir,
    async close() {
      await served.close();
      await cleanup();
    },
  };
}

/** open a route of a served app and wait for the frame's ready marker (health and settings loaded) */
export async function openRoute(s: Pick<ServedPage, 'page' | 'serve'>, hash: string): Promise<void> {
  await s.page.goto(`${s.serve.url}${hash}`);
  await s.page.locator('[data-testid="app-frame"][data-ready="true"]').waitFor();
}
