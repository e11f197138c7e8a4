// The built renderer in serve mode, in real Chromium: frame, navigation (mouse and keyboard), live health from the
// main-side handlers, settings round-trips through the contract, dialogs, error banner, events, CSP cleanliness.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { ERROR_REMEDIES, type Settings } from '../../src-common/contract/index.ts';
import { REPO_ROOT, startServeFixture, type ServeFixture } from '../support/serve-fixture.ts';
import { eventually, launchChromium } from './helpers.ts';
import { testClient } from '../support/test-client.ts';

// In-page code is passed as strings: the node-side typecheck has no DOM lib.
const pkg = JSON.parse(readFileSync(`${REPO_ROOT}/package.json`, 'utf8')) as { version: string };
const SCREENS: Array<[id: string, label: string]> = [
  ['workspaces', 'Workspaces'],
  ['scope-matrix', 'Scope matrix'],
  ['credentials', 'Credentials'],
  ['audit', 'Audit explorer'],
  ['exports', 'Exports'],
  ['reviews', 'Reviews'],
  ['insights', 'Insights'],
  ['calendar', 'Calendar'],
  ['settings', 'Settings'],
  ['rotation', 'Rotation'],
  ['policy', 'Policy'],
  ['alerts', 'Alerts'],
  ['offboarding', 'Offboarding'],
];
/** Ctrl + digit for the first ten screens, then letters (g: governance, j: the alerts queue, o: offboarding) */
const SHORTCUT = (i: number) => (i < 10 ? String((i + 1) % 10) : ['g', 'j', 'o'][i - 10]!);

const textOf = (l: Locator) => eventually(() => l.textContent(), (t) => t !== null, 'text present');
const expectText = (l: Locator, expected: string) => eventually(() => l.textContent(), (t) => t === expected, `text of ${l}`);
const activeTestId = (page: Page) => page.evaluate<unknown>(`document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? null`);
const hash = (page: Page) => page.evaluate<unknown>('window.location.hash');

async function stored(app: ServeFixture): Promise<Settings> {
  return testClient(app.runtime).call('settings.get', {});
}

describe('app frame in Chromium (serve mode)', () => {
  let browser: Browser;
  let app: ServeFixture;
  before(async () => {
    browser = await launchChromium();
    app = await startServeFixture({ browser });
  });
  after(async () => {
    await app?.close();
    await browser?.close();
  });

  test('loads the frame and shows live health from the main-side handlers', async () => {
    const { page } = app;
    assert.equal(await page.getByTestId('app-frame').getAttribute('data-ready'), 'true');
    assert.equal(await page.title(), 'Workspaces · Grantdesk');
    await page.getByTestId('nav-settings').click();
    await expectText(page.getByTestId('health-version'), pkg.version);
    await expectText(page.getByTestId('health-data-dir'), app.dataDir);
    // words, not enum values
    await expectText(page.getByTestId('health-transport'), 'Browser tab (grantdesk serve)');
    await expectText(page.getByTestId('health-keychain-backend'), 'Memory only (this session)');
    await expectText(page.getByTestId('health-keychain-state'), 'Session-only (memory)');
    await expectText(page.getByTestId('health-online'), 'Online');
    await expectText(page.getByTestId('health-review-mode'), 'Off');
    // session-only mode is never silent: a persistent banner and the status bar say so
    assert.ok(await page.getByTestId('session-only-banner').isVisible());
    assert.equal(await page.getByTestId('status-keychain').getAttribute('data-state'), 'session-only');
    assert.equal(await page.getByTestId('status-online').getAttribute('data-state'), 'online');
    assert.match(await textOf(page.getByTestId('status-transport')) ?? '', new RegExp(`v${pkg.version.replace(/\./g, '\\.')}`));
    assert.deepEqual(app.problems.all(), []);
  });

  test('navigates to every screen by clicking the nav, with hash routes and honest placeholders', async () => {
    const { page } = app;
    const navIds = await page.locator('nav [data-testid^="nav-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    assert.deepEqual(navIds, SCREENS.map(([id]) => `nav-${id}`));
    for (const [id, label] of SCREENS) {
      await page.getByTestId(`nav-${id}`).click();
      await eventually(() => hash(page), (h) => h === `#/${id}`, `hash for ${id}`);
      await expectText(page.locator('main h1'), label);
      assert.equal(await page.getByTestId(`nav-${id}`).getAttribute('aria-current'), 'page');
      assert.equal(await page.locator('nav [aria-current="page"]').count(), 1);
      // screens not built yet say so honestly (real screens replace the placeholder)
      if ((await page.getByTestId('screen-placeholder').count()) > 0) assert.match((await textOf(page.getByTestId('screen-placeholder'))) ?? '', /This screen arrives with /);
    }
    // deep link: a fresh load of #/credentials opens that screen
    await page.goto(`http://127.0.0.1:${app.serve.port}/#/credentials`);
    await expectText(page.locator('main h1'), 'Credentials');
    // unknown route: a plain not-found panel, not a crash
    await page.goto(`http://127.0.0.1:${app.serve.port}/#/nope`);
    assert.ok(await page.getByTestId('screen-not-found').isVisible());
    assert.deepEqual(app.problems.all(), []);
  });

  test('keyboard: skip link, one nav tab stop, arrow keys, Enter, Ctrl+1..9', async () => {
    const { page } = app;
    await page.goto(`http://127.0.0.1:${app.serve.port}/#/workspaces`);
    await page.reload();
    await page.locator('[data-testid="app-frame"][data-ready="true"]').waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate<unknown>('document.activeElement?.textContent'), 'Skip to content');
    // a visible focus ring: the skip link moves on screen when focused
    assert.ok(((await page.locator('.skip-link').boundingBox())?.y ?? -1) >= 0);
    await page.keyboard.press('Tab');
    assert.equal(await activeTestId(page), 'nav-workspaces');
    await page.keyboard.press('ArrowDown');
    assert.equal(await activeTestId(page), 'nav-scope-matrix');
    await page.keyboard.press('End');
    assert.equal(await activeTestId(page), 'nav-offboarding');
    await page.keyboard.press('Home');
    assert.equal(await activeTestId(page), 'nav-workspaces');
    await page.keyboard.press('ArrowUp');
    assert.equal(await activeTestId(page), 'nav-offboarding');
    await page.keyboard.press('ArrowUp');
    assert.equal(await activeTestId(page), 'nav-alerts');
    await page.keyboard.press('ArrowUp');
    assert.equal(await activeTestId(page), 'nav-policy');
    await page.keyboard.press('ArrowUp');
    assert.equal(await activeTestId(page), 'nav-rotation');
    await page.keyboard.press('ArrowUp');
    assert.equal(await activeTestId(page), 'nav-settings');
    await page.keyboard.press('ArrowUp');
    assert.equal(await activeTestId(page), 'nav-calendar');
    await page.keyboard.press('Enter');
    await eventually(() => hash(page), (h) => h === '#/calendar', 'Enter opens the focused screen');
    // the nav stays a single Tab stop: Tab leaves it for the main area
    await page.keyboard.press('Tab');
    assert.ok(!String(await activeTestId(page)).startsWith('nav-'), 'Tab leaves the nav');
    for (const [i, [id, label]] of SCREENS.entries()) {
      await page.keyboard.press(`Control+${SHORTCUT(i)}`);
      await eventually(() => hash(page), (h) => h === `#/${id}`, `Ctrl+${SHORTCUT(i)}`);
      await expectText(page.locator('main h1'), label);
      // focus moves to the new screen's heading
      await eventually(() => page.evaluate<unknown>('document.activeElement?.tagName'), (t) => t === 'H1', `focus after Ctrl+${SHORTCUT(i)}`);
    }
    // skip link activation focuses the main heading without touching the route
    await page.keyboard.press('Control+2');
    await page.locator('.skip-link').focus();
    await page.keyboard.press('Enter');
    assert.equal(await hash(page), '#/scope-matrix');
    assert.equal(await page.evaluate<unknown>('document.activeElement?.tagName'), 'H1');
    assert.deepEqual(app.problems.all(), []);
  });

  test('shortcuts dialog: opens with ?, labelled, traps focus, Escape closes and returns focus', async () => {
    const { page } = app;
    await page.getByTestId('nav-workspaces').click();
    await page.getByTestId('nav-workspaces').focus();
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    assert.equal(await dialog.getAttribute('data-testid'), 'shortcuts-dialog');
    const describedBy = await dialog.getAttribute('aria-describedby');
    assert.ok(describedBy);
    assert.equal(await page.locator(`[id="${describedBy}"]`).textContent(), 'Every screen and control is reachable from the keyboard.');
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      assert.ok(await page.evaluate<unknown>(`!!document.activeElement?.closest('[role="dialog"]')`), 'focus stays inside the dialog');
    }
    // the rest of the page is hidden from assistive tech while the dialog is open
    // (aria-hidden keeps aria-live regions such as the status bar's task area reachable, so check the frame's parts)
    assert.equal(await page.locator('.sidebar').getAttribute('aria-hidden'), 'true');
    assert.equal(await page.locator('.main-column').getAttribute('aria-hidden'), 'true');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await activeTestId(page), 'nav-workspaces');
    // the close button works too
    await page.getByTestId('open-shortcuts').click();
    await dialog.waitFor();
    await page.getByTestId('shortcuts-dialog-close').click();
    await dialog.waitFor({ state: 'detached' });
    assert.deepEqual(app.problems.all(), []);
  });

  test('theme switch in Settings persists through the api and across reloads; screenshots in light and dark', async () => {
    const { page } = app;
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('theme-dark').click();
    await eventually(() => page.evaluate<unknown>('document.documentElement.dataset.theme'), (t) => t === 'dark', 'dark theme applied');
    await eventually(() => stored(app).then((s) => s.theme), (t) => t === 'dark', 'theme stored by main');
    const darkBg = await page.evaluate<unknown>('getComputedStyle(document.body).backgroundColor');
    await app.screenshot('settings-dark');
    await page.reload();
    await page.locator('[data-testid="app-frame"][data-ready="true"]').waitFor();
    await eventually(() => page.evaluate<unknown>('document.documentElement.dataset.theme'), (t) => t === 'dark', 'dark after reload');
    assert.ok(await page.getByTestId('theme-dark').isChecked());
    await page.getByTestId('theme-light').click();
    await eventually(() => page.evaluate<unknown>('document.documentElement.dataset.theme'), (t) => t === 'light', 'light theme applied');
    await eventually(() => stored(app).then((s) => s.theme), (t) => t === 'light', 'light stored');
    const lightBg = await page.evaluate<unknown>('getComputedStyle(document.body).backgroundColor');
    assert.notEqual(darkBg, lightBg);
    await app.screenshot('settings-light');
    await page.getByTestId('nav-workspaces').click();
    await app.screenshot('workspaces-light');
    assert.deepEqual(app.problems.all(), []);
  });

  test('an invalid setting submitted through the form shows the error banner with the sentence and remedy, the code behind Details', async () => {
    const { page } = app;
    await page.getByTestId('nav-settings').click();
    const before = await stored(app);
    await page.getByTestId('setting-refreshLeadSeconds').fill('5');
    await page.getByTestId('settings-save').click();
    const banner = page.getByTestId('settings-error-banner');
    await banner.waitFor();
    assert.equal(await banner.getAttribute('role'), 'alert');
    await expectText(page.getByTestId('settings-error-banner-message'), 'Refresh lead: must be at least 30 seconds.');
    await expectText(page.getByTestId('settings-error-banner-remedy'), ERROR_REMEDIES.invalid_input);
    assert.equal(await page.getByTestId('settings-error-banner-code').isVisible(), false, 'the code sits behind Details');
    await page.getByTestId('settings-error-banner-details').locator('summary').click();
    await expectText(page.getByTestId('settings-error-banner-code'), 'invalid_input');
    assert.equal(await page.getByTestId('setting-refreshLeadSeconds').getAttribute('aria-invalid'), 'true');
    assert.deepEqual(await stored(app), before, 'nothing was stored');
    await page.getByTestId('settings-error-banner').scrollIntoViewIfNeeded();
    await app.screenshot('settings-invalid-light');
    await page.getByTestId('settings-error-banner-dismiss').click();
    await banner.waitFor({ state: 'detached' });
    // a valid value saves and is what main stores
    await page.getByTestId('setting-refreshLeadSeconds').fill('600');
    await page.getByTestId('setting-syncConcurrency').fill('8');
    await page.getByTestId('settings-save').click();
    await expectText(page.getByTestId('settings-saved'), 'Saved');
    const after = await stored(app);
    assert.equal(after.refreshLeadSeconds, 600);
    assert.equal(after.syncConcurrency, 8);
    assert.deepEqual(app.problems.all(), []);
  });

  test('reset uses the type-to-confirm dialog; Escape cancels without changes', async () => {
    const { page } = app;
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('theme-dark').click();
    await eventually(() => stored(app).then((s) => s.theme), (t) => t === 'dark', 'dark stored');
    await page.getByTestId('settings-reset').click();
    const dialog = page.getByTestId('reset-dialog');
    await dialog.waitFor();
    await page.getByTestId('reset-dialog-input').fill('rese');
    assert.ok(await page.getByTestId('reset-dialog-confirm').isDisabled());
    await app.screenshot('reset-dialog-dark');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await stored(app)).theme, 'dark', 'cancel changed nothing');
    await page.getByTestId('settings-reset').click();
    await dialog.waitFor();
    assert.equal(await page.getByTestId('reset-dialog-input').inputValue(), '', 'the typed text does not survive a reopen');
    await page.getByTestId('reset-dialog-input').fill('reset');
    assert.ok(await page.getByTestId('reset-dialog-confirm').isEnabled());
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    const s = await stored(app);
    assert.deepEqual([s.theme, s.refreshLeadSeconds, s.syncConcurrency, s.insightsWindowDays], ['system', 300, 4, 90]);
    await eventually(() => page.evaluate<unknown>('document.documentElement.dataset.theme'), (t) => t === 'light', 'system theme resolves to light here');
    assert.deepEqual(app.problems.all(), []);
  });

  test('events: state.changed refreshes health, task.progress drives the status bar, hostile strings stay text', async () => {
    const { page, runtime } = app;
    await page.getByTestId('nav-settings').click();
    runtime.services.health.setOnline(false);
    // the SSE stream may still be connecting: re-emit until the UI shows the change
    await eventually(
      async () => {
        runtime.bus.emit('state.changed', { topic: 'health', workspaceId: null });
        return page.getByTestId('status-online').getAttribute('data-state');
      },
      (s) => s === 'offline',
      'offline after state.changed',
    );
    await expectText(page.getByTestId('health-online'), 'Offline');
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    runtime.bus.emit('task.progress', { taskId: 't1', kind: 'sync', label: hostile, done: 12, total: 40, ratePerSecond: 3, etaSeconds: 9, state: 'running', message: null });
    const task = page.getByTestId('status-task');
    await eventually(() => task.getAttribute('data-state'), (s) => s === 'running', 'task running');
    assert.match((await task.textContent()) ?? '', /12 of 40 \(30%\)/);
    assert.ok(((await task.textContent()) ?? '').includes(hostile), 'the label renders as literal text');
    assert.equal(await page.locator('[data-testid="status-bar"] img, [data-testid="status-bar"] script').count(), 0);
    await app.screenshot('status-bar-task-light');
    runtime.bus.emit('task.progress', { taskId: 't1', kind: 'sync', label: 'Sync', done: 12, total: 40, ratePerSecond: null, etaSeconds: null, state: 'failed', message: '<b>bad</b>' });
    await eventually(() => task.getAttribute('data-state'), (s) => s === 'failed', 'task failed');
    assert.match((await task.textContent()) ?? '', /Sync: failed — <b>bad<\/b>/);
    assert.equal(await page.evaluate<unknown>('window.__pwned'), undefined);
    runtime.services.health.setOnline(true);
    runtime.bus.emit('state.changed', { topic: 'health', workspaceId: null });
    await eventually(() => page.getByTestId('status-online').getAttribute('data-state'), (s) => s === 'online', 'online again');
    assert.deepEqual(app.problems.all(), []);
  });
});

describe('system theme and problem detection', () => {
  test('the system theme follows prefers-color-scheme: dark', async () => {
    const app = await startServeFixture({ colorScheme: 'dark' });
    try {
      assert.equal((await stored(app)).theme, 'system');
      assert.equal(await app.page.evaluate<unknown>('document.documentElement.dataset.theme'), 'dark');
      await app.screenshot('workspaces-dark');
      await app.page.getByTestId('nav-settings').click();
      await app.page.getByTestId('setting-insightsWindowDays').fill('0');
      await app.page.getByTestId('settings-save').click();
      await app.page.getByTestId('settings-error-banner').waitFor();
      await app.screenshot('settings-invalid-dark');
      assert.deepEqual(app.problems.all(), []);
    } finally {
      await app.close();
    }
  });

  test('the problem collector does see CSP violations and console errors (so "none" above means none)', async () => {
    const app = await startServeFixture();
    try {
      await app.page.evaluate(`(() => {
        const s = document.createElement('style');
        s.textContent = 'body{color:red}';
        document.head.append(s);
        console.error('deliberate');
      })()`);
      await eventually(async () => app.problems.cspViolations.length, (n) => n > 0, 'CSP violation reported');
      assert.match(app.problems.cspViolations[0]!, /style-src/);
      assert.ok(app.problems.consoleErrors.includes('deliberate'));
    } finally {
      await app.close();
    }
  });
});
