// Serve mode holds no ambient credential: the per-launch token never rides on anything the browser sends by itself
// (cookies, basic auth), so a second web server on 127.0.0.1 (another port) never receives it — whether the user types
// its URL in the Grantdesk tab, follows a link from it, or that server's own page fetches itself and the serve port.
// The tab keeps the token in sessionStorage: a reload still works, a fresh tab on the bare URL gets 401 on every RPC.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Browser, Request } from 'playwright-core';
import { startServeFixture, type ServeFixture } from '../support/serve-fixture.ts';
import { eventually, launchChromium } from './helpers.ts';

interface Recorded {
  where: string;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

// In-page code runs as functions (the serve page's CSP forbids string eval); the node-side typecheck has no DOM lib,
// so the few DOM members used are typed here.
interface MiniDoc {
  cookie: string;
  body: { appendChild(n: unknown): void };
  createElement(tag: 'a'): { href: string; textContent: string; click(): void };
}

/** a plain web server on 127.0.0.1 that records every request; its page fetches itself and the serve port */
function startOtherServer(servePort: () => number, recorded: Recorded[]): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    recorded.push({ where: 'other', method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if (req.url?.startsWith('/page')) {
      // the other server's own page: a same-origin fetch with credentials, then two cross-port fetches to Grantdesk
      const serve = `http://127.0.0.1:${servePort()}`;
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>other</title><script>
(async () => {
  await fetch('/self-fetch', { credentials: 'include' }).catch(() => {});
  await fetch('${serve}/probe-from-other-page', { credentials: 'include', mode: 'no-cors' }).catch(() => {});
  await fetch('${serve}/rpc/app.health', { method: 'POST', credentials: 'include', mode: 'no-cors', body: '{}' }).catch(() => {});
  await fetch('${serve}/events', { credentials: 'include', mode: 'no-cors' }).catch(() => {});
  await fetch('/done', { credentials: 'include' });
})();
</script>`);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>other</title><p>other server</p>');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      assert.ok(a !== null && typeof a === 'object');
      resolve({ server, origin: `http://127.0.0.1:${a.port}` });
    });
  });
}

describe('serve mode: no ambient credential (real Chromium)', () => {
  let browser: Browser;
  let app: ServeFixture;
  let other: { server: Server; origin: string } | null = null;
  const recorded: Recorded[] = [];

  before(async () => {
    browser = await launchChromium();
    app = await startServeFixture({ browser });
    // every request the serve port receives is recorded too (an extra listener observes, the serve handler answers)
    app.serve.server.prependListener('request', (req) => {
      recorded.push({ where: 'serve', method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    });
  });
  after(async () => {
    await app?.close();
    await browser?.close();
    await new Promise<void>((r) => (other ? other.server.close(() => r()) : r()));
  });

  test('the token reaches no other server on 127.0.0.1: typed URL, followed link, that page fetching itself and the serve port', async () => {
    const { page, serve } = app;
    const token = serve.token;
    const origin = `http://127.0.0.1:${serve.port}`;

    // the app loaded from the printed URL and made RPCs with the token in a header, not in a cookie or the URL
    assert.equal(await page.getByTestId('app-frame').getAttribute('data-ready'), 'true');
    assert.equal(new URL(page.url()).hash.includes(token), false, `the token left the address bar: ${page.url()}`);
    const rpcs: Request[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/rpc/')) rpcs.push(r);
    });
    await page.reload();
    await page.locator('[data-testid="app-frame"][data-ready="true"]').waitFor();
    assert.ok(rpcs.length > 0, 'the reloaded tab made RPCs');
    for (const r of rpcs) {
      const h = await r.allHeaders();
      assert.equal(h['authorization'], `Bearer ${token}`, r.url());
      assert.equal(h['cookie'], undefined, r.url());
      assert.equal(r.url().includes(token), false);
      assert.equal((await r.response())?.status(), 200, r.url());
    }

    // events: a fetch stream with the header; a state change pushed on the bus reaches the tab (it reloads settings)
    const settingsGets = () => rpcs.filter((r) => r.url().endsWith('/rpc/settings.get')).length;
    const before = settingsGets();
    await eventually(
      async () => {
        app.runtime.bus.emit('state.changed', { topic: 'settings', workspaceId: null });
        return settingsGets();
      },
      (n) => n > before,
      'a state.changed event reached the tab over the events stream',
    );
    const eventsReqs = recorded.filter((r) => r.where === 'serve' && r.url === '/events');
    assert.ok(eventsReqs.length > 0, 'the tab opened the events stream');
    for (const r of eventsReqs) assert.equal(r.headers.authorization, `Bearer ${token}`);

    other = await startOtherServer(() => serve.port, recorded);

    // (a) typed URL in the Grantdesk tab
    await page.goto(`${other.origin}/typed`);
    // back to Grantdesk on its bare URL: the tab's sessionStorage still holds the token
    await page.goto(`${origin}/#/settings`);
    await page.locator('[data-testid="app-frame"][data-ready="true"]').waitFor();

    // (b) a link followed from the Grantdesk tab, to the other server's page that (c) fetches itself and the serve port
    await page.evaluate((href) => {
      const d = (globalThis as unknown as { document: MiniDoc }).document;
      const a = d.createElement('a');
      a.href = href;
      a.textContent = 'elsewhere';
      d.body.appendChild(a);
      a.click();
    }, `${other.origin}/page-from-link`);
    await page.waitForURL(`${other.origin}/page-from-link`);
    await eventually(async () => recorded.some((r) => r.where === 'other' && r.url === '/done'), (v) => v, "the other server's page finished fetching");

    const otherReqs = recorded.filter((r) => r.where === 'other');
    for (const path of ['/typed', '/page-from-link', '/self-fetch', '/done']) assert.ok(otherReqs.some((r) => r.url === path), `the other server saw ${path}`);
    const fromOtherPage = recorded.filter((r) => r.where === 'serve' && (r.headers.origin === other!.origin || (r.headers.referer ?? '').startsWith(other!.origin)));
    assert.equal(fromOtherPage.length, 3, `the serve port saw the other page's fetches: ${JSON.stringify(fromOtherPage.map((r) => r.url))}`);
    for (const r of [...otherReqs, ...fromOtherPage]) {
      const all = JSON.stringify(r);
      assert.equal(all.includes(token), false, `${r.where} ${r.method} ${r.url} carried the serve token: ${all}`);
      assert.equal(r.headers.cookie, undefined, `${r.where} ${r.method} ${r.url} carried a cookie: ${r.headers.cookie}`);
      assert.equal(r.headers.authorization, undefined, `${r.where} ${r.method} ${r.url} carried credentials`);
    }

    // nothing in the browser holds the token as a cookie, for any origin
    assert.deepEqual(await app.context.cookies(), []);
    await page.goto(`${origin}/#/settings`);
    await page.locator('[data-testid="app-frame"][data-ready="true"]').waitFor();
    assert.equal(await page.evaluate(() => (globalThis as unknown as { document: MiniDoc }).document.cookie), '');
  });

  test('a fresh tab on the bare URL (no fragment) gets no data: every RPC is refused 401; the printed URL then opens it', async () => {
    const fresh = await app.context.newPage();
    try {
      const responses: Array<{ url: string; status: number }> = [];
      fresh.on('response', (r) => {
        if (r.url().includes('/rpc/')) responses.push({ url: r.url(), status: r.status() });
      });
      await fresh.goto(`http://127.0.0.1:${app.serve.port}/`);
      await fresh.getByTestId('health-error-banner').waitFor();
      assert.match((await fresh.getByTestId('health-error-banner').textContent()) ?? '', /grantdesk serve/);
      assert.ok(responses.length > 0, 'the fresh tab tried RPCs');
      for (const r of responses) assert.equal(r.status, 401, r.url);
      assert.equal(await fresh.getByTestId('app-frame').getAttribute('data-ready'), 'false');
      // the printed URL opened in this same tab (a same-document, fragment-only navigation) takes the token and loads
      await fresh.goto(`${app.serve.url}#/settings`);
      await fresh.locator('[data-testid="app-frame"][data-ready="true"][data-route="settings"]').waitFor();
      assert.equal(fresh.url(), `http://127.0.0.1:${app.serve.port}/#/settings`);
    } finally {
      await fresh.close();
    }
  });
});
