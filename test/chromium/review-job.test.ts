// Job (d), "issue a review and look at it as the auditor", end to end in real Chromium over the built renderer (serve
// mode), two Grantdesks on one real sandbox with 40 workspaces. The operator finds two workspaces with the picker's
// search, issues an audit-only review, meets the code dialog (× without the tick asks first), and sees the review in
// the issued list as the platform records it. The auditor redeems the code in the second app and sees: the reviewed
// workspaces with their scopes and end on Workspaces (not "0 connected"), what the review does not grant on the matrix
// and Credentials, what they can do in words, and a review log of their own actions without internal calls. No command
// id appears on screen. Screenshots light/dark at 1440x900 and 1024x700. Run `npx vite build --config vite.web.config.ts` first.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startSandbox } from '../../sandbox/server.ts';
import { COMMAND_NAMES } from '../../src-common/contract/index.ts';
import { SCREENSHOT_DIR } from '../support/serve-fixture.ts';
import { launchChromium } from './helpers.ts';
import { openRoute as go, startServedSide, type ServedSide } from './demo-app.ts';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
type Side = ServedSide;
let sb: Sandbox;
let browser: Browser;
let op: Side;
let aud: Side;

/** light and dark at 1440x900 and 1024x700 (then back to 1440x900 light) */
async function shots(page: Page, name: string) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    for (const [w, h] of [[1440, 900], [1024, 700]] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${w}x${h}-${theme}.png`) });
      const overflow = await page.evaluate(() => {
        const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return d.scrollWidth - d.clientWidth;
      });
      assert.ok(overflow <= 0, `${name} at ${w}px ${theme}: the page scrolls sideways by ${overflow}px`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1440, height: 900 });
}
/** command ids (`audit.timeline`, `inventory.sync`…) in the visible text: words only on screen */
async function commandIdsOnScreen(page: Page): Promise<string[]> {
  const text = await page.locator('main').innerText();
  return COMMAND_NAMES.filter((n) => text.includes(n));
}

before(async () => {
  sb = await startSandbox({ workspaces: 40, events: 400, seed: 21, autoConsent: true, log: () => undefined });
  browser = await launchChromium();
  op = await startServedSide(browser, { name: 'job-d-op', viewport: { width: 1440, height: 900 } });
  aud = await startServedSide(browser, { name: 'job-d-aud', viewport: { width: 1440, height: 900 } });
  await op.c.call('platforms.add', { issuer: sb.issuer, name: 'Sandbox' });
  const r = await op.c.call('workspaces.bulkConnect', { workspaces: sb.workspaces.map((w) => w.id), role: 'operator' });
  assert.equal(r.connected, 40);
  await op.c.call('sync.all', {});
});

after(async () => {
  await browser?.close().catch(() => {});
  for (const s of [op, aud]) await s?.close().catch(() => {});
  await sb?.close();
});

test('job (d): issue a review from the UI and look at it as the auditor', { timeout: 240_000 }, async () => {
  const [first, second] = [sb.workspaces[4]!, sb.workspaces[27]!];
  // ---- operator: Issue says why it is disabled; the picker finds workspaces among 40 by search
  await go(op, '#/reviews');
  const p = op.page;
  await p.locator('[data-testid="reviews-screen"][data-mode="operator"]').waitFor();
  await p.locator('[data-testid="review-ws"]').nth(39).waitFor();
  assert.equal(await p.getByTestId('review-create').isDisabled(), true);
  assert.equal(await p.getByTestId('review-create').getAttribute('title'), "To issue the review, choose at least one workspace, enter the reviewer's name and enter the reviewer's e-mail address.");
  assert.equal(await p.getByTestId('review-create-reason').innerText(), await p.getByTestId('review-create').getAttribute('title'));
  for (const w of [first, second]) {
    await p.getByTestId('review-ws-search').fill(w.name);
    await p.locator(`[data-testid="review-ws"][data-workspace="${w.id}"]`).check();
    assert.ok((await p.getByTestId('review-ws').count()) < 40, 'the search narrows the list');
  }
  await p.getByTestId('review-ws-search').fill('no-such-workspace');
  assert.match(await p.getByTestId('review-ws-nomatch').innerText(), /^No workspace matches “no-such-workspace”\. Clear search$/);
  await p.getByTestId('review-ws-search').fill('');
  assert.equal(await p.getByTestId('review-ws-count').innerText(), '· 2 of 40 chosen');
  assert.equal(await p.getByTestId('review-ws-chosen').innerText(), `Chosen: ${[first.name, second.name].sort((x, y) => (x.toLowerCase() < y.toLowerCase() ? -1 : 1)).join(', ')}`);
  // audit:read only: the review does not include credentials:read
  assert.equal(await p.locator('[data-testid="review-scope"][data-scope="audit:read"]').isChecked(), true);
  assert.equal(await p.locator('[data-testid="review-scope"][data-scope="credentials:read"]').isChecked(), false);
  await p.getByTestId('review-days').fill('7');
  await p.getByTestId('review-name').fill('Ada Auditor');
  await p.getByTestId('review-email').fill('ada@audit.example');
  assert.equal(await p.getByTestId('review-create-reason').count(), 0);
  await shots(p, 'job-d-operator-form');
  await p.getByTestId('review-create').click();

  // ---- the code dialog: one statement about where the code lives; × without the tick asks first
  const dialog = p.getByTestId('review-code-dialog');
  await dialog.waitFor();
  const code = (await dialog.getByTestId('review-code').innerText()).trim();
  assert.match(code, /^GDREVIEW1\./);
  const description = await dialog.locator('.dialog-description').innerText();
  assert.match(description, /Grantdesk keeps it in one place: the review file named below, on this computer/);
  assert.doesNotMatch(description, /only time/);
  assert.match(await dialog.getByTestId('review-code-path').innerText(), /\.gdreview$/);
  assert.match(await dialog.getByTestId('review-code-summary').innerText(), /^2 workspaces · ends /);
  await shots(p, 'job-d-code-dialog');
  await dialog.getByTestId('review-code-dialog-close').click();
  const ask = dialog.getByTestId('review-code-ask');
  await ask.waitFor();
  assert.match(await ask.innerText(), /^You have not confirmed you handed the code over — close anyway\?/);
  await shots(p, 'job-d-code-dialog-ask');
  await dialog.getByTestId('review-code-close-anyway').click();
  await dialog.waitFor({ state: 'detached' });
  assert.ok(!(await p.content()).includes(code), 'the code left the screen');

  // ---- the issued list comes from the platform: both workspaces, not redeemed yet
  const rows = p.getByTestId('review-issued-row');
  await rows.nth(1).waitFor();
  assert.equal(await rows.count(), 2);
  const platform = await op.c.call('review.issued', {});
  assert.deepEqual((await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-review') ?? ''))).sort(), platform.reviews.map((r) => r.reviewId).sort());
  for (const t of await rows.allInnerTexts()) assert.match(t, /Ada Auditor[\s\S]*audit:read[\s\S]*Not redeemed yet/);
  assert.match(await p.getByTestId('review-issued').innerText(), /A review can be extended up to 30 days from its issue; a code nobody redeemed yet can be withdrawn; revoking ends a review at once\./);
  await p.getByTestId('review-issued').scrollIntoViewIfNeeded();
  await shots(p, 'job-d-operator-issued');
  assert.deepEqual(await commandIdsOnScreen(p), []);

  // ---- auditor: redeem in the second app
  await go(aud, '#/reviews');
  const a = aud.page;
  await a.getByTestId('review-redeem-code').fill(code);
  await a.getByTestId('review-redeem').click();
  await a.locator('[data-testid="reviews-screen"][data-mode="auditor"]').waitFor();
  // the operator's list now says redeemed (the platform's status)
  await p.reload();
  await p.locator('[data-testid="review-issued-row"][data-status="redeemed"]').nth(1).waitFor();

  // Workspaces: the reviewed workspaces with scopes and end time, not "0 connected"
  await go(aud, '#/workspaces');
  await a.getByTestId('ws-review-row').nth(1).waitFor();
  const summary = await a.getByTestId('ws-summary').innerText();
  assert.match(summary, /^2 workspaces under review by Ada Auditor · ends .+ \(in 7 days\)$/);
  assert.doesNotMatch(summary, /0 connected|npm run demo/);
  const reviewed = await a.getByTestId('ws-review-row').allInnerTexts();
  assert.deepEqual(reviewed.map((t) => t.split('\t')[0]).sort(), [first.name, second.name].sort());
  for (const t of reviewed) assert.match(t, /audit:read[\s\S]*in 7 days[\s\S]*Read access live/);
  assert.equal(await a.getByTestId('ws-review-missing').innerText(), 'This review does not include credentials:read, so credentials cannot be listed.');
  await shots(a, 'job-d-auditor-workspaces');
  assert.deepEqual(await commandIdsOnScreen(a), []);

  // the auditor syncs (its own action), then looks at the matrix and Credentials: the sentence, not "Connect a workspace"
  await aud.c.call('sync.all', {});
  await go(aud, '#/scope-matrix');
  await a.getByTestId('review-not-granted').waitFor();
  assert.equal(await a.getByTestId('review-not-granted').innerText(), 'This review does not include credentials:read, so credentials cannot be listed.');
  assert.doesNotMatch(await a.locator('main').innerText(), /Connect a workspace/);
  await shots(a, 'job-d-auditor-matrix');
  await go(aud, '#/credentials');
  assert.equal(await a.getByTestId('review-not-granted').innerText(), 'This review does not include credentials:read, so credentials cannot be listed.');
  await shots(a, 'job-d-auditor-credentials');

  // the audit explorer loads its timeline and rows by itself (plumbing), then the auditor's own export
  await go(aud, '#/audit');
  await a.locator('[data-testid="app-frame"][data-route="audit"]').waitFor();
  await aud.c.call('audit.query', { limit: 50 });
  await aud.c.call('audit.export', { format: 'csv' });

  // Reviews: what the auditor can do, in words; the log lists their own actions in words, no internal calls
  await go(aud, '#/reviews');
  assert.equal(await a.getByTestId('review-allowed').innerText(), 'You can sync the audit log, search the cached data, export and verify evidence and end the review. Nothing you do here changes the workspaces.');
  await a.getByTestId('review-log-row').nth(3).waitFor();
  const logged = await a.getByTestId('review-log-row').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-command') ?? ''));
  for (const internal of ['audit.timeline', 'audit.status', 'inventory.matrix', 'inventory.credentials', 'sync.health', 'review.status', 'app.health']) assert.ok(!logged.includes(internal), `${internal} is not in the review log`);
  const actions = await a.getByTestId('review-log-action').allInnerTexts();
  for (const words of ['Redeemed the review', 'Synced the audit log and credentials', 'Searched the audit log', 'Exported audit events']) assert.ok(actions.includes(words), `the log says "${words}": ${actions.join(' | ')}`);
  await shots(a, 'job-d-auditor-review');
  await a.getByTestId('review-log').scrollIntoViewIfNeeded();
  await shots(a, 'job-d-auditor-log');
  assert.deepEqual(await commandIdsOnScreen(a), [], 'no command id on the auditor\'s Reviews screen');

  assert.deepEqual(op.problems.all(), []);
  assert.deepEqual(aud.problems.all().filter((x) => !/status of 403|Failed to load resource/.test(x)), []);
});
