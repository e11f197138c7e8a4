// `grantdesk serve` as a user runs it: the real bin prints one tokened URL; that URL opens the app, nothing else does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('grantdesk serve prints a loopback URL with a token; the URL opens the app frame, the bare origin is refused', async () => {
  const home = mkdtempSync(join(tmpdir(), 'grantdesk-serve-'));
  const child = spawn(process.execPath, ['bin/grantdesk.mjs', 'serve', '--session-only', '--port', '0'], {
    env: { ...process.env, GRANTDESK_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{20,})/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.on('exit', (c) => reject(new Error(`serve exited ${c}: ${out}`)));
    });
    const origin = new URL(url).origin;
    assert.equal((await fetch(origin + '/')).status, 401);
    const first = await fetch(url, { redirect: 'manual' });
    assert.equal(first.status, 303);
    const cookie = first.headers.get('set-cookie') ?? '';
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const page = await fetch(origin + '/', { headers: { cookie: cookie.split(';')[0]! } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const html = await page.text();
    assert.match(html, /<div id="root">/);
    const health = await fetch(origin + '/rpc/app.health', {
      method: 'POST',
      headers: { cookie: cookie.split(';')[0]!, 'content-type': 'application/json', 'x-grantdesk': '1' },
      body: '{}',
    });
    const body = (await health.json()) as { ok: boolean; value: { transport: string; dataDir: string } };
    assert.equal(body.ok, true);
    assert.equal(body.value.transport, 'serve');
    assert.equal(body.value.dataDir, home);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(home, { recursive: true, force: true });
  }
});
