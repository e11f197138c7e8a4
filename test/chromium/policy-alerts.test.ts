// The policy and alerts screens in real Chromium over serve mode: the Policy screen shows exactly the violations
// `grantdesk check` reports for the file this machine follows, per group, with fix links to the right screen, and it
// updates when the file changes on disk; the Alerts screen lists exactly the open alerts, snoozes one, and a browser tab
// that allowed notifications shows each alert once (not again after a reload).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_CONTEXT } from '../../src-main/rpc/handlers.ts';
import { startDemoApp, openRoute, type DemoApp } from './demo-app.ts';
import { eventually } from './helpers.ts';

let demo: DemoApp | undefined;
const dir = mkdtempSync(join(tmpdir(), 'gd-policy-ui-'));
after(async () => {
  await demo?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('Policy and Alerts screens: exact counts, group filter, fix links, live file, notifications once', { timeout: 240_000 }, async () => {
  const policyFile = join(dir, 'grantdesk.policy.yaml');
  demo = await startDemoApp({
    workspaces: 6,
    events: 600,
    seed: 4,
    sync: { all: 1 },
    viewport: { width: 1280, height: 900 },
    prepare: async (app) => {
      writeFileSync(
        policyFile,
        'version: 1\nrules:\n  forbidden_scopes: [users:delete]\ngroups:\n  Keys expire:\n    match:\n      names: ["*"]\n    rules:\n      require_expiry: true\n',
      );
      await app.as(CLI_CONTEXT).call('policy.use', { file: policyFile });
    },
  });
  const cli = demo.app.as(CLI_CONTEXT);
  const check = await cli.call('policy.check', { format: 'json' });
  assert.ok(check.violations.length > 3, 'the seed breaks the policy');
  // a group's count on every screen: the violations in its workspaces, whichever rule (the shared group filter)
  const perGroup = (g: string) => {
    const members = new Set(check.groups.find((x) => x.name === g)!.members.map((m) => m.id));
    return check.violations.filter((v) => members.has(v.workspaceId)).length;
  };

  // notifications: allowed for the serve origin, and every Notification the page creates is recorded
  await demo.context.grantPermissions(['notifications'], { origin: new URL(demo.serve.url).origin });
  // a plain script (a serialised function would carry the test transpiler's helpers)
  await demo.context.addInitScript(`(() => {
    const Real = window.Notification;
    const shown = [];
    window.__shown = shown;
    function Recorder(title, o) { shown.push(title); return new Real(title, o); }
    Object.defineProperty(Recorder, 'permission', { get: () => Real.permission });
    Recorder.requestPermission = () => Real.requestPermission();
    window.Notification = Recorder;
  })();`);

  const page = demo.page;
  await openRoute(demo, '#/policy').catch(async (e) => {
    throw new Error(`${String(e)}\n${demo!.problems.all().join('\n')}\n${(await page.content()).slice(0, 3000)}`);
  });
  const summary = page.getByTestId('policy-summary');
  const workspaces = new Set(check.violations.map((v) => v.workspaceId)).size;
  await eventually(() => summary.innerText(), (t) => t.startsWith(`${check.violations.length.toLocaleString('en-US')} violations in ${workspaces} workspaces`), 'policy summary');
  assert.equal(Number(await page.getByTestId('policy-violations').getAttribute('data-count')), check.violations.length);
  // the group filter: the count of each group equals the check's
  await page.getByTestId('policy-group').filter({ hasText: 'Keys expire' }).click();
  await eventually(async () => Number(await page.getByTestId('policy-violations').getAttribute('data-count')), (n) => n === perGroup('Keys expire'), 'group filter count');
  // a violation names the workspace and the credential, never only ids, and its fix opens Credentials on that credential
  const v = check.violations.find((x) => x.id && x.group === 'Keys expire')!;
  // the group's workspaces break other groups' rules too (they are listed): the first of this group's own rule
  const first = page.locator(`[data-testid="policy-violation"][data-rule="${v.rule}"]`).first();
  assert.match(await first.innerText(), /API key “/);
  const href = await first.getByTestId('policy-fix').getAttribute('href');
  assert.match(href ?? '', /^#\/credentials\?workspace=ws_[A-Za-z0-9_-]+&credential=key_/);
  assert.ok(v.fix.kind === 'edit_guardrails');
  await page.screenshot({ path: join(process.env.GRANTDESK_SHOTS ?? dir, 'policy.png') });

  // Workspaces: each row's policy count equals the check's, and a group filter (then Select all) is a bulk action per group
  await openRoute(demo, '#/workspaces');
  const byWs = new Map<string, number>();
  for (const x of check.violations) byWs.set(x.workspaceId, (byWs.get(x.workspaceId) ?? 0) + 1);
  await page.getByTestId('ws-policy').first().waitFor();
  for (const row of await page.getByTestId('ws-row').all()) {
    const id = (await row.getAttribute('data-workspace'))!;
    const n = byWs.get(id) ?? 0;
    assert.equal((await row.getByTestId('ws-policy').innerText()).trim(), n ? `${n} violation${n === 1 ? '' : 's'}` : 'None', `policy count of ${id}`);
  }
  const group = check.groups.find((g) => g.name === 'Keys expire')!;
  await page.getByTestId('ws-group-filter').selectOption(`g:${group.name}`);
  await eventually(() => page.getByTestId('ws-row').count(), (n) => n === group.workspaces, 'the group filter shows its members');
  await page.getByTestId('ws-select-all').check();
  assert.equal(await page.getByTestId('ws-selected-count').innerText(), `${group.workspaces} selected`);

  // the file changes on disk: the screen follows without a reload
  await openRoute(demo, '#/policy');
  writeFileSync(policyFile, 'version: 1\nrules:\n  forbidden_scopes: [users:delete]\n');
  const after1 = await cli.call('policy.check', { format: 'json' });
  await page.getByRole('button', { name: /^All groups/ }).click();
  await eventually(async () => Number(await page.getByTestId('policy-violations').getAttribute('data-count').catch(() => '0')), (n) => n === after1.violations.length, 'the edited file is re-read', 15_000);
  // and a broken file says where it is broken
  writeFileSync(policyFile, 'version: 1\nrules:\n  require_expiry: sometimes\n');
  await eventually(() => page.getByTestId('policy-problem').innerText().catch(() => ''), (t) => /line 3, column 19/.test(t), 'the problem names its line', 15_000);

  // Alerts: exactly the open alerts, and the tab has shown each once as a notification
  const list = await demo.app.call('alerts.list', {});
  assert.ok(list.alerts.length >= 1, 'the seed has alerts');
  await openRoute(demo, '#/alerts');
  await eventually(() => page.getByTestId('alerts-summary').innerText(), (t) => t.startsWith(`${list.alerts.length} open`), 'alerts summary');
  assert.equal(await page.getByTestId('alert-row').count(), list.alerts.length);
  // notifications began on the first screen (the frame listens everywhere): every current alert has been shown, and
  // the earlier policy's violations were shown when they were open
  const shown = await eventually(() => page.evaluate(() => (globalThis as unknown as { __shown: string[] }).__shown.slice()), (s) => list.alerts.every((a) => s.includes(a.title)), 'every open alert shown as a notification');
  const counts = new Map<string, number>();
  for (const t of shown) counts.set(t, (counts.get(t) ?? 0) + 1);
  const causes = new Map<string, number>();
  for (const a of list.alerts) causes.set(a.title, (causes.get(a.title) ?? 0) + 1);
  for (const [t, n] of causes) assert.ok((counts.get(t) ?? 0) >= n, `${t} shown for each of its ${n} causes`);
  await page.screenshot({ path: join(process.env.GRANTDESK_SHOTS ?? dir, 'alerts.png') });
  // snooze one: it moves to the snoozed list
  await page.getByTestId('alert-snooze').first().click();
  await eventually(() => page.getByTestId('alerts-summary').innerText(), (t) => t.startsWith(`${list.alerts.length - 1} open`) && / 1 snoozed/.test(t), 'snoozed');
  // a reload (or a second tab) shows nothing again: main remembers what this browser was shown
  await page.reload();
  await page.locator('[data-testid="app-frame"][data-ready="true"]').waitFor();
  await page.getByTestId('alerts-summary').waitFor();
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(await page.evaluate(() => (globalThis as unknown as { __shown: string[] }).__shown.length), 0, 'nothing shown twice');
  assert.deepEqual(demo.problems.all(), [], 'no console errors, page errors or CSP violations');
});
