/* eslint-disable @typescript-eslint/no-explicit-any -- JSON results of contract calls */
// Real Chromium over the built renderer in serve mode, two Grantdesks on one real sandbox: the operator's issues a
// 14-day read-only review for three workspaces and shows the redeem code exactly once; the auditor's redeems the pasted
// code, shows the review banner counting down, disables write actions across screens, logs and packages evidence, and
// shows "Review ended" at expiry (controlled Clock port). The operator's Insights screen lists the sandbox's seeded
// unused scopes, and the fix link lands on the credential. Run `npx vite build --config vite.web.config.ts` first.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startSandbox } from '../../sandbox/server.ts';
import { SCREENSHOT_DIR } from '../support/serve-fixture.ts';
import { eventually, launchChromium } from './helpers.ts';
import { openRoute as go, startServedSide, type ServedSide } from './demo-app.ts';

const DAY = 86_400_000;
type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

let sb: Sandbox;
let browser: Browser;
const clock = (() => {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms: number) => (offset += ms) };
})();

type Side = ServedSide;
let op: Side;
let aud: Side;

async function shot(page: Page, name: string) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: false });
}

before(async () => {
  sb = await startSandbox({ workspaces: 3, events: 1500, seed: 11, autoConsent: true, admin: true, log: () => undefined });
  browser = await launchChromium();
  op = await startServedSide(browser, { name: 'op', viewport: { width: 1280, height: 900 } });
  aud = await startServedSide(browser, { name: 'aud', viewport: { width: 1280, height: 900 }, clock });
  await op.c.call('platforms.add', { issuer: sb.issuer, name: 'Sandbox' });
  for (const w of sb.workspaces) await op.c.call('workspaces.connect', { workspace: w.id, role: 'operator' });
  await op.c.call('inventory.sync', {});
  await op.c.call('audit.sync', {});
});

after(async () => {
  await browser?.close().catch(() => {});
  for (const s of [op, aud]) await s?.close().catch(() => {});
  await sb?.close();
});

test('the operator issues a review and sees the code once; the auditor redeems it: banner, countdown, read-only UI, log, evidence, expiry', { timeout: 180_000 }, async () => {
  // ---- operator: issue a 14-day review for all three workspaces
  await go(op, '#/reviews');
  const p = op.page;
  await p.locator('[data-testid="reviews-screen"][data-mode="operator"]').waitFor();
  for (const w of sb.workspaces) await p.locator(`[data-testid="review-ws"][data-workspace="${w.id}"]`).check();
  await p.locator('[data-testid="review-scope"][data-scope="audit:read"]').waitFor();
  const offered = await p.getByTestId('review-scope').evaluateAll((els) => els.map((e) => e.getAttribute('data-scope') ?? ''));
  assert.ok(offered.length > 1 && offered.every((s) => s.endsWith(':read')), `read scopes only: ${offered.join(' ')}`);
  for (const s of ['contacts:read', 'credentials:read'].filter((x) => offered.includes(x))) await p.locator(`[data-testid="review-scope"][data-scope="${s}"]`).check();
  await p.getByTestId('review-days').fill('14');
  await p.getByTestId('review-name').fill('Ada Auditor');
  await p.getByTestId('review-email').fill('ada@audit.example');
  await shot(p, 'review-operator-form');
  await p.getByTestId('review-create').click();
  const dialog = p.getByTestId('review-code-dialog');
  await dialog.waitFor();
  const code = (await dialog.getByTestId('review-code').innerText()).trim();
  assert.match(code, /^GDREVIEW1\./);
  // Done before "I have handed it over" asks first (it used to stay disabled)
  await dialog.getByTestId('review-code-done').click();
  assert.equal(await dialog.getByTestId('review-code-ask').innerText().then((t) => t.split('\n')[0]), 'You have not confirmed you handed the code over — close anyway?');
  await dialog.getByTestId('review-code-keep').click();
  await shot(p, 'review-code-once');
  await dialog.getByTestId('review-code-handed').check();
  await dialog.getByTestId('review-code-done').click();
  await dialog.waitFor({ state: 'detached' });
  assert.ok(!(await p.content()).includes(code), 'the code left the screen');
  // the platform's list: one review per workspace
  const issued = p.getByTestId('review-issued-row');
  await issued.nth(2).waitFor();
  assert.equal(await issued.count(), 3);
  for (const t of await issued.allInnerTexts()) assert.match(t, /Ada Auditor/);
  // after a round trip through another screen the code is still gone (it was never in a store)
  await p.getByTestId('nav-workspaces').click();
  await p.locator('[data-testid="app-frame"][data-route="workspaces"]').waitFor();
  await p.getByTestId('nav-reviews').click();
  await p.getByTestId('review-issued-row').first().waitFor();
  assert.ok(!(await p.content()).includes(code));

  // ---- auditor: paste the code, redeem -> review mode
  await go(aud, '#/reviews');
  const a = aud.page;
  await a.getByTestId('review-redeem-code').fill(code);
  await a.getByTestId('review-redeem').click();
  await a.locator('[data-testid="reviews-screen"][data-mode="auditor"]').waitFor();
  const banner = a.locator('[data-testid="review-banner"][data-state="active"]');
  await banner.waitFor();
  assert.match(await banner.getByTestId('review-banner-text').innerText(), /^Read-only auditor review · Ada Auditor · ends in 13 d 23 h$/);
  // the countdown ticks every second (the attribute carries the seconds)
  const s0 = Number(await banner.getAttribute('data-seconds-left'));
  assert.ok(s0 > 13 * 86400 && s0 <= 14 * 86400, String(s0));
  // runs in the page (the node-side typecheck has no DOM lib; the page's CSP forbids string evaluation)
  await a.waitForFunction((v: number) => Number((globalThis as any).document.querySelector('[data-testid="review-banner"]')?.getAttribute('data-seconds-left')) < v, s0);
  assert.match(await a.getByTestId('review-reviewer').innerText(), /Ada Auditor <ada@audit\.example>/);
  assert.equal(await a.getByTestId('review-workspace-row').count(), 3);
  assert.match(await a.getByTestId('review-time-left').innerText(), /^13 d 23 h left$/);
  await a.locator('[data-testid="review-log-row"][data-command="review.redeem"]').waitFor();
  await shot(a, 'review-auditor-status');

  // ---- write actions are disabled across screens, with the reason as a tooltip
  const disabledWithReason = async (testId: string) => {
    const el = a.getByTestId(testId).first();
    await el.waitFor();
    assert.equal(await el.isDisabled(), true, `${testId} is disabled in review mode`);
    assert.match((await el.getAttribute('title')) ?? '', /Read-only review/, `${testId} says why`);
  };
  // Workspaces shows the reviewed workspaces instead of connect buttons (nothing to connect in a review)
  await go(aud, '#/workspaces');
  await a.getByTestId('ws-review-row').nth(2).waitFor();
  assert.equal(await a.getByTestId('connect').count(), 0);
  await shot(a, 'review-disabled-workspaces');
  await go(aud, '#/settings');
  await disabledWithReason('settings-save');
  await disabledWithReason('settings-reset');
  await go(aud, '#/scope-matrix');
  await disabledWithReason('matrix-mark-reviewed');
  await disabledWithReason('matrix-revoke-selected');
  await go(aud, '#/rotation'); // the service-token and re-consent tools live on the Rotation screen
  await disabledWithReason('open-service-token');
  await disabledWithReason('open-reconsent');
  // reads still work: the local-only syncs, then the evidence package; both land in the review log
  await aud.c.call('audit.sync', {});
  await go(aud, '#/reviews');
  await a.getByTestId('review-evidence').click();
  const ev = a.getByTestId('review-evidence-result');
  await ev.waitFor();
  assert.match(await ev.innerText(), /Evidence package: \d+ files/);
  await a.locator('[data-testid="review-log-row"][data-command="review.evidence"]').waitFor();
  await a.locator('[data-testid="review-log-row"][data-command="audit.sync"]').first().waitFor();
  await shot(a, 'review-auditor-log');

  // ---- expiry (controlled clock in the auditor's main): the banner says it ended
  clock.advance(14 * DAY + 3600_000);
  assert.equal((await aud.c.call('review.status', {})).state, 'expired');
  await a.locator('[data-testid="review-banner"][data-state="ended"]').waitFor();
  assert.equal(await a.getByTestId('review-banner-text').innerText(), 'Review ended — access removed');
  await a.locator('[data-testid="review-status"][data-state="expired"]').waitFor();
  await shot(a, 'review-ended');

  // the operator's Grantdesk never entered review mode
  assert.equal(await op.page.getByTestId('review-banner').count(), 0);
  assert.deepEqual(op.problems.all(), []);
  assert.deepEqual(aud.problems.all(), []);
});

test('insights list the seeded unused scopes, sorted by risk, each with a working path to its fix', { timeout: 120_000 }, async () => {
  const report = await op.c.call('insights.list', {});
  const state = (await (await fetch(`${sb.issuer}/__admin/state`, { headers: { authorization: `Bearer ${sb.adminToken}` } })).json()) as any;
  const expected = report.items.filter((i: any) => i.kind === 'unused_scopes');
  const seeded = state.workspaces.flatMap((w: any) => w.insight_truths.unused_scopes.map((t: any) => `unused_scopes:${w.id}:${t.credential_id}`));
  assert.ok(expected.some((i: any) => seeded.includes(i.id)), 'the report holds seeded truths (proved in detail by test/node/review/insights.test.ts)');

  await go(op, '#/insights');
  const p = op.page;
  await p.getByTestId('insight-item').first().waitFor();
  // grouped (kind → workspace → credential) by default; one list by risk without the grouping
  await p.getByTestId('insights-group').uncheck();
  const risks = await p.getByTestId('insight-item').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-risk'))));
  assert.deepEqual(risks, [...risks].sort((x, y) => y - x), 'sorted by risk');
  await p.getByTestId('insights-kind-unused_scopes').click();
  const shown = await p.getByTestId('insight-item').evaluateAll((els) => els.map((e) => `unused_scopes:${e.getAttribute('data-workspace')}:${e.getAttribute('data-credential')}`));
  assert.deepEqual([...shown].sort(), expected.map((i: any) => i.id).sort(), 'every unused-scopes finding is listed');
  for (const id of seeded.filter((x: string) => expected.some((i: any) => i.id === x))) assert.ok(shown.includes(id), `seeded ${id} is on screen`);
  await shot(p, 'review-insights');

  // one click from a seeded finding to its fix: the credential's detail opens on the Credentials screen
  const seededItem: any = expected.find((i: any) => seeded.includes(i.id))!;
  const row = p.locator(`[data-testid="insight-item"][data-workspace="${seededItem.workspaceId}"][data-credential="${seededItem.credentialId}"]`);
  assert.match(await row.getByTestId('insight-draft').innerText(), new RegExp(seededItem.suggestion.remove[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  await row.getByTestId('insight-fix').click();
  await p.locator('[data-testid="app-frame"][data-route="credentials"]').waitFor();
  const drawer = p.getByTestId('credential-drawer');
  await drawer.waitFor();
  // the drawer says "Loading…" until the credential arrives: wait for its name, then assert it
  const nameRe = new RegExp(seededItem.credentialName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const title = await eventually(() => drawer.getByTestId('drawer-title').innerText(), (t) => nameRe.test(t), 'the drawer titled with the credential name', 30_000);
  assert.match(title, nameRe);
  await p.getByTestId('credential-row').first().waitFor();
  await shot(p, 'review-insights-fix-credential');

  // Grantdesk's own grant: when it holds unused scopes, "re-consent with the narrower scopes" replaces the grant
  const own: any = report.items.find((i: any) => i.kind === 'unused_scopes' && i.fix.command === 'workspaces.connect');
  if (own) {
    await go(op, '#/insights');
    const ownRow = p.locator(`[data-testid="insight-item"][data-kind="unused_scopes"][data-workspace="${own.workspaceId}"][data-credential="${own.credentialId}"]`);
    await ownRow.getByTestId('insight-narrow').click();
    const d = p.getByTestId('narrow-grant-dialog');
    await d.waitFor();
    await shot(p, 'review-insights-narrow');
    await d.getByTestId('narrow-grant-go').click();
    await d.waitFor({ state: 'detached' });
    const ws: any = (await op.c.call('workspaces.list', {})).find((w: any) => w.id === own.workspaceId);
    assert.deepEqual(ws.scopes.filter((s: string) => s !== 'offline_access').sort(), [...own.suggestion.keep].sort(), 'the grant now holds only the used scopes');
  }
  assert.deepEqual(op.problems.all(), []);
});
