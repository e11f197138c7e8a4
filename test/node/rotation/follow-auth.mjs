#!/usr/bin/env node
// Test-only "browser" for GRANTDESK_BROWSER: follows an authorization URL through the sandbox's auto-consent to the
// app's loopback callback, carrying cookies, then requests the callback like a browser would.
const start = process.argv[2];
const redirect = new URL(start).searchParams.get('redirect_uri');
const jar = new Map();
let url = start;
for (let hops = 0; hops < 12; hops++) {
  const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const r = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  for (const c of r.headers.getSetCookie()) {
    const [kv = ''] = c.split(';');
    const i = kv.indexOf('=');
    jar.set(kv.slice(0, i), kv.slice(i + 1));
  }
  if (url.startsWith(redirect.replace(/:\d+\//, ':')) || (redirect && new URL(url).pathname === new URL(redirect).pathname && new URL(url).hostname === '127.0.0.1' && !r.headers.get('location'))) break;
  const loc = r.headers.get('location');
  await r.body?.cancel();
  if (!loc) break;
  url = new URL(loc, url).href;
}
