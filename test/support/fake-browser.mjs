// A scripted "system browser" for tests and the demo: follows an authorization URL through redirects with a cookie jar
// (auto-consent platforms need no clicks) until it reaches the loopback redirect, which it then loads like a browser would.
// Usage as GRANTDESK_BROWSER: `node test/support/fake-browser.mjs <url>`; or import { follow }.
import { pathToFileURL } from 'node:url';

export async function follow(startUrl, { maxHops = 20, deny = false } = {}) {
  const jar = new Map();
  let url = new URL(startUrl);
  for (let hop = 0; hop < maxHops; hop++) {
    const cookie = [...jar.entries()].filter(([k]) => k.startsWith(url.host + '|')).map(([k, v]) => `${k.split('|')[1]}=${v}`).join('; ');
    if (deny && url.pathname.startsWith('/interaction/') && !url.pathname.endsWith('/abort')) {
      const res = await fetch(new URL(url.pathname + '/abort', url), { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
      const loc = res.headers.get('location');
      await res.arrayBuffer();
      if (!loc) return { status: res.status, url: url.href };
      url = new URL(loc, url);
      continue;
    }
    const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const sc of res.headers.getSetCookie?.() ?? []) {
      const [pair] = sc.split(';');
      const i = pair.indexOf('=');
      jar.set(`${url.host}|${pair.slice(0, i).trim()}`, pair.slice(i + 1).trim());
    }
    const loc = res.headers.get('location');
    const body = await res.text();
    if (res.status >= 300 && res.status < 400 && loc) {
      url = new URL(loc, url);
      continue;
    }
    return { status: res.status, url: url.href, body, headers: Object.fromEntries(res.headers) };
  }
  throw new Error('too many redirects');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  follow(process.argv[2]).then(
    (r) => process.exit(r.status === 200 ? 0 : 1),
    () => process.exit(1),
  );
}
