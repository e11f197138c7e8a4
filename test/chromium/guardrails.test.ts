/* eslint-disable @typescript-eslint/no-explicit-any -- the sandbox's admin JSON */
// Guardrails edited in place (issue 14.4) and scope bundles (14.5), as a user does it in real Chromium over the real app
// (serve mode) and the sandbox: the credential drawer's "Edit guardrails…" opens a dialog that judges the cached calls
// of the last 30 days; the counts it shows per reason equal the sandbox's own replay; Apply changes the key in place and
// the drawer shows the new guardrails. Then the matrix's Scope bundles dialog creates a bundle and pushes it to the other
// workspaces with a result per row, and the baseline picker offers it. Screenshots are looked at by a person (PNG).
// Run `npx vite build --config vite.web.config.ts` first.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { z } from 'zod';
import { eventually } from './helpers.ts';
import { SCREENSHOT_DIR } from '../support/serve-fixture.ts';
import { arrangeKey } from '../node/rotation/support.ts';
import { openRoute, startRotationDemo, type RotationDemo } from './demo-app.ts';

let demo: RotationDemo;
before(async () => {
  demo = await startRotationDemo({ seed: 23, workspaces: 3, events: 600, viewport: { width: 1440, height: 900 } });
});
after(() => demo?.close());

const shot = async (name: string) => {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await demo.page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
};

test('Edit guardrails: the dialog shows the dry run counts the sandbox computes, Apply changes the key in place, the drawer shows it', async () => {
  const { p, app, page, problems } = demo;
  const ws = p.sb.workspaces[0]!;
  const key = await arrangeKey(p, ws.id, { name: 'storefront sync', scopes: ['contacts:read', 'deals:read'], rate_limit_per_minute: 600 });
  const call = (path: string, ip: string) => p.withBearer(key.secret, path, { 'x-sandbox-caller-ip': ip });
  for (const ip of ['198.51.100.20', '198.51.100.21', '203.0.113.77', '2001:db8::9']) assert.equal((await call('/v1/contacts', ip)).status, 200);
  assert.equal((await call('/v1/api-keys', '198.51.100.20')).status, 403);
  await app.call('sync.all', { workspaces: [ws.id] });

  await openRoute(demo, `#/credentials?workspace=${encodeURIComponent(ws.id)}&credential=${encodeURIComponent(key.id)}`);
  await eventually(() => page.getByTestId('drawer-title').textContent(), (t) => t === 'storefront sync', 'drawer shows the key');
  await page.getByTestId('drawer-edit-guardrails').click();
  const dialog = page.getByTestId('guardrails-dialog');
  await dialog.getByTestId('guardrails-summary').waitFor();
  // the current guardrails, replayed: only the 403 is refused
  await eventually(() => dialog.getByTestId('guardrails-summary').textContent(), (t) => /1 of 5 cached calls/.test(t ?? ''), 'current guardrails replayed');

  // narrow the allowlist, drop deals:read, limit to 2 a minute; check
  await dialog.getByTestId('guardrails-allowlist').fill('198.51.100.0/24');
  await dialog.getByTestId('guardrails-rate').fill('2');
  await dialog.locator('label.gr-scope', { hasText: 'deals:read' }).locator('input').uncheck();
  assert.equal(await dialog.getByTestId('guardrails-apply').isDisabled(), true, 'Apply waits for a check of this proposal');
  await dialog.getByTestId('guardrails-check').click();
  await eventually(() => dialog.getByTestId('guardrails-check').textContent(), (t) => t === 'Checked', 'checked');

  const d = await app.call('keys.editDryRun', { workspace: ws.id, key: key.id, ipAllowlist: ['198.51.100.0/24'], rateLimitPerMinute: 2, scopes: ['contacts:read'] });
  const truth = (await p.admin('POST', '/replay', { workspace_id: ws.id, credential_id: key.id, since: d.since, scopes: ['contacts:read'], ip_allowlist: ['198.51.100.0/24'], rate_limit_per_minute: 2 })).body as any;
  const t = truth.credentials[0];
  const row = dialog.locator(`[data-testid="guardrails-count-row"][data-credential="${key.id}"]`);
  assert.equal(await row.getByTestId('count-calls').textContent(), String(t.calls));
  assert.equal(await row.getByTestId('count-scope').textContent(), String(t.refused.scope));
  assert.equal(await row.getByTestId('count-ip').textContent(), String(t.refused.ip));
  assert.equal(await row.getByTestId('count-rate').textContent(), String(t.refused.rate));
  assert.equal(t.refused.ip, 2, 'the allowlist refuses the two callers outside it');
  // the 403 call is the third inside the allowlist: refused by the rate limit within one minute, else by its scope
  assert.equal(t.refused.rate + t.refused.scope, 1);
  assert.equal(await dialog.getByTestId('guardrails-call').count(), t.events.length, 'each refused call is listed');
  const summary = (await dialog.getByTestId('guardrails-summary').textContent()) ?? '';
  assert.match(summary, new RegExp(`^${t.events.length} of 5 cached calls of the last 30 days would have been refused`));
  const changes = (await dialog.getByTestId('guardrails-changes').textContent()) ?? '';
  assert.match(changes, /Scopes: drop deals:read/);
  assert.match(changes, /IP allowlist: 198\.51\.100\.0\/24 \(was any address\)/);
  await shot('guardrails-dialog-1440x900-light');
  await page.setViewportSize({ width: 1024, height: 700 });
  await shot('guardrails-dialog-1024x700-light');
  await page.setViewportSize({ width: 1440, height: 900 });

  await dialog.getByTestId('guardrails-apply').click();
  await dialog.waitFor({ state: 'detached' });
  const drawer = page.getByTestId('credential-drawer');
  await eventually(() => drawer.textContent(), (x) => /198\.51\.100\.0\/24/.test(x ?? '') && /2 \/ minute/.test(x ?? ''), 'drawer shows the new allowlist and rate limit');
  assert.deepEqual(await drawer.getByTestId('drawer-scopes').locator('li').allTextContents(), ['contacts:read']);
  const state = (await p.credentials(ws.id)).find((c) => c.id === key.id) as any;
  assert.deepEqual([state.ip_allowlist, state.rate_limit_per_minute, state.scopes], [['198.51.100.0/24'], 2, ['contacts:read']]);
  assert.equal((await call('/v1/contacts', '203.0.113.77')).status, 401, 'the same secret, now held to the allowlist');
  await shot('guardrails-drawer-after-1440x900-light');
  assert.deepEqual(problems.all(), [], 'no console errors, page errors or CSP violations');
});

test('Scope bundles: create in one workspace, push to the others with a result per row, pick it as the baseline', async () => {
  const { p, page, problems } = demo;
  const [a, b, c] = p.sb.workspaces;
  await openRoute(demo, '#/scope-matrix');
  await page.getByTestId('open-bundles').click();
  const dialog = page.getByTestId('bundles-dialog');
  await dialog.getByTestId('bundles-workspace').selectOption(a!.id);
  await dialog.getByTestId('bundle-new').click();
  await dialog.getByTestId('bundle-name').fill('Reporting read-only');
  for (const s of ['contacts:read', 'deals:read']) await dialog.locator(`[data-testid="bundle-scope"][data-scope="${s}"]`).check();
  await dialog.getByTestId('bundle-save').click();
  const row = dialog.getByTestId('bundle-row').filter({ hasText: 'Reporting read-only' });
  await row.waitFor();
  await row.getByTestId('bundle-push-open').click();
  assert.equal(await dialog.getByTestId('bundle-push-ws').count(), 2, 'the other two workspaces');
  await dialog.getByTestId('bundle-push-go').click();
  await dialog.getByTestId('bundle-push-results').waitFor();
  const outcomes = await dialog.getByTestId('bundle-push-row').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-workspace'), r.getAttribute('data-outcome')]));
  assert.deepEqual(outcomes.sort(), [[b!.id, 'created'], [c!.id, 'created']].sort());
  assert.equal(await dialog.getByTestId('bundle-push-summary').textContent(), '2 created.');
  await shot('bundles-push-1440x900-light');
  for (const w of [a, b, c]) {
    const list = await p.api.call(w!.id, { method: 'GET', path: '/v1/scope-bundles', schema: z.object({ data: z.array(z.object({ name: z.string(), scopes: z.array(z.string()) })) }) });
    assert.deepEqual(list.data.data.filter((x) => x.name === 'Reporting read-only').map((x) => x.scopes), [['contacts:read', 'deals:read']], `${w!.name} holds it once`);
  }
  // pushing again changes nothing
  await dialog.getByTestId('bundle-push-go').click();
  await eventually(() => dialog.getByTestId('bundle-push-summary').textContent(), (t) => t === '2 already the same.', 'idempotent');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  // the baseline picker offers the bundle, held by all three workspaces
  await eventually(() => page.getByTestId('filter-baseline').locator('option').allTextContents(), (o) => o.some((x) => x === 'Reporting read-only (2 scopes, 3 ws)'), 'baseline option');
  assert.deepEqual(problems.all(), []);
});
