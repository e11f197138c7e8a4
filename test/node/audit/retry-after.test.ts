// Retry-After (RFC 9110 §10.2.3) as the app reads it: delta-seconds or an HTTP-date in any of its three forms; garbage,
// negative, fractional and absurd values ignored. The undici adapter honours one in place only up to the cap and within
// the deadline: a longer one comes back to the caller at once (a real loopback server, counting requests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeRetryAt, parseRetryAfter, rateLimitedFrom, RETRY_AFTER_CAP_MS } from '../../../src-main/ports/http.ts';
import { createUndiciHttp } from '../../../src-main/adapters/undici-http.ts';

const NOW = Date.parse('2026-12-01T14:05:00.000Z');

test('delta-seconds and the three HTTP-date forms; garbage, negative and absurd values are ignored', () => {
  assert.equal(parseRetryAfter('3600', NOW), 3_600_000);
  assert.equal(parseRetryAfter(' 5 ', NOW), 5000);
  assert.equal(parseRetryAfter('0', NOW), 0);
  assert.equal(parseRetryAfter('Tue, 01 Dec 2026 15:05:00 GMT', NOW), 3_600_000, 'IMF-fixdate');
  assert.equal(parseRetryAfter('Tuesday, 01-Dec-26 15:05:00 GMT', NOW), 3_600_000, 'obsolete RFC 850');
  assert.equal(parseRetryAfter('Tue Dec  1 15:05:00 2026', NOW), 3_600_000, 'obsolete asctime');
  assert.equal(parseRetryAfter('Tue, 01 Dec 2026 13:05:00 GMT', NOW), 0, 'a date in the past: retry now');
  for (const bad of ['-5', '1.5', '3600, or so', 'soon', '', '  ', '99999999999999999999', '2026-12-01T15:05:00Z', 'Tue, 31 Feb 2026 15:05:00 GMT', 'Tue, 01 Dec 2026 15:05:00 PST', '0x10', '1e3', undefined, null]) {
    assert.equal(parseRetryAfter(bad as string, NOW), null, JSON.stringify(bad));
  }
  assert.equal(parseRetryAfter(String(400 * 24 * 3600), NOW), null, 'more than a year is not a real wait');
});

test('the typed rate_limited error carries the wait and says when to retry, for a person', () => {
  const e = rateLimitedFrom({ headers: { 'retry-after': '3600' } }, 'GET /v1/audit-events/head', NOW);
  assert.equal(e.code, 'rate_limited');
  assert.equal(e.retryAfterMs, 3_600_000);
  assert.equal(e.retryAt, NOW + 3_600_000);
  assert.equal(e.message, 'GET /v1/audit-events/head was rate limited by the platform; retry in 60 minutes (at 15:05 UTC)');
  const none = rateLimitedFrom({ headers: { 'retry-after': 'in 3600 seconds' } }, 'GET /v1/x', NOW);
  assert.equal(none.retryAfterMs, null, 'digits inside garbage are not a wait');
  assert.match(none.message, /no usable retry time/);
  assert.equal(describeRetryAt(NOW + 5000, NOW), 'in 5 seconds (at 14:05:05 UTC)');
  assert.equal(describeRetryAt(NOW + 12 * 3600_000, NOW), 'in 12 hours (at 2026-12-02 02:05 UTC)');
});

test('the adapter waits in place for a short Retry-After, and hands a longer one than the cap back at once', async () => {
  let hits = 0;
  let retryAfter = '1';
  const server = createServer((req, res) => {
    hits++;
    if (hits === 1) {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': retryAfter });
      res.end('{"error":"rate_limited"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
  const http = createUndiciHttp({ userAgent: 'test' });
  try {
    const ok = await http.request({ method: 'GET', url, deadlineMs: 30_000, maxBytes: 1000, retry: 'idempotent' });
    assert.equal(ok.status, 200);
    assert.equal(hits, 2, 'one retry after the 1 s the server asked for');
    // longer than the cap, although the deadline would allow it: returned, not waited for
    hits = 0;
    retryAfter = String(RETRY_AFTER_CAP_MS / 1000 + 1);
    const limited = await http.request({ method: 'GET', url, deadlineMs: 10 * RETRY_AFTER_CAP_MS, maxBytes: 1000, retry: 'idempotent' });
    assert.equal(limited.status, 429);
    assert.equal(hits, 1);
    // garbage is ignored: backoff, then the retry succeeds
    hits = 0;
    retryAfter = '-5';
    assert.equal((await http.request({ method: 'GET', url, deadlineMs: 30_000, maxBytes: 1000, retry: 'idempotent' })).status, 200);
    assert.equal(hits, 2);
  } finally {
    server.close();
  }
});
