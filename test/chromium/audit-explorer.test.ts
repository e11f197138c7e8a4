// Real Chromium over serve mode: the audit explorer's filters, full-text search, timeline brushing, event drawer with
// chain status, hostile strings inert; the exports screen's export with progress, history and verify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServeFixture } from '../support/serve-fixture.ts';
import { makeChain } from '../support/audit-chain.ts';

// page functions run in Chromium; the node-side tsconfig has no DOM lib
declare const document: { querySelector(s: string): { textContent: string | null } | null; querySelectorAll(s: string): { length: number } };
declare const location: { hash: string };

test('audit explorer and exports in real Chromium', { timeout: 180_000 }, async () => {
  const app = await startServeFixture({ hash: '#/audit', viewport: { width: 1400, height: 1000 } });
  try {
    const { page } = app;
    // seed the cache through the real sync path (verified pages), two workspaces, hostile params every 3rd event
    const audit = app.runtime.services.audit;
    const chains = { ws_alpha: makeChain('ws_alpha', 30_000, { seed: 21, hostileEvery: 3, stepMs: 300_000 }), ws_beta: makeChain('ws_beta', 2_000, { seed: 22, hostileEvery: 3, stepMs: 3_600_000 }) };
    for (const [ws, chain] of Object.entries(chains)) for (let i = 0; i < chain.length; i += 5000) assert.equal(audit.engine.applyPage(ws, chain.slice(i, i + 5000) as never).kind, 'applied');
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.reload();
    await page.getByTestId('audit-screen').waitFor();
    await page.getByTestId('audit-row').first().waitFor();
    // the count is exact (a COUNT), not the length of the first page (it used to read "200+ events")
    await page.waitForFunction(() => document.querySelector('[data-testid="audit-count"]')?.textContent === '32,000 events');
    assert.equal(await page.getByTestId('audit-timeline-total').textContent(), '32,000 events');
    assert.equal(await page.getByTestId('audit-loaded').textContent(), '200 of 32,000 events loaded · scroll for more');

    // scrolling loads further keyset pages into the virtualized table (DOM stays small)
    await page.getByTestId('audit-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.waitForFunction(() => !/^200 of/.test(document.querySelector('[data-testid="audit-loaded"]')!.textContent ?? ''), undefined, { timeout: 10_000 }).catch(async () => {
      throw new Error(`keyset paging did not load more rows: ${await page.getByTestId('audit-loaded').textContent()}`);
    });
    assert.match((await page.getByTestId('audit-loaded').textContent())!, /^\d[\d,]* of 32,000 events loaded/);
    assert.ok((await page.getByTestId('audit-row').count()) < 100, 'virtualized');

    // filters: endpoint typed (applies after a pause, like every text filter) + workspace from a link's route
    await page.goto(page.url().replace(/#.*$/, '#/audit?workspaces=ws_beta'));
    await page.waitForFunction(() => document.querySelector('[data-testid="audit-count"]')?.textContent === '2,000 events');
    await page.getByTestId('audit-filter-endpoint').fill('/v1/contacts/export');
    const expected = chains.ws_beta.filter((e) => e.endpoint === '/v1/contacts/export').length;
    await page.waitForFunction((n) => document.querySelector('[data-testid="audit-timeline-total"]')?.textContent === `${n.toLocaleString('en-US')} events`, expected);
    assert.equal(await page.getByTestId('audit-count').textContent(), `${expected.toLocaleString('en-US')} events`);
    assert.match(page.url(), /#\/audit\?endpoint=\/v1\/contacts\/export&workspaces=ws_beta$/);
    const endpoints = await page.getByTestId('audit-cell-endpoint').allTextContents();
    assert.ok(endpoints.length > 0 && endpoints.every((e) => e === '/v1/contacts/export'));
    await page.getByTestId('audit-clear').click();

    // full-text search (hostile payload words are just words)
    await page.getByTestId('audit-search').fill('HYPERLINK');
    const hyper = [...chains.ws_alpha, ...chains.ws_beta].filter((e) => JSON.stringify(e.params).includes('HYPERLINK')).length;
    await page.waitForFunction((n) => document.querySelector('[data-testid="audit-timeline-total"]')?.textContent === `${n.toLocaleString('en-US')} events`, hyper);
    await page.getByTestId('audit-search').fill('');
    await page.waitForFunction(() => document.querySelector('[data-testid="audit-timeline-total"]')?.textContent === '32,000 events');

    // brushing the timeline sets a time range and narrows the rows
    const box = (await page.getByTestId('audit-timeline').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    // brushing zooms: the range becomes the from/to filter in the route, the chart spans it and its total is the count
    await page.waitForFunction(() => /from=/.test(location.hash));
    const q = new URLSearchParams(new URL(page.url()).hash.split('?')[1]);
    const fromV = q.get('from')!;
    const toV = q.get('to')!;
    assert.ok(fromV && toV);
    await page.waitForFunction(() => document.querySelector('[data-testid="audit-timeline-total"]')?.textContent === document.querySelector('[data-testid="audit-count"]')?.textContent);
    const times = await page.locator('[data-testid="audit-row"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-occurred-at')!));
    assert.ok(times.length > 0);
    for (const t of times) assert.ok(t >= fromV && t < toV, `${t} within ${fromV}..${toV}`);
    await page.getByTestId('audit-zoom-out').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="audit-count"]')?.textContent === '32,000 events');

    // event drawer with chain status; hostile params rendered as inert text
    await page.getByTestId('audit-search').fill('script');
    const scripts = [...chains.ws_alpha, ...chains.ws_beta].filter((e) => JSON.stringify(e.params).includes('<script>')).length;
    await page.waitForFunction((n) => document.querySelector('[data-testid="audit-timeline-total"]')?.textContent === `${n.toLocaleString('en-US')} events`, scripts);
    await page.getByTestId('audit-row').first().click();
    await page.getByTestId('audit-drawer').waitFor();
    assert.match((await page.getByTestId('audit-chain-status').textContent())!, /Chain verified/);
    const params = (await page.getByTestId('audit-drawer-params').textContent())!;
    assert.match(params, /<script>alert\(1\)<\/script>/);
    assert.equal(await page.locator('[data-testid="audit-drawer"] script, [data-testid="audit-drawer"] img').count(), 0);
    await page.getByTestId('audit-drawer-close').click();
    await page.getByTestId('audit-search').fill('');
    await app.screenshot('audit-explorer');

    // export with progress, then verify from the history
    await page.goto(page.url().replace(/#.*$/, '#/audit?workspaces=ws_alpha'));
    await page.waitForFunction(() => document.querySelector('[data-testid="audit-timeline-total"]')?.textContent === '30,000 events');
    await page.goto(page.url().replace(/#.*$/, '#/exports'));
    await page.getByTestId('exports-screen').waitFor();
    assert.match((await page.getByTestId('export-filters').textContent())!, /ws_alpha/);
    await page.getByTestId('export-bom').check();
    await page.getByTestId('export-name').fill('alpha.csv');
    await page.getByTestId('export-start').click();
    await page.getByTestId('export-progress').waitFor({ timeout: 10_000 }).catch(() => undefined);
    await page.getByTestId('export-result').waitFor({ timeout: 60_000 });
    assert.match((await page.getByTestId('export-result').textContent())!, /Wrote 30,000 rows to .*alpha\.csv/);
    await page.getByTestId('export-verify').first().click();
    await page.getByTestId('export-verify-report').waitFor();
    assert.match((await page.getByTestId('export-verify-state').first().textContent())!, /^30,000 rows · passed/);
    await app.screenshot('audit-exports');
    assert.equal(dialogs, 0, 'no script from event data ever ran');
    assert.deepEqual(app.problems.all(), []);
  } finally {
    await app.close();
  }
});
