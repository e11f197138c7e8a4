// The sync's hand-written event check must accept and reject exactly what the zod schema (the contract as written) does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditPageResponseSchema, isPlatformEvent, MAX_OCCURRED_MS, MAX_PAGE, platformEventSchema } from '../../../src-main/services/audit/platform-schema.ts';
import { makeChain } from '../../support/audit-chain.ts';

const s = (n: number, c = 'x') => c.repeat(n);
const VALUES: unknown[] = [
  undefined, null, true, false, 0, -0, 1, -1, 1.5, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, '', 'x', '1', '0'.repeat(64), 'a'.repeat(64), 'A'.repeat(64),
  'g'.repeat(64), '0'.repeat(63), '0'.repeat(65), s(16), s(17), s(40), s(41), s(100), s(101), s(200), s(201), s(300), s(301), s(2000), s(2001), [], {}, [1], { a: 1 },
  '2026-02-01T10:00:00.000Z', '2026-02-01T10:00:00Z', '2026-02-01T10:00:00+02:00', '2026-02-01', '2026-13-01T10:00:00Z', '1969-12-31T23:59:59.999Z', '1970-01-01T00:00:00.000Z',
  new Date(MAX_OCCURRED_MS - 1).toISOString(), new Date(MAX_OCCURRED_MS).toISOString(), '+002026-02-01T10:00:00Z', ' 2026-02-01T10:00:00Z', `2026-02-01T10:00:00Z${s(30)}`,
  'GET', '/v1/contacts', '10.0.0.1', '😀'.repeat(100), '😀'.repeat(101), '😀'.repeat(200), '😀'.repeat(201), '\ud83d'.repeat(201), '\ud83d'.repeat(200), '\ude00', '\ud83d',
  '😀'.repeat(8), '😀'.repeat(9), `2026-02-01T10:00:00Z${'😀'.repeat(10)}`, `2026-02-01T10:00:00.000Z${'😀'.repeat(16)}`, `2026-02-01T10:00:00.000Z${'😀'.repeat(17)}`,
];
const KEYS = ['seq', 'id', 'workspace_id', 'occurred_at', 'credential_id', 'credential_type', 'caller_ip', 'method', 'endpoint', 'params', 'status', 'duration_ms', 'pii_accessed', 'prev_hash', 'hash', 'extra'];

test('isPlatformEvent agrees with platformEventSchema on every single-member mutation', () => {
  const base = makeChain('ws_schema', 40, { seed: 7, hostileEvery: 3 }) as unknown as Record<string, unknown>[];
  let checked = 0;
  let accepted = 0;
  const check = (v: unknown) => {
    const want = platformEventSchema.safeParse(v).success;
    assert.equal(isPlatformEvent(v), want, `disagree on ${JSON.stringify(v)?.slice(0, 300)}`);
    checked++;
    if (want) accepted++;
  };
  for (const e of base) {
    check(e);
    for (const k of KEYS) {
      const { [k]: _, ...without } = e;
      check(without);
      for (const v of VALUES) check({ ...e, [k]: v });
    }
  }
  for (const v of VALUES) check(v);
  assert.ok(checked > 30_000 && accepted > 1000 && accepted < checked - 10_000, `${accepted}/${checked}`);
});

test('the page schema rejects a page with one bad event whole, and caps its size', () => {
  const events = makeChain('ws_schema', 5, { seed: 8 });
  const page = { workspace_id: 'ws_schema', events, next_after_seq: 5, has_more: false };
  assert.equal(auditPageResponseSchema.safeParse(page).success, true);
  assert.equal(auditPageResponseSchema.safeParse({ ...page, events: [...events.slice(0, 4), { ...events[4], seq: 5.5 }] }).success, false);
  assert.equal(auditPageResponseSchema.safeParse({ ...page, events: [...events, 'x'] }).success, false);
  assert.equal(auditPageResponseSchema.safeParse({ ...page, events: Array(MAX_PAGE + 1).fill(events[0]) }).success, false);
  const r = auditPageResponseSchema.safeParse({ ...page, events: [...events.slice(0, 2), { ...events[2], hash: 'X'.repeat(64) }] });
  assert.equal(r.success, false);
  assert.deepEqual(r.error!.issues[0]!.path, ['events', 2]);
});
