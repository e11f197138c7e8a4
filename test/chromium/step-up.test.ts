// MFA step-up in real Chromium over the real app (serve mode) and the sandbox, as a user meets it: on Pro workspaces,
// revoking an OAuth app (Credentials) and rotating an API key (Rotation wizard) ask for a fresh MFA sign-in. While the
// system browser is open the UI says which workspace asks, for what, and what to do (the scripted browser waits until
// the test has read the notice and taken the screenshots); once signed in the change goes ahead and the notice goes.
// A declined sign-in fails the row with a sentence and a remedy, and the platform's true state shows nothing changed.
// Run `npx vite build --config vite.web.config.ts` first.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { startSandbox, type SandboxHandle } from '../../sandbox/server.ts';
import { processClock } from '../../sandbox/clock.ts';
import { createFileLogger } from '../../src-main/adapters/file-logger.ts';
import { createMemorySecretStore } from '../../src-main/adapters/memory-secret-store.ts';
import { openCache } from '../../src-main/adapters/sqlite.ts';
import { createApp, type AppRuntime } from '../../src-main/composition.ts';
import { systemClock } from '../../src-main/ports/clock.ts';
import { SCREENSHOT_DIR } from '../support/serve-fixture.ts';
import { testClient, type TestClient } from '../support/test-client.ts';
import { credentialsOf, scriptedBrowser, setPlan } from '../node/connections/step-up-support.ts';
import { eventually } from './helpers.ts';
import { openInChromium, type ServedPage } from './demo-app.ts';

let sb: SandboxHandle;
let rt: AppRuntime;
let c: TestClient;
let served: ServedPage;
let page: Page;
let dataDir: string;
const browser = scriptedBrowser();
type Ws = { id: string; name: string };
let revokeWs: Ws;
let rotateWs: Ws;
let denyWs: Ws;

type Raf = { requestAnimationFrame(cb: () => void): void };
/** two animation frames: the theme and size have been painted */
const frames = () => page.evaluate(() => new Promise<void>((r) => (globalThis as unknown as Raf).requestAnimationFrame(() => (globalThis as unknown as Raf).requestAnimationFrame(() => r()))));

/** the browser stays "open" (nothing followed) until release() */
function holdBrowser() {
  let release!: () => void;
  browser.hold = new Promise<void>((r) => (release = r));
  return () => {
    browser.hold = null;
    release();
  };
}

async function shots(name: string) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  for (const [w, h] of [[1440, 900], [1024, 700]] as const) {
    await page.setViewportSize({ width: w, height: h });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await frames();
      await page.screenshot({ path: join(SCREENSHOT_DIR, `step-up-${name}-${w}x${h}-${scheme}.png`) });
    }
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
}

/** a third-party OAuth app still active in the workspace (the seed installs several) */
async function activeApp(ws: string) {
  const app = (await credentialsOf(sb, ws)).find((x) => x.type === 'oauth_app' && x.status === 'active');
  assert.ok(app, `an active third-party app in ${ws}`);
  return app as { id: string; name: string };
}

async function openRevokeDialog(ws: Ws, app: { id: string; name: string }) {
  await page.goto(`${served.serve.url}#/credentials`);
  await page.getByTestId('credentials-search').fill(app.id);
  await page.locator(`[data-testid="credential-row"][data-credential-id="${app.id}"]`).click();
  await eventually(() => page.getByTestId('drawer-title').textContent(), (t) => t === app.name, 'drawer shows the app');
  await page.getByTestId('drawer-revoke').click();
  const dialog = page.getByTestId('revoke-dialog');
  await dialog.getByTestId('revoke-summary').waitFor();
  await dialog.getByTestId('revoke-dialog-input').fill(ws.name);
  return dialog;
}

before(async () => {
  sb = await startSandbox({ workspaces: 3, events: 200, seed: 6, autoConsent: true, admin: true, clock: processClock(), log: () => {} });
  [revokeWs, rotateWs, denyWs] = sb.workspaces as [Ws, Ws, Ws];
  for (const w of sb.workspaces) await setPlan(sb, w.id, 'pro');
  dataDir = mkdtempSync(join(tmpdir(), 'grantdesk-step-up-ui-'));
  rt = createApp({ dataDir, db: openCache(dataDir), secretStore: createMemorySecretStore(), clock: systemClock, opener: browser.opener, logger: createFileLogger(dataDir) });
  c = testClient(rt);
  await c.call('platforms.add', { issuer: sb.issuer, name: 'Sandbox' });
  for (const w of sb.workspaces) await c.call('workspaces.connect', { workspace: w.id, role: 'operator' });
  await c.call('inventory.sync', {});
  served = await openInChromium(rt, { viewport: { width: 1440, height: 900 } });
  page = served.page;
});
after(async () => {
  await served?.close();
  await rt?.close();
  await sb?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('revoking an OAuth app on a Pro workspace: the notice says why while the browser is open, then the revoke goes through', async () => {
  const app = await activeApp(revokeWs.id);
  const dialog = await openRevokeDialog(revokeWs, app);
  const release = holdBrowser();
  await dialog.getByTestId('revoke-dialog-confirm').click();
  const notice = page.getByTestId('step-up-notice');
  await notice.waitFor();
  assert.equal(await notice.getByTestId('step-up-item').count(), 1);
  assert.equal(await notice.getByTestId('step-up-message').innerText(), `${revokeWs.name} requires a fresh MFA sign-in for revoking an OAuth app; finish it in your browser.`);
  assert.match(await notice.innerText(), new RegExp(`Fresh sign-in needed for ${revokeWs.name}`));
  assert.match(await notice.innerText(), /Sign in with your authenticator code in the browser window that opened\. Grantdesk goes on by itself once you have signed in, and gives up after 5 minutes without changing anything\./);
  // the notice is above the dialog's backdrop and covers none of its controls
  const box = (await notice.boundingBox())!;
  const confirm = (await dialog.getByTestId('revoke-dialog-confirm').boundingBox())!;
  assert.ok(box.y + box.height <= confirm.y || box.y >= confirm.y + confirm.height, 'the notice does not cover the dialog action');
  assert.equal(browser.stepUps().length, 1);
  assert.equal(new URL(browser.stepUps()[0]!).searchParams.get('workspace'), revokeWs.id);
  await shots('waiting');
  release();
  await page.getByTestId('revoke-result-row').first().waitFor();
  assert.match(await page.getByTestId('revoke-results').innerText(), /Revoked/);
  await notice.waitFor({ state: 'detached' });
  assert.equal((await credentialsOf(sb, revokeWs.id)).find((x) => x.id === app.id).status, 'revoked', 'the platform revoked it');
  await shots('revoked');
});

test('rotating an API key on a Pro workspace from the rotation wizard goes through one step-up', async () => {
  const key = (await credentialsOf(sb, rotateWs.id)).find((x) => x.type === 'api_key' && x.status === 'active' && !x.expires_at);
  assert.ok(key, 'an active key without an expiry');
  const n0 = browser.stepUps().length;
  await page.goto(`${served.serve.url}#/rotation`);
  await page.getByTestId('rotation-screen').waitFor();
  await page.getByTestId('tools-workspace').selectOption(rotateWs.id);
  await page.locator(`[data-testid="key-row"][data-key-id="${key.id}"]`).getByTestId('key-rotate').click();
  const wizard = page.getByTestId('rotation-wizard');
  await wizard.locator('[data-testid="wizard-body"][data-step="chosen"]').waitFor();
  await wizard.getByTestId('wizard-grace').fill('7');
  await wizard.getByTestId('wizard-review').click();
  await wizard.locator('[data-testid="wizard-body"][data-step="reviewed"]').waitFor();
  const release = holdBrowser();
  await wizard.getByTestId('wizard-rotate').click();
  await eventually(() => page.getByTestId('step-up-message').innerText(), (t) => t === `${rotateWs.name} requires a fresh MFA sign-in for rotating an API key; finish it in your browser.`, 'the rotation step-up notice');
  await shots('rotate-waiting');
  release();
  const secret = (await wizard.getByTestId('wizard-secret').innerText()).trim();
  assert.match(secret, /^sk_(live|test)_/);
  assert.equal(browser.stepUps().length, n0 + 1);
  const rotated = (await credentialsOf(sb, rotateWs.id)).find((x) => x.rotated_from === key.id);
  assert.ok(rotated, 'the platform holds the new key');
  await page.keyboard.press('Escape');
});

test('a declined step-up: the row fails with a sentence and a remedy, and the app stays installed', async () => {
  const app = await activeApp(denyWs.id);
  const dialog = await openRevokeDialog(denyWs, app);
  browser.mode = 'deny';
  try {
    await dialog.getByTestId('revoke-dialog-confirm').click();
    const err = page.getByTestId('revoke-result-error').first();
    await err.waitFor();
    const text = await err.innerText();
    assert.match(text, new RegExp(`${denyWs.name} requires a fresh MFA sign-in for revoking an OAuth app, and it was declined or failed in the browser`));
    assert.match(text, /nothing was changed/);
    assert.doesNotMatch(await err.getByTestId('revoke-result-error-message').innerText(), /step_up_refused/, 'words, not codes');
    // the remedy is the row's hover text (ErrorInline), the code behind Details
    assert.match((await err.getAttribute('title')) ?? '', /finish the sign-in in your browser with your authenticator code/);
    assert.equal(await err.getAttribute('data-error-code'), 'step_up_refused');
  } finally {
    browser.mode = 'follow';
  }
  await page.getByTestId('step-up-notice').waitFor({ state: 'detached' });
  assert.equal((await credentialsOf(sb, denyWs.id)).find((x) => x.id === app.id).status, 'active', 'nothing was revoked');
  await shots('declined');
  assert.deepEqual(served.problems.all(), []);
});
