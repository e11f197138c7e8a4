// The Incident screen in real Chromium over serve mode, against the sandbox (real connections: PKCE, both workspaces
// connected as operator). A seeded key's secret is leaked with the sandbox's admin control and used by an "attacker"
// from this machine; pasted into the password field it is found by credential and workspace name, its activity shows the
// attacker's IP as unusual, it is revoked after the preview and the typed workspace name, and the pack written from the
// screen verifies (and fails after a one-byte change). A second leaked key is rotated with zero grace: the replacement
// shown once works, the leaked secret does not; a third goes to a secrets-manager target, never shown. Canary: no leaked secret in the DOM, the tab's storage or the data dir.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { CLI_CONTEXT } from '../../src-main/rpc/handlers.ts';
import { SCREENSHOT_DIR } from '../support/serve-fixture.ts';
import { after, before, test } from 'node:test';
import { eventually } from './helpers.ts';
import { openRoute, startRotationDemo, type RotationDemo } from './demo-app.ts';
import type { TrueCredential } from '../node/rotation/support.ts';

let demo: RotationDemo;
const leaked: string[] = [];

async function leak(ws: string, skip: string[] = []): Promise<{ key: TrueCredential; secret: string }> {
  const key = (await demo.p.credentials(ws)).find((c) => c.type === 'api_key' && c.status === 'active' && !skip.includes(c.id) && ((c as unknown as { ip_allowlist?: string[] }).ip_allowlist ?? []).length === 0 && c.expires_at === null);
  assert.ok(key, 'the seed has an active API key without an allowlist');
  const r = await demo.p.admin('POST', '/leak', { workspace_id: ws, key_id: key.id });
  assert.equal(r.status, 200);
  leaked.push(String(r.body.secret));
  return { key, secret: String(r.body.secret) };
}

async function paste(secret: string) {
  const page = demo.page;
  await page.getByTestId('incident-secret').fill(secret);
  assert.equal(await page.getByTestId('incident-secret').getAttribute('type'), 'password');
  await page.getByTestId('incident-find').click();
}

before(async () => {
  demo = await startRotationDemo({ workspaces: 2, seed: 16, events: 400, sync: { inventory: true }, viewport: { width: 1440, height: 900 } });
});
after(() => demo?.close());

test('paste a leaked seeded key: found by name, activity, revoke, a pack that verifies; rotate another with zero grace', { timeout: 240_000 }, async () => {
  const { page, p, app } = demo;
  const [ws0, ws1] = p.sb.workspaces;
  const first = await leak(ws0!.id);
  for (let i = 0; i < 3; i++) assert.equal((await p.withBearer(first.secret, '/v1/workspace')).status, 200);

  await openRoute(demo, '#/incident');
  await page.getByTestId('incident-screen').waitFor();
  assert.equal(await page.getByTestId('incident-find').isDisabled(), true, 'nothing pasted: the button says why');
  assert.equal(await page.getByTestId('incident-find').getAttribute('title'), 'Paste the leaked secret first');

  // a secret no connected workspace has: a sentence, nothing opened
  const fake = `sk_live_${'Q'.repeat(36)}zzzz`;
  leaked.push(fake);
  await paste(fake);
  await eventually(() => page.getByTestId('incident-sentence').getAttribute('data-matched'), (v) => v === 'no', 'no-match sentence');
  assert.match(await page.getByTestId('incident-sentence').innerText(), /^No credential matches this secret/);
  assert.equal(await page.getByTestId('incident-secret').inputValue(), '', 'the field is cleared once sent');

  // the leaked key: found with the credential's and the workspace's names
  await paste(first.secret);
  const match = page.getByTestId('incident-match');
  await match.waitFor();
  const title = await match.locator('h2').innerText();
  assert.ok(title.includes(first.key.name) && title.includes(ws0!.name), title);
  const activity = page.getByTestId('incident-activity');
  await activity.waitFor();
  const local = page.locator('[data-testid="incident-caller"][data-ip="127.0.0.1"]');
  assert.equal(await local.getAttribute('data-unusual'), 'yes');
  assert.match(await local.innerText(), /^127\.0\.0\.1\s+4\s/);
  assert.match(await page.getByTestId('incident-activity-sentence').innerText(), /calls? from \d+ IPs? since/);
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'incident-found-1440x900-light.png'), fullPage: true });

  // the destructive control is the design system's danger button (not an unstyled browser button)
  assert.match((await page.getByTestId('incident-revoke').getAttribute('class')) ?? '', /\bbutton-danger\b/);
  assert.doesNotMatch(await page.getByTestId('incident-match').innerText(), /\/v1\/|answered \d{3}|\b(ip_not_allowed|token_revoked|token_expired)\b/, 'the confirmation is in words');
  assert.match(await page.getByTestId('incident-activity-sentence').innerText(), /One of these calls is Grantdesk's own check of the pasted secret/);
  // revoke: the preview, the typed workspace name, then the platform refuses the leaked secret
  await page.getByTestId('incident-revoke').click();
  const dialog = page.getByTestId('incident-confirm');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /stops the leaked secret at once/);
  await dialog.locator('input').fill(ws0!.name);
  await dialog.getByRole('button', { name: 'Revoke now' }).click();
  await eventually(() => match.getAttribute('data-state'), (s) => s === 'revoked', 'incident revoked');
  assert.equal(await page.getByTestId('incident-revoke').isDisabled(), true);
  assert.equal(await page.getByTestId('incident-contain-why').innerText(), 'Already revoked: the leaked secret no longer works.', 'the disabled controls say why on the screen');
  const after = await p.withBearer(first.secret, '/v1/workspace');
  assert.equal(after.status, 401);
  assert.equal(after.body?.error, 'token_revoked');

  // the pack, verified from the screen; then one byte changed on disk fails the same verification
  await page.getByTestId('incident-write-pack').click();
  await eventually(() => page.getByTestId('incident-pack-result').getAttribute('data-verified'), (v) => v === 'yes', 'pack verified', 60_000);
  assert.match(await page.getByTestId('incident-pack-verified').innerText(), /^Verified: all \d+ checks pass\.$/);
  const dir = (await page.getByTestId('incident-pack-result').locator('.mono').innerText()).trim();
  const manifest = join(dir, 'incident-manifest.json');
  assert.equal((await app.call('audit.verify', { manifest })).ok, true);
  const f = join(dir, 'activity.json');
  const bytes = readFileSync(f);
  bytes[10] = bytes[10]! ^ 0x01;
  writeFileSync(f, bytes);
  const bad = await app.call('audit.verify', { manifest });
  assert.equal(bad.ok, false);
  assert.match(bad.checks.find((c) => c.name === 'files')!.detail, /activity\.json: SHA-256 differs/);

  // a second leaked key, rotated with zero grace: the replacement is shown once and works, the leaked one stops
  const second = await leak(ws1!.id);
  await paste(second.secret);
  await eventually(() => match.locator('h2').innerText(), (t) => t.includes(second.key.name) && t.includes(ws1!.name), 'second incident');
  await page.getByTestId('incident-rotate').click();
  await dialog.waitFor();
  await dialog.locator('input').fill(ws1!.name);
  await dialog.getByRole('button', { name: 'Rotate now' }).click();
  const shown = page.getByTestId('incident-new-secret');
  await shown.waitFor();
  const replacement = await page.getByTestId('incident-new-secret-value').inputValue();
  assert.match(replacement, /^sk_(live|test)_[A-Za-z0-9]{40}$/);
  assert.equal((await p.withBearer(replacement, '/v1/workspace')).status, 200);
  assert.equal((await p.withBearer(second.secret, '/v1/workspace')).status, 401);
  await page.getByTestId('incident-new-secret-done').click();
  await shown.waitFor({ state: 'detached' });
  await eventually(() => match.getAttribute('data-state'), (s) => s === 'rotated', 'incident rotated');
  assert.equal(await page.getByText(replacement).count(), 0, 'the replacement is gone once its dialog closed');

  // a third, rotated to a secrets-manager target set up on the command line: delivered, never shown
  const dir2 = mkdtempSync(join(tmpdir(), 'grantdesk-incident-vault-'));
  const vault = join(dir2, 'vault');
  await app.as(CLI_CONTEXT).call('delivery.add', { name: 'vault-app', cmd: `sh -c 'cat > "$0"' ${vault}` });
  const third = await leak(ws1!.id, [second.key.id]);
  await page.reload();
  await page.locator('[data-testid="app-frame"][data-ready="true"]').waitFor();
  await paste(third.secret);
  await eventually(() => match.locator('h2').innerText(), (t) => t.includes(third.key.name), 'third incident');
  await page.getByTestId('incident-rotate').click();
  await dialog.waitFor();
  await dialog.getByTestId('incident-deliver-to').selectOption('vault-app');
  await dialog.locator('input').fill(ws1!.name);
  await dialog.getByRole('button', { name: 'Rotate now' }).click();
  await page.getByTestId('incident-delivered').waitFor();
  assert.match(await page.getByTestId('incident-delivered').innerText(), /delivered to vault-app/);
  assert.equal(await page.getByTestId('incident-new-secret').count(), 0, 'a delivered secret is not shown');
  const stored = readFileSync(vault, 'utf8').trim();
  rmSync(dir2, { recursive: true, force: true });
  assert.equal((await p.withBearer(stored, '/v1/workspace')).status, 200);
  assert.equal((await p.withBearer(third.secret, '/v1/workspace')).status, 401);
  leaked.push(stored);

  // canary: no leaked secret in the DOM, the tab's storage or the data dir (cache, WAL, logs, the pack in exports)
  const dom = await page.content();
  const storage = await page.evaluate(() => JSON.stringify({ ...(globalThis as unknown as { localStorage: Record<string, string> }).localStorage, ...(globalThis as unknown as { sessionStorage: Record<string, string> }).sessionStorage }));
  const bytesOnDisk = app.allBytes();
  for (const s of [...leaked, replacement]) {
    assert.ok(!dom.includes(s), 'the DOM holds a secret');
    assert.ok(!storage.includes(s), 'the tab storage holds a secret');
    assert.ok(!bytesOnDisk.includes(s), 'the data dir holds a secret');
  }
  assert.deepEqual(demo.problems.all(), []);
});
