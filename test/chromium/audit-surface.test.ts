// MCP tool calls and webhook deliveries in the audit explorer, in real Chromium over the real app and the sandbox: the
// "Came through" filter shows the exact count of the sandbox's seeded MCP calls (and webhook deliveries), its chip in
// words, the route carries the CLI's flag (surface=mcp), each row says how the call came in and which tool it named,
// and a webhook delivery's missing credential is said in words. Screenshots in test-output/screenshots.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { SCREENSHOT_DIR } from '../support/serve-fixture.ts';
import { eventually } from './helpers.ts';
import { openRoute, startDemoApp, type DemoApp } from './demo-app.ts';

let demo: DemoApp;
before(async () => {
  demo = await startDemoApp({ workspaces: 3, events: 6000, seed: 5, sync: { inventory: true, audit: true }, viewport: { width: 1440, height: 900 } });
});
after(() => demo?.close());

test('the explorer filters by surface with the exact seeded counts', { timeout: 180_000 }, async () => {
  const { page, p } = demo;
  const state = await p.state();
  const truth = (k: 'mcp_events' | 'webhook_deliveries') => state.reduce((n, w) => n + ((w as unknown as { insight_truths: Record<string, unknown[]> }).insight_truths[k]!.length), 0);
  const mcp = truth('mcp_events');
  const hooks = truth('webhook_deliveries');
  assert.ok(mcp > 100 && hooks > 50, `${mcp} MCP calls, ${hooks} webhook deliveries seeded`);
  const en = (n: number) => n.toLocaleString('en-US');
  const countText = () => page.getByTestId('audit-count').textContent();

  await openRoute(demo, '#/audit');
  await page.getByTestId('audit-row').first().waitFor();
  await page.getByTestId('audit-filter-surface').selectOption({ label: 'MCP tool call' });
  await eventually(countText, (t) => t === `${en(mcp)} events`, `the count of seeded MCP calls (${mcp})`, 30_000);
  assert.match(page.url(), /#\/audit\?surface=mcp$/);
  assert.deepEqual(await page.getByTestId('audit-chip').allTextContents(), ['MCP tool calls×']);
  await eventually(() => page.getByTestId('audit-cell-surface').allTextContents(), (c) => c.length > 0 && c.every((x) => x === 'MCP tool call'), 'every row is an MCP tool call');
  const endpoints = await page.getByTestId('audit-cell-endpoint').allTextContents();
  assert.ok(endpoints.some((e) => /^[a-z_]+ · \/mcp$/.test(e)), `rows name their tool: ${endpoints.slice(0, 3).join(' | ')}`);
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'audit-surface-mcp-1440x900.png') });
  await page.getByTestId('audit-loaded').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'audit-surface-mcp-rows-1440x900.png') });

  // the drawer says how the call came in, with the tool
  await page.getByTestId('audit-row').first().click();
  assert.match((await page.getByTestId('audit-drawer-surface').textContent())!, /^MCP tool call [a-z_]+$/);
  await page.getByTestId('audit-drawer-close').click();

  // a link with the CLI's flag lands on the same view; webhook deliveries have no credential, said in words
  await openRoute(demo, '#/audit?surface=webhook');
  await eventually(countText, (t) => t === `${en(hooks)} events`, `the count of seeded webhook deliveries (${hooks})`, 30_000);
  await eventually(() => page.getByTestId('audit-cell-credential').allTextContents(), (c) => c.length > 0 && c.every((x) => x === 'None'), 'webhook rows name no credential');
  assert.match((await page.getByTestId('audit-cell-credential').first().getAttribute('title'))!, /^No credential: the sender signs a webhook delivery/);
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.getByTestId('audit-loaded').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'audit-surface-webhook-1024x700.png') });
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement.scrollWidth, clientWidth: (globalThis as unknown as { document: { documentElement: { clientWidth: number } } }).document.documentElement.clientWidth }));
  assert.ok(scrollWidth <= clientWidth, `no horizontal overflow at 1024 px (${scrollWidth} > ${clientWidth})`);
  assert.deepEqual(demo.problems.all(), []);
});
