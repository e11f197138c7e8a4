// User job (b), end to end in real Chromium over the real connections domain and the sandbox: "who called
// /v1/contacts/export in February?". Open the route link, read the exact count (checked with SQL against the cache),
// the callers by NAME with per-caller counts that sum to it, the timeline total, Grantdesk's own sync calls hidden by
// default; export exactly that view from the screen and verify it (the history says N rows · passed).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import type { RunningServe } from '../../src-main/serve/serve-server.ts';
import { SCREENSHOT_DIR, startServeFixture, type PageProblems } from '../support/serve-fixture.ts';
import { startRealApp, type SandboxPlatform, type TestApp } from '../node/inventory/support.ts';
import { mkdir } from 'node:fs/promises';
import { eventually as waitUntil } from './helpers.ts';
import { openInChromium, openRoute, startDemoApp, type DemoApp } from './demo-app.ts';

declare const requestAnimationFrame: (cb: (t: number) => void) => number;
declare const document: { querySelectorAll(s: string): ArrayLike<{ getAttribute(n: string): string | null; textContent: string | null }>; documentElement: { scrollWidth: number; clientWidth: number; dataset: Record<string, string> } };

let demo: DemoApp;
let p: SandboxPlatform;
let app: TestApp;
let serve: RunningServe;
let browser: Browser;
let page: Page;
let problems: PageProblems;
const eventually = <T>(fn: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 30_000) => waitUntil(fn, ok, what, timeoutMs);

// the seed puts February's traffic into the most recent February entirely before its anchor (today)
const now = new Date();
const febYear = now.getUTCMonth() <= 2 ? now.getUTCFullYear() - 1 : now.getUTCFullYear();
const FROM = `${febYear}-02-01`;
const TO = `${febYear}-03-01`;
const ENDPOINT = '/v1/contacts/export';

before(async () => {
  // two syncs: the second one caches the calls Grantdesk itself made during the first (its own sync traffic)
  demo = await startDemoApp({ workspaces: 8, events: 24_000, seed: 4, sync: { all: 2 }, viewport: { width: 1440, height: 900 }, acceptDownloads: true, exportFile: true });
  ({ p, app, serve, browser, page, problems } = demo);
});
after(() => demo?.close());

async function shot(name: string) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await eventually(() => page.evaluate(() => document.documentElement.dataset.theme), (t) => t === scheme, `${scheme} theme`);
    for (const vp of [{ width: 1440, height: 900 }, { width: 1024, height: 700 }]) {
      await page.setViewportSize(vp);
      await eventually(() => page.evaluate(() => (globalThis as unknown as { innerWidth: number }).innerWidth), (w) => w === vp.width, 'viewport resized');
      await page.evaluate(() => {
        for (const el of Array.from(document.querySelectorAll('.main'))) (el as unknown as { scrollTop: number }).scrollTop = 0;
      });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      // layout holds: no page-level horizontal overflow
      const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
      assert.ok(scrollWidth <= clientWidth, `${name} ${vp.width}px ${scheme}: page overflows horizontally (${scrollWidth} > ${clientWidth})`);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${vp.width}x${vp.height}-${scheme}.png`) });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1440, height: 900 });
}

test('who called /v1/contacts/export in February: exact count, callers by name, timeline, export and verify', { timeout: 240_000 }, async () => {
  // the truth, from the cache with SQL and from the sandbox (names)
  const db = new Database(join(app.dataDir, 'cache.db'), { readonly: true, fileMustExist: true });
  const expected = (db.prepare('SELECT count(*) AS n FROM audit_events WHERE endpoint = ? AND occurred_at >= ? AND occurred_at < ?').get(ENDPOINT, `${FROM}T00:00:00.000Z`, `${TO}T00:00:00.000Z`) as { n: number }).n;
  const byCred = db.prepare('SELECT workspace_id AS ws, credential_id AS c, count(*) AS n FROM audit_events WHERE endpoint = ? AND occurred_at >= ? AND occurred_at < ? GROUP BY workspace_id, credential_id').all(ENDPOINT, `${FROM}T00:00:00.000Z`, `${TO}T00:00:00.000Z`) as { ws: string; c: string; n: number }[];
  const truth = await p.state();
  const ownIds = new Set(truth.flatMap((w) => w.credentials.filter((c) => c.client_id === 'grantdesk-desktop').map((c) => c.id)));
  const ownCalls = (db.prepare(`SELECT count(*) AS n FROM audit_events WHERE credential_id IN (${[...ownIds].map(() => '?').join(',')})`).get(...ownIds) as { n: number }).n;
  const total = (db.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n;
  db.close();
  assert.ok(expected > 20, `the seed has February exports (${expected})`);
  assert.ok(byCred.length > 1, 'more than one caller');
  assert.ok(ownCalls > 0, "the cache holds Grantdesk's own sync calls");
  const nameOf = (ws: string, id: string) => truth.find((w) => w.id === ws)!.credentials.find((c) => c.id === id)!.name;

  // the route link, as another screen or a colleague would send it
  await openRoute(demo, `#/audit?endpoint=${ENDPOINT}&from=${FROM}&to=${TO}`);
  const count = page.getByTestId('audit-count');
  await eventually(() => count.getAttribute('data-count'), (v) => v === String(expected), 'exact count for the link');
  assert.equal(await count.textContent(), `${expected.toLocaleString('en-US')} events`);
  assert.match((await page.getByTestId('audit-chips').textContent())!, new RegExp(`Endpoint ${ENDPOINT}`));

  // who: credential names (not ids) with per-caller counts that sum to the count
  const all = page.getByTestId('audit-summary-credentials-all');
  if (await all.count()) await all.click();
  const rows = await page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-testid="audit-summary-credential"]')).map((r) => ({ id: r.getAttribute('data-credential-id'), calls: Number(r.getAttribute('data-calls')), text: r.textContent })),
  );
  const names = await page.getByTestId('audit-summary-credential-name').allTextContents();
  assert.equal(rows.length, byCred.length, 'every caller listed');
  assert.equal(rows.reduce((a, r) => a + r.calls, 0), expected, 'per-caller counts sum to the count');
  for (const b of byCred) {
    const row = rows.find((r) => r.id === b.c);
    assert.ok(row, `caller ${b.c} listed`);
    assert.equal(row.calls, b.n, `calls of ${b.c}`);
    assert.ok(names.includes(nameOf(b.ws, b.c)), `the name ${nameOf(b.ws, b.c)} is shown`);
  }
  assert.ok(names.every((n) => !/^(key|app|mc|st)_/.test(n)), `names, not ids: ${names.join(', ')}`);
  // when: the timeline covers the range and its total is the count
  assert.equal(await page.getByTestId('audit-timeline-total').textContent(), `${expected.toLocaleString('en-US')} events`);
  assert.ok((await page.getByTestId('audit-y-tick').count()) >= 2, 'y-axis with counts');
  assert.ok((await page.getByTestId('audit-x-tick').count()) >= 2, 'x-axis with dates');
  // what: every row is the endpoint, with names and local times (no ISO)
  const eps = await page.getByTestId('audit-cell-endpoint').allTextContents();
  assert.ok(eps.length > 0 && eps.every((e) => e === ENDPOINT));
  const times = await page.getByTestId('audit-cell-time').allTextContents();
  assert.ok(times.every((t) => !/\d{4}-\d{2}-\d{2}T/.test(t)), 'local human times');
  await shot('audit-job-february-exports');

  // Grantdesk's own sync traffic is hidden by default, and the toggle shows it
  await page.getByTestId('audit-chip-remove-endpoint').click();
  await page.getByTestId('audit-chip-remove-from').click();
  await eventually(() => count.getAttribute('data-count'), (v) => v === String(total - ownCalls), 'unfiltered count without own calls');
  assert.match((await page.getByTestId('audit-show-own').locator('..').textContent())!, new RegExp(`\\(${ownCalls.toLocaleString('en-US')} hidden\\)`));
  const listed = await page.evaluate(() => Array.from(document.querySelectorAll('[data-testid="audit-summary-credential"]')).map((r) => r.getAttribute('data-credential-id')));
  assert.ok(listed.every((id) => !ownIds.has(id ?? '')), 'no own grant among the callers by default');
  assert.equal(await page.locator('.audit-own-badge').count(), 0, 'no own row in the table by default');
  assert.equal(new URL(page.url()).hash.includes('own-traffic'), false);
  await page.getByTestId('audit-show-own').check();
  await eventually(() => count.getAttribute('data-count'), (v) => v === String(total), 'count with own calls');
  assert.match(page.url(), /own-traffic=include/);
  await page.getByTestId('audit-show-own').uncheck();
  await eventually(() => count.getAttribute('data-count'), (v) => v === String(total - ownCalls), 'own calls hidden again');

  // a refused CIDR says why and is not applied; clearing the box leaves nothing behind
  await page.getByTestId('audit-filter-ip').fill('10.0.0.0/99');
  await page.getByTestId('audit-filter-ip').press('Enter');
  await page.getByTestId('audit-filter-ip-error').waitFor();
  assert.match((await page.getByTestId('audit-filter-ip-error').textContent())!, /neither an IP address nor a CIDR block/);
  assert.equal(await count.getAttribute('data-count'), String(total - ownCalls), 'the refused IP did not narrow anything');
  assert.equal(page.url().includes('ip='), false, 'a refused value never reaches the route');
  await page.getByTestId('audit-filter-ip').fill('');
  await page.getByTestId('audit-filter-ip').press('Enter');
  await eventually(() => page.getByTestId('audit-filter-ip-error').count(), (n) => n === 0, 'error gone');

  // back to the question, then export exactly that view from the screen and verify it
  await page.goto(`${serve.url}#/audit?endpoint=${ENDPOINT}&from=${FROM}&to=${TO}`);
  await eventually(() => count.getAttribute('data-count'), (v) => v === String(expected), 'count again');
  await page.getByTestId('audit-export-link').click();
  await page.getByTestId('exports-screen').waitFor();
  const words = (await page.getByTestId('export-filters').textContent())!;
  assert.match(words, new RegExp(`^Endpoint ${ENDPOINT} · `));
  assert.doesNotMatch(words, /[{}"]/, 'filters in words, not JSON');
  await eventually(() => page.getByTestId('export-count').textContent(), (t) => !!t && t.startsWith(`${expected.toLocaleString('en-US')} events will be exported`), 'event count before export');
  await page.getByTestId('export-start').click();
  await page.getByTestId('export-result').waitFor({ timeout: 60_000 });
  assert.match((await page.getByTestId('export-result').textContent())!, new RegExp(`Wrote ${expected.toLocaleString('en-US')} rows`));
  const row = page.getByTestId('export-history-row').first();
  assert.equal(await row.getByTestId('export-history-filters').textContent(), words);
  await row.getByTestId('export-verify').click();
  await eventually(() => row.getByTestId('export-verify-state').textContent(), (t) => !!t && t.startsWith(`${expected.toLocaleString('en-US')} rows · passed`), 'verified');
  // serve mode: the file downloads over the token-carrying transport
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('export-open').click()]);
  assert.match(download.suggestedFilename(), /\.csv$/);
  const body = await (await download.createReadStream()).toArray();
  assert.equal(Buffer.concat(body).toString('utf8').trimEnd().split('\r\n').length - 1, expected, 'the downloaded file holds the rows');
  await shot('audit-job-exports');
  assert.deepEqual(problems.all(), []);
});

test('before the first sync the explorer says so and offers Sync now; an empty history says there are no exports', { timeout: 60_000 }, async () => {
  const fx = await startServeFixture({ hash: '#/audit', viewport: { width: 1440, height: 900 }, browser });
  try {
    await fx.page.getByTestId('audit-not-synced').waitFor();
    assert.match((await fx.page.getByTestId('audit-not-synced').textContent())!, /not synced yet/);
    // nothing to sync from: it says how to get there instead of a button that does nothing
    assert.match((await fx.page.getByTestId('audit-connect-first').textContent())!, /No workspace is connected yet/);
    assert.equal(await fx.page.getByText('No cached events for these filters yet').count(), 0);
    await fx.screenshot('audit-not-synced-1440x900-light');
    await fx.page.getByTestId('nav-exports').click();
    await fx.page.getByTestId('export-history-empty').waitFor();
    await fx.screenshot('exports-empty-1440x900-light');
    assert.deepEqual(fx.problems.all(), []);
  } finally {
    await fx.close();
  }
});

test('connected but never synced: "not synced yet" with Sync now, which fetches the log and the names', { timeout: 120_000 }, async () => {
  const fresh = await startRealApp(p.sb.issuer, p.sb.workspaces.slice(0, 2).map((w) => w.id));
  const { serve: s2, page: pg, problems: probs, close } = await openInChromium(fresh.runtime, { viewport: { width: 1440, height: 900 }, browser });
  try {
    await pg.goto(`${s2.url}#/audit`);
    await pg.getByTestId('audit-not-synced').waitFor();
    await pg.getByTestId('audit-sync-first').click();
    await eventually(() => pg.getByTestId('audit-count').getAttribute('data-count'), (v) => v !== null && Number(v) > 0, 'events after the first sync', 60_000);
    // the audit log lands first, the credential names when the inventory part of the same sync is done
    await eventually(() => pg.getByTestId('audit-sync-first').count().then(async (n) => n === 0 && (await pg.getByTestId('audit-sync').textContent()) === 'Sync now'), (v) => v, 'sync finished', 60_000);
    const names = await eventually(() => pg.getByTestId('audit-summary-credential-name').allTextContents(), (ns) => ns.length > 0 && ns.every((n) => !/^(key|app|mc|st)_/.test(n)), 'names after the sync');
    assert.ok(names.length > 0);
    assert.deepEqual(probs.all(), []);
  } finally {
    await close();
    await fresh.close();
  }
});
