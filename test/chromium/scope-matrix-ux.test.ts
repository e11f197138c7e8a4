// Issue 13 item 5 as a stranger sees it, in real Chromium over the sandbox: filters fold to one line of chips once a
// filter is set; the filtered column stays in view while the grid scrolls sideways; every mark the grid draws is in the
// legend; both screens show the same credential count; Credentials has a status badge column (an expired key says
// "Expired …", not "14 days ago"); header buttons hold still while syncing; the drawer never covers the key columns and
// its Revoke is visible without scrolling (1440×900 and 1024×700); closing the drawer puts focus back on its row.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { RunningServe } from '../../src-main/serve/serve-server.ts';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SCREENSHOT_DIR, type PageProblems } from '../support/serve-fixture.ts';
import { matrixOf, type SandboxPlatform, type TestApp } from '../node/inventory/support.ts';
import { eventually as waitUntil } from './helpers.ts';
import { startDemoApp, type DemoApp } from './demo-app.ts';

let demo: DemoApp;
let p: SandboxPlatform;
let app: TestApp;
let serve: RunningServe;
let page: Page;
let problems: PageProblems;
const eventually = <T>(fn: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 30_000) => waitUntil(fn, ok, what, timeoutMs);
type Raf = { requestAnimationFrame(cb: () => void): void };
type Box = { x: number; y: number; width: number; height: number };
const frames = () =>
  page.evaluate(() => new Promise<void>((r) => (globalThis as unknown as Raf).requestAnimationFrame(() => (globalThis as unknown as Raf).requestAnimationFrame(() => r()))));
const inside = (a: Box, b: Box) => a.x >= b.x - 0.5 && a.x + a.width <= b.x + b.width + 0.5 && a.y >= b.y - 0.5 && a.y + a.height <= b.y + b.height + 0.5;

before(async () => {
  demo = await startDemoApp({
    workspaces: 12,
    events: 600,
    seed: 1,
    viewport: { width: 1024, height: 700 },
    prepare: async (a) => {
      const r = await a.call('inventory.sync', {});
      assert.ok(r.workspaces.every((w) => w.ok));
      // a baseline, so over-grant marks appear in the grid
      await a.call('inventory.setBaseline', { name: 'Reads', scopes: ['contacts:read', 'deals:read', 'audit:read', 'credentials:read'] });
    },
  });
  ({ p, app, serve, page, problems } = demo);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.goto(`${serve.url}#/scope-matrix`);
  await page.getByTestId('matrix-grid').waitFor();
  await eventually(() => page.getByTestId('matrix-status').textContent(), (t) => !!t && t.includes('12 workspaces'), 'matrix');
});
after(() => demo?.close());

test('filters fold to one line of chips once a filter is set, and open again on demand', async () => {
  if (await page.getByTestId('filter-reset').count()) await page.getByTestId('filter-reset').click();
  await page.getByTestId('matrix-filters').waitFor({ state: 'visible' });
  await page.getByTestId('col-contacts:delete').click();
  await page.getByTestId('active-scope-contacts:delete').waitFor();
  assert.equal(await page.getByTestId('matrix-filters').isVisible(), false, 'the panel folds once a filter is set');
  const bar = (await page.getByTestId('active-filters').boundingBox())!;
  assert.ok(bar.height <= 40, `one line: ${bar.height} px`);
  await page.getByTestId('filters-toggle').click();
  assert.equal(await page.getByTestId('matrix-filters').isVisible(), true);
  await page.getByTestId('filters-toggle').click();
  assert.equal(await page.getByTestId('matrix-filters').isVisible(), false);
  await page.getByTestId('filter-reset').click();
});

test('the filtered column stays in view while the grid scrolls sideways (1024×700)', async () => {
  const m = await matrixOf(app, {});
  const last = m.columns[m.columns.length - 1]!.scope;
  await page.getByTestId(`col-${last}`).click();
  await page.getByTestId(`active-scope-${last}`).waitFor();
  const grid = page.getByTestId('matrix-grid');
  for (const where of ['start', 'middle', 'end'] as const) {
    await grid.evaluate((g, w) => {
      g.scrollLeft = w === 'start' ? 0 : w === 'end' ? g.scrollWidth : g.scrollWidth / 2 - g.clientWidth / 2;
    }, where);
    await frames();
    const g = (await grid.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { x: r.x + el.clientLeft, y: r.y + el.clientTop, width: el.clientWidth, height: el.clientHeight };
    })) as Box;
    const col = (await page.getByTestId(`col-${last}`).boundingBox())!;
    assert.ok(inside(col, g), `${last} header in view at scroll ${where}: ${JSON.stringify(col)} in ${JSON.stringify(g)}`);
    const cell = (await page.locator(`[data-testid="matrix-cred-row"] [data-scope="${last}"]`).first().boundingBox())!;
    assert.ok(inside(cell, g), `a ${last} cell in view at scroll ${where}`);
  }
  await page.getByTestId('filter-reset').click();
});

test('every mark the grid draws is in the legend (glyph, colour and background)', async () => {
  if (await page.getByTestId('filter-reset').count()) await page.getByTestId('filter-reset').click();
  await page.getByText('Expand all').click();
  await frames();
  const keys = (sel: string) =>
    page.locator(sel).evaluateAll((els) => {
      const out = new Set<string>();
      for (const el of els) {
        const t = (el.textContent ?? '').trim();
        if (!t) continue;
        const cs = (globalThis as unknown as { getComputedStyle(e: unknown): { color: string; backgroundColor: string } }).getComputedStyle(el);
        out.add(`${/^\d+$/.test(t) ? '#' : t}|${cs.color}|${cs.backgroundColor === 'rgba(0, 0, 0, 0)' ? 'none' : cs.backgroundColor}`);
      }
      return [...out];
    });
  const grid = await keys('[data-testid="matrix-grid"] .mx-cell, [data-testid="matrix-grid"] .mx-col-action');
  const legend = new Set(await keys('[data-testid="matrix-legend"] .mx-legend'));
  assert.ok(grid.length >= 4, `marks drawn: ${grid.join(' ; ')}`);
  const missing = grid.filter((k) => !legend.has(k));
  assert.deepEqual(missing, [], `marks without a legend entry; legend has ${[...legend].join(' ; ')}`);
  await page.getByText('Collapse all').click();
});

test('both screens show the same credential count, with the inactive share', async () => {
  const m = await matrixOf(app, {});
  const line = `${m.counts.total} credentials in 12 workspaces, ${m.counts.inactive} of them revoked, expired or disabled`;
  await eventually(() => page.getByTestId('inventory-counts').textContent(), (t) => t === line, 'matrix count');
  await page.getByTestId('nav-credentials').click();
  await eventually(() => page.getByTestId('inventory-counts').textContent(), (t) => t === line, 'credentials count');
  await page.getByTestId('credentials-search').fill('ops');
  await eventually(() => page.getByTestId('credentials-status').textContent(), (t) => !!t && /^Showing \d+ credentials?/.test(t), 'searched');
  assert.equal(await page.getByTestId('inventory-counts').textContent(), line, 'search never changes the count');
  await page.getByTestId('credentials-search').fill('');
});

test('Credentials has a status badge: an expired key says Expired, not just "14 days ago"', async () => {
  const list = await app.call('inventory.credentials', {});
  const expired = list.credentials.find((c) => c.type === 'api_key' && c.lifecycle.state === 'expired')!;
  assert.ok(expired, 'the seed has an expired key');
  await page.getByTestId('credentials-search').fill(expired.id);
  const row = page.locator(`[data-testid="credential-row"][data-credential-id="${expired.id}"]`);
  await row.waitFor();
  assert.match(await row.getByTestId('credential-status').innerText(), /^Expired .+ ago$/);
  assert.match(await row.innerText(), /expired .+ ago/);
  assert.ok(await page.locator('[role="columnheader"]', { hasText: 'Status' }).isVisible());
  await page.getByTestId('credentials-search').fill('');
});

test('the drawer never covers the key columns, Revoke is visible without scrolling, focus returns to the row', async () => {
  for (const [w, h] of [[1440, 900], [1024, 700]] as const) {
    await page.setViewportSize({ width: w, height: h });
    const row = page.getByTestId('credential-row').nth(2);
    await row.waitFor();
    const id = (await row.getAttribute('data-credential-id'))!;
    await row.click();
    const drawer = page.getByTestId('credential-drawer');
    await eventually(() => page.getByTestId('drawer-title').textContent(), (t) => !!t && t !== 'Loading…', 'drawer');
    const d = (await drawer.boundingBox())!;
    const list = page.getByTestId('credentials-list');
    const l = (await list.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { x: r.x + el.clientLeft, y: r.y + el.clientTop, width: el.clientWidth, height: el.clientHeight };
    })) as Box;
    for (const name of ['Workspace', 'Name', 'Status']) {
      const hb = (await list.locator('[role="columnheader"]', { hasText: new RegExp(`^${name}$`) }).boundingBox())!;
      assert.ok(inside(hb, l), `${w}: ${name} column inside the visible list`);
      assert.ok(hb.x + hb.width <= d.x, `${w}: ${name} column not under the drawer`);
    }
    assert.equal(await list.evaluate((el) => el.scrollWidth <= el.clientWidth + 1), true, `${w}: no sideways scrolling with the drawer open`);
    const rv = page.getByTestId('drawer-revoke').or(page.getByTestId('drawer-not-revocable'));
    const rb = (await rv.first().boundingBox())!;
    assert.ok(rb.y + rb.height <= h && rb.y >= 0 && inside(rb, d), `${w}: Revoke visible without scrolling`);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await frames();
      await page.screenshot({ path: join(SCREENSHOT_DIR, `credentials-drawer-${w}-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    await eventually(
      () => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { dataset?: Record<string, string> } | null } }).document.activeElement?.dataset?.credentialId ?? null),
      (v) => v === id,
      `${w}: focus back on the row`,
      5000,
    );
  }
});

test('a bulk revocation of more than 100 credentials: one summary table, only rows in view rendered, every row reachable', async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByTestId('nav-scope-matrix').click();
  await page.getByTestId('matrix-grid').waitFor();
  if (await page.getByTestId('filter-reset').count()) await page.getByTestId('filter-reset').click();
  await page.getByText('Expand all').click();
  const WANT = 120;
  const picked: string[] = [];
  for (let round = 0; round < 100 && picked.length < WANT; round++) {
    const box = page.locator('[data-testid="matrix-cred-row"][aria-selected="false"] input.mx-check:not([disabled])').first();
    if (await box.count()) {
      const row = page.locator('[data-testid="matrix-cred-row"][aria-selected="false"]', { has: page.locator('input.mx-check:not([disabled])') }).first();
      const id = `${await row.getAttribute('data-workspace-id')}/${await row.getAttribute('data-credential-id')}`;
      await box.click();
      picked.push(id);
      round--;
      continue;
    }
    await page.getByTestId('matrix-grid').evaluate((g) => (g.scrollTop += g.clientHeight - 60));
    await frames();
  }
  assert.equal(picked.length, WANT);
  await eventually(() => page.getByTestId('matrix-revoke-selected').textContent(), (t) => t === `Revoke selected (${WANT})`, 'selection');
  await page.getByTestId('matrix-revoke-selected').click();
  const dialog = page.getByTestId('revoke-dialog');
  await dialog.getByTestId('revoke-summary').waitFor();
  assert.match(await dialog.getByTestId('revoke-workspaces').innerText(), new RegExp(`^${WANT} credentials in \\d+ workspaces`));
  const rendered = await dialog.getByTestId('revoke-summary-row').count();
  assert.ok(rendered > 5 && rendered < WANT, `virtualized: ${rendered} of ${WANT} rows rendered`);
  await dialog.getByTestId('revoke-summary-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await frames();
  const lastWs = picked[picked.length - 1]!.split('/')[0]!;
  const rowsNow = dialog.getByTestId('revoke-summary-row');
  assert.equal(await rowsNow.nth((await rowsNow.count()) - 1).getAttribute('data-workspace-id'), lastWs, 'the last row is reachable by scrolling');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByText('Collapse all').click();
});

test('header buttons hold still while syncing', async () => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.getByTestId('nav-scope-matrix').click();
  await page.getByTestId('matrix-grid').waitFor();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await frames();
    await page.screenshot({ path: join(SCREENSHOT_DIR, `scope-matrix-ux-1024-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  const boxes = () =>
    page.locator('.matrix-header button').evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return `${e.textContent?.trim().replace(/\(\d+\)/, '(n)').replace('Syncing…', 'Sync now')}@${Math.round(r.x)},${Math.round(r.y)},${Math.round(r.width)}x${Math.round(r.height)}`;
      }),
    );
  const idle = await boxes();
  assert.equal(idle.length, 4);
  await p.admin('POST', '/faults', { route: 'api-keys', latency_ms: 400 });
  await page.getByTestId('matrix-sync').click();
  await eventually(() => page.getByTestId('matrix-sync').textContent(), (t) => t === 'Syncing…', 'syncing');
  assert.deepEqual(await boxes(), idle, 'while syncing');
  await eventually(() => page.getByTestId('matrix-sync').textContent(), (t) => t === 'Sync now', 'sync done', 60_000);
  assert.deepEqual(await boxes(), idle, 'after syncing');
  await p.admin('POST', '/faults', { route: 'api-keys', replace: true });
  assert.deepEqual(problems.all(), []);
});
