// Pure pieces: CIDR guardrails (ipaddr.js), the usage forecast, grace/ttl parsing and the secretOnce flags of the contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contract, COMMAND_NAMES, graceSchema, secretOnceFields, ttlSchema } from '../../../src-common/contract/index.ts';
import { checkCidr } from '../../../src-main/services/rotation/cidr.ts';
import { forecast } from '../../../src-main/services/rotation/clients-service.ts';
import { guardrailsFor } from '../../../src-main/services/rotation/keys.ts';

test('CIDRs are validated and normalised by ipaddr.js', () => {
  assert.deepEqual(checkCidr('10.1.2.3/8'), { input: '10.1.2.3/8', valid: true, normalized: '10.0.0.0/8', kind: 'ipv4', size: '16777216', problem: 'host bits set: 10.1.2.3/8 is the network 10.0.0.0/8' });
  assert.equal(checkCidr('203.0.113.7').normalized, '203.0.113.7/32');
  assert.equal(checkCidr('2001:db8::/32').normalized, '2001:db8::/32');
  assert.equal(checkCidr('::ffff:192.0.2.1/128').normalized, '192.0.2.1/32');
  assert.match(checkCidr('0.0.0.0/0').problem!, /every IPv4/);
  assert.match(checkCidr('127.0.0.1').problem!, /loopback/);
  for (const bad of ['10.0.0.300/8', '10.0.0.0/33', 'example.com', '10.0.0.0/', '', '1.2.3.4/-1', '=cmd|x']) assert.equal(checkCidr(bad).valid, false, bad);
});

test('forecast: a rising trend flags the days that reach the quota', () => {
  const days = Array.from({ length: 30 }, (_v, i) => ({ date: `d${i}`, requests: 100 + i * 10 }));
  const f = forecast(days, 500, Date.parse('2026-01-31T00:00:00Z'));
  assert.equal(f.perDay.length, 14);
  assert.equal(f.perDay[0]!.date, '2026-02-01');
  assert.equal(f.perDay[0]!.expected, 400);
  assert.deepEqual(f.daysOverQuota, f.perDay.filter((d) => d.expected >= 500).map((d) => d.date));
  assert.equal(f.daysOverQuota[0], '2026-02-11');
  assert.deepEqual(forecast(days.map((d) => ({ ...d, requests: 0 })), 1, 0).daysOverQuota, []);
});

test('grace and ttl accept the CLI forms', () => {
  assert.equal(graceSchema.parse('7d'), 7);
  assert.equal(graceSchema.parse('0'), 0);
  assert.equal(graceSchema.parse(30), 30);
  assert.equal(graceSchema.safeParse('31d').success, false);
  assert.equal(ttlSchema.parse('15m'), 15);
  assert.equal(ttlSchema.parse('1h'), 60);
  assert.equal(ttlSchema.safeParse('4m').success, false);
  assert.equal(ttlSchema.safeParse('61').success, false);
});

test('only the commands that issue a secret carry a secretOnce field, and no other output does', () => {
  const flagged = Object.fromEntries(COMMAND_NAMES.map((n) => [n, secretOnceFields(contract[n].output).map((p) => p.join('.'))]).filter(([, v]) => (v as string[]).length));
  assert.deepEqual(flagged, {
    'keys.create': ['secret'],
    'rotation.advance': ['secret'],
    'rotation.rotate': ['secret'],
    'serviceTokens.mint': ['token'],
    'clients.create': ['clientSecret'],
    'clients.rotate': ['clientSecret'],
    // a secret whose delivery failed, shown once on request
    'delivery.reveal': ['secret'],
    // the replacement of a leaked key rotated with zero grace
    'incident.rotate': ['secret'],
  });
  for (const n of Object.keys(flagged)) assert.equal(contract[n as keyof typeof contract].mutates, true, n);
});

test('guardrail warnings name the expiry as a date a person reads, not raw ISO with milliseconds', () => {
  const now = Date.parse('2026-12-02T01:20:00.000Z');
  const key = { id: 'key_1', name: 'production backend', prefix: 'sk_live_', last_four: '58es', scopes: ['contacts:read'], ip_allowlist: ['203.0.113.0/24'], expires_at: '2026-12-05T00:00:00.000Z', rate_limit_per_minute: 60, created_at: '2026-01-01T00:00:00.000Z', last_used_at: '2026-12-01T23:32:00.000Z', status: 'active' };
  for (const grace of [7, 1]) {
    const expiry = guardrailsFor(key, grace, now).warnings.filter((w) => /expir/.test(w));
    assert.equal(expiry.length, 1, `grace ${grace}: one expiry warning`);
    assert.doesNotMatch(expiry[0]!, /\d{4}-\d{2}-\d{2}T/, `grace ${grace}: ${expiry[0]}`);
    assert.match(expiry[0]!, /Dec 5, 2026, 00:00 UTC/);
  }
});
