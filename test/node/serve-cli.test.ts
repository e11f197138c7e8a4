// `grantdesk serve` as a user runs it: the real bin prints one URL with the token in its fragment (never sent to a
// server); the page loads without it (it holds no data), the contract answers only with the token in a header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('grantdesk serve prints a loopback URL with the token after #; RPC needs it in a header, a cookie or ?token= is refused', async () => {
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
        const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{20,})/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.on('exit', (c) => reject(new Error(`serve exited ${c}: ${out}`)));
    });
    const origin = new URL(url).origin;
    const token = new URL(url).hash.slice('#token='.length);
    assert.equal(new URL(url).search, '');
    const rpc = (headers: Record<string, string>) =>
      fetch(origin + '/rpc/app.health', { method: 'POST', headers: { 'content-type': 'application/json', 'x-grantdesk': '1', ...headers }, body: '{}' });
    assert.equal((await rpc({})).status, 401);
    assert.equal((await rpc({ cookie: `grantdesk_token=${token}` })).status, 401);
    const old = await fetch(`${origin}/?token=${token}`, { redirect: 'manual', headers: { accept: 'text/html' } });
    assert.equal(old.status, 401);
    assert.equal(old.headers.get('set-cookie'), null);
    assert.match(await old.text(), /#token=/);
    const page = await fetch(url, { redirect: 'manual' });
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('set-cookie'), null);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const html = await page.text();
    assert.match(html, /<div id="root">/);
    const health = await rpc({ authorization: `Bearer ${token}` });
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
