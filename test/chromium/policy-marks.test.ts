// Policy violations everywhere they matter, in real Chromium over serve mode against the sandbox. A policy file with two
// groups (one by ids, one by a local tag) yields exactly the violations the sandbox's true state implies (computed here
// from GET /__admin/state, not from Grantdesk's cache), and the Policy screen shows that many. The matrix marks the
// failing cells and credential rows with the rule in words, Credentials marks the rows and the drawer lists them, Insights
// counts them per rule; one group filter is shared by every screen. Fixing a violation through its link (Policy → the
// credential's drawer → Edit guardrails → an expiry) removes it on the next check. Then a second file on disk (the app
// follows it): the Calendar lists the dated rule's deadlines, and the matrix judges a group against its baseline bundle.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_CONTEXT } from '../../src-main/rpc/handlers.ts';
import { startDemoApp, openRoute, type DemoApp } from './demo-app.ts';
import { eventually } from './helpers.ts';

interface TrueCred { id: string; type: string; name: string; scopes: string[]; ip_allowlist: string[]; effective_status: string; expires_at: string | null; created_at: string }
interface TrueWs { id: string; name: string; credentials: TrueCred[] }

const LIVE = new Set(['active', 'rotating']);
const DAY = 86_400_000;
let demo: DemoApp | undefined;
const dir = mkdtempSync(join(tmpdir(), 'gd-policy-marks-'));
after(async () => {
  await demo?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('policy marks: exact seeded violations in the UI, marks with the rule, one group filter, fix through the link, calendar, group baseline', { timeout: 300_000 }, async () => {
  const policyFile = join(dir, 'grantdesk.policy.yaml');
  let ids: string[] = [];
  demo = await startDemoApp({
    workspaces: 5,
    events: 300,
    seed: 4,
    sync: { all: 1 },
    viewport: { width: 1400, height: 1400 },
    prepare: async (app) => {
      ids = (await app.call('workspaces.list', {})).map((w) => w.id).sort();
      await app.as(CLI_CONTEXT).call('policy.tag', { workspace: ids[3]!, tag: 'retail' });
      writeFileSync(
        policyFile,
        `version: 1
groups:
  Core clients:
    match:
      ids: [${ids[0]}, ${ids[1]}, ${ids[2]}]
    rules:
      forbidden_scopes: [contacts:delete, users:delete]
      require_expiry: true
  Retail:
    match:
      tags: [retail]
    rules:
      ip_allowlist_required_for: [delete]
`,
      );
      await app.as(CLI_CONTEXT).call('policy.use', { file: policyFile });
    },
  });
  const { page, app, p } = demo;
  const cli = app.as(CLI_CONTEXT);
  const core = new Set(ids.slice(0, 3));
  const retail = new Set([ids[3]!]);

  // the oracle: the platform's own state, read from its admin API
  const expected = async () => {
    const ws = (await p.state()) as unknown as TrueWs[];
    const out: string[] = [];
    for (const w of ws) {
      for (const c of w.credentials.filter((x) => LIVE.has(x.effective_status))) {
        if (core.has(w.id)) {
          if (c.scopes.some((s) => s === 'contacts:delete' || s === 'users:delete')) out.push(`forbidden_scopes ${w.id} ${c.id}`);
          if (c.type === 'api_key' && !c.expires_at) out.push(`require_expiry ${w.id} ${c.id}`);
        }
        if (retail.has(w.id) && (c.type === 'api_key' || c.type === 'machine_client') && c.ip_allowlist.length === 0 && c.scopes.some((s) => s.endsWith(':delete'))) out.push(`ip_allowlist_required_for ${w.id} ${c.id}`);
      }
    }
    return { keys: out.sort(), ws };
  };
  const keysOf = (vs: Array<{ rule: string; workspaceId: string; credentialId: string | null }>) => vs.map((v) => `${v.rule} ${v.workspaceId} ${v.credentialId ?? '-'}`).sort();

  const truth = await expected();
  const check = await cli.call('policy.check', { format: 'json' });
  assert.ok(truth.keys.length >= 4, `the seed breaks the policy (${truth.keys.length})`);
  assert.deepEqual(keysOf(check.violations), truth.keys, 'exactly the violations the true state implies');
  assert.deepEqual(check.groups.map((g) => [g.name, g.workspaces]), [['Core clients', 3], ['Retail', 1]]);

  // the Policy screen shows exactly them
  await openRoute(demo, '#/policy');
  await eventually(async () => Number(await page.getByTestId('policy-violations').getAttribute('data-count')), (n) => n === truth.keys.length, 'the Policy screen count');

  // the matrix: one workspace of Core, expanded; each violating credential row names the rule, each failing cell is marked
  const scoped = check.violations.find((v) => v.rule === 'forbidden_scopes')!;
  assert.ok(scoped, 'the seed holds a forbidden scope');
  const wsName = check.violations.find((v) => v.workspaceId === scoped.workspaceId)!.workspaceName;
  await openRoute(demo, '#/scope-matrix');
  await page.getByTestId('matrix-group-filter').selectOption('g:Core clients');
  await eventually(() => page.getByTestId('matrix-status').innerText(), (t) => / in 3 workspaces/.test(t), 'the matrix shows the group');
  assert.deepEqual(
    (await page.getByTestId('matrix-ws-row').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-workspace-id')))).sort(),
    [...core].sort(),
    'only the group\u2019s workspaces',
  );
  await page.getByTestId('filter-workspace').fill(scoped.workspaceId);
  await eventually(() => page.getByTestId('matrix-ws-row').count(), (n) => n === 1, 'one workspace');
  const inWs = check.violations.filter((v) => v.workspaceId === scoped.workspaceId);
  assert.equal((await page.getByTestId('matrix-ws-policy').innerText()).trim(), `${inWs.length} policy`, 'the workspace row counts its violations');
  await page.getByRole('button', { name: 'Expand all' }).click();
  await page.getByTestId('matrix-cred-row').first().waitFor();
  const marked = new Set(inWs.filter((v) => v.credentialId).map((v) => v.credentialId!));
  const rowMarks = await page.getByTestId('matrix-policy-mark').evaluateAll((ms) => ms.map((m) => [m.closest('[data-credential-id]')!.getAttribute('data-credential-id'), m.getAttribute('aria-label'), m.getAttribute('href')]));
  assert.deepEqual(rowMarks.map(([id]) => id).sort(), [...marked].sort(), 'exactly the violating credentials are marked');
  const row = rowMarks.find(([id]) => id === scoped.credentialId)!;
  assert.match(row[1] ?? '', /^Breaks the policy: .*No forbidden scopes.*\. Fix: /, 'the mark names the rule in words');
  assert.ok((row[2] ?? '').startsWith('#/'), 'the mark links to the fix');
  const cells = await page.locator(`[data-testid="matrix-cred-row"][data-credential-id="${scoped.credentialId}"] .mx-policy`).evaluateAll((cs) => cs.map((c) => [c.getAttribute('data-scope'), c.getAttribute('aria-label')]));
  assert.deepEqual(cells.map(([s]) => s).sort(), [...scoped.scopes].sort(), 'the failing scopes\u2019 cells are marked');
  assert.ok(cells.every(([, label]) => /breaks the policy: No forbidden scopes/.test(label ?? '')), 'each marked cell says the rule');
  const totalCells = inWs.reduce((n, v) => n + v.scopes.length, 0);
  assert.ok(totalCells >= scoped.scopes.length);
  await page.screenshot({ path: join(process.env.GRANTDESK_SHOTS ?? dir, 'policy-matrix-marks.png') });

  // the bulk action per group: select the group's violating revocable credentials for one revoke
  // the filter bar folds to chips once a filter is set: remove the workspace chip
  await page.getByTestId('active-filter-workspace').click();
  await eventually(() => page.getByTestId('matrix-ws-row').count(), (n) => n === 3, 'the group again');
  const matrix = await app.call('inventory.matrix', { depth: 'credentials' });
  const revocable = new Set(matrix.workspaces.filter((w) => core.has(w.id)).flatMap((w) => w.credentials.filter((c) => c.revocable).map((c) => `${w.id}|${c.id}`)));
  const violatingRevocable = new Set(check.violations.filter((v) => core.has(v.workspaceId) && v.credentialId && revocable.has(`${v.workspaceId}|${v.credentialId}`)).map((v) => `${v.workspaceId}|${v.credentialId}`));
  await page.getByTestId('matrix-select-violating').click();
  await eventually(() => page.getByTestId('matrix-revoke-selected').innerText(), (t) => t === `Revoke selected (${violatingRevocable.size})`, 'the group\u2019s violating credentials selected');

  // Credentials: the same group filter (one choice for every screen), rows marked, the drawer lists the violations
  await openRoute(demo, '#/credentials');
  assert.equal(await page.getByTestId('credentials-group-filter').inputValue(), 'g:Core clients', 'the group stays chosen across screens');
  await page.getByTestId('credentials-search').fill(wsName);
  await eventually(async () => {
    const ws = await page.getByTestId('credential-row').evaluateAll((rs) => [...new Set(rs.map((r) => r.getAttribute('data-workspace-id')))]);
    return ws.join(',');
  }, (t) => t === scoped.workspaceId, 'the workspace\u2019s credentials');
  const credMarks = await page.getByTestId('credential-policy-mark').evaluateAll((ms) => ms.map((m) => m.closest('[data-credential-id]')!.getAttribute('data-credential-id')));
  assert.deepEqual(credMarks.sort(), [...marked].sort(), 'Credentials marks exactly the violating rows');
  const credMark = page.locator(`[data-testid="credential-row"][data-credential-id="${scoped.credentialId}"] [data-testid="credential-policy-mark"]`);
  assert.match(await credMark.innerText(), /^Policy: .*No forbidden scopes/, 'the Policy column says the rule in words');
  await page.getByTestId('credential-policy-mark').first().click();
  await eventually(() => page.getByTestId('drawer-policy-item').count(), (n) => n >= 1, 'the mark opens the credential with its violations');
  await page.screenshot({ path: join(process.env.GRANTDESK_SHOTS ?? dir, 'policy-credentials-marks.png') });

  // Insights: the group's violations by rule
  await openRoute(demo, '#/insights');
  const coreViolations = check.violations.filter((v) => core.has(v.workspaceId));
  await eventually(async () => Number(await page.getByTestId('insights-policy').getAttribute('data-count')), (n) => n === coreViolations.length, 'Insights counts the group\u2019s violations');
  for (const r of await page.getByTestId('insights-policy-rule').all()) {
    const rule = (await r.getAttribute('data-rule'))!;
    assert.equal(Number(await r.getAttribute('data-count')), coreViolations.filter((v) => v.rule === rule).length, `Insights count of ${rule}`);
  }

  await page.screenshot({ path: join(process.env.GRANTDESK_SHOTS ?? dir, 'policy-insights.png') });

  // the audit explorer's workspace picker selects a group's workspaces at once
  await openRoute(demo, '#/audit');
  await page.getByTestId('audit-filter-workspaces').click();
  await page.getByTestId('audit-workspace-group').selectOption('g:Core clients');
  await eventually(() => page.getByTestId('audit-filter-workspaces').innerText(), (t) => t.startsWith('3 workspaces'), 'the group\u2019s workspaces picked');
  await page.keyboard.press('Escape');

  // fix one violation through its link: Policy → the key's drawer → Edit guardrails → expire in 90 days
  const fix = check.violations.find((v) => v.rule === 'require_expiry')!;
  assert.ok(fix, 'the seed holds a key without expiry');
  await openRoute(demo, '#/policy');
  const vrow = page.locator(`[data-testid="policy-violation"][data-rule="require_expiry"][data-credential="${fix.credentialId}"]`);
  await vrow.getByTestId('policy-fix').click();
  await eventually(() => page.getByTestId('drawer-title').textContent(), (t) => t === fix.credentialName, 'the fix opens the key');
  await eventually(() => page.getByTestId('drawer-policy').innerText(), (t) => /API keys expire/.test(t), 'the drawer lists the violation');
  await page.getByTestId('drawer-edit-guardrails').click();
  const dialog = page.getByTestId('guardrails-dialog');
  await dialog.getByTestId('guardrails-expiry-days').check();
  await dialog.getByTestId('guardrails-check').click();
  await eventually(() => dialog.getByTestId('guardrails-check').textContent(), (t) => t === 'Checked', 'checked');
  await dialog.getByTestId('guardrails-apply').click();
  await dialog.waitFor({ state: 'detached' });
  const after1 = await expected();
  assert.equal(after1.keys.length, truth.keys.length - 1, 'the platform holds one violation fewer');
  await eventually(async () => keysOf((await cli.call('policy.check', { format: 'json' })).violations).join('\n'), (t) => t === after1.keys.join('\n'), 'the next check has exactly the rest');
  await openRoute(demo, '#/policy');
  // the group chosen on the matrix is still chosen here (one filter for every screen): every group
  await page.getByTestId('policy-group-all').click();
  await eventually(async () => Number(await page.getByTestId('policy-violations').getAttribute('data-count')), (n) => n === after1.keys.length, 'the Policy screen no longer lists it');
  await page.locator('[data-testid="policy-group"][data-key="g:Core clients"]').click();

  // a second policy file on disk: a dated rule and a baseline bundle for the group
  await app.call('bundles.create', { workspace: ids[0]!, name: 'Core read', scopes: ['contacts:read', 'deals:read', 'invoices:read'] });
  const keys = after1.ws.filter((w) => core.has(w.id)).flatMap((w) => w.credentials.filter((c) => c.type === 'api_key' && LIVE.has(c.effective_status)).map((c) => ({ ws: w.id, ...c })));
  const oldest = Math.max(...keys.map((k) => Math.floor((Date.now() - Date.parse(k.created_at)) / DAY)));
  const maxAge = Math.min(3650, oldest + 20);
  writeFileSync(policyFile, `version: 1\ngroups:\n  Core clients:\n    match:\n      ids: [${ids[0]}, ${ids[1]}, ${ids[2]}]\n    rules:\n      baseline_bundle: Core read\n      max_secret_age_days: ${maxAge}\n`);
  const check2 = await eventually(() => cli.call('policy.check', { format: 'json' }), (c) => c.groups[0]?.baselineBundle === 'Core read', 'the new file is read');
  const horizon = Date.now() + 90 * DAY;
  // a key already rotating is not counted (its successor is what ages)
  const dueKeys = keys.filter((k) => k.effective_status !== 'rotating' && Date.parse(k.created_at) + (maxAge + 1) * DAY <= horizon);
  const upcomingKeys = check2.upcoming.filter((d) => d.credentialType === 'api_key' && Date.parse(d.at) <= horizon);
  assert.deepEqual(upcomingKeys.map((d) => d.credentialId).sort(), dueKeys.map((k) => k.id).sort(), 'the API keys the true state says pass the maximum age within 90 days');
  for (const d of upcomingKeys) assert.equal(d.at, new Date(Date.parse(keys.find((k) => k.id === d.credentialId)!.created_at) + (maxAge + 1) * DAY).toISOString());
  assert.ok(upcomingKeys.length >= 1, 'at least one key reaches the maximum within 90 days');

  // the Calendar lists them within its window (90 days), with the rule and its fix
  await openRoute(demo, '#/calendar');
  const inWindow = check2.upcoming.filter((d) => Date.parse(d.at) - Date.parse(check2.checkedAt) <= 90 * DAY);
  await eventually(async () => Number(await page.getByTestId('calendar-policy').getAttribute('data-count')), (n) => n === inWindow.length, 'the calendar\u2019s policy deadlines');
  assert.match(await page.getByTestId('calendar-policy-item').first().innerText(), /breaks Maximum secret age/);
  assert.match((await page.getByTestId('calendar-policy-fix').first().getAttribute('href')) ?? '', /^#\/rotation\?workspace=ws_/);
  assert.equal(Number(await page.getByTestId('calendar-policy').getAttribute('data-open')), check2.violations.length, 'and today\u2019s open violations');
  await page.getByTestId('calendar-policy').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(process.env.GRANTDESK_SHOTS ?? dir, 'policy-calendar.png') });

  // the matrix judges the group against its baseline bundle from the policy file
  await openRoute(demo, '#/scope-matrix');
  // the new bundle reaches the cache with the next inventory sync
  await page.getByTestId('matrix-sync').click();
  await eventually(() => page.getByTestId('matrix-sync').textContent(), (t) => t === 'Sync now', 'sync finished', 60_000);
  await eventually(() => page.getByTestId('matrix-group-baseline').innerText().catch(() => ''), (t) => t.startsWith("Baseline: Core clients's bundle “Core read” from the policy file (3 scopes)"), 'the group\u2019s baseline');
  assert.deepEqual((await page.locator('.mx-col-baseline').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-testid')))).sort(), ['col-contacts:read', 'col-deals:read', 'col-invoices:read']);
  await page.screenshot({ path: join(process.env.GRANTDESK_SHOTS ?? dir, 'policy-matrix-group-baseline.png') });
  await page.getByTestId('matrix-group-filter').selectOption('');
  await eventually(() => page.getByTestId('matrix-status').innerText(), (t) => / in 5 workspaces/.test(t), 'all workspaces again');
  assert.equal(await page.getByTestId('matrix-group-baseline').count(), 0, 'no group, no group baseline');
  assert.deepEqual(demo.problems.all(), [], 'no console errors, page errors or CSP violations');
});
