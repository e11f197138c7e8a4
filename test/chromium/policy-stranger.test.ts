// Policy work as a stranger sees it, in real Chromium over serve mode against the sandbox: one group chosen on Workspaces
// gives the same violation count on Workspaces, Policy, Insights and the Calendar (counted by the group's workspaces, the
// way the check's own output counts them); a Workspaces row's count links to exactly that workspace's violations; the
// Policy column stays readable at 1024 px; the matrix says which group it shows, keeps its title on one line, and "Mark
// <group> reviewed" records exactly the group's workspaces and says so; the Calendar's policy deadlines stand in its dated
// list, in their month, counted exactly.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CLI_CONTEXT } from '../../src-main/rpc/handlers.ts';
import { startDemoApp, openRoute, type DemoApp } from './demo-app.ts';
import { eventually } from './helpers.ts';

interface TrueCred { created_at: string; effective_status: string }
interface TrueWs { id: string; credentials: TrueCred[] }

const DAY = 86_400_000;
let demo: DemoApp | undefined;
const dir = mkdtempSync(join(tmpdir(), 'gd-policy-stranger-'));
after(async () => {
  await demo?.close();
  rmSync(dir, { recursive: true, force: true });
});
const shot = (page: Page, name: string) => page.screenshot({ path: join(process.env.GRANTDESK_SHOTS ?? dir, `${name}.png`) });

test('policy as a stranger: one count per group on every screen, links that land on the violations, readable at 1024 px, mark the group reviewed, policy deadlines in the dated list', { timeout: 300_000 }, async () => {
  const policyFile = join(dir, 'grantdesk.policy.yaml');
  let ids: string[] = [];
  demo = await startDemoApp({
    workspaces: 8,
    events: 300,
    seed: 4,
    sync: { all: 1 },
    viewport: { width: 1024, height: 700 },
    prepare: async (app) => {
      ids = (await app.call('workspaces.list', {})).map((w) => w.id).sort();
      await app.as(CLI_CONTEXT).call('policy.tag', { workspace: ids[3]!, tag: 'retail' });
    },
  });
  const { page, app, p } = demo;
  const cli = app.as(CLI_CONTEXT);
  // a dated rule some key reaches within the calendar's 90 days (none breaks it today)
  const ws = (await p.state()) as unknown as TrueWs[];
  const oldest = Math.max(...ws.filter((w) => ids.slice(0, 3).includes(w.id)).flatMap((w) => w.credentials.filter((c) => c.effective_status === 'active').map((c) => Math.floor((Date.now() - Date.parse(c.created_at)) / DAY))));
  writeFileSync(
    policyFile,
    `version: 1
rules:
  forbidden_scopes: [users:delete]
groups:
  Core clients:
    match:
      ids: [${ids[0]}, ${ids[1]}, ${ids[2]}]
    rules:
      require_expiry: true
      max_secret_age_days: ${Math.min(3650, oldest + 20)}
  Retail:
    match:
      tags: [retail]
    rules:
      ip_allowlist_required_for: [delete]
`,
  );
  await cli.call('policy.use', { file: policyFile });
  const check = await cli.call('policy.check', { format: 'json' });
  const core = new Set(check.groups.find((g) => g.name === 'Core clients')!.members.map((m) => m.id));
  assert.equal(core.size, 3);
  const inCore = check.violations.filter((v) => core.has(v.workspaceId));
  // the defect this guards: the Policy screen counted only the group's own rules, the others every rule in its workspaces
  assert.ok(inCore.some((v) => v.group !== 'Core clients'), 'the group\u2019s workspaces also break a rule for every workspace');
  const perWs = new Map<string, number>();
  for (const v of check.violations) perWs.set(v.workspaceId, (perWs.get(v.workspaceId) ?? 0) + 1);

  // Workspaces: the group chosen there; its rows' counts add up to the group's violations
  await openRoute(demo, '#/workspaces');
  await page.getByTestId('ws-group-filter').selectOption('g:Core clients');
  await eventually(() => page.getByTestId('ws-row').count(), (n) => n === 3, 'the group\u2019s rows');
  let sum = 0;
  for (const row of await page.getByTestId('ws-row').all()) {
    const id = (await row.getAttribute('data-workspace'))!;
    const cell = row.getByTestId('ws-policy');
    const n = perWs.get(id) ?? 0;
    assert.equal((await cell.innerText()).trim(), n ? `${n} violation${n === 1 ? '' : 's'}` : 'None');
    sum += n;
    // readable at 1024 px: not under the pinned actions, not clipped
    const box = (await cell.boundingBox())!;
    const actions = (await row.locator('td.row-actions').boundingBox())!;
    const wrap = (await page.getByTestId('ws-table-wrap').boundingBox())!;
    assert.ok(box.x + box.width <= actions.x + 0.5 && box.x + box.width <= wrap.x + wrap.width, `the Policy cell of ${id} is on screen at 1024 px (cell ends ${box.x + box.width}, actions start ${actions.x})`);
    if (n) assert.equal(await cell.locator('a').getAttribute('href'), `#/policy?workspace=${id}`, 'the count links to that workspace\u2019s violations');
  }
  assert.equal(sum, inCore.length);
  await shot(page, 'stranger-workspaces-1024');

  // Policy: the same group, the same count (the chip too)
  await openRoute(demo, '#/policy');
  await eventually(async () => Number(await page.getByTestId('policy-violations').getAttribute('data-count')), (n) => n === inCore.length, 'the Policy screen shows the chosen group');
  const chip = page.locator('[data-testid="policy-group"][data-key="g:Core clients"]');
  assert.equal(await chip.getAttribute('aria-pressed'), 'true');
  assert.equal(Number(await chip.getAttribute('data-count')), inCore.length, 'the chip counts the group\u2019s workspaces\u2019 violations');
  const bg = (l: ReturnType<Page['locator']>) => l.evaluate((e) => e.ownerDocument.defaultView!.getComputedStyle(e).backgroundColor);
  assert.notEqual(await bg(chip), await bg(page.getByTestId('policy-group-all')), 'the chosen group\u2019s chip looks chosen');
  assert.match(await page.getByTestId('policy-summary').innerText(), new RegExp(`^${inCore.length} violations? in \\d+ workspaces? \\(group Core clients\\)`));
  await shot(page, 'stranger-policy-group');
  // Insights and the Calendar agree
  await openRoute(demo, '#/insights');
  await eventually(async () => Number(await page.getByTestId('insights-policy').getAttribute('data-count')), (n) => n === inCore.length, 'Insights counts the same');
  await openRoute(demo, '#/calendar');
  await eventually(async () => Number(await page.getByTestId('calendar-policy').getAttribute('data-open')), (n) => n === inCore.length, 'the Calendar counts the same');

  // a workspace's count lands on that workspace's violations
  await openRoute(demo, '#/workspaces');
  const firstWs = [...core].find((id) => (perWs.get(id) ?? 0) > 0)!;
  await page.locator(`[data-testid="ws-row"][data-workspace="${firstWs}"] [data-testid="ws-policy"] a`).click();
  await eventually(async () => Number(await page.getByTestId('policy-violations').getAttribute('data-count').catch(() => '-1')), (n) => n === perWs.get(firstWs), 'the workspace\u2019s violations');
  assert.deepEqual([...new Set(await page.getByTestId('policy-violation').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-workspace'))))], [firstWs]);
  await page.getByTestId('policy-workspace-chip').click();
  await eventually(async () => Number(await page.getByTestId('policy-violations').getAttribute('data-count')), (n) => n === inCore.length, 'back to the group');

  // the matrix: says which group it shows, the title on one line at 1024 and 1280 px
  await openRoute(demo, '#/scope-matrix');
  await eventually(() => page.getByTestId('matrix-status').innerText(), (t) => / in 3 workspaces/.test(t), 'the matrix shows the group');
  const note = await page.getByTestId('matrix-nofilter').innerText();
  assert.ok(!/No filter/.test(note) && /^Group Core clients only/.test(note), `the matrix says it shows the group: ${note}`);
  for (const width of [1024, 1280]) {
    await page.setViewportSize({ width, height: width === 1024 ? 700 : 800 });
    const lines = await page.evaluate<number>("(() => { const el = document.getElementById('screen-title'); return el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight); })()");
    assert.ok(lines < 1.5, `the title stays on one line at ${width} px (${lines} lines)`);
    const noteBox = await page.getByTestId('matrix-nofilter').evaluate((el) => [el.scrollWidth, el.clientWidth, el.parentElement!.scrollWidth, el.parentElement!.clientWidth]);
    assert.ok(noteBox[2]! <= noteBox[3]! + 1, `the note is not cut at ${width} px (${noteBox.join(',')})`);
    await shot(page, `stranger-matrix-${width}`);
  }
  await page.setViewportSize({ width: 1024, height: 700 });

  // Mark the group reviewed: exactly its workspaces, and the screen says so
  const before = new Map((await app.call('inventory.matrix', { depth: 'counts' })).workspaces.map((w) => [w.id, w.reviewedAt]));
  const mark = page.getByTestId('matrix-mark-reviewed');
  assert.equal(await mark.innerText(), 'Mark Core clients reviewed (3)');
  await mark.click();
  await eventually(() => page.getByTestId('matrix-reviewed-note').innerText().catch(() => ''), (t) => /^Marked 3 workspaces reviewed at /.test(t), 'the screen says what was marked');
  const afterMark = (await app.call('inventory.matrix', { depth: 'counts' })).workspaces;
  for (const w of afterMark) {
    if (core.has(w.id)) assert.ok(w.reviewedAt && w.reviewedAt !== before.get(w.id), `${w.id} of the group is marked reviewed`);
    else assert.equal(w.reviewedAt, before.get(w.id), `${w.id} outside the group is untouched`);
  }

  // the Calendar: the group's policy deadlines stand in the dated list, in their month, counted exactly
  await openRoute(demo, '#/calendar');
  const deadlines = check.upcoming.filter((d) => core.has(d.workspaceId) && Date.parse(d.at) - Date.parse(check.checkedAt) <= 90 * DAY);
  assert.ok(deadlines.length >= 1, 'a key reaches the maximum age within 90 days');
  await eventually(async () => Number(await page.getByTestId('calendar-policy').getAttribute('data-count')), (n) => n === deadlines.length, 'the policy deadlines counted');
  // only the policy deadlines: every other kind off
  for (const k of await page.locator('[data-testid^="calendar-kind-"]').all()) if (await k.isChecked()) await k.uncheck();
  await eventually(async () => Number(await page.getByTestId('calendar-upcoming').getAttribute('data-count').catch(() => '-1')), (n) => n === deadlines.length, 'the dated list holds the policy deadlines');
  const list = page.getByTestId('calendar-upcoming');
  assert.deepEqual((await list.getByTestId('calendar-policy-item').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-credential')))).sort(), deadlines.map((d) => d.credentialId).sort());
  const months = await list.getByTestId('calendar-month').evaluateAll((ms) => ms.map((m) => Number(/\((\d+)\)/.exec(m.textContent ?? '')?.[1])));
  assert.equal(months.reduce((a, b) => a + b, 0), deadlines.length, 'the month headers count them');
  assert.match(await page.getByTestId('calendar-summary').innerText(), new RegExp(`^${deadlines.length} upcoming in the next 90 days in Core clients`));
  assert.match(await list.getByTestId('calendar-policy-item').first().innerText(), /breaks Maximum secret age/);
  // the rows do not overlap (a wrapped deadline is taller than the estimate)
  const boxes = await list.locator('.cal-vrow').evaluateAll((es) => es.map((e) => { const r = e.getBoundingClientRect(); const c = e.firstElementChild!.getBoundingClientRect(); return [r.top, r.bottom, c.bottom]; }).sort((x, y) => x[0]! - y[0]!));
  assert.ok(boxes.every((b) => b[2]! <= b[1]! + 0.5) && boxes.slice(1).every((b, i) => b[0]! >= boxes[i]![1]! - 0.5), `the dated list\u2019s rows overlap: ${JSON.stringify(boxes)}`);
  await shot(page, 'stranger-calendar-now');
  // at 1024 px the rule and the workspace are not cut off
  for (const clip of await list.locator('[data-testid="calendar-policy-item"] .cal-what, [data-testid="calendar-policy-item"] .cal-when').evaluateAll((es) => es.map((e) => [e.scrollWidth, e.clientWidth]))) assert.ok(clip[0]! <= clip[1]! + 1, `a policy deadline is cut off at 1024 px (${clip.join(' > ')})`);
  assert.equal(await page.locator('.section-title', { hasText: 'Policy deadlines' }).count(), 0, 'no separate section');
  await shot(page, 'stranger-calendar');
  // the open count for one workspace links to that workspace's violations (the same count there)
  await page.getByTestId('calendar-filter-workspace').selectOption(firstWs);
  await eventually(async () => Number(await page.getByTestId('calendar-policy').getAttribute('data-open')), (n) => n === perWs.get(firstWs), 'the workspace\u2019s open violations');
  await page.getByTestId('calendar-policy-open-link').click();
  await eventually(async () => Number(await page.getByTestId('policy-violations').getAttribute('data-count').catch(() => '-1')), (n) => n === perWs.get(firstWs), 'the Calendar\u2019s link lands on the same violations');
  assert.deepEqual(demo.problems.all(), [], 'no console errors, page errors or CSP violations');
});
