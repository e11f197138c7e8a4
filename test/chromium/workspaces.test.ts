// The Workspaces overview in real Chromium (serve mode) over real connections to the sandbox: 40 workspaces connected
// through the service, search / sort / filter, a connect flow started from the UI (the injected opener plays the system
// browser and follows the authorization URL), the disconnect flow, and the needs-reconsent (grant revoked on the platform,
// refresh answers invalid_grant) and pending-revocation (revocation route failing) badges. Screenshots in
// test-output/screenshots/workspaces-*.png. Uses the real keychain inside scripts/with-keyring.sh, else the memory store.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Locator } from 'playwright-core';
import { createKeytarSecretStore } from '../../src-main/adapters/keytar-secret-store.ts';
import { createMemorySecretStore } from '../../src-main/adapters/memory-secret-store.ts';
import { startSandbox, type SandboxHandle } from '../../sandbox/server.ts';
import { follow } from '../support/fake-browser.mjs';
import { startServeFixture, type ServeFixture } from '../support/serve-fixture.ts';
import { cleanupKeychain, NO_KEYRING_REASON } from '../node/connections/harness.ts';
import { eventually as waitUntil } from './helpers.ts';
import { testClient } from '../support/test-client.ts';

const eventually = <T>(fn: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 15_000) => waitUntil(fn, ok, what, timeoutMs);
const count = (l: Locator, n: number, what: string) => eventually(() => l.count(), (c) => c === n, what);

/**
 * Page-side script (plain JS: this tsconfig has no DOM types): every element with its own text in the workspaces table's
 * header row and first five rows, with the WCAG contrast ratio of its computed color against the background it is drawn
 * on (semi-transparent layers composited up to the first opaque one; a dark canvas below them all).
 */
const TEXT_CONTRAST_SAMPLES = String.raw`(() => {
  const parse = (c) => {
    const m = /^(rgba?|color)\((srgb\s+)?([^)]+)\)$/.exec(c.trim());
    if (!m || (m[1] === 'color') !== Boolean(m[2])) throw new Error('unparsed computed color ' + c);
    const p = m[3].split(/[\s,/]+/).filter(Boolean).map(Number);
    const k = m[1] === 'color' ? 255 : 1; // color(srgb r g b / a) has channels in 0..1 (what color-mix() computes to)
    return [p[0] * k, p[1] * k, p[2] * k, p[3] ?? 1];
  };
  const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat(1);
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const bg = parse(getComputedStyle(e).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] === 1) break;
    }
    return layers.reverse().reduce((under, top) => over(top, under), [0, 0, 0, 1]);
  };
  const lum = ([r, g, b]) => {
    const ch = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
  };
  const rows = [document.querySelector('[data-testid="ws-table"] thead tr'), ...Array.from(document.querySelectorAll('[data-testid="ws-row"]')).slice(0, 5)];
  const out = [];
  for (const row of rows) {
    if (!row) continue;
    for (const el of [row, ...row.querySelectorAll('*')]) {
      const own = Array.from(el.childNodes).filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').trim();
      if (!own) continue;
      const bg = background(el);
      const fg = over(parse(getComputedStyle(el).color), bg);
      const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
      out.push({ text: own.slice(0, 40), ratio: (hi + 0.05) / (lo + 0.05) });
    }
  }
  return out;
})()`;

/** DOM values inside evaluate callbacks, typed loosely (this tsconfig has no DOM lib) */
type El = { getBoundingClientRect(): { height: number; bottom: number; right: number }; dataset: Record<string, string | undefined> };
type Win = { document: { querySelectorAll(sel: string): ArrayLike<El>; documentElement: { scrollWidth: number; clientWidth: number } }; innerHeight: number; innerWidth: number };

const CONNECTED = 40;
describe('Workspaces overview in Chromium over real connections', () => {
  let sb: SandboxHandle;
  let app: ServeFixture;
  const store = NO_KEYRING_REASON ? createMemorySecretStore() : createKeytarSecretStore({ timeoutMs: 10_000 });
  // the typed client with IPC's capabilities (what the serve tab itself may do), over the fixture's runtime
  const { call } = testClient(() => app.runtime);
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${sb.issuer}${path}`, { method, headers: { authorization: `Bearer ${sb.adminToken}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  const row = (id: string) => app.page.locator(`[data-testid="ws-row"][data-workspace="${id}"]`);

  before(async () => {
    sb = await startSandbox({ workspaces: CONNECTED + 2, events: 0, seed: 4, autoConsent: true, admin: true, log: () => undefined });
    app = await startServeFixture({ secretStore: store, hash: '#/settings', viewport: { width: 1400, height: 900 }, opener: async (url) => void follow(url) });
    await call('platforms.add', { issuer: sb.issuer, name: 'Sandbox EU' });
    const r = await call('workspaces.bulkConnect', { workspaces: sb.workspaces.slice(0, CONNECTED).map((w) => w.id), role: 'auditor' });
    assert.equal(r.connected, CONNECTED);
    app.opened.length = 0;
    await app.page.getByTestId('nav-workspaces').click();
  });
  after(async () => {
    if (app) await cleanupKeychain(store, app.dataDir);
    await app?.close();
    await sb?.close();
  });

  test('shows 40 connected workspaces with platform, scopes, expiry countdown and last refresh', async () => {
    const { page } = app;
    await count(page.getByTestId('ws-row'), CONNECTED, 'rows');
    await eventually(() => page.getByTestId('ws-summary').textContent(), (t) => t?.startsWith(`${CONNECTED} connected · 0 need re-consent · 0 revocations pending · 1 platform`) ?? false, 'summary');
    const first = page.getByTestId('ws-row').first();
    // one platform: named once in the summary, not on every row
    assert.match((await page.getByTestId('ws-summary').textContent()) ?? '', /1 platform \(Sandbox EU\)/);
    assert.doesNotMatch((await first.textContent()) ?? '', /Sandbox EU/);
    // scopes summarised on one line, the list on hover (title) and on expand
    assert.equal(await first.getByTestId('ws-scopes-summary').innerText(), '3 scopes');
    assert.equal(await first.getByTestId('ws-scopes-summary').getAttribute('title'), 'audit:read\ncredentials:read\nusers:read');
    await first.getByTestId('ws-scopes-summary').click();
    assert.deepEqual(await first.locator('.scope-chip').allInnerTexts(), ['audit:read', 'credentials:read', 'users:read']);
    await first.getByTestId('ws-scopes-summary').click();
    assert.match((await first.getByTestId('ws-expiry').textContent()) ?? '', /^(59m|1h 0m|\d+m \d+s)/);
    assert.equal(await page.getByTestId('ws-status').filter({ hasText: 'Connected' }).count(), CONNECTED);
    await page.evaluate('document.querySelector("main").scrollTo(0, 0)');
    await app.screenshot('workspaces-overview-40');
    assert.deepEqual(app.problems.all(), []);
  });

  test('search, sort and filter', async () => {
    const { page } = app;
    const target = sb.workspaces[7]!;
    await page.getByTestId('ws-search').fill(target.id);
    await count(page.getByTestId('ws-row'), 1, 'search by id');
    assert.equal(await page.getByTestId('ws-row').getAttribute('data-workspace'), target.id);
    await page.getByTestId('ws-search').fill(target.name.slice(0, 5).toUpperCase());
    const byName = await page.getByTestId('ws-row').count();
    assert.ok(byName >= 1 && byName < CONNECTED, `search by name prefix: ${byName}`);
    await page.getByTestId('ws-search').fill('');
    await count(page.getByTestId('ws-row'), CONNECTED, 'cleared search');

    const names = () => page.locator('[data-testid="ws-row"] .cell-title').allTextContents();
    const sorted = [...sb.workspaces.slice(0, CONNECTED).map((w) => w.name)].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
    assert.deepEqual(await names(), sorted, 'sorted by name ascending by default');
    await page.getByTestId('sort-name').click();
    await eventually(names, (n) => n[0] === sorted[sorted.length - 1], 'sorted by name descending');
    assert.equal(await page.locator('th[aria-sort="descending"]').count(), 1);
    await page.getByTestId('sort-expiry').click();
    assert.equal(await page.locator('th[aria-sort="ascending"]').textContent(), 'Access token ▲');
    await count(page.getByTestId('ws-row'), CONNECTED, 'rows sorted by expiry');

    await page.getByTestId('ws-filter').selectOption('needs_reconsent');
    await count(page.getByTestId('ws-row'), 0, 'no workspace needs re-consent yet');
    await page.getByTestId('ws-filter').selectOption('connected');
    await count(page.getByTestId('ws-row'), CONNECTED, 'all connected');
    await page.getByTestId('ws-filter').selectOption('all');
    await page.getByTestId('sort-name').click();
    assert.deepEqual(app.problems.all(), []);
  });

  test('connect a workspace from the UI: the opener gets the authorization URL and the browser completes it', async () => {
    const { page } = app;
    const target = sb.workspaces[CONNECTED]!;
    await page.getByTestId('connect').click();
    const dialog = page.getByTestId('connect-dialog');
    await dialog.waitFor();
    await page.getByTestId('connect-ids').fill(target.id);
    await page.getByTestId('role-operator').check();
    assert.match((await page.getByTestId('connect-scopes').textContent()) ?? '', /credentials:write.*offline_access/);
    await app.screenshot('workspaces-connect-dialog');
    await page.getByTestId('connect-submit').click();
    await row(target.id).waitFor();
    await eventually(() => row(target.id).getAttribute('data-status'), (s) => s === 'connected', 'connected from the UI');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(app.opened.length, 1);
    const auth = new URL(app.opened[0]!);
    assert.equal(auth.searchParams.get('workspace'), target.id);
    assert.equal(auth.searchParams.get('code_challenge_method'), 'S256');
    assert.match(auth.searchParams.get('redirect_uri') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    assert.match((await row(target.id).textContent()) ?? '', /credentials:write/);
    await count(page.getByTestId('ws-row'), CONNECTED + 1, 'one more row');
    assert.deepEqual(app.problems.all(), []);
  });

  test('the re-consent wizard hands off to workspaces.connect with the chosen scopes (before/after shown)', async () => {
    const { page } = app;
    const target = sb.workspaces[9]!;
    await page.getByTestId('nav-rotation').click(); // the re-consent tools live on the Rotation screen
    await page.getByTestId('tools-workspace').selectOption(target.id);
    await page.getByTestId('open-reconsent').click();
    const table = page.getByTestId('reconsent-table');
    await table.waitFor();
    assert.equal(await page.getByTestId('reconsent-unavailable').count(), 0, 'the hand-off is available');
    await page.getByTestId('reconsent-keep-users:read').uncheck();
    await eventually(() => table.locator('tr.rot-removed').count(), (n) => n === 1, 'users:read marked removed');
    const rows: string[][] = [];
    for (const tr of await table.locator('tbody tr').all()) rows.push((await tr.locator('td').allTextContents()).slice(0, 3));
    assert.deepEqual(rows, [
      ['audit:read', 'yes', 'yes'],
      ['credentials:read', 'yes', 'yes'],
      ['users:read', 'yes', '—'],
    ]);
    await app.screenshot('workspaces-reconsent-wizard');
    assert.equal(await page.getByTestId('reconsent-go').isEnabled(), true);
    await page.getByTestId('reconsent-go').click();
    await page.getByTestId('reconsent-dialog').waitFor({ state: 'detached' });
    const w = await call('workspaces.status', { workspace: target.id });
    assert.deepEqual(w.scopes, ['audit:read', 'credentials:read']);
    assert.equal(new URL(app.opened.at(-1)!).searchParams.get('scope'), 'audit:read credentials:read offline_access openid profile email');
    await page.getByTestId('nav-workspaces').click();
    await eventually(() => row(target.id).locator('.scope-chip').allTextContents(), (c) => c.join() === 'audit:read,credentials:read', 'narrowed scopes in the overview');
    assert.deepEqual(app.problems.all(), []);
  });

  test('needs-reconsent badge: the grant is revoked on the platform, the refresh answers invalid_grant', async () => {
    const { page } = app;
    const target = sb.workspaces[3]!;
    // the workspace admin revokes Grantdesk's app entry on the platform side
    const st = (await (await admin('POST', '/__admin/tokens', { workspace: target.id, scopes: ['credentials:read', 'credentials:write'] })).json()) as { token: string };
    const apps = (await (await fetch(`${sb.issuer}/v1/apps`, { headers: { authorization: `Bearer ${st.token}` } })).json()) as { data: Array<{ id: string; client_id: string; status: string }> };
    const own = apps.data.find((a) => a.client_id === 'grantdesk-desktop' && a.status === 'active')!;
    assert.equal((await fetch(`${sb.issuer}/v1/apps/${own.id}/revoke`, { method: 'POST', headers: { authorization: `Bearer ${st.token}` } })).status, 200);

    await row(target.id).getByTestId('ws-refresh').click();
    await eventually(() => row(target.id).getAttribute('data-status'), (s) => s === 'needs_reconsent', 'needs re-consent');
    assert.equal(await row(target.id).getByTestId('ws-status').textContent(), 'Needs re-consent');
    assert.match((await row(target.id).getByTestId('ws-reason').textContent()) ?? '', /invalid_grant/);
    await row(target.id).getByTestId('ws-reconnect').waitFor();
    // the failed refresh also shows the error banner with its code
    await page.getByTestId('ws-filter').selectOption('needs_reconsent');
    await count(page.getByTestId('ws-row'), 1, 'filter needs re-consent');
    await app.screenshot('workspaces-needs-reconsent');
    await page.getByTestId('ws-filter').selectOption('all');
    const others = await call('workspaces.list', {});
    assert.equal(others.filter((w) => w.status === 'needs_reconsent').length, 1, 'only that workspace');
  });

  test('disconnect flow, and a pending revocation while the platform fails, confirmed once it is back', async () => {
    const { page } = app;
    const ok = sb.workspaces[5]!;
    await row(ok.id).getByTestId('ws-disconnect').click();
    await page.getByTestId('disconnect-dialog').waitFor();
    await app.screenshot('workspaces-disconnect-dialog');
    await page.getByTestId('disconnect-dialog-input').fill(ok.id);
    await page.getByTestId('disconnect-dialog-confirm').click();
    await eventually(() => row(ok.id).getAttribute('data-status'), (s) => s === 'disconnected', 'disconnected');
    await row(ok.id).getByTestId('ws-revocation-confirmed').waitFor();

    await admin('POST', '/__admin/faults', { route: 'revocation', error_rate: 1, error_status: 503 });
    const down = sb.workspaces[6]!;
    await row(down.id).getByTestId('ws-disconnect').click();
    await page.getByTestId('disconnect-dialog-input').fill(down.id);
    await page.getByTestId('disconnect-dialog-confirm').click();
    await row(down.id).getByTestId('ws-revocation-pending').waitFor();
    assert.equal(await row(down.id).getAttribute('data-status'), 'disconnected');
    await eventually(() => page.getByTestId('ws-summary').textContent(), (t) => /1 need re-consent · 1 revocation pending/.test(t ?? ''), 'summary counts');
    // needs re-consent first, then disconnected (pending and confirmed), then connected
    await page.getByTestId('sort-status').click();
    await page.getByTestId('sort-status').click();
    await eventually(() => page.getByTestId('ws-row').first().getAttribute('data-status'), (s) => s === 'needs_reconsent', 'sorted by status descending');
    await page.evaluate('document.querySelector("main").scrollTo(0, 0)');
    await app.screenshot('workspaces-badges');
    await page.getByTestId('sort-name').click();
    await page.getByTestId('ws-filter').selectOption('pending_revocation');
    await count(page.getByTestId('ws-row'), 1, 'filter pending revocations');
    await page.getByTestId('ws-filter').selectOption('all');

    await admin('DELETE', '/__admin/faults');
    assert.deepEqual(await call('workspaces.retryRevocations', {}), { confirmed: 1, pending: 0 });
    await row(down.id).getByTestId('ws-revocation-confirmed').waitFor();
    assert.equal(await row(down.id).getByTestId('ws-revocation-pending').count(), 0);
    await app.page.setViewportSize({ width: 1400, height: 900 });
    assert.deepEqual(app.problems.all().filter((p) => !/status of 5\d\d|Failed to load resource/.test(p)), []);
  });

  test('Settings shows the keychain health panel for the store in use', async () => {
    const { page } = app;
    await page.getByTestId('nav-settings').click();
    const panel = page.getByTestId('keychain-panel');
    await panel.waitFor();
    const expected = NO_KEYRING_REASON ? 'session-only' : 'ok';
    assert.equal(await panel.getAttribute('data-state'), expected);
    assert.equal(await page.getByTestId('keychain-state').textContent(), NO_KEYRING_REASON ? 'Session-only (memory)' : 'Working');
    assert.match((await page.getByTestId('keychain-backend').textContent()) ?? '', NO_KEYRING_REASON ? /Memory only/ : /OS keychain \(service "grantdesk"\)/);
    await page.getByTestId('keychain-recheck').click();
    await panel.scrollIntoViewIfNeeded();
    await app.screenshot('settings-keychain-panel');
    await page.getByTestId('nav-workspaces').click();
    assert.deepEqual(app.problems.all().filter((p) => !/status of 5\d\d|Failed to load resource/.test(p)), []);
  });

  test('dark theme renders the same table legibly', async () => {
    const { page } = app;
    await page.emulateMedia({ colorScheme: 'dark' });
    try {
      await eventually(() => page.evaluate<unknown>('document.documentElement.dataset.theme'), (t) => t === 'dark', 'the system dark preference applies the dark theme');
      await page.evaluate('document.querySelector("main").scrollTo(0, 0)');
      // the same table: one row per workspace the app holds
      await count(page.getByTestId('ws-row'), (await call('workspaces.list', {})).length, 'one row per workspace in dark theme');
      // legible: every piece of text in the first rows (and the header) against the background it is drawn on, from the
      // computed styles (semi-transparent layers composited), meets WCAG AA for body text
      const samples = await page.evaluate<Array<{ text: string; ratio: number }>>(TEXT_CONTRAST_SAMPLES);
      assert.ok(samples.length >= 20, `measured ${samples.length} pieces of text in the header and first rows`);
      const poor = samples.filter((x) => x.ratio < 4.5).map((x) => `${x.text}: ${x.ratio.toFixed(2)}:1`);
      assert.deepEqual(poor, [], 'text below 4.5:1 contrast in dark theme');
      await app.screenshot('workspaces-overview-dark');
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
    }
  });

  test('at a glance: >= 20 one-line rows at 1440x900, sync ages after a bulk sync, problems only, bulk disconnect with the list, empty search, dialog errors, 1024 px', async () => {
    const { page } = app;
    await page.setViewportSize({ width: 1440, height: 900 });
    // the banner of an earlier test's failed refresh is dismissed, as a person would once read
    if (await page.getByTestId('error-banner').count()) await page.getByTestId('error-banner-dismiss').click();
    await count(page.getByTestId('error-banner'), 0, 'banner dismissed');
    await page.evaluate('document.querySelector("main").scrollTo(0, 0)');
    await count(page.getByTestId('ws-row'), (await call('workspaces.list', {})).length, 'all rows');
    // rows fully inside the window, each one line (no wrapped chips or buttons)
    const visible = await page.evaluate(() => {
      const d = globalThis as unknown as Win;
      const rows = Array.from(d.document.querySelectorAll('[data-testid="ws-row"]'));
      const heights = rows.map((r) => r.getBoundingClientRect().height);
      return { inView: rows.filter((r) => r.getBoundingClientRect().bottom <= d.innerHeight - 28).length, tallest: Math.max(...heights) };
    });
    assert.ok(visible.inView >= 20, `${visible.inView} rows visible at 1440x900`);
    assert.ok(visible.tallest <= 32, `one line per row (tallest ${visible.tallest} px)`);
    await app.screenshot('workspaces-glance-1440x900-light');

    // health: never synced first; a bulk sync of three selected workspaces fills both ages for those three only
    const ids = sb.workspaces.slice(10, 13).map((w) => w.id);
    assert.equal(await row(ids[0]!).getByTestId('ws-audit-age').innerText(), 'never');
    for (const id of ids) await row(id).getByTestId('ws-select').check();
    assert.equal(await page.getByTestId('ws-selected-count').innerText(), '3 selected');
    await page.getByTestId('ws-bulk-sync').click();
    await eventually(() => page.getByTestId('ws-bulk-outcome').innerText(), (t) => t.startsWith('Synced 3 workspaces.'), 'bulk sync outcome');
    for (const id of ids) {
      await eventually(() => row(id).getByTestId('ws-audit-age').innerText(), (t) => /^\d+s ago$/.test(t), `audit age of ${id}`);
      await eventually(() => row(id).getByTestId('ws-inventory-age').innerText(), (t) => /^\d+s ago$/.test(t), `inventory age of ${id}`);
    }
    assert.equal(await row(sb.workspaces[14]!.id).getByTestId('ws-audit-age').innerText(), 'never');
    // sort by audit sync: the three synced ones first when descending
    await page.getByTestId('sort-audit').click();
    await page.getByTestId('sort-audit').click();
    const top = await page.locator('[data-testid="ws-row"]').evaluateAll((rs) => rs.slice(0, 3).map((r) => (r as unknown as El).dataset.workspace ?? ''));
    assert.deepEqual([...top].sort(), [...ids].sort());
    await page.getByTestId('sort-name').click();

    // problems only: the needs-reconsent one and the one whose revocation was pending earlier (confirmed since: not a problem)
    await page.getByTestId('ws-problems-only').check();
    const problems = await page.locator('[data-testid="ws-row"]').evaluateAll((rs) => rs.map((r) => (r as unknown as El).dataset.status ?? ''));
    assert.deepEqual(problems, ['needs_reconsent'], 'problems only: the workspace whose grant was revoked');
    assert.match(await page.getByTestId('ws-reason').innerText(), /\S/);
    await page.getByTestId('ws-problems-only').uncheck();

    // bulk disconnect confirms with the list of names
    await page.getByTestId('ws-bulk-disconnect').click();
    const dlg = page.getByTestId('bulk-disconnect-dialog');
    await dlg.waitFor();
    const names = ids.map((id) => sb.workspaces.find((w) => w.id === id)!.name);
    const listed = await page.getByTestId('bulk-disconnect-list').locator('li').allInnerTexts();
    assert.deepEqual(listed.map((t) => t.split(' ws_')[0]), names.slice().sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
    await app.screenshot('workspaces-bulk-disconnect-dialog');
    await page.getByTestId('bulk-disconnect-dialog-input').fill('3');
    await page.getByTestId('bulk-disconnect-dialog-confirm').click();
    for (const id of ids) await eventually(() => row(id).getAttribute('data-status'), (st) => st === 'disconnected', `${id} disconnected`);
    await count(page.getByTestId('ws-bulkbar'), 0, 'selection cleared');

    // a search with no match says so and offers to clear it
    await page.getByTestId('ws-search').fill('zzz-no-such');
    await page.getByTestId('ws-nomatch').waitFor();
    assert.equal(await page.getByTestId('ws-nomatch').innerText(), 'No workspace matches “zzz-no-such” — Clear search');
    assert.equal(await page.getByTestId('ws-table').count(), 0, 'no bare headers');
    await page.getByTestId('ws-clear-search').click();
    await page.getByTestId('ws-table').waitFor();

    // an add-platform error appears in the dialog, with a remedy about the issuer URL
    await page.getByTestId('add-platform').click();
    await page.getByTestId('add-platform-dialog').waitFor();
    await page.getByTestId('pf-issuer').fill('http://127.0.0.1:9/');
    await page.getByTestId('pf-submit').click();
    const inDialog = page.getByTestId('add-platform-dialog').getByTestId('add-platform-error');
    await inDialog.waitFor();
    assert.match(await inDialog.innerText(), /Check the issuer URL: Grantdesk reads the platform's sign-in metadata from http:\/\/127\.0\.0\.1:9\/\.well-known\/oauth-authorization-server/);
    assert.doesNotMatch(await inDialog.innerText(), /offline from its cache/);
    await app.screenshot('workspaces-add-platform-error');
    await page.getByTestId('add-platform-dialog-close').click();
    await page.getByTestId('add-platform-dialog').waitFor({ state: 'detached' });
    assert.equal(await page.locator('[data-testid="workspaces-screen"] > [data-testid="error-banner"]').count(), 0, 'the error is not behind the dialog');

    // 1024 x 700: no page-level horizontal overflow; each row's actions inside the window
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      for (const [w, h] of [[1024, 700], [1440, 900]] as const) {
        await page.setViewportSize({ width: w, height: h });
        const layout = await page.evaluate(() => {
          const d = globalThis as unknown as Win;
          const actions = Array.from(d.document.querySelectorAll('[data-testid="ws-row"] .row-actions')).slice(0, 10);
          return {
            overflow: d.document.documentElement.scrollWidth - d.document.documentElement.clientWidth,
            actionsRight: Math.max(...actions.map((a) => a.getBoundingClientRect().right)),
            width: d.innerWidth,
          };
        });
        assert.ok(layout.overflow <= 0, `${w}px ${theme}: page scrolls sideways by ${layout.overflow}px`);
        assert.ok(layout.actionsRight <= layout.width, `${w}px ${theme}: actions end at ${layout.actionsRight} of ${layout.width}`);
        await app.screenshot(`workspaces-glance-${w}x${h}-${theme}`);
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1400, height: 900 });
    assert.deepEqual(app.problems.all().filter((p) => !/status of 5\d\d|Failed to load resource/.test(p)), []);
  });
});
