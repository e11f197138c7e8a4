// `npm run demo` on a fresh clone: nothing built yet, and the demo must still serve the app (it used to serve a JSON 404
// because it never built the renderer). The renderer is built into an empty folder, as a fresh clone has none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

test('npm run demo builds the UI it serves, connects every workspace and serves the app frame', { timeout: 180_000 }, async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gd-demo-'));
  const rendererDir = join(tmp, 'renderer');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'demo.ts')], {
    cwd: root,
    env: { ...process.env, GRANTDESK_RENDERER_DIR: rendererDir, GRANTDESK_HOME: join(tmp, 'home'), GRANTDESK_DEMO_WORKSPACES: '3', GRANTDESK_DEMO_EVENTS: '50', GRANTDESK_DEMO_SERVE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        const m = /Grantdesk is serving on (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`demo exited ${code}\n${out}\n${err}`)));
    });
    assert.match(out, /connected 3 workspaces/);
    assert.ok(existsSync(join(rendererDir, 'index.html')), 'the demo built the renderer first');
    assert.ok(readdirSync(join(rendererDir, 'assets')).some((f) => f.endsWith('.js')));
    const base = new URL(url);
    const page = await fetch(new URL('/', base));
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const html = await page.text();
    assert.match(html, /<script type="module"[^>]+src="\.\/assets\/[^"]+\.js"/, 'the app frame, not a JSON 404');
    // the printed URL's token (after #) works for the contract: the app has 3 connected workspaces
    const token = new URLSearchParams(base.hash.slice(1)).get('token');
    assert.ok(token, `the URL carries the token after #: ${url}`);
    const r = await fetch(new URL('/rpc/workspaces.list', base), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-grantdesk': '1' }, body: '{}' });
    const body = (await r.json()) as { ok: boolean; value: Array<{ status: string }> };
    assert.equal(body.ok, true);
    assert.equal(body.value.filter((w) => w.status === 'connected').length, 3);
    // The Exports screen's Download in this tab: the demo must serve the export's file, not the app frame under a .csv name
    const rpc = async (name: string, input: unknown) => {
      const res = await fetch(new URL(`/rpc/${name}`, base), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-grantdesk': '1' }, body: JSON.stringify(input) });
      const b = (await res.json()) as { ok: boolean; value: Record<string, unknown>; error?: unknown };
      assert.equal(b.ok, true, `${name}: ${JSON.stringify(b.error)}`);
      return b.value;
    };
    await rpc('audit.sync', {});
    const exp = (await rpc('audit.export', {})) as { exportId: string; rowCount: number };
    assert.ok(exp.rowCount > 0, 'the demo has audit events to export');
    const file = await fetch(new URL(`/files/exports/${encodeURIComponent(exp.exportId)}`, base), { headers: { authorization: `Bearer ${token}` } });
    assert.equal(file.status, 200);
    assert.match(file.headers.get('content-disposition') ?? '', /attachment; filename="[^"]+\.csv"/);
    const csv = await file.text();
    assert.doesNotMatch(csv, /<!doctype html>/i);
    assert.equal(csv.trim().split('\n').length, exp.rowCount + 1, 'a header line and one line per exported event');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  }
});
