// Workspaces built for hundreds: with 160 connected workspaces the table renders only the rows in view (spacer rows
// keep the scroll height honest), the summary still counts all 160, scrolling reaches the last one, and a search that
// leaves at most 100 rows renders them all. Real Chromium over serve mode and the real sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMemorySecretStore } from '../../src-main/adapters/memory-secret-store.ts';
import { startSandbox, type SandboxHandle } from '../../sandbox/server.ts';
import { follow } from '../support/fake-browser.mjs';
import { startServeFixture, type ServeFixture } from '../support/serve-fixture.ts';
import { eventually } from './helpers.ts';
import { testClient } from '../support/test-client.ts';

const MANY = 160;
type Win = { document: { querySelector(sel: string): { scrollTop: number; scrollHeight: number } | null; documentElement: { scrollWidth: number; clientWidth: number } } };

describe('Workspaces with hundreds of rows', () => {
  let sb: SandboxHandle;
  let app: ServeFixture;
  const { call } = testClient({ get dispatcher() { return app.runtime.dispatcher; } });

  before(async () => {
    sb = await startSandbox({ workspaces: MANY, events: 0, seed: 9, autoConsent: true, log: () => undefined });
    app = await startServeFixture({ secretStore: createMemorySecretStore(), hash: '#/settings', viewport: { width: 1440, height: 900 }, opener: async (url) => void follow(url) });
    await call('platforms.add', { issuer: sb.issuer, name: 'Sandbox' });
    const r = await call('workspaces.bulkConnect', { workspaces: sb.workspaces.map((w) => w.id), role: 'auditor' });
    assert.equal(r.connected, MANY);
    await app.page.getByTestId('nav-workspaces').click();
  });
  after(async () => {
    await app?.close();
    await sb?.close();
  });

  test('160 workspaces: only the rows in view are in the page, all are reachable, counts stay exact', { timeout: 120_000 }, async () => {
    const { page } = app;
    await eventually(() => page.getByTestId('ws-summary').innerText(), (t) => t.startsWith(`${MANY} connected`), 'summary counts all');
    assert.equal(await page.getByTestId('ws-table-wrap').getAttribute('data-virtual'), 'true');
    assert.equal(await page.getByTestId('ws-table').getAttribute('aria-rowcount'), String(MANY + 1));
    const inDom = await page.getByTestId('ws-row').count();
    assert.ok(inDom >= 20 && inDom < 80, `${inDom} rows rendered of ${MANY}`);
    await app.screenshot('workspaces-many-top');
    // scroll the table's box to the end: the last workspace by name is rendered
    const names = sb.workspaces.map((w) => w.name).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
    await page.evaluate(() => {
      const el = (globalThis as unknown as Win).document.querySelector('[data-testid="ws-table-wrap"]')!;
      el.scrollTop = el.scrollHeight;
    });
    await eventually(() => page.locator('[data-testid="ws-row"] .cell-title').allInnerTexts(), (t) => t.includes(names[names.length - 1]!), 'the last workspace is reachable');
    assert.ok((await page.getByTestId('ws-row').count()) < 80);
    await app.screenshot('workspaces-many-bottom');
    // no page-level horizontal overflow at 1024
    await page.setViewportSize({ width: 1024, height: 700 });
    const overflow = await page.evaluate(() => {
      const d = (globalThis as unknown as Win).document.documentElement;
      return d.scrollWidth - d.clientWidth;
    });
    assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
    await app.screenshot('workspaces-many-1024');
    await page.setViewportSize({ width: 1440, height: 900 });
    // a search that leaves <= 100 rows renders them all
    const prefix = names[0]!.split(' ')[0]!;
    const expected = names.filter((n) => n.toLowerCase().includes(prefix.toLowerCase())).length;
    assert.ok(expected <= 100, `${expected} match ${prefix}`);
    await page.getByTestId('ws-search').fill(prefix);
    await eventually(() => page.getByTestId('ws-row').count(), (n) => n === expected, `all ${expected} matches rendered`);
    assert.equal(await page.getByTestId('ws-table-wrap').getAttribute('data-virtual'), 'false');
    assert.deepEqual(app.problems.all(), []);
  });
});
