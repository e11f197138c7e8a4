// User job (a), end to end in real Chromium over a demo-like sandbox (40 workspaces, a synced audit log): find every
// contacts:delete holder in the scope matrix (the count on screen equals the cache's inventory count and the platform's
// truth), open one, revoke it with a preview whose numbers are right (workspaces, untouched workspaces with their
// names, other workspaces that keep the app, the access-token tail with the time it ends), type the confirmation, and
// check the platform's true state: that credential revoked, the same app in another workspace untouched. Then a bulk
// revocation of every install of an app: one summary table, and "0 other workspaces keep it".
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { RunningServe } from '../../src-main/serve/serve-server.ts';
import { SCREENSHOT_DIR, type PageProblems } from '../support/serve-fixture.ts';
import { appType, matrixOf, type SandboxPlatform, type TestApp, type TrueWorkspace } from '../node/inventory/support.ts';
import { eventually as waitUntil } from './helpers.ts';
import { openRoute, startDemoApp, type DemoApp } from './demo-app.ts';

let demo: DemoApp;
let p: SandboxPlatform;
let app: TestApp;
let serve: RunningServe;
let page: Page;
let problems: PageProblems;
const WORKSPACES = 40;
const eventually = <T>(fn: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 30_000) => waitUntil(fn, ok, what, timeoutMs);
// the test program has no DOM lib: the page's globals, typed loosely inside evaluate callbacks
type Raf = { requestAnimationFrame(cb: () => void): void };
type El = { dataset: Record<string, string> };
type Doc = { querySelectorAll(s: string): Iterable<El> };
const frames = () =>
  page.evaluate(() => new Promise<void>((r) => (globalThis as unknown as Raf).requestAnimationFrame(() => (globalThis as unknown as Raf).requestAnimationFrame(() => r()))));
const grid = () => page.getByTestId('matrix-grid');

async function shoot(name: string) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  for (const [w, h] of [[1440, 900], [1024, 700]] as const) {
    await page.setViewportSize({ width: w, height: h });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await frames();
      await page.screenshot({ path: join(SCREENSHOT_DIR, `revoke-job-${name}-${w}-${scheme}.png`) });
    }
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
  await frames();
}

/** every app install (not Grantdesk's own), active on the platform, by client id */
function installsOf(state: TrueWorkspace[]) {
  const by = new Map<string, { workspaceId: string; workspaceName: string; id: string; name: string; scopes: string[] }[]>();
  for (const w of state)
    for (const c of w.credentials)
      if (appType(c.type) === 'app' && c.client_id && c.client_id !== 'grantdesk-desktop' && c.status === 'active')
        by.set(c.client_id, [...(by.get(c.client_id) ?? []), { workspaceId: w.id, workspaceName: w.name, id: c.id, name: c.name, scopes: c.scopes }]);
  return by;
}

/** scroll the virtualized matrix from top to bottom and collect every credential row */
async function allMatrixRows(): Promise<string[]> {
  const shown = new Set<string>();
  await grid().evaluate((g) => (g.scrollTop = 0));
  await frames();
  for (let i = 0; i < 200; i++) {
    const ids = await page.evaluate(() =>
      [...(globalThis as unknown as { document: Doc }).document.querySelectorAll('[data-testid="matrix-cred-row"]')].map((r) => `${r.dataset.workspaceId}/${r.dataset.credentialId}`),
    );
    ids.forEach((x) => shown.add(x));
    const done = await grid().evaluate((g) => {
      const end = g.scrollTop + g.clientHeight >= g.scrollHeight - 1;
      g.scrollTop += g.clientHeight / 2;
      return end;
    });
    if (done) break;
    await frames();
  }
  await grid().evaluate((g) => (g.scrollTop = 0));
  await frames();
  return [...shown].sort();
}

before(async () => {
  demo = await startDemoApp({ workspaces: WORKSPACES, events: 20_000, seed: 1, sync: { audit: true }, viewport: { width: 1440, height: 900 } });
  ({ p, app, serve, page, problems } = demo);
});
after(() => demo?.close());

test('job (a): find every contacts:delete holder, revoke one with a correct preview; bulk says 0 keep it', { timeout: 300_000 }, async () => {
  await openRoute(demo, '#/workspaces');
  await page.getByTestId('nav-scope-matrix').click();
  await eventually(() => page.getByTestId('matrix-status').textContent(), (t) => !!t && t.includes(`${WORKSPACES} workspaces`) && !t.includes('never synced'), 'synced matrix', 120_000);
  await eventually(() => page.getByTestId('matrix-sync').textContent(), (t) => t === 'Sync now', 'sync finished', 120_000);

  // the one count: every credential the cache holds, the inactive ones said; the same line on the Credentials screen
  const all = await matrixOf(app, {});
  const countsLine = `${all.counts.total} credentials in ${WORKSPACES} workspaces, ${all.counts.inactive} of them revoked, expired or disabled`;
  assert.equal(await page.getByTestId('inventory-counts').textContent(), countsLine);

  // find every holder: the column header
  const holders = await matrixOf(app, { scopes: ['contacts:delete'] });
  const truth = (await p.state()).flatMap((w) => w.credentials.filter((c) => c.status !== 'revoked' && c.scopes.includes('contacts:delete')).map((c) => `${w.id}/${c.id}`)).sort();
  assert.equal(holders.totals.credentials, truth.length, 'the cache agrees with the platform');
  await page.getByTestId('col-contacts:delete').click();
  await eventually(() => page.getByTestId('matrix-status').textContent(), (t) => !!t && t.startsWith(`Showing ${truth.length} credentials in ${holders.totals.workspaces} workspaces`), 'filtered to holders');
  assert.equal(await page.getByTestId('inventory-counts').textContent(), countsLine, 'a filter never changes the count');
  // the filters fold to one line of chips once a filter is set
  assert.equal(await page.getByTestId('matrix-filters').isVisible(), false);
  assert.ok(await page.getByTestId('active-scope-contacts:delete').isVisible());
  assert.deepEqual(await allMatrixRows(), truth);
  await shoot('matrix-holders');

  // open one OAuth app holder whose app is installed in other workspaces too
  const state0 = await p.state();
  const installs = installsOf(state0);
  const holderSet = new Set(truth);
  const [clientId, list] = [...installs]
    .filter(([, l]) => l.some((i) => holderSet.has(`${i.workspaceId}/${i.id}`)) && new Set(l.map((i) => i.workspaceId)).size >= 3)
    .sort((a, b) => b[1].length - a[1].length)[0]!;
  const one = list.find((i) => holderSet.has(`${i.workspaceId}/${i.id}`))!;
  const keepers = new Set(list.filter((i) => i.workspaceId !== one.workspaceId).map((i) => i.workspaceId));
  const row = page.locator(`[data-testid="matrix-cred-row"][data-workspace-id="${one.workspaceId}"][data-credential-id="${one.id}"]`);
  for (let i = 0; i < 80 && !(await row.count()); i++) {
    await grid().evaluate((g) => (g.scrollTop += 200));
    await frames();
  }
  await row.getByTestId('matrix-cred-open').click();
  await eventually(() => page.getByTestId('drawer-title').textContent(), (t) => t === one.name, 'drawer shows the app');
  const revokeBtn = page.getByTestId('drawer-revoke');
  const box = (await revokeBtn.boundingBox())!;
  assert.ok(box.y + box.height <= 900, `Revoke is visible without scrolling (bottom at ${box.y + box.height})`);
  await revokeBtn.click();
  const dialog = page.getByTestId('revoke-dialog');
  await dialog.getByTestId('revoke-summary').waitFor();
  const t0 = Date.now();
  // the preview's numbers
  assert.equal(await dialog.getByTestId('revoke-summary-row').count(), 1);
  assert.match(await dialog.getByTestId('blast-untouched').innerText(), new RegExp(`^${WORKSPACES - 1} workspaces are not touched`));
  assert.equal(await dialog.getByTestId('revoke-kept-elsewhere').getAttribute('data-count'), String(keepers.size));
  assert.match(await dialog.getByTestId('revoke-kept-elsewhere').innerText(), new RegExp(`${one.name} stays installed in ${keepers.size} other workspaces`));
  const tail = await dialog.getByTestId('revoke-token-tail').innerText();
  const m = /^Outstanding access tokens work until about (\d{1,2}):(\d{2}) \(up to 60 minutes/.exec(tail);
  assert.ok(m, tail);
  const expected = new Date(t0 + 3600_000);
  const shownMin = Number(m[1]) * 60 + Number(m[2]);
  const diff = Math.abs(shownMin - (expected.getHours() * 60 + expected.getMinutes()));
  assert.ok(diff <= 1 || diff >= 24 * 60 - 1, `token tail ${m[1]}:${m[2]} vs ${expected.toTimeString()}`);
  // untouched workspaces: a real, scrollable list of names
  await dialog.getByTestId('blast-untouched-toggle').click();
  const ul = dialog.getByTestId('blast-untouched-list');
  await ul.waitFor();
  const ulBox = (await ul.boundingBox())!;
  assert.ok(ulBox.height >= 60, `untouched list is ${ulBox.height} px high`);
  const names = await ul.locator('li').allInnerTexts();
  assert.equal(names.length, WORKSPACES - 1);
  assert.ok(names.includes(state0.find((w) => w.id !== one.workspaceId)!.name));
  await shoot('preview-single');

  const otherInstall = list.find((i) => i.workspaceId !== one.workspaceId)!;
  await dialog.getByTestId('revoke-dialog-input').fill(one.workspaceName);
  await dialog.getByTestId('revoke-dialog-confirm').click();
  const result = page.getByTestId('revoke-result-row');
  await result.waitFor();
  assert.equal(await result.getAttribute('data-outcome'), 'revoked');
  // the platform's own answer: a seeded app holds no live access token in the sandbox, so nothing outlives its revocation
  assert.match(await page.getByTestId('revoke-results').innerText(), /No access token was outstanding: the revocation was fully effective at once/);
  assert.equal(await page.getByTestId('revoke-result-effect').innerText(), 'No access token was outstanding: fully effective at once');
  const state1 = await p.state();
  assert.equal(state1.find((w) => w.id === one.workspaceId)!.credentials.find((c) => c.id === one.id)!.status, 'revoked');
  assert.equal(state1.find((w) => w.id === otherInstall.workspaceId)!.credentials.find((c) => c.id === otherInstall.id)!.status, 'active', 'the same app elsewhere is untouched');
  await eventually(() => page.getByTestId('matrix-status').textContent(), (t) => !!t && t.startsWith(`Showing ${truth.length - 1} credentials`), 'holder gone');

  // bulk: every remaining install of that app, from the drawer of one of them
  await page.getByTestId('filter-reset').click();
  await page.goto(`${serve.url}#/credentials`);
  await page.getByTestId('credentials-search').fill(clientId);
  const rows = page.getByTestId('credential-row');
  const remaining = list.filter((i) => i.id !== one.id);
  const remainingWs = new Set(remaining.map((i) => i.workspaceId));
  await eventually(() => rows.count(), (n) => n >= Math.min(remaining.length, 10), 'search by client id');
  await page.locator(`[data-testid="credential-row"][data-credential-id="${otherInstall.id}"]`).click();
  await eventually(() => page.getByTestId('drawer-title').textContent(), (t) => t === otherInstall.name, 'drawer');
  const everywhere = page.getByTestId('drawer-revoke-app-everywhere');
  assert.equal(await everywhere.innerText(), `Revoke from all ${remainingWs.size} workspaces${remaining.length !== remainingWs.size ? ` (${remaining.length} grants)` : ''}…`);
  await everywhere.click();
  await dialog.getByTestId('revoke-summary').waitFor();
  assert.equal(await dialog.getByTestId('revoke-summary-row').count(), remaining.length, 'one summary table, a row per credential');
  assert.equal(await dialog.locator('[data-testid="blast-target"]').count(), 0, 'no stacked cards');
  assert.equal(await dialog.getByTestId('revoke-kept-elsewhere').getAttribute('data-count'), '0');
  assert.match(await dialog.getByTestId('revoke-kept-elsewhere').innerText(), new RegExp(`${otherInstall.name} stays installed in 0 other workspaces`));
  assert.doesNotMatch(await dialog.innerText(), /stays installed in \d+ other workspace\(s\)/);
  assert.match(await dialog.getByTestId('revoke-workspaces').innerText(), new RegExp(`${remaining.length} credentials in ${remainingWs.size} workspaces`));
  assert.match(await dialog.getByTestId('blast-untouched').innerText(), new RegExp(`^${WORKSPACES - remainingWs.size} workspaces are not touched`));
  await dialog.getByTestId('revoke-token-tail').waitFor();
  await shoot('preview-bulk');
  await dialog.getByTestId('revoke-dialog-input').fill(String(remaining.length));
  await dialog.getByTestId('revoke-dialog-confirm').click();
  await eventually(() => page.getByTestId('revoke-result-row').count(), (n) => n === remaining.length, 'bulk results');
  const state2 = await p.state();
  for (const i of remaining) assert.equal(state2.find((w) => w.id === i.workspaceId)!.credentials.find((c) => c.id === i.id)!.status, 'revoked', i.workspaceName);
  // nothing but those credentials changed status
  const changed = state2.flatMap((w) =>
    w.credentials.filter((c) => state1.find((x) => x.id === w.id)!.credentials.find((x) => x.id === c.id)!.status !== c.status).map((c) => `${w.id}/${c.id}`),
  );
  assert.deepEqual(changed.sort(), remaining.map((i) => `${i.workspaceId}/${i.id}`).sort());
  assert.deepEqual(problems.all(), []);
});
