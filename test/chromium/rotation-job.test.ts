// Job (c), as a new user does it in real Chromium over the real app (serve mode) and the sandbox: rotate a key from the
// Rotation screen and watch its grace period with an honest traffic chart. The audit cache is synced BEFORE the
// rotation, so the grace step must say the cache ends before the rotation (and claim nothing about quiet); Refresh syncs
// the workspace's audit log (a toast says so), the old key's calls after the rotation appear, and "quiet" appears only
// once audit data newer than the rotation shows a day without old-key calls (the sandbox's test clock). Also the expiry
// calendar: upcoming first, the overdue group collapsed with its exact count. Screenshots light/dark at 1440×900 and
// 1024×700. Run `npx vite build --config vite.web.config.ts` first.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { RunningServe } from '../../src-main/serve/serve-server.ts';
import { eventually } from './helpers.ts';
import { SCREENSHOT_DIR, type PageProblems } from '../support/serve-fixture.ts';
import { arrangeKey, type RotationApp, type RotationSandbox } from '../node/rotation/support.ts';
import { startRotationDemo, type RotationDemo } from './demo-app.ts';

let demo: RotationDemo;
let p: RotationSandbox;
let app: RotationApp;
let serve: RunningServe;
let page: Page;
let problems: PageProblems;

const SIZES = [
  [1440, 900],
  [1024, 700],
] as const;
/** light and dark at both sizes; asserts no page-level horizontal overflow in each */
const shots = async (name: string) => {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await eventually(() => page.evaluate(() => (globalThis as unknown as { document: { documentElement: { dataset: Record<string, string> } } }).document.documentElement.dataset.theme), (t) => t === scheme, `${scheme} theme`);
    for (const [w, h] of SIZES) {
      await page.setViewportSize({ width: w, height: h });
      const overflow = await page.evaluate(() => {
        const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return d.scrollWidth - d.clientWidth;
      });
      assert.ok(overflow <= 0, `${name} ${w}×${h} ${scheme}: page-level horizontal overflow of ${overflow}px`);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${w}x${h}-${scheme}.png`) });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1440, height: 900 });
};

before(async () => {
  demo = await startRotationDemo({ seed: 21, workspaces: 3, viewport: { width: 1440, height: 900 }, clipboard: true });
  ({ p, app, serve, page, problems } = demo);
});
after(() => demo?.close());

test('calendar: upcoming first by date, the overdue group collapsed with its exact count, human dates, sources in words', async () => {
  const ws = p.sb.workspaces[0]!;
  const partnerKey = await arrangeKey(p, ws.id, { name: 'partner feed', expires_in_days: 3 });
  await app.call('inventory.sync', {});
  const truth = await app.call('rotation.calendar', { withinDays: 90 });
  const overdue = truth.items.filter((i) => i.severity === 'overdue').length;
  const upcoming = truth.items.filter((i) => i.severity !== 'overdue');
  assert.ok(overdue > 0 && upcoming.length > 0, `the seeded sandbox has both: ${overdue} overdue, ${upcoming.length} upcoming`);

  await page.goto(`${serve.url}#/calendar`);
  const group = page.getByTestId('calendar-overdue-group');
  await group.waitFor();
  assert.equal(await page.getByTestId('calendar-overdue-toggle').getAttribute('aria-expanded'), 'false', 'overdue is collapsed by default');
  assert.match(await page.getByTestId('calendar-overdue-toggle').innerText(), new RegExp(`Overdue \\(${overdue}\\)`));
  assert.equal(await page.getByTestId('calendar-overdue-list').count(), 0, 'no overdue row is rendered while collapsed');
  assert.equal(Number(await page.getByTestId('calendar-upcoming').getAttribute('data-count')), upcoming.length);
  assert.match(await page.getByTestId('calendar-summary').innerText(), new RegExp(`${upcoming.length} upcoming in the next 90 days · ${overdue} overdue`));
  // upcoming first: the first rows on the page are the soonest upcoming items, none overdue
  const first = page.getByTestId('calendar-item').first();
  assert.notEqual(await first.getAttribute('data-severity'), 'overdue');
  const soonest = [...upcoming].sort((a, b) => a.at.localeCompare(b.at))[0]!;
  assert.equal(await first.getAttribute('data-credential'), soonest.credentialId ?? '');
  // local human dates, the exact time on hover; never raw ISO
  const whenEl = first.getByTestId('calendar-when');
  assert.match(await whenEl.innerText(), /^(in \d+ (days|h|min)|today|tomorrow) · \w{3},? .*\d{1,2}:\d\d/);
  assert.ok(((await whenEl.getAttribute('title')) ?? '').length > 10);
  const text = await page.getByTestId('calendar-screen').innerText();
  assert.doesNotMatch(text, /\d{4}-\d\d-\d\dT\d\d:\d\d/, 'no raw ISO timestamps');
  const sources = await page.getByTestId('calendar-sources').innerText();
  assert.match(sources, /no auditor review issued or redeemed here/);
  assert.doesNotMatch(sources, /domain\)|\(ok\)|\(empty/);
  // the item opens the Rotation screen at that key
  const partner = page.locator(`[data-testid="calendar-item"][data-kind="key_expiry"][data-credential="${partnerKey.id}"]`);
  assert.match((await partner.getByTestId('calendar-open').getAttribute('href')) ?? '', /^#\/rotation\?workspace=.+&key=/);
  await shots('calendar');

  await page.getByTestId('calendar-overdue-toggle').click();
  assert.equal(Number(await page.getByTestId('calendar-overdue-list').getAttribute('data-count')), overdue);
  assert.equal(await page.getByTestId('calendar-overdue-list').getByTestId('calendar-item').first().getAttribute('data-severity'), 'overdue');
  await shots('calendar-overdue-open');
  assert.deepEqual(problems.all(), []);
});

test('job (c): rotate from the Rotation screen; the grace chart says the cache predates the rotation; Refresh syncs; quiet only from newer audit data', async () => {
  const ws = p.sb.workspaces[1]!;
  const old = await arrangeKey(p, ws.id, { name: 'payments webhook' });
  // the audit cache is brought up to date now, BEFORE the rotation
  await app.call('audit.sync', { workspaces: [ws.id] });

  await page.goto(`${serve.url}#/rotation`);
  await page.getByTestId('rotation-screen').waitFor();
  assert.equal(await page.getByTestId('nav-rotation').getAttribute('aria-current'), 'page');
  await page.getByTestId('tools-workspace').selectOption(ws.id);
  await page.locator(`[data-testid="key-row"][data-key-id="${old.id}"]`).getByTestId('key-rotate').click();
  const wizard = page.getByTestId('rotation-wizard');
  await wizard.locator('[data-testid="wizard-body"][data-step="chosen"]').waitFor();
  await wizard.getByTestId('wizard-grace').fill('7');
  await wizard.getByTestId('wizard-review').click();
  await wizard.locator('[data-testid="wizard-body"][data-step="reviewed"]').waitFor();
  await wizard.getByTestId('wizard-rotate').click();
  const secret = (await wizard.getByTestId('wizard-secret').innerText()).trim();
  assert.match(secret, /^sk_live_/);
  await wizard.getByTestId('wizard-stored').check();
  await wizard.getByTestId('wizard-acknowledge').click();
  await wizard.getByTestId('wizard-verify').click();
  await wizard.locator('[data-testid="wizard-body"][data-step="verified"]').waitFor();
  await wizard.getByTestId('wizard-watch').click();
  await wizard.locator('[data-testid="wizard-body"][data-step="grace"]').waitFor();

  // the cache ends before the rotation: the chart says so, and says nothing about quiet
  const stale = wizard.getByTestId('grace-audit-stale');
  await stale.waitFor();
  assert.match(await stale.innerText(), /^The audit cache ends at .+, before the rotation at .+ — sync to see traffic since\./);
  assert.equal(await wizard.getByTestId('grace-quiet').getAttribute('data-quiet'), 'unknown');
  assert.equal(await wizard.getByTestId('grace-chart').count(), 0, 'no empty chart drawn from a cache older than the rotation');
  assert.equal(await wizard.getByTestId('wizard-end-grace').isDisabled(), true);
  await shots('rotation-grace-stale');

  // integrations still on the old key after the rotation
  for (const ip of ['198.51.100.20', '198.51.100.20', '203.0.113.9']) assert.equal((await p.withBearer(old.secret, '/v1/contacts', { 'x-sandbox-caller-ip': ip })).status, 200);
  // Refresh syncs the workspace's audit log (no sync from the test), then redraws; the toast it brings is one more than
  // the ones already there (the test's own sync above)
  const syncToasts = page.getByTestId('toast').filter({ hasText: 'Syncing audit events of 1 workspace finished' });
  const before = await syncToasts.count();
  await wizard.getByTestId('wizard-refresh').click();
  await wizard.getByTestId('grace-chart').waitFor();
  assert.equal(await stale.count(), 0);
  assert.match(await wizard.getByTestId('grace-by-ip').innerText(), /198\.51\.100\.20\s+2/);
  assert.match(await wizard.getByTestId('grace-by-endpoint').innerText(), /GET \/v1\/contacts\s+3/);
  const oldBars = await wizard.getByTestId('grace-bar-old').evaluateAll((els) => els.reduce((a, e) => a + Number((e as unknown as { getAttribute(n: string): string }).getAttribute('data-calls')), 0));
  assert.equal(oldBars, 3, 'the chart holds the 3 old-key calls since the rotation');
  assert.equal(await wizard.getByTestId('grace-quiet').getAttribute('data-quiet'), 'false');
  assert.match(await wizard.getByTestId('grace-quiet').innerText(), /still in use: 3 calls since the rotation, most from 198\.51\.100\.20/);
  // the sync that Refresh ran finished: a toast says so, with a link to its result
  await eventually(() => syncToasts.count(), (n) => n === before + 1, 'a toast for the sync Refresh ran');
  const toast = syncToasts.last();
  assert.equal(await toast.getByTestId('toast-link').getAttribute('href'), '#/audit');
  assert.equal(await page.getByTestId('toast-region').getAttribute('aria-live'), 'polite');
  // the toast never covers the dialog's actions
  const footer = (await wizard.getByTestId('wizard-refresh').boundingBox())!;
  const tb = (await toast.boundingBox())!;
  const covered = await page.evaluate(([x, y]) => (globalThis as unknown as { document: { elementFromPoint(x: number, y: number): { closest(s: string): unknown } | null } }).document.elementFromPoint(x!, y!)?.closest('[data-testid="toast"]') ?? null, [footer.x + footer.width / 2, footer.y + footer.height / 2]);
  assert.equal(covered, null, `Refresh is not under a toast (${JSON.stringify(tb)})`);
  await shots('rotation-grace-traffic');

  // a day later (sandbox test clock) with no old-key calls: Refresh syncs newer events, and only now "quiet"
  await p.admin('POST', '/clock', { advance_seconds: 25 * 3600 });
  await wizard.getByTestId('wizard-refresh').click();
  await wizard.locator('[data-testid="grace-quiet"][data-quiet="true"]').waitFor();
  assert.match(await wizard.getByTestId('grace-quiet').innerText(), /gone quiet: no calls with it for 24 h, by the audit log/);
  await wizard.getByTestId('wizard-end-grace').click();
  await wizard.locator('[data-testid="wizard-body"][data-step="ended_early"]').waitFor();
  assert.equal((await p.withBearer(old.secret, '/v1/workspace')).status, 401);
  assert.equal((await p.withBearer(secret, '/v1/workspace')).status, 200);
  await wizard.getByTestId('wizard-done').click();
  await wizard.waitFor({ state: 'detached' });
  assert.ok(!(await page.content()).includes(secret));
  assert.deepEqual(problems.all(), []);
});
