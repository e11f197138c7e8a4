// Offboarding in real Chromium over serve mode, against a 40-workspace sandbox connected through the real connections
// domain (each workspace by the staff member the sandbox's sign-in names): choose the integration installed most widely,
// one preview grouped per workspace by name with what stops working and the recent callers, the typed count, a 503 on
// one revocation that leaves one failed row with its sentence, Retry failed, and the platform's true state — exactly that
// integration's credentials revoked, every other credential byte-identical. Then one staff member's grants.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { processClock } from '../../sandbox/clock.ts';
import { startSandbox, type SandboxHandle } from '../../sandbox/server.ts';
import { createFileLogger } from '../../src-main/adapters/file-logger.ts';
import { createMemorySecretStore } from '../../src-main/adapters/memory-secret-store.ts';
import { openCache } from '../../src-main/adapters/sqlite.ts';
import { createApp, type AppRuntime } from '../../src-main/composition.ts';
import { follow } from '../support/fake-browser.mjs';
import { SCREENSHOT_DIR } from '../support/serve-fixture.ts';
import { testClient, type TestClient } from '../support/test-client.ts';
import { credentialJson, withoutOwnUse, type TrueState } from '../node/offboarding/support.ts';
import { openInChromium, type ServedPage } from './demo-app.ts';
import { eventually } from './helpers.ts';

const WORKSPACES = 40;
const RITA = 10;
let sb: SandboxHandle;
let rt: AppRuntime;
let c: TestClient;
let served: ServedPage;
let dataDir: string;

async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  const r = await fetch(`${sb.issuer}/__admin${path}`, { method, headers: { authorization: `Bearer ${sb.adminToken}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  assert.ok(r.status < 300, `${path}: ${r.status}`);
  return r.json();
}
const state = () => admin('GET', '/state') as Promise<TrueState>;

before(async () => {
  sb = await startSandbox({ workspaces: WORKSPACES, events: 1500, seed: 16, autoConsent: true, admin: true, clock: processClock(), log: () => {} });
  dataDir = mkdtempSync(join(tmpdir(), 'grantdesk-offboard-'));
  rt = createApp({ dataDir, db: openCache(dataDir), secretStore: createMemorySecretStore(), clock: { now: () => Date.now() }, opener: async (url) => void follow(url), logger: createFileLogger(dataDir) });
  c = testClient(rt);
  await c.call('platforms.add', { issuer: sb.issuer, name: 'Sandbox' });
  for (const [i, w] of sb.workspaces.entries()) {
    if (i === 0) await admin('POST', '/signin-as', { login: 'rita.ops@agency.test' });
    if (i === RITA) await admin('POST', '/signin-as', { login: 'sam.lee@agency.test' });
    await c.call('workspaces.connect', { workspace: w.id, role: 'admin' });
  }
  await c.call('sync.all', {});
  served = await openInChromium(rt, { viewport: { width: 1440, height: 900 } });
});
after(async () => {
  await served?.close();
  await rt?.close();
  await sb?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('offboard one integration across 40 workspaces in Chromium: preview, a failed row, Retry failed; then a staff member', { timeout: 300_000 }, async () => {
  const { page, serve, problems } = served;
  const before = await state();
  const installs = new Map<string, Set<string>>();
  for (const w of before.workspaces)
    for (const x of w.credentials) if (x.type === 'oauth_app' && x.effective_status === 'active' && x.client_id) installs.set(x.client_id, (installs.get(x.client_id) ?? new Set()).add(`${w.id}/${x.id}`));
  const [clientId, expected] = [...installs].sort((a, b) => b[1].size - a[1].size)[0]!;
  const expectedWs = new Set([...expected].map((k) => k.split('/')[0]!));
  const names = new Map(before.workspaces.map((w) => [w.id, w.name]));

  await page.goto(`${serve.url}#/offboarding`);
  await page.getByTestId('offboard-kind-clientId').check();
  await page.getByTestId('offboard-value').fill(clientId);
  await page.getByTestId('offboard-preview-button').click();
  const groups = page.getByTestId('offboard-ws');
  await eventually(() => groups.count(), (n) => n === expectedWs.size, 'one group per workspace', 30_000);
  // workspace names (ids secondary), each workspace's targets, what stops working and recent callers
  const shownNames = await page.getByTestId('offboard-ws-name').allTextContents();
  assert.deepEqual(new Set(shownNames), new Set([...expectedWs].map((id) => names.get(id)!)));
  assert.deepEqual([...shownNames], [...shownNames].sort((a, b) => a.localeCompare(b)), 'ordered by name');
  assert.equal(await page.getByTestId('offboard-target').count(), expected.size);
  assert.match(await page.getByTestId('offboard-statement').innerText(), new RegExp(`${expected.size} credentials in ${expectedWs.size} workspaces.*${WORKSPACES - expectedWs.size} other workspaces are not touched`));
  assert.ok((await page.getByTestId('offboard-stops').allTextContents()).every((t) => /loses its grant/.test(t)));
  assert.ok((await page.getByTestId('offboard-callers').allTextContents()).some((t) => /^Recent callers: \S+ \(\d+ calls?, last /.test(t)), 'recent callers in words');
  // the run button says why it is disabled until the count is typed
  const run = page.getByTestId('offboard-run');
  assert.equal(await run.isDisabled(), true);
  assert.equal(await run.getAttribute('title'), `Type ${expected.size} first`);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'offboarding-preview-1440-light.png') });

  // one revocation answered 503 by the platform
  await admin('POST', '/faults', { route: 'apps', error_rate: 1, error_status: 503, times: 1 });
  await page.getByTestId('offboard-confirm').fill(String(expected.size));
  await run.click();
  const rows = page.getByTestId('offboard-row');
  await eventually(() => rows.count(), (n) => n === expected.size, 'a row per credential', 60_000);
  const failed = page.locator('[data-testid="offboard-row"][data-outcome="failed"]');
  assert.equal(await failed.count(), 1);
  const failedWs = (await failed.getAttribute('data-workspace-id'))!;
  assert.match(await failed.getByTestId('offboard-row-sentence').innerText(), new RegExp(`in ${names.get(failedWs)!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} was not revoked: .+ Then retry the failed rows\\.`));
  assert.equal(await failed.getByTestId('offboard-row-outcome').innerText(), 'Failed');
  assert.equal(await page.getByTestId('offboard-retry').innerText(), 'Retry the 1 failed row');
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'offboarding-failed-row-1440-light.png') });

  await page.getByTestId('offboard-retry').click();
  await eventually(() => failed.count(), (n) => n === 0, 'the failed row retried', 60_000);
  assert.equal(await page.locator(`[data-testid="offboard-row"][data-workspace-id="${failedWs}"]`).getByTestId('offboard-row-outcome').innerText(), 'Revoked (try 2)');
  assert.equal(await page.getByTestId('offboard-retry').count(), 0, 'nothing left to retry');
  assert.match(await page.getByTestId('offboard-result-sentence').innerText(), new RegExp(`^All ${expected.size} done\\.`));

  // the platform's true state: exactly the integration's credentials revoked, every other one byte-identical
  const beforeJson = credentialJson(before);
  const afterJson = credentialJson(await state());
  assert.deepEqual([...afterJson.keys()].sort(), [...beforeJson.keys()].sort());
  for (const [k, was] of beforeJson) {
    const now = afterJson.get(k)!;
    if (expected.has(k)) assert.equal(JSON.parse(now).effective_status, 'revoked', k);
    else if (withoutOwnUse(was) === was) assert.equal(now, was, `byte-identical: ${k}`);
    else assert.equal(withoutOwnUse(now), withoutOwnUse(was), `Grantdesk's own grant, but for its use: ${k}`);
  }

  // one staff member: the grants Rita connected
  await page.getByTestId('offboard-kind-staff').check();
  await page.getByTestId('offboard-value').fill('rita.ops@agency.test');
  await page.getByTestId('offboard-preview-button').click();
  await eventually(() => groups.count(), (n) => n === RITA, "Rita's workspaces", 30_000);
  assert.match(await page.getByTestId('offboard-covers').innerText(), /records no creator/);
  assert.ok((await page.getByTestId('offboard-stops').allTextContents()).every((t) => t.includes('connected by Rita Ops (rita.ops@agency.test)')));
  await page.getByTestId('offboard-confirm').fill(String(RITA));
  await page.getByTestId('offboard-run').click();
  await eventually(() => page.locator('[data-testid="offboard-row"][data-outcome="disconnected"]').count(), (n) => n === RITA, 'grants disconnected', 60_000);
  const ws = await c.call('workspaces.list', {});
  const ritaWs = new Set(sb.workspaces.slice(0, RITA).map((w) => w.id));
  for (const w of ws) assert.equal(w.status, ritaWs.has(w.id) ? 'disconnected' : 'connected', w.id);

  // Workspaces shows who connected each one
  await page.getByTestId('nav-workspaces').click();
  await eventually(() => page.getByTestId('ws-connected-by').allTextContents(), (t) => t.length === WORKSPACES && t.filter((x) => x === 'Sam Lee').length === WORKSPACES - RITA && t.filter((x) => x === 'Rita Ops').length === RITA, 'Connected by in the table', 30_000);
  assert.deepEqual(problems.all(), []);
});
