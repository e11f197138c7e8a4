// Serve mode over plain HTTP: token, Host/Origin (DNS rebinding), no CORS, RPC header, loopback only, static traversal,
// and no ambient credential: the token is accepted only in the Authorization header, never from a cookie or the query,
// and no response sets a cookie or echoes the token. node:http is used (not fetch) so Host and Origin can be set freely.
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
import { testClient } from '../support/test-client.ts';

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
  let bearer: string;
  const rpcHeaders = () => ({ Authorization: bearer, 'Content-Type': 'application/json', 'X-Grantdesk': '1' });

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
    bearer = `Bearer ${serve.token}`;
  });
  after(async () => {
    await serve?.close();
    await runtime?.close();
    await rm(root, { recursive: true, force: true });
  });

  test('listens on 127.0.0.1 only, and the printed URL carries a fresh random token in its fragment (never sent to a server)', async () => {
    const addr = serve.server.address();
    assert.ok(addr !== null && typeof addr === 'object');
    assert.equal(addr.address, '127.0.0.1');
    assert.equal(addr.family, 'IPv4');
    assert.match(serve.url, new RegExp(`^http://127\\.0\\.0\\.1:${port}/#token=[A-Za-z0-9_-]{32,}$`));
    assert.equal(new URL(serve.url).search, '', 'no token in the query string');
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

  test('no token → 401 on RPC and events; a wrong token → 401; static files need none (they hold no data)', async () => {
    for (const path of ['/events', '/rpc/app.health']) {
      const r = await http(port, path, path === '/events' ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Grantdesk': '1' }, body: '{}' });
      assert.equal(r.status, 401, path);
      assert.equal(JSON.parse(r.body).error.code, 'unauthorized');
      assert.match(JSON.parse(r.body).error.message, /Open the URL that `grantdesk serve` printed/);
    }
    for (const path of ['/', '/assets/app.js', '/settings']) assert.equal((await http(port, path)).status, 200, path);
    assert.equal((await http(port, '/rpc/app.health', { method: 'POST', headers: { Authorization: 'Bearer wrong', 'Content-Type': 'application/json', 'X-Grantdesk': '1' }, body: '{}' })).status, 401);
    assert.equal((await http(port, '/rpc/app.health', { method: 'POST', headers: { Authorization: `Bearer ${serve.token}x`, 'Content-Type': 'application/json', 'X-Grantdesk': '1' }, body: '{}' })).status, 401);
    assert.equal((await http(port, '/rpc/app.health', { method: 'POST', headers: { Authorization: `Basic ${Buffer.from(`x:${serve.token}`).toString('base64')}`, 'Content-Type': 'application/json', 'X-Grantdesk': '1' }, body: '{}' })).status, 401, 'basic auth (a browser caches and resends it) is no credential');
    // the header token works (the tab and API clients)
    const ok = await http(port, '/rpc/app.health', { method: 'POST', headers: rpcHeaders(), body: '{}' });
    assert.equal(ok.status, 200);
    assert.equal(JSON.parse(ok.body).value.transport, 'serve');
  });

  test('a cookie carrying the token authenticates nothing (a host cookie reaches every port of 127.0.0.1)', async () => {
    const tokenCookie = `grantdesk_token=${serve.token}`;
    const rpc = await http(port, '/rpc/app.health', { method: 'POST', headers: { Cookie: tokenCookie, 'Content-Type': 'application/json', 'X-Grantdesk': '1' }, body: '{}' });
    assert.equal(rpc.status, 401);
    assert.equal(JSON.parse(rpc.body).error.code, 'unauthorized');
    assert.equal((await http(port, '/events', { headers: { Cookie: tokenCookie } })).status, 401);
    const set = await http(port, '/rpc/settings.set', { method: 'POST', headers: { Cookie: tokenCookie, 'Content-Type': 'application/json', 'X-Grantdesk': '1' }, body: '{"theme":"dark"}' });
    assert.equal(set.status, 401);
    const r = await testClient(runtime).callResult('settings.get', {});
    assert.ok(r.ok && r.value.theme === 'system', 'the cookie changed nothing');
  });

  test('a token in the query string (the old URL shape) is refused, sets no cookie and is not echoed', async () => {
    for (const t of [serve.token, 'wrong']) {
      const page = await http(port, `/?token=${t}`, { headers: { Accept: 'text/html,application/xhtml+xml' } });
      assert.equal(page.status, 401);
      assert.match(page.headers['content-type'] ?? '', /text\/html/);
      assert.match(page.body, /#token=/);
      assert.match(page.body, /grantdesk serve/);
      assert.equal(page.headers['set-cookie'], undefined);
      assert.equal(page.headers.location, undefined);
      assert.equal(page.body.includes(serve.token), false, 'the refusal echoes no token');
      const json = await http(port, `/?token=${t}`);
      assert.equal(json.status, 401);
      assert.equal(JSON.parse(json.body).error.code, 'unauthorized');
      assert.match(JSON.parse(json.body).error.message, /no longer accepts the serve token in the query string/);
    }
    // even together with the right header: the token in a query is a leak, not a credential
    const rpc = await http(port, `/rpc/app.health?token=${serve.token}`, { method: 'POST', headers: rpcHeaders(), body: '{}' });
    assert.equal(rpc.status, 401);
    assert.equal((await http(port, `/events?token=${serve.token}`)).status, 401);
  });

  test('the events stream requires the header token', async () => {
    assert.equal((await http(port, '/events')).status, 401);
    const first = await new Promise<{ status: number; type: string; chunk: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/events', headers: { Authorization: bearer } }, (res) => {
        res.once('data', (c: Buffer) => {
          resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', chunk: c.toString('utf8') });
          req.destroy();
        });
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(first.status, 200);
    assert.equal(first.type, 'text/event-stream');
    assert.match(first.chunk, /^: connected/);
  });

  test('pages carry the strict CSP and frame headers; the header token authenticates RPC', async () => {
    const page = await http(port, '/');
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>Grantdesk<\/title>/);
    assert.equal(page.headers['content-security-policy'], SERVE_CSP);
    assert.doesNotMatch(SERVE_CSP, /unsafe-inline|unsafe-eval/);
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    const rpc = await http(port, '/rpc/settings.get', { method: 'POST', headers: rpcHeaders(), body: '{}' });
    assert.equal(rpc.status, 200);
    assert.equal(JSON.parse(rpc.body).ok, true);
  });

  test('wrong Host (DNS rebinding) is rejected even with a valid token', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, `127.0.0.1`, `[::1]:${port}`, `0.0.0.0:${port}`]) {
      const r = await http(port, '/rpc/app.health', { method: 'POST', headers: { ...rpcHeaders(), Host: host }, body: '{}' });
      assert.equal(r.status, 421, host);
      assert.equal((await http(port, '/', { headers: { Host: host } })).status, 421, `page for ${host}`);
      assert.equal(JSON.parse(r.body).error.code, 'forbidden_sender');
      const t = await http(port, `/?token=${serve.token}`, { headers: { Host: host } });
      assert.equal(t.status, 421, `token exchange for ${host}`);
      assert.equal(t.headers['set-cookie'], undefined);
    }
    assert.equal((await http(port, '/rpc/app.health', { method: 'POST', headers: { ...rpcHeaders(), Host: `localhost:${port}` }, body: '{}' })).status, 200);
  });

  test('a foreign Origin is rejected on RPC, events, pages and preflights', async () => {
    for (const origin of ['http://evil.example', `http://127.0.0.1:${port + 1}`, 'null', `https://127.0.0.1:${port}`, `http://127.0.0.1.evil.example:${port}`]) {
      const rpc = await http(port, '/rpc/settings.set', { method: 'POST', headers: { ...rpcHeaders(), Origin: origin }, body: '{"theme":"dark"}' });
      assert.equal(rpc.status, 403, origin);
      assert.equal(JSON.parse(rpc.body).error.code, 'forbidden_sender');
      assert.equal((await http(port, '/events', { headers: { Authorization: bearer, Origin: origin } })).status, 403);
      const pre = await http(port, '/rpc/settings.set', { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-grantdesk,content-type' } });
      assert.equal(pre.status, 403);
    }
    const r = await testClient(runtime).callResult('settings.get', {});
    assert.ok(r.ok && r.value.theme === 'system', 'no foreign request changed settings');
    const same = await http(port, '/rpc/app.health', { method: 'POST', headers: { ...rpcHeaders(), Origin: `http://127.0.0.1:${port}` }, body: '{}' });
    assert.equal(same.status, 200);
  });

  test('RPC needs POST, the X-Grantdesk header and a JSON content type (no simple cross-site requests)', async () => {
    const noHeader = await http(port, '/rpc/settings.set', { method: 'POST', headers: { Authorization: bearer, 'Content-Type': 'application/json' }, body: '{"theme":"dark"}' });
    assert.equal(noHeader.status, 403);
    assert.equal(JSON.parse(noHeader.body).error.code, 'forbidden_sender');
    const wrongHeader = await http(port, '/rpc/settings.set', { method: 'POST', headers: { Authorization: bearer, 'Content-Type': 'application/json', 'X-Grantdesk': 'yes' }, body: '{"theme":"dark"}' });
    assert.equal(wrongHeader.status, 403);
    const textPlain = await http(port, '/rpc/settings.set', { method: 'POST', headers: { Authorization: bearer, 'Content-Type': 'text/plain', 'X-Grantdesk': '1' }, body: '{"theme":"dark"}' });
    assert.equal(textPlain.status, 403);
    const form = await http(port, '/rpc/settings.set', { method: 'POST', headers: { Authorization: bearer, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'theme=dark' });
    assert.equal(form.status, 403);
    assert.equal((await http(port, '/rpc/app.health', { headers: { Authorization: bearer } })).status, 405);
    const r = await testClient(runtime).callResult('settings.get', {});
    assert.ok(r.ok && r.value.theme === 'system', 'rejected calls changed nothing');
    const unknown = await http(port, '/rpc/app.nope', { method: 'POST', headers: rpcHeaders(), body: '{}' });
    assert.equal(JSON.parse(unknown.body).error.code, 'unknown_command');
    const bad = await http(port, '/rpc/app.health', { method: 'POST', headers: rpcHeaders(), body: '{not json' });
    assert.equal(bad.status, 400);
  });

  test('static files: traversal out of the renderer folder is refused', async () => {
    assert.equal((await http(port, '/assets/app.js')).body, 'console.log(1)');
    for (const path of ['/..%2fsecret.txt', '/%2e%2e%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%2e%2e/secret.txt', '/../secret.txt', '/assets/../../secret.txt', '/..%2frenderer-evil.txt', '/%2fetc%2fpasswd', '/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd']) {
      const r = await http(port, path);
      assert.ok(r.status === 404 || r.status === 400 || (r.status === 200 && r.body.includes('<title>Grantdesk</title>')), `${path}: ${r.status}`);
      assert.doesNotMatch(r.body, /CANARY|root:/, path);
    }
  });

  test('no response carries CORS headers', async () => {
    const pre = await http(port, '/rpc/app.health', { method: 'OPTIONS', headers: { Authorization: bearer, Origin: `http://127.0.0.1:${port}`, 'Access-Control-Request-Method': 'POST' } });
    assert.notEqual(pre.status, 204);
    assert.ok(seen.length > 40, `checked ${seen.length} responses`);
    for (const r of seen) {
      const cors = Object.keys(r.headers).filter((h) => h.startsWith('access-control-'));
      assert.deepEqual(cors, [], `status ${r.status}`);
    }
  });

  test('no response ever sets a cookie, asks for basic auth or echoes the token', async () => {
    assert.ok(seen.length > 60, `checked ${seen.length} responses`);
    for (const r of seen) {
      assert.equal(r.headers['set-cookie'], undefined, `status ${r.status}: Set-Cookie`);
      assert.equal(r.headers['www-authenticate'], undefined, `status ${r.status}: WWW-Authenticate`);
      assert.equal(JSON.stringify(r.headers).includes(serve.token), false, `status ${r.status}: headers echo the token`);
      assert.equal(r.body.includes(serve.token), false, `status ${r.status}: body echoes the token`);
    }
  });
});
