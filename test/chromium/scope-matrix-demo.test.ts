// The "done when", in real Chromium over the real connections domain and the sandbox: from the app, two
// interactions (nav to the matrix, click the contacts:delete column) list every credential holding contacts:delete in
// every workspace (checked against the sandbox's true state); one is revoked with a blast-radius preview built from the
// synced audit log; the sandbox's true state shows every other workspace unchanged.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { RunningServe } from '../../src-main/serve/serve-server.ts';
import { SCREENSHOT_DIR, type PageProblems } from '../support/serve-fixture.ts';
import type { SandboxPlatform, TestApp } from '../node/inventory/support.ts';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually as waitUntil } from './helpers.ts';
import { openRoute, startDemoApp, type DemoApp } from './demo-app.ts';

let demo: DemoApp;
let p: SandboxPlatform;
let app: TestApp;
let serve: RunningServe;
let page: Page;
let problems: PageProblems;

const eventually = <T>(fn: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 20_000) => waitUntil(fn, ok, what, timeoutMs);

before(async () => {
  demo = await startDemoApp({ workspaces: 6, events: 6000, seed: 1, sync: { audit: true }, viewport: { width: 1440, height: 1000 } });
  ({ p, app, serve, page, problems } = demo);
});
after(() => demo?.close());

test('every contacts:delete holder in two interactions, revoke one with a preview, the others untouched', { timeout: 120_000 }, async () => {
  await openRoute(demo, '#/workspaces');
  // interaction 1: open the matrix (it syncs the never-synced inventory on its own)
  await page.getByTestId('nav-scope-matrix').click();
  await eventually(() => page.getByTestId('matrix-status').textContent(), (t) => !!t && t.includes('6 workspaces') && !t.includes('never synced'), 'synced matrix');
  await eventually(() => page.getByTestId('matrix-sync').textContent(), (t) => t === 'Sync now', 'sync finished');

  const truth = (await p.state()).flatMap((w) => w.credentials.filter((c) => c.status !== 'revoked' && c.scopes.includes('contacts:delete')).map((c) => `${w.id}/${c.id}`)).sort();
  assert.ok(truth.length > 1, `seed has ${truth.length} holders`);
  // interaction 2: the column header
  await page.getByTestId('col-contacts:delete').click();
  await eventually(() => page.getByTestId('matrix-status').textContent(), (t) => !!t && t.includes(`${truth.length} credentials`), 'filtered to holders');
  const rows = page.getByTestId('matrix-cred-row');
  await rows.first().waitFor();
  // the grid is virtualized: scroll through it and collect every holder row
  const shown = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const ids = (await page.evaluate(`[...document.querySelectorAll('[data-testid="matrix-cred-row"]')].map((r) => r.dataset.workspaceId + '/' + r.dataset.credentialId)`)) as string[];
    ids.forEach((x) => shown.add(x));
    const done = (await page.evaluate(`(() => { const g = document.querySelector('[data-testid="matrix-grid"]'); const end = g.scrollTop + g.clientHeight >= g.scrollHeight - 1; g.scrollTop += g.clientHeight / 2; return end; })()`)) as boolean;
    if (done) break;
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  }
  assert.deepEqual([...shown].sort(), truth);
  await page.evaluate(`document.querySelector('[data-testid="matrix-grid"]').scrollTop = 0`);
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'scope-matrix-contacts-delete.png') });

  // revoke one: prefer an API key (the grant of an OAuth app works the same way)
  let idx = 0;
  const visible = await rows.count();
  for (let i = 0; i < visible; i++) if ((await rows.nth(i).getAttribute('data-credential-id'))!.startsWith('key_')) idx = i;
  const target = rows.nth(idx);
  const wsId = (await target.getAttribute('data-workspace-id'))!;
  const credId = (await target.getAttribute('data-credential-id'))!;
  await target.getByTestId('matrix-cred-open').click();
  await page.getByTestId('drawer-revoke').click();
  const dialog = page.getByTestId('revoke-dialog');
  // one summary table (a row per credential) replaced the per-target cards (issue 13 item 6)
  await dialog.getByTestId('revoke-summary-row').waitFor();
  const blast = await dialog.getByTestId('blast-radius').innerText();
  assert.doesNotMatch(blast, /Audit log not synced/, 'the audit log was synced');
  assert.match(await dialog.getByTestId('blast-untouched').innerText(), /5 workspaces are not touched/);
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'scope-matrix-revoke-preview.png') });

  const before = JSON.stringify((await p.state()).filter((w) => w.id !== wsId));
  const name = p.sb.workspaces.find((w) => w.id === wsId)!.name;
  await dialog.getByTestId('revoke-dialog-input').fill(name);
  await dialog.getByTestId('revoke-dialog-confirm').click();
  const result = page.getByTestId('revoke-result-row');
  await result.waitFor();
  assert.equal(await result.getAttribute('data-outcome'), 'revoked');

  const afterState = await p.state();
  assert.equal(JSON.stringify(afterState.filter((w) => w.id !== wsId)), before, 'no other workspace changed');
  assert.equal(afterState.find((w) => w.id === wsId)!.credentials.find((c) => c.id === credId)!.status, 'revoked');
  // the matrix drops the revoked holder
  await eventually(() => page.getByTestId('matrix-status').textContent(), (t) => !!t && t.includes(`${truth.length - 1} credentials`), 'holder gone');
  assert.deepEqual(problems.all(), []);
});
