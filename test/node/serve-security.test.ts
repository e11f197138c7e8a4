// Serve mode over plain HTTP: token, Host/Origin (DNS rebinding), no CORS, RPC header, loopback only, static traversal,
// and the token-to-cookie flow. node:http is used (not fetch) so Host and Origin can be set freely.
import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createMemorySecretStore } from '../../src-main/adapters/memory-secret-store.ts';
import type { AppRuntime } from '../../src-main/composition.ts';
import { createNodeRuntime } from '../../src-main/node-runtime.ts';
import { SERVE_CSP, startServe, type RunningServe } from '../../src-main/serve/serve-server.ts';
import { CLI_CONTEXT } from '../../src-main/rpc/handlers.ts';

interface Res {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}
const seen: Res[] = [];

function http(port: number, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: { Host: `127.0.0.1:${port}`, ...opts.headers }, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const r = { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') };
        seen.push(r);
        resolve(r);
      });
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

describe('serve mode security', () => {
  let root: string;
  let runtime: AppRuntime;
  let serve: RunningServe;
  let port: number;
  let cookie: string;
  const rpcHeaders = () => ({ Cookie: cookie, 'Content-Type': 'application/json', 'X-Grantdesk': '1' });

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'grantdesk-serve-sec-'));
    const staticDir = join(root, 'renderer');
    await mkdir(join(staticDir, 'assets'), { recursive: true });
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Grantdesk</title><div id="root"></div>');
    await writeFile(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
    // a file next to the static folder, which traversal must never reach
    await writeFile(join(root, 'secret.txt'), 'TOP-SECRET-CANARY');
    await writeFile(join(root, 'renderer-evil.txt'), 'PREFIX-CANARY');
    const dataDir = join(root, 'data');
    await mkdir(dataDir);
    runtime = createNodeRuntime({ dataDir, opener: async () => {}, secretStore: createMemorySecretStore() });
    serve = await startServe({ dispatcher: runtime.dispatcher, bus: runtime.bus, staticDir, port: 0 });
    port = serve.port;
    const r = await http(port, `/?token=${serve.token}`);
    cookie = (r.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
  });
  after(async () => {
    await serve?.close();
    await runtime?.close();
    await rm(root, { recursive: true, force: true });
  });

  test('listens on 127.0.0.1 only, and the printed URL carries a fresh random token', async () => {
    const addr = serve.server.address();
    assert.ok(addr !== null && typeof addr === 'object');
    assert.equal(addr.address, '127.0.0.1');
    assert.equal(addr.family, 'IPv4');
    assert.match(serve.url, new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?token=[A-Za-z0-9_-]{32,}$`));
    const other = await startServe({ dispatcher: runtime.dispatcher, bus: runtime.bus, staticDir: null, port: 0 });
    try {
      assert.notEqual(other.token, serve.token);
    } finally {
      await other.close();
    }
    // any non-loopback IPv4 address of this machine refuses the connection
    const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
    if (external) {
      await assert.rejects(
        new Promise<void>((resolve, reject) => {
          const s = connect({ host: external.address, port }, () => {
            s.destroy();
            resolve();
          });
          s.on('error', reject);
        }),
        /ECONNREFUSED|EHOSTUNREACH|ETIMEDOUT/,
      );
    }
  });

  test('no token → 401 on pages, RPC and events; a wrong token → 401', async () => {
    for (const path of ['/', '/assets/app.js', '/events', '/settings']) {
      const r = await http(port, path);
      assert.equal(r.status, 401, path);
      assert.equal(JSON.parse(r.body).error.code, 'unauthorized');
    }
    const rpc = await http(port, '/rpc/app.health', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Grantdesk': '1' }, body: '{}' });
    assert.equal(rpc.status, 401);
    assert.equal((await http(port, '/?token=wrong')).status, 401);
    assert.equal((await http(port, `/?token=${serve.token}x`)).status, 401);
    assert.equal((await http(port, '/', { headers: { Cookie: 'grantdesk_token=wrong' } })).status, 401);
    assert.equal((await http(port, '/rpc/app.health', { method: 'POST', headers: { Authorization: 'Bearer wrong', 'Content-Type': 'application/json', 'X-Grantdesk': '1' }, body: '{}' })).status, 401);
    // a bearer token works for API clients
    const ok = await http(port, '/rpc/app.health', { method: 'POST', headers: { Authorization: `Bearer ${serve.token}`, 'Content-Type': 'application/json', 'X-Grantdesk': '1' }, body: '{}' });
    assert.equal(ok.status, 200);
    assert.equal(JSON.parse(ok.body).value.transport, 'serve');
  });

  test('token in the URL → 303 to a clean URL with an HttpOnly SameSite=Strict cookie that then authenticates', async () => {
    const r = await http(port, `/?token=${serve.token}`);
    assert.equal(r.status, 303);
    assert.equal(r.headers.location, '/');
    const setCookie = r.headers['set-cookie']?.[0] ?? '';
    assert.match(setCookie, new RegExp(`^grantdesk_token=${serve.token};`));
    assert.match(setCookie, /;\s*HttpOnly/i);
    assert.match(setCookie, /;\s*SameSite=Strict/i);
    assert.match(setCookie, /;\s*Path=\//);
    const page = await http(port, '/', { headers: { Cookie: cookie } });
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>Grantdesk<\/title>/);
    assert.equal(page.headers['content-security-policy'], SERVE_CSP);
    assert.doesNotMatch(SERVE_CSP, /unsafe-inline|unsafe-eval/);
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    const rpc = await http(port, '/rpc/settings.get', { method: 'POST', headers: rpcHeaders(), body: '{}' });
    assert.equal(rpc.status, 200);
    assert.equal(JSON.parse(rpc.body).ok, true);
  });

  test('wrong Host (DNS rebinding) is rejected even with a valid token', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, `127.0.0.1`, `[::1]:${port}`, `0.0.0.0:${port}`]) {
      const r = await http(port, '/', { headers: { Host: host, Cookie: cookie } });
      assert.equal(r.status, 421, host);
      assert.equal(JSON.parse(r.body).error.code, 'forbidden_sender');
      const t = await http(port, `/?token=${serve.token}`, { headers: { Host: host } });
      assert.equal(t.status, 421, `token exchange for ${host}`);
      assert.equal(t.headers['set-cookie'], undefined);
    }
    assert.equal((await http(port, '/', { headers: { Host: `localhost:${port}`, Cookie: cookie } })).status, 200);
  });

  test('a foreign Origin is rejected on RPC, events, pages and preflights', async () => {
    for (const origin of ['http://evil.example', `http://127.0.0.1:${port + 1}`, 'null', `https://127.0.0.1:${port}`, `http://127.0.0.1.evil.example:${port}`]) {
      const rpc = await http(port, '/rpc/settings.set', { method: 'POST', headers: { ...rpcHeaders(), Origin: origin }, body: '{"theme":"dark"}' });
      assert.equal(rpc.status, 403, origin);
      assert.equal(JSON.parse(rpc.body).error.code, 'forbidden_sender');
      assert.equal((await http(port, '/events', { headers: { Cookie: cookie, Origin: origin } })).status, 403);
      const pre = await http(port, '/rpc/settings.set', { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-grantdesk,content-type' } });
      assert.equal(pre.status, 403);
    }
    const r = await runtime.dispatcher.call('settings.get', {}, CLI_CONTEXT);
    assert.ok(r.ok && (r.value as { theme: string }).theme === 'system', 'no foreign request changed settings');
    const same = await http(port, '/rpc/app.health', { method: 'POST', headers: { ...rpcHeaders(), Origin: `http://127.0.0.1:${port}` }, body: '{}' });
    assert.equal(same.status, 200);
  });

  test('RPC needs POST, the X-Grantdesk header and a JSON content type (no simple cross-site requests)', async () => {
    const noHeader = await http(port, '/rpc/settings.set', { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json' }, body: '{"theme":"dark"}' });
    assert.equal(noHeader.status, 403);
    assert.equal(JSON.parse(noHeader.body).error.code, 'forbidden_sender');
    const wrongHeader = await http(port, '/rpc/settings.set', { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json', 'X-Grantdesk': 'yes' }, body: '{"theme":"dark"}' });
    assert.equal(wrongHeader.status, 403);
    const textPlain = await http(port, '/rpc/settings.set', { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'text/plain', 'X-Grantdesk': '1' }, body: '{"theme":"dark"}' });
    assert.equal(textPlain.status, 403);
    const form = await http(port, '/rpc/settings.set', { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'theme=dark' });
    assert.equal(form.status, 403);
    assert.equal((await http(port, '/rpc/app.health', { headers: { Cookie: cookie } })).status, 405);
    const r = await runtime.dispatcher.call('settings.get', {}, CLI_CONTEXT);
    assert.ok(r.ok && (r.value as { theme: string }).theme === 'system', 'rejected calls changed nothing');
    const unknown = await http(port, '/rpc/app.nope', { method: 'POST', headers: rpcHeaders(), body: '{}' });
    assert.equal(JSON.parse(unknown.body).error.code, 'unknown_command');
    const bad = await http(port, '/rpc/app.health', { method: 'POST', headers: rpcHeaders(), body: '{not json' });
    assert.equal(bad.status, 400);
  });

  test('static files: traversal out of the renderer folder is refused', async () => {
    assert.equal((await http(port, '/assets/app.js', { headers: { Cookie: cookie } })).body, 'console.log(1)');
    for (const path of ['/..%2fsecret.txt', '/%2e%2e%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%2e%2e/secret.txt', '/../secret.txt', '/assets/../../secret.txt', '/..%2frenderer-evil.txt', '/%2fetc%2fpasswd', '/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd']) {
      const r = await http(port, path, { headers: { Cookie: cookie } });
      assert.ok(r.status === 404 || r.status === 400 || (r.status === 200 && r.body.includes('<title>Grantdesk</title>')), `${path}: ${r.status}`);
      assert.doesNotMatch(r.body, /CANARY|root:/, path);
    }
  });

  test('no response carries CORS headers', async () => {
    const pre = await http(port, '/rpc/app.health', { method: 'OPTIONS', headers: { Cookie: cookie, Origin: `http://127.0.0.1:${port}`, 'Access-Control-Request-Method': 'POST' } });
    assert.notEqual(pre.status, 204);
    assert.ok(seen.length > 40, `checked ${seen.length} responses`);
    for (const r of seen) {
      const cors = Object.keys(r.headers).filter((h) => h.startsWith('access-control-'));
      assert.deepEqual(cors, [], `status ${r.status}`);
    }
  });
});
