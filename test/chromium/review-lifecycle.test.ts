// Real Chromium over the built renderer in serve mode (issue 14 items 2 and 6): the operator's Reviews screen lists the
// platform's reviews by workspace and reviewer, extends one (the dialog refuses more days than the 30-day cap leaves and
// shows the new end), withdraws an unredeemed code and revokes a redeemed review, each with its confirmation; the
// platform's true state agrees after each step. Then an OAuth revocation: the dialog states the tail ("up to 60
// minutes"), the result the platform's own end, the credential's drawer "fully effective since HH:MM" once the clock
// has passed it and the audit log is synced past it. Run `npx vite build --config vite.web.config.ts` first.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { decodeBundle } from '../../src-main/services/review/bundle.ts';
import { sandboxToken } from '../support/sandbox-session.ts';
import { SCREENSHOT_DIR } from '../support/serve-fixture.ts';
import { openRoute, startDemoApp, type DemoApp } from './demo-app.ts';
import { eventually } from './helpers.ts';

const DAY = 86_400_000;
let demo: DemoApp;

async function shot(page: Page, name: string) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: false });
}
/** the platform's record of a review, read with an admin-minted token (never through the app) */
async function platformReview(ws: string, id: string): Promise<Record<string, unknown>> {
  const t = (await demo.p.admin('POST', '/tokens', { workspace: ws, scopes: ['credentials:read'] })).body.token as string;
  return (await (await fetch(`${demo.p.sb.issuer}/v1/reviews/${id}`, { headers: { authorization: `Bearer ${t}` } })).json()) as Record<string, unknown>;
}

before(async () => {
  demo = await startDemoApp({ workspaces: 3, events: 600, seed: 3, viewport: { width: 1280, height: 900 }, sync: { inventory: true, audit: true } });
  // MFA step-up has its own suites: every workspace on a plan that protects nothing
  for (const w of demo.p.sb.workspaces) await demo.p.admin('POST', '/mfa', { workspace: w.id, plan: 'free' });
});
after(async () => demo?.close());

test('Reviews: extend within the cap, withdraw an unredeemed code, revoke a redeemed review — names on screen, the platform agrees', { timeout: 180_000 }, async () => {
  const [wsA, wsB] = demo.p.sb.workspaces as [{ id: string; name: string }, { id: string; name: string }];
  const pending = (await demo.app.call('review.create', { workspaces: [wsA.id], scopes: ['audit:read'], durationDays: 10, reviewerName: 'Ada Auditor', reviewerEmail: 'ada@audit.example' })).reviews[0]!;
  const redeemed = await demo.app.call('review.create', { workspaces: [wsB.id], scopes: ['audit:read'], durationDays: 7, reviewerName: 'Bo Checker', reviewerEmail: 'bo@audit.example' });
  const code = decodeBundle(redeemed.redeemText).items[0]!.code;
  const ex = await fetch(`${demo.p.sb.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: 'grantdesk-desktop', grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: code, subject_token_type: 'urn:grantdesk:params:oauth:token-type:review-code' }),
  });
  const auditor = (await ex.json()) as { access_token: string };
  assert.ok(auditor.access_token);
  const page = demo.page;
  await openRoute(demo, '#/reviews');
  const rowOf = (id: string) => page.locator(`[data-testid="review-issued-row"][data-review="${id}"]`);
  await rowOf(pending.reviewId).waitFor();
  assert.equal(await page.getByTestId('review-issued-row').count(), 2, 'every review the platform records, nothing else');
  const rowA = rowOf(pending.reviewId);
  assert.match(await rowA.innerText(), new RegExp(`${wsA.name}[\\s\\S]*Ada Auditor[\\s\\S]*audit:read[\\s\\S]*Not redeemed yet`));
  assert.match(await rowOf(redeemed.reviews[0]!.reviewId).getAttribute('data-status') ?? '', /^redeemed$/);
  await shot(page, 'review-lifecycle-list');

  // extend: more days than the cap leaves are refused in the dialog; 5 days move the end at the platform
  const before = await platformReview(wsA.id, pending.reviewId);
  await rowA.getByTestId('review-extend').click();
  const dlg = page.getByTestId('review-extend-dialog');
  await dlg.waitFor();
  assert.match(await dlg.innerText(), new RegExp(`Extend the review of ${wsA.name}[\\s\\S]*Ada Auditor keeps read access[\\s\\S]*at most 20 more days`));
  await dlg.getByTestId('review-extend-days').fill('25');
  assert.equal(await dlg.getByTestId('review-extend-confirm').isDisabled(), true);
  assert.equal(await dlg.getByTestId('review-extend-new-end').innerText(), 'Choose 1 to 20 days: a review lasts at most 30 days from its issue.');
  await dlg.getByTestId('review-extend-days').fill('5');
  assert.match(await dlg.getByTestId('review-extend-new-end').innerText(), /^New end: /);
  await shot(page, 'review-lifecycle-extend');
  await dlg.getByTestId('review-extend-confirm').click();
  await dlg.waitFor({ state: 'detached' });
  const afterExt = await platformReview(wsA.id, pending.reviewId);
  assert.equal(Date.parse(String(afterExt.expires_at)) - Date.parse(String(before.expires_at)), 5 * DAY);
  await eventually(() => rowA.getByTestId('review-issued-ends').innerText(), (t) => /in 15 days/.test(t), 'the row shows the new end');

  // withdraw the unredeemed code: typed confirmation with the workspace name
  await rowA.getByTestId('review-withdraw').click();
  const w = page.getByTestId('review-withdraw-dialog');
  await w.waitFor();
  assert.match(await w.innerText(), /Ada Auditor has not redeemed this review yet/);
  await w.getByTestId('review-withdraw-dialog-input').fill(wsA.name);
  await w.getByTestId('review-withdraw-dialog-confirm').click();
  await eventually(() => rowA.getAttribute('data-status'), (s) => s === 'withdrawn', 'withdrawn');
  assert.equal(await rowA.getByTestId('review-issued-status').innerText(), 'Code withdrawn');
  assert.equal((await platformReview(wsA.id, pending.reviewId)).status, 'withdrawn');
  assert.equal(await rowA.getByTestId('review-extend').isDisabled(), true);

  // revoke the redeemed review: every token dead at the platform
  const rowB = rowOf(redeemed.reviews[0]!.reviewId);
  await rowB.getByTestId('review-revoke').click();
  const rv = page.getByTestId('review-revoke-dialog');
  await rv.getByTestId('review-revoke-dialog-input').fill(wsB.name);
  await rv.getByTestId('review-revoke-dialog-confirm').click();
  await eventually(() => rowB.getAttribute('data-status'), (s) => s === 'revoked', 'revoked');
  const gone = await fetch(`${demo.p.sb.issuer}/v1/audit-events/head`, { headers: { authorization: `Bearer ${auditor.access_token}` } });
  assert.equal(gone.status, 401, "the auditor's token is dead at the platform");
  await shot(page, 'review-lifecycle-after');
  assert.deepEqual(demo.problems.all(), []);
});

test('an OAuth revocation: the tail in the dialog and the result, then "fully effective since" in the drawer', { timeout: 180_000 }, async () => {
  const ws = demo.p.sb.workspaces[2]!;
  const victim = await sandboxToken(demo.p.sb.issuer, ws.id, 'offline_access credentials:read audit:read');
  const intro = (await (
    await fetch(`${demo.p.sb.issuer}/token/introspection`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: 'grantdesk-desktop', token: victim.accessToken }) })
  ).json()) as { credential_id: string; exp: number };
  const synced = await demo.app.call('inventory.sync', {});
  assert.ok(synced.workspaces.every((w) => w.ok), JSON.stringify(synced.workspaces.map((w) => w.error)));
  assert.equal((await demo.app.call('inventory.credentials', { search: intro.credential_id })).credentials.length, 1, 'the cache holds the grant');
  const page = demo.page;
  await openRoute(demo, '#/credentials');
  await page.getByTestId('credentials-search').fill(intro.credential_id);
  await page.locator(`[data-testid="credential-row"][data-credential-id="${intro.credential_id}"]`).click();
  await page.getByTestId('drawer-revoke').click();
  const dialog = page.getByTestId('revoke-dialog');
  const tail = await dialog.getByTestId('revoke-token-tail').innerText();
  assert.match(tail, /^Outstanding access tokens work until about \d{2}:\d{2} \(up to 60 minutes, the platform's documented access-token lifetime/);
  await shot(page, 'revocation-tail-preview');
  await dialog.getByTestId('revoke-dialog-input').fill(ws.name);
  await dialog.getByTestId('revoke-dialog-confirm').click();
  const effect = page.getByTestId('revoke-result-effect');
  await effect.waitFor();
  const end = new Date(intro.exp * 1000);
  const hm = `${String(end.getHours()).padStart(2, '0')}:${String(end.getMinutes()).padStart(2, '0')}`;
  assert.equal(await effect.innerText(), `Outstanding access tokens work until ${hm}`, "the platform's own end");
  assert.match(await page.getByTestId('revoke-results-tail').innerText(), new RegExp(`until ${hm} \\(the platform's answer\\); refresh tokens stopped at once`));
  await shot(page, 'revocation-tail-result');
  const drawer = page.getByTestId('drawer-revocation');
  await eventually(() => drawer.getAttribute('data-state'), (s) => s === 'tail', 'the drawer shows the tail');
  assert.match(await drawer.innerText(), new RegExp(`Outstanding access tokens work until ${hm} \\(the platform's answer\\); it is fully effective then\\.`));
  assert.equal((await fetch(`${demo.p.sb.issuer}/v1/workspace`, { headers: { authorization: `Bearer ${victim.accessToken}` } })).status, 200, 'the tail is real');

  // past the end (the admin clock moves this process: the app's clock too), then the audit log synced past it
  await demo.p.admin('POST', '/clock', { advance_seconds: intro.exp - Math.floor(Date.now() / 1000) + 5 });
  assert.equal((await fetch(`${demo.p.sb.issuer}/v1/workspace`, { headers: { authorization: `Bearer ${victim.accessToken}` } })).status, 401);
  for (let i = 0; i < 2; i++) await demo.app.call('audit.sync', { workspaces: [ws.id] });
  const rec = (await demo.app.call('inventory.revocations', { workspace: ws.id })).revocations[0]!;
  assert.equal(rec.effect?.state, 'fully_effective', JSON.stringify({ rec, now: new Date().toISOString() }));
  await page.reload(); // a fresh window: the drawer reads the credential again
  await page.locator('[data-testid="app-frame"][data-ready="true"]').waitFor();
  await page.getByLabel('Include revoked').check();
  await page.getByTestId('credentials-search').fill(intro.credential_id);
  await page.locator(`[data-testid="credential-row"][data-credential-id="${intro.credential_id}"]`).click();
  await eventually(() => drawer.getAttribute('data-state'), (s) => s === 'fully_effective', 'fully effective');
  assert.match(await drawer.innerText(), new RegExp(`^Fully effective since ${hm}\\. No calls by this credential after it in the audit log \\(checked up to \\d{2}:\\d{2}\\)\\.$`));
  await shot(page, 'revocation-fully-effective');
  assert.deepEqual(demo.problems.all(), []);
});
