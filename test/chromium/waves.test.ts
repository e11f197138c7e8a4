// Rotation waves in real Chromium over `grantdesk serve` (its own process, over the data dir the CLI set up) and the
// sandbox: a 40-workspace wave started from the CLI (batches of 8) is advanced from the Waves screen. The screen shows
// each workspace by name with its batch and state; after an injected 500 on one workspace's rotate call, Resume pauses
// the wave at batch 2 and the screen shows that workspace's evidence; the serve process is SIGKILLed while a batch-3
// rotate call is in flight; a new serve, the same screen, Resume runs the wave to completion, and the sandbox's true
// state shows exactly one rotation per key. Run `npx vite build --config vite.web.config.ts` first.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { SCREENSHOT_DIR } from '../support/serve-fixture.ts';
import { startWaveWorld } from '../node/waves/wave-support.ts';
import { eventually, launchChromium } from './helpers.ts';

const CODES = /\b(not_found|invalid_input|platform_error|gate_failed|cut_over|undelivered|wave\.resume)\b/;

test('Waves screen: per-workspace progress by name, the pause evidence, Resume after a SIGKILL of serve, one rotation per key', { timeout: 600_000 }, async () => {
  const w = await startWaveWorld(40, 45);
  const browser = await launchChromium();
  const hours = (h: number) => w.admin('POST', '/clock', { advance_seconds: h * 3600 });
  try {
    assert.equal((await w.cli(['platform', 'add', w.sb.issuer, '--name', 'Sandbox'])).code, 0);
    assert.equal((await w.cli(['connect-bulk', ...w.sb.workspaces.map((x) => x.id)])).code, 0);
    const failing = w.order[13]!;
    await w.admin('POST', '/faults', { route: `api-keys/${w.keys.get(failing.id)!.billing}/rotate`, error_rate: 1, error_status: 500 });
    const start = await w.cli(['wave', 'rotate', '--match', 'billing-sync', '--batch', '8', '--grace', '7d', '--quiet', '1h', '--deliver-cmd', w.deliverCmd, '--json']);
    assert.equal(start.code, 3, start.err);
    const waveId = (JSON.parse(start.out) as { id: string }).id;

    let serve = await w.serve();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page: Page = await context.newPage();
    // the printed URL carries the token in its fragment; a route may follow it (#token=…#/waves)
    const open = async () => {
      await page.goto(`${serve.url}#/waves`);
      await page.getByTestId('waves-screen').waitFor();
    };
    await open();
    const panel = page.locator(`[data-testid="wave"][data-wave="${waveId}"]`);
    const waveState = () => panel.getAttribute('data-state');
    const itemRow = (ws: string) => panel.locator(`[data-testid="wave-item"][data-workspace="${ws}"]`);
    const resume = async (expect: string) => {
      await panel.getByTestId('wave-resume').click();
      await eventually(waveState, (s) => s === expect, `the wave is ${expect}`, 240_000);
    };

    await panel.waitFor();
    assert.equal(await waveState(), 'waiting');
    assert.equal(await panel.getByTestId('wave-items').getAttribute('data-count'), '40');
    const first = itemRow(w.order[0]!.id);
    assert.match(await first.innerText(), new RegExp(`${w.order[0]!.name}[\\s\\S]*Batch 1 · billing-sync[\\s\\S]*Rotated, waiting for cut-over[\\s\\S]*Waiting for the new key`));
    assert.match(await panel.getByTestId('wave-progress').innerText(), /Waiting for the audit log · batch 1 of 5 · 0 cut over, 8 rotated and waiting, 32 not rotated yet, 0 need attention/);

    // the integration cuts over, an hour of quiet passes on the platform; Resume pauses at the injected failure
    await w.cutOver();
    await hours(2);
    await resume('paused');
    assert.match(await panel.getByTestId('wave-reason').innerText(), new RegExp(`^Paused at batch 2: Rotating billing-sync .* in ${failing.name} failed at .*: the platform failed \\(HTTP 500\\)`));
    assert.doesNotMatch(await panel.getByTestId('wave-reason').innerText(), /\/v1\/|key_[a-z0-9]|grantdesk wave resume/, 'no REST path, key id or terminal command in the reason');
    assert.equal(await panel.getByTestId('wave-delivery').innerText(), 'the delivery command node', 'a delivery command is named as one, not as a bare program name');
    const labelWrap = await panel.locator('[data-testid="wave-item"] .mono').first().evaluate((e) => (globalThis as unknown as { getComputedStyle(el: unknown): { whiteSpace: string } }).getComputedStyle(e).whiteSpace);
    assert.equal(labelWrap, 'nowrap', 'a key label never breaks at its ellipsis');
    assert.match(await panel.getByTestId('wave-legend').innerText(), /^A workspace is cut over when its audit log shows the integration calling with the new key and the old key quiet for 1 hour/);
    await page.getByTestId('wave-items').evaluate((el) => ((el as unknown as { scrollTop: number }).scrollTop = 13 * 64));
    const failedRow = itemRow(failing.id);
    await failedRow.waitFor();
    assert.equal(await failedRow.getAttribute('data-state'), 'failed');
    assert.match(await failedRow.innerText(), /Failed[\s\S]*Nothing was rotated; resume to try it again\./);
    assert.doesNotMatch(await page.locator('main').innerText(), CODES, 'words, not codes');
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'waves-paused-1440x900.png') });
    // the paused wave at the small size, light and dark: no sideways scroll of the page
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width: 1024, height: 700 });
      const overflow = await page.evaluate(() => {
        const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return d.scrollWidth - d.clientWidth;
      });
      assert.ok(overflow <= 0, `1024×700 ${scheme}: page-level horizontal overflow of ${overflow}px`);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `waves-paused-1024x700-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1440, height: 900 });

    // fixed; Resume retries it and waits for batch 2's cut-over
    await w.admin('DELETE', '/faults');
    await resume('waiting');
    assert.equal(await failedRow.getAttribute('data-state'), 'delivered');
    await w.cutOver();
    await hours(2);

    // SIGKILL the serve process while a batch-3 rotate call is in flight (intent recorded, no answer yet)
    const victim = w.order[20]!;
    await w.admin('POST', '/faults', { route: `api-keys/${w.keys.get(victim.id)!.billing}/rotate`, latency_ms: 20_000, reset_rate: 1, times: 1 });
    await panel.getByTestId('wave-resume').click();
    await eventually(async () => w.itemState(waveId, victim.id), (s) => s === 'rotating', 'the intent is recorded', 240_000);
    process.kill(serve.pid, 'SIGKILL');
    assert.equal(await serve.exited, 'SIGKILL');

    // a new serve, the same screen: Resume settles the key from the platform and goes on, batch by batch
    serve = await w.serve();
    await open();
    await panel.waitFor();
    for (let round = 0; round < 8; round++) {
      const before = await panel.getAttribute('data-updated');
      await panel.getByTestId('wave-resume').click();
      // the store puts the wave the resume returned: a new updatedAt means this check finished
      await eventually(() => panel.getAttribute('data-updated'), (u) => u !== before, 'the check finished', 240_000);
      const s = await waveState();
      if (s === 'completed') break;
      assert.equal(s, 'waiting', await panel.getByTestId('wave-reason').innerText());
      assert.ok((await w.cutOver()) > 0);
      await hours(2);
    }
    assert.equal(await waveState(), 'completed');
    assert.match(await panel.getByTestId('wave-progress').innerText(), /Completed · batch 5 of 5 · 40 cut over, 0 rotated and waiting, 0 not rotated yet, 0 need attention/);
    assert.equal(await panel.getByTestId('wave-resume').count(), 0, 'a completed wave offers no Resume');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'waves-completed-1440x900.png') });

    const truth = await w.state();
    for (const o of w.order) {
      const keys = truth.get(o.id)!;
      const { billing, decoy } = w.keys.get(o.id)!;
      const next = keys.filter((k) => k.rotated_from === billing);
      assert.equal(next.length, 1, `${o.name}: exactly one rotation`);
      assert.equal(keys.filter((k) => k.rotated_from === next[0]!.id || k.rotated_from === decoy).length, 0, `${o.name}: nothing else rotated`);
    }
    assert.equal(w.delivered().length, 40);
    const html = await page.content();
    for (const s of w.delivered()) assert.ok(!html.includes(s), 'no new secret reaches the page');
    process.kill(serve.pid, 'SIGTERM');
    await serve.exited;
  } finally {
    await browser.close();
    await w.sb.close();
  }
});
