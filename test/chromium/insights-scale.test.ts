// Insights at scale in real Chromium over the real app and a sandbox of many workspaces: the findings are grouped
// kind → workspace → credential with exact counts, the list is virtualized (the page holds only the rows in view), the
// first findings show while the rest is read, "Investigate" opens the audit explorer with the finding's filters, and
// the coverage warning offers a Sync. Screenshots light/dark at 1440×900 and 1024×700.
// Run `npx vite build --config vite.web.config.ts` first.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { RunningServe } from '../../src-main/serve/serve-server.ts';
import { eventually } from './helpers.ts';
import { SCREENSHOT_DIR, type PageProblems } from '../support/serve-fixture.ts';
import type { RotationApp, RotationSandbox } from '../node/rotation/support.ts';
import { startRotationDemo, type RotationDemo } from './demo-app.ts';

let demo: RotationDemo;
let p: RotationSandbox;
let app: RotationApp;
let serve: RunningServe;
let page: Page;
let problems: PageProblems;

before(async () => {
  demo = await startRotationDemo({ seed: 33, workspaces: 40, events: 120, sync: { inventory: true, audit: true }, viewport: { width: 1440, height: 900 } });
  ({ p, app, serve, page, problems } = demo);
});
after(() => demo?.close());

test('insights of 40 workspaces: grouped with exact counts, virtualized, Investigate keeps its filters, Sync on the coverage warning', { timeout: 300_000 }, async () => {
  let t = Date.now();
  const all = await app.call('insights.list', {});
  const fullMs = Date.now() - t;
  t = Date.now();
  await app.call('insights.list', { offset: 0, limit: 100 });
  console.log(`# insights.list: whole report ${fullMs} ms; first page (100 credentials) ${Date.now() - t} ms`);
  const total = all.items.length;
  assert.ok(total > 150, `enough findings to need virtualization: ${total}`);
  const byKind = new Map<string, number>();
  for (const i of all.items) byKind.set(i.kind, (byKind.get(i.kind) ?? 0) + 1);

  const t0 = Date.now();
  await page.goto(`${serve.url}#/insights`);
  await page.getByTestId('insight-item').first().waitFor();
  const firstMs = Date.now() - t0;
  await eventually(() => page.getByTestId('insights-summary').innerText(), (t) => t.startsWith(`${total.toLocaleString('en-US')} findings across 40 workspaces`), 'the whole report is read', 60_000);
  console.log(`# insights: ${total} findings; first finding on screen ${firstMs} ms after navigation`);

  // grouped kind → workspace → credential, each kind with its exact count
  const groups = await page.getByTestId('insights-group-block').evaluateAll((els) => els.map((e) => [e.getAttribute('data-kind'), Number(e.getAttribute('data-count'))]));
  assert.ok(groups.length >= 1);
  for (const [kind, count] of groups) assert.equal(count, byKind.get(kind as string), `${kind} count`);
  assert.equal(await page.getByTestId('insights-list').getAttribute('data-virtual'), 'true');
  const rendered = await page.getByTestId('insight-item').count();
  assert.ok(rendered > 0 && rendered < 60, `only the rows in view are in the page: ${rendered} of ${total}`);
  const height = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollHeight: number } } }).document.documentElement.scrollHeight);
  assert.ok(height < 3000, `the page is not ${total} rows tall: ${height}px`);
  assert.ok((await page.getByTestId('insights-workspace-group').count()) > 0, 'workspace groups inside a kind');

  // collapsing a kind hides its rows and keeps its count
  const [firstKind, firstCount] = groups[0]!;
  await page.locator(`[data-testid="insights-group-block"][data-kind="${firstKind}"]`).click();
  assert.equal(await page.locator(`[data-testid="insight-item"][data-kind="${firstKind}"]`).count(), 0);
  assert.equal(Number(await page.locator(`[data-testid="insights-group-block"][data-kind="${firstKind}"]`).getAttribute('data-count')), firstCount);
  await page.locator(`[data-testid="insights-group-block"][data-kind="${firstKind}"]`).click();

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [w, h] of [[1440, 900], [1024, 700]] as const) {
      await page.setViewportSize({ width: w, height: h });
      const overflow = await page.evaluate(() => {
        const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return d.scrollWidth - d.clientWidth;
      });
      assert.ok(overflow <= 0, `no page-level horizontal overflow at ${w}×${h}`);
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOT_DIR, `insights-scale-${w}x${h}-${scheme}.png`) });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1440, height: 900 });

  // Investigate: the audit explorer opens with the finding's workspace, credential, endpoint and day
  const contact = all.items.find((i) => i.kind === 'contact_share');
  const item = contact ?? all.items[0]!;
  await page.getByTestId(`insights-kind-${item.kind}`).click();
  await page.getByTestId('insights-workspace').selectOption(item.workspaceId);
  const row = page.locator(`[data-testid="insight-item"][data-kind="${item.kind}"][data-credential="${item.credentialId}"]`);
  await row.waitFor();
  const link = row.getByTestId(contact ? 'insight-fix' : 'insight-audit');
  const href = (await link.getAttribute('href'))!;
  const q = new URLSearchParams(href.slice(href.indexOf('?') + 1));
  assert.equal(q.get('workspaces'), item.workspaceId);
  assert.equal(q.get('credential'), item.credentialId);
  if (contact) {
    assert.deepEqual([q.get('endpoint'), q.get('from'), q.get('to')], ['/v1/contacts*', item.investigate.from, item.investigate.to]);
  } else {
    // the report's window (computed when the screen read it)
    assert.equal(Date.parse(q.get('to')!) - Date.parse(q.get('from')!), 90 * 86_400_000);
  }
  await link.click();
  await eventually(() => page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash), (h) => h.startsWith('#/audit?') && h.includes(`credential=${item.credentialId}`), 'the audit route carries the filters');

  // the coverage warning (when the cache covers less than the window) has its Sync action
  if (all.coverage.warning) {
    await page.goto(`${serve.url}#/insights`);
    await page.getByTestId('insights-coverage').waitFor();
    assert.equal(await page.getByTestId('insights-sync').isEnabled(), true);
  }
  assert.deepEqual(problems.all(), []);
});
