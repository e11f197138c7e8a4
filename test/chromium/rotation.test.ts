// Real Chromium through the built renderer in serve mode, over the real connections implementation and the sandbox:
// the whole rotation wizard (resumed after closing it half-way), the secret shown once and gone after "I have stored
// it", the grace chart falling quiet under the sandbox's test clock, end grace now, the calendar, machine clients with
// quota warnings and a service token. Run `npx vite build --config vite.web.config.ts` first.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { RunningServe } from '../../src-main/serve/serve-server.ts';
import { startRotationDemo, type RotationDemo } from './demo-app.ts';
import type { PageProblems } from '../support/serve-fixture.ts';
import { arrangeKey, type RotationApp, type RotationSandbox } from '../node/rotation/support.ts';
import { SCREENSHOT_DIR } from '../support/serve-fixture.ts';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

let demo: RotationDemo;
let p: RotationSandbox;
let app: RotationApp;
let serve: RunningServe;
let page: Page;
let problems: PageProblems;

const shot = async (name: string) => {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
};

before(async () => {
  demo = await startRotationDemo({ seed: 21, workspaces: 2, viewport: { width: 1280, height: 900 }, clipboard: true });
  ({ p, app, serve, page, problems } = demo);
});
after(() => demo?.close());

test('rotation wizard end to end, resumable, secret once, grace chart to quiet, end grace now; calendar opens wizards', async () => {
  const ws = p.sb.workspaces[0]!;
  const old = await arrangeKey(p, ws.id, { name: 'payments webhook' });
  const expiring = await arrangeKey(p, ws.id, { name: 'expiring partner key', expires_in_days: 5 });
  await app.call('inventory.sync', {});

  await page.goto(`${serve.url}#/rotation`);
  await page.getByTestId('rotation-screen').waitFor();
  await page.getByTestId('tools-workspace').selectOption(ws.id);
  const row = page.locator(`[data-testid="key-row"][data-key-id="${old.id}"]`);
  await row.getByTestId('key-rotate').click();
  const wizard = page.getByTestId('rotation-wizard');
  await wizard.getByTestId('wizard-body').and(page.locator('[data-step="chosen"]')).waitFor();
  assert.match(await wizard.getByTestId('wizard-warnings').innerText(), /No IP allowlist/);
  await wizard.getByTestId('wizard-grace').fill('7');
  await wizard.getByTestId('wizard-review').click();
  await wizard.locator('[data-testid="wizard-body"][data-step="reviewed"]').waitFor();

  // close half-way and resume from "Rotations in progress"
  await wizard.getByTestId('rotation-wizard-close').click();
  await wizard.waitFor({ state: 'detached' });
  await page.locator('[data-testid="wizard-row"][data-step="reviewed"]').getByTestId('wizard-resume').click();
  await wizard.locator('[data-testid="wizard-body"][data-step="reviewed"]').waitFor();
  await shot('rotation-guardrails');

  await wizard.getByTestId('wizard-rotate').click();
  const secretEl = wizard.getByTestId('wizard-secret');
  await secretEl.waitFor();
  const secret = (await secretEl.innerText()).trim();
  assert.match(secret, /^sk_live_/);
  assert.equal(await wizard.getByTestId('wizard-acknowledge').isDisabled(), true, 'acknowledge waits for "I have stored it"');
  await shot('rotation-secret-once');
  await wizard.getByTestId('wizard-stored').check();
  await wizard.getByTestId('wizard-acknowledge').click();
  await wizard.locator('[data-testid="wizard-body"][data-step="acknowledged"]').waitFor();
  assert.equal(await secretEl.count(), 0);
  assert.ok(!(await page.content()).includes(secret), 'the secret left the screen');

  await wizard.getByTestId('wizard-verify').click();
  await wizard.locator('[data-testid="wizard-body"][data-step="verified"]').waitFor();
  assert.match(await wizard.getByTestId('wizard-verification').innerText(), /Verified \(direct\)/);
  await wizard.getByTestId('wizard-watch').click();
  await wizard.locator('[data-testid="wizard-body"][data-step="grace"]').waitFor();
  await wizard.getByTestId('grace-audit-not-synced').waitFor();

  // integrations still on the old key, then the audit cache is synced
  for (const ip of ['198.51.100.20', '198.51.100.20', '203.0.113.9']) assert.equal((await p.withBearer(old.secret, '/v1/contacts', { 'x-sandbox-caller-ip': ip })).status, 200);
  const synced = await app.call('audit.sync', { workspaces: [ws.id] });
  assert.ok(synced.results.length === 1, JSON.stringify(synced));
  await wizard.getByTestId('wizard-refresh').click();
  await wizard.getByTestId('grace-chart').waitFor();
  assert.match(await wizard.getByTestId('grace-by-ip').innerText(), /198\.51\.100\.20\s+2/);
  assert.match(await wizard.getByTestId('grace-by-endpoint').innerText(), /GET \/v1\/contacts\s+3/);
  assert.equal(await wizard.getByTestId('grace-quiet').getAttribute('data-quiet'), 'false');
  assert.equal(await wizard.getByTestId('wizard-end-grace').isDisabled(), true);
  await shot('rotation-grace-traffic');

  // a day later the old key has gone quiet (sandbox test clock): end grace now
  await p.admin('POST', '/clock', { advance_seconds: 25 * 3600 });
  await wizard.getByTestId('wizard-refresh').click();
  await wizard.locator('[data-testid="grace-quiet"][data-quiet="true"]').waitFor();
  await wizard.getByTestId('wizard-end-grace').click();
  await wizard.locator('[data-testid="wizard-body"][data-step="ended_early"]').waitFor();
  assert.equal((await p.withBearer(old.secret, '/v1/workspace')).status, 401);
  assert.equal((await p.withBearer(secret, '/v1/workspace')).status, 200);
  assert.equal((await p.credentials(ws.id)).filter((c) => c.rotated_from === old.id).length, 1, 'exactly one rotation');
  await wizard.getByTestId('wizard-done').click();
  await wizard.waitFor({ state: 'detached' });

  // the calendar: across workspaces, filterable; the expiring key opens the rotation wizard for it
  await app.call('inventory.sync', {});
  await page.goto(`${serve.url}#/calendar`);
  await page.getByTestId('calendar-filter-within').selectOption('30');
  const item = page.locator(`[data-testid="calendar-item"][data-kind="key_expiry"][data-credential="${expiring.id}"]`);
  await item.waitFor();
  await shot('rotation-calendar');
  await page.getByTestId('calendar-kind-key_expiry').uncheck();
  await item.waitFor({ state: 'detached' });
  await page.getByTestId('calendar-kind-key_expiry').check();
  // the calendar links to the Rotation screen, which opens the wizard for that key
  await item.getByTestId('calendar-open').click();
  await page.getByTestId('rotation-screen').waitFor();
  await wizard.locator('[data-testid="wizard-body"][data-step="chosen"]').waitFor();
  assert.match(await wizard.locator('.dialog-title').innerText(), /expiring partner key/);
  assert.match(await wizard.getByTestId('wizard-warnings').innerText(), /new key inherits/);
  await wizard.getByTestId('wizard-cancel').click();
  await wizard.locator('[data-testid="wizard-body"][data-step="cancelled"]').waitFor();
  await wizard.getByTestId('wizard-done').click();

  assert.ok(!(await page.content()).includes(secret));
  assert.deepEqual(problems.all(), []);
});

test('machine client with quota warning and 429 remedy; usage bar and 30-day plot; service token shown once', async () => {
  const ws = p.sb.workspaces[1]!;
  await page.goto(`${serve.url}#/rotation`);
  await page.getByTestId('tools-workspace').selectOption(ws.id);
  const panel = page.getByTestId('clients-panel');
  await panel.getByTestId('client-new-name').fill('nightly export');
  await panel.getByTestId('client-new-scopes').fill('contacts:read');
  await panel.getByTestId('client-new-quota').fill('2');
  await panel.getByTestId('client-create').click();
  const dlg = page.getByTestId('client-secret-dialog');
  await dlg.getByTestId('client-secret').waitFor();
  assert.match(await dlg.getByTestId('client-secret').innerText(), /^mcs_/);
  await dlg.getByTestId('client-secret-stored').check();
  await dlg.getByTestId('client-secret-done').click();
  await dlg.waitFor({ state: 'detached' });

  const row = panel.locator('[data-testid="client-row"]', { hasText: 'nightly export' });
  await row.getByTestId('client-rotate').click();
  await dlg.getByTestId('quota-warning').waitFor();
  assert.match(await dlg.getByTestId('quota-remedy').innerText(), /Near the daily token quota/);
  await dlg.getByTestId('client-secret-stored').check();
  await dlg.getByTestId('client-secret-done').click();
  await row.getByTestId('client-rotate').click();
  await dlg.getByTestId('quota-error').waitFor();
  assert.equal(await dlg.getByTestId('quota-error').getAttribute('data-error-code'), 'rate_limited');
  assert.match(await dlg.getByTestId('quota-remedy').innerText(), /quota exhausted/);
  await shot('rotation-client-429');
  await dlg.getByTestId('client-secret-stored').check();
  await dlg.getByTestId('client-secret-done').click();

  await row.getByTestId('client-select').click();
  await panel.locator('[data-testid="quota-bar"][data-level="exhausted"]').waitFor();
  await panel.getByTestId('usage-plot').waitFor();
  assert.match(await panel.getByTestId('usage-remedy').innerText(), /quota exhausted/);
  await row.getByTestId('client-disable').click();
  await row.getByTestId('client-enable').waitFor();
  await row.getByTestId('client-enable').click();
  await row.getByTestId('client-disable').waitFor();
  await shot('rotation-clients');

  await page.getByTestId('open-service-token').click();
  const st = page.getByTestId('service-token-dialog');
  await st.getByTestId('service-token-ttl').selectOption('15');
  await st.getByTestId('service-token-mint').click();
  const token = (await st.getByTestId('service-token-value').innerText()).trim();
  assert.match(token, /^gst_/);
  assert.equal((await p.withBearer(token, '/v1/contacts')).status, 200);
  await st.getByTestId('service-token-done').click();
  await st.waitFor({ state: 'detached' });
  assert.ok(!(await page.content()).includes(token));
  await app.close({ keepDir: true }).catch(() => {});
  assert.ok(!app.allBytes().includes(token));
  assert.deepEqual(problems.all(), []);
});
