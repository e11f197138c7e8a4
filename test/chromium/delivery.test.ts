// Real Chromium, serve mode over the real app and the sandbox: the rotation wizard and the machine-client panel offer
// the delivery targets set up on the CLI (exactly those, by name and command) and "Show the secret once instead". A
// delivery that succeeds never puts the secret on the page; one that fails shows the exit code and the redacted stderr
// and asks "Show it once now?"; only that click shows it. The targets' commands here store what they get in a file, so
// the test knows the secret the page must not show. Run `npx vite build --config vite.web.config.ts` first.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CLI_CONTEXT } from '../../src-main/rpc/handlers.ts';
import type { RunningServe } from '../../src-main/serve/serve-server.ts';
import { arrangeKey, type RotationApp, type RotationSandbox } from '../node/rotation/support.ts';
import { SCREENSHOT_DIR, type PageProblems } from '../support/serve-fixture.ts';
import { startRotationDemo, type RotationDemo } from './demo-app.ts';

let demo: RotationDemo;
let p: RotationSandbox;
let app: RotationApp;
let serve: RunningServe;
let page: Page;
let problems: PageProblems;
let dir: string;

const shot = async (name: string) => {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'grantdesk-delivery-ui-'));
  demo = await startRotationDemo({ seed: 41, workspaces: 1, viewport: { width: 1280, height: 900 } });
  ({ p, app, serve, page, problems } = demo);
  const cli = app.as(CLI_CONTEXT);
  await cli.call('delivery.add', { name: 'vault-app', cmd: `sh -c 'cat > "$0"' ${join(dir, 'vault')}` });
  // a store that fails and echoes what it was given (main redacts it)
  await cli.call('delivery.add', { name: 'broken-store', cmd: `sh -c '{ tee "$0"; echo; } | sed "s/^/got: /" >&2; echo "store: permission denied" >&2; exit 1' ${join(dir, 'spy')}` });
});
after(async () => {
  await demo?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** the rotation screen, freshly loaded (keys and clients arranged since the last visit are listed) */
async function openRotation() {
  await page.goto(`${serve.url}#/rotation`);
  await page.reload();
}

async function openWizard(keyId: string) {
  await openRotation();
  await page.getByTestId('rotation-screen').waitFor();
  await page.getByTestId('tools-workspace').selectOption(p.sb.workspaces[0]!.id);
  await page.locator(`[data-testid="key-row"][data-key-id="${keyId}"]`).getByTestId('key-rotate').click();
  const wizard = page.getByTestId('rotation-wizard');
  await wizard.locator('[data-testid="wizard-body"][data-step="chosen"]').waitFor();
  await wizard.getByTestId('wizard-review').click();
  await wizard.locator('[data-testid="wizard-body"][data-step="reviewed"]').waitFor();
  return wizard;
}

test('wizard: the configured targets are offered by name; delivered, the secret never reaches the page', async () => {
  const old = await arrangeKey(p, p.sb.workspaces[0]!.id, { name: 'payments webhook' });
  const wizard = await openWizard(old.id);
  const choice = wizard.getByTestId('wizard-delivery');
  const configured = (await app.call('delivery.list', {})).targets;
  const offered = choice.getByTestId('wizard-delivery-target');
  assert.equal(await offered.count(), configured.length);
  assert.deepEqual(await offered.evaluateAll((els) => els.map((e) => e.getAttribute('data-target'))), configured.map((t) => t.name));
  assert.match(await offered.first().innerText(), /Deliver to broken-store/);
  assert.match(await choice.getByTestId('wizard-delivery-show-once').innerText(), /Show the secret once instead/);
  assert.equal(await choice.getByTestId('wizard-delivery-show-once').locator('input').isChecked(), true, 'showing once stays the default');
  await choice.locator('[data-target="vault-app"] input').check();
  await shot('delivery-choice');

  await wizard.getByTestId('wizard-rotate').click();
  const delivered = wizard.getByTestId('wizard-delivery-outcome-delivered');
  await delivered.waitFor();
  assert.equal(await delivered.innerText(), 'Delivered to vault-app (exit code 0). The secret was not shown and Grantdesk does not keep it.');
  const secret = readFileSync(join(dir, 'vault'), 'utf8');
  assert.match(secret, /^sk_live_/);
  assert.equal(await wizard.getByTestId('wizard-secret').count(), 0);
  assert.ok(!(await page.content()).includes(secret), 'the delivered secret is on the page');
  await shot('delivery-delivered');
  const ack = wizard.getByTestId('wizard-acknowledge');
  assert.equal(await ack.innerText(), 'Continue');
  assert.equal(await ack.isDisabled(), false);
  await ack.click();
  await wizard.getByTestId('wizard-verify').click();
  await wizard.locator('[data-testid="wizard-body"][data-step="verified"]').waitFor();
  assert.match(await wizard.getByTestId('wizard-verification').innerText(), /^Verified \(direct\)/);
  assert.equal((await p.withBearer(secret, '/v1/workspace')).status, 200);
  assert.ok(!(await page.content()).includes(secret));
  await wizard.getByTestId('rotation-wizard-close').click();
});

test('wizard: a failed delivery shows the exit code and redacted stderr; the secret only after "Show it once"', async () => {
  const old = await arrangeKey(p, p.sb.workspaces[0]!.id, { name: 'crm sync' });
  const wizard = await openWizard(old.id);
  await wizard.getByTestId('wizard-delivery').locator('[data-target="broken-store"] input').check();
  await wizard.getByTestId('wizard-rotate').click();
  const failed = wizard.getByTestId('wizard-delivery-outcome-failed');
  await failed.waitFor();
  const secret = readFileSync(join(dir, 'spy'), 'utf8');
  assert.match(secret, /^sk_live_/);
  assert.equal(await failed.getByTestId('wizard-delivery-outcome-message').innerText(), 'Delivery to broken-store failed: the command exited with code 1. The new secret was not shown.');
  assert.equal(await failed.getByTestId('wizard-delivery-outcome-stderr').innerText(), 'got: [REDACTED]\nstore: permission denied');
  assert.match(await failed.getByTestId('wizard-delivery-outcome-ask').innerText(), /^Show it once now\? Grantdesk holds it in memory only until \d/);
  assert.equal(await wizard.getByTestId('wizard-rotate').count(), 0, 're-issuing is not offered while the secret is held');
  assert.ok(!(await page.content()).includes(secret), 'the undelivered secret is on the page before it was asked for');
  assert.equal(await wizard.getByTestId('wizard-acknowledge').count(), 0, 'acknowledging a secret stored nowhere');
  await shot('delivery-failed');

  await failed.getByTestId('wizard-delivery-outcome-reveal').click();
  const shown = wizard.getByTestId('wizard-secret');
  await shown.waitFor();
  assert.equal((await shown.innerText()).trim(), secret);
  const ack = wizard.getByTestId('wizard-acknowledge');
  await ack.waitFor();
  assert.equal(await ack.isDisabled(), true, 'waits for "I have stored it"');
  await wizard.getByTestId('wizard-stored').check();
  await ack.click();
  await wizard.locator('[data-testid="wizard-body"][data-step="acknowledged"]').waitFor();
  assert.ok(!(await page.content()).includes(secret), 'the secret stayed on the page');
  await wizard.getByTestId('rotation-wizard-close').click();
});

test('machine client: rotated to a delivery target, the dialog says where and shows no secret', async () => {
  const ws = p.sb.workspaces[0]!.id;
  const created = await app.as(CLI_CONTEXT).call('clients.create', { workspace: ws, name: 'nightly export', scopes: ['contacts:read'], dailyQuota: 100 });
  await openRotation();
  await page.getByTestId('tools-workspace').selectOption(ws);
  const panel = page.getByTestId('clients-panel');
  await panel.getByTestId('client-delivery').locator('[data-target="vault-app"] input').check();
  await panel.locator(`[data-testid="client-row"][data-client-id="${created.client.id}"]`).getByTestId('client-rotate').click();
  const dlg = page.getByTestId('client-secret-dialog');
  await dlg.getByTestId('client-delivery-outcome-delivered').waitFor();
  const secret = readFileSync(join(dir, 'vault'), 'utf8');
  assert.match(secret, /^mcs_/);
  assert.equal(await dlg.getByTestId('client-secret').count(), 0);
  assert.ok(!(await page.content()).includes(secret));
  assert.match(await dlg.getByTestId('quota-check').innerText(), /A token request with the new secret succeeded/);
  await shot('delivery-client');
  await dlg.getByTestId('client-secret-done').click();
  await dlg.waitFor({ state: 'detached' });
  assert.deepEqual(problems.all(), []);
});
