// The Electron shell's security policy and wiring, in plain Node (split from test/node/electron-shell.test.ts by responsibility):
// the app:// protocol: traversal, methods, CSP headers, scheme privileges.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, isAbsolute } from 'node:path';
import { createAppProtocolHandler, resolveAppPath, responseHeaders, APP_SCHEME_PRIVILEGES } from '../../../src-main/electron/protocol.ts';
import { APP_CSP } from '../../../src-main/electron/security.ts';
import { REQUIRED_CSP } from './fakes.ts';

describe('app:// protocol', () => {
  const base = mkdtempSync(join(tmpdir(), 'grantdesk-proto-'));
  const root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  mkdirSync(join(base, 'renderer-evil'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(base, 'secret.txt'), 'SECRET-CANARY');
  writeFileSync(join(base, 'renderer-evil', 'x.js'), 'SECRET-CANARY');
  const reads: string[] = [];
  const handler = createAppProtocolHandler({
    rootDir: root,
    readFile: async (f) => {
      reads.push(f);
      return readFileSync(f);
    },
  });
  const get = (url: string, method = 'GET') => handler({ url, method });

  test('serves index.html for / with the CSP and nosniff', async () => {
    const r = await get('app://grantdesk/');
    assert.equal(r.status, 200);
    assert.match(await r.text(), /id="root"/);
    assert.equal(r.headers.get('content-security-policy'), REQUIRED_CSP);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
  });
  test('serves assets with their type and the CSP', async () => {
    const r = await get('app://grantdesk/assets/app.js');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal(r.headers.get('content-security-policy'), REQUIRED_CSP);
  });
  test('the CSP constant, the header and the required policy are one string (no unsafe-inline/eval)', () => {
    assert.equal(APP_CSP, REQUIRED_CSP);
    assert.equal(responseHeaders('text/plain')['Content-Security-Policy'], REQUIRED_CSP);
    assert.doesNotMatch(APP_CSP, /unsafe-/);
  });
  const traversal: Array<[string, number[]]> = [
    ['app://grantdesk/../secret.txt', [404]], // the URL parser collapses ../ before we see it: stays inside root
    ['app://grantdesk/%2e%2e/secret.txt', [404]],
    ['app://grantdesk/..%2fsecret.txt', [403]],
    ['app://grantdesk/..%2F..%2Fsecret.txt', [403]],
    ['app://grantdesk/assets/..%2f..%2fsecret.txt', [403]],
    ['app://grantdesk/..%2frenderer-evil%2fx.js', [403]],
    ['app://grantdesk/%2e%2e%2fsecret.txt', [403]],
    ['app://grantdesk/..%5csecret.txt', [400]],
    ['app://grantdesk/index.html%00.js', [400]],
    ['app://grantdesk/%E0%A4%A', [400]],
    ['app://grantdesk/%2fetc%2fpasswd', [404]],
    ['app://evil/index.html', [403]],
    ['app://grantdesk.evil/index.html', [403]],
    ['app://grantdesk@evil/index.html', [403]],
    ['app://grantdesk:99/index.html', [403]],
    ['https://grantdesk/index.html', [403]],
    ['::not a url::', [400]],
  ];
  for (const [url, statuses] of traversal) {
    test(`refuses ${url}`, async () => {
      const r = await get(url);
      assert.ok(statuses.includes(r.status), `${url} -> ${r.status}`);
      const body = await r.text();
      assert.doesNotMatch(body, /SECRET-CANARY/);
      assert.equal(r.headers.get('content-security-policy'), REQUIRED_CSP);
    });
  }
  test('resolveAppPath never yields a file outside the root', () => {
    for (const [url] of traversal) {
      const r = resolveAppPath(root, url);
      if (r.ok) {
        const rel = relative(root, r.file);
        assert.ok(!rel.startsWith('..') && !isAbsolute(rel), url);
      }
    }
  });
  test('only GET and HEAD', async () => {
    assert.equal((await get('app://grantdesk/index.html', 'POST')).status, 405);
    const head = await get('app://grantdesk/index.html', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });
  test('no read ever left the root', () => {
    assert.ok(reads.length > 0);
    for (const f of reads) {
      const rel = relative(root, f);
      assert.ok(!rel.startsWith('..') && !isAbsolute(rel), f);
    }
    rmSync(base, { recursive: true, force: true });
  });
  test('the scheme is standard and secure, without CSP bypass or service workers', () => {
    assert.equal(APP_SCHEME_PRIVILEGES.scheme, 'app');
    assert.equal(APP_SCHEME_PRIVILEGES.privileges.standard, true);
    assert.equal(APP_SCHEME_PRIVILEGES.privileges.secure, true);
    assert.equal(APP_SCHEME_PRIVILEGES.privileges.bypassCSP, false);
    assert.equal(APP_SCHEME_PRIVILEGES.privileges.allowServiceWorkers, false);
  });
});
