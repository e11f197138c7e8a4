// The sync's JCS of an event body (jcs.ts: one sorted key order per event shape, JSON.stringify for values already in
// JCS order) must write exactly the bytes of a plain RFC 8785 canonicalisation written independently here, for any
// shape, member order and value (integer-like keys V8 lists first, -0, unicode, nested arrays), and the params text it
// hands the cache must be the JCS of params. A shape change between events must never reuse the previous order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { eventBodyJcs, eventHash, jcsOfParsed } from '../../../src-main/services/audit/jcs.ts';
import { hashEvent } from '../../support/audit-chain.ts';

function canon(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  const keys = Object.keys(v).sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return a.charCodeAt(i) - b.charCodeAt(i);
    return a.length - b.length;
  });
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

const value = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.constant(-0),
    fc.string({ unit: 'binary', maxLength: 6 }),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('1', '10', '2', 'b', 'a', 'é', '\u{1F600}', 'A')), tie('v'), { maxKeys: 4 }),
  ),
})).v;
const member = fc.constantFrom('seq', 'id', 'workspace_id', 'occurred_at', 'params', 'status', 'surface', 'mcp_tool', 'zz_extra', '10', 'Z');

test('the fast event JCS equals an independent RFC 8785 canonicalisation; params text is the JCS of params', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.uniqueArray(member, { minLength: 1, maxLength: 9 }), fc.array(value, { minLength: 9, maxLength: 9 })), { minLength: 1, maxLength: 6 }), (events) => {
      for (const [keys, vals] of events) {
        // parsed from JSON text, as the sync sees it (member order as sent; JSON.parse keeps -0 as -0)
        const e = JSON.parse(JSON.stringify(Object.fromEntries(keys.map((k, i) => [k, vals[i]])))) as Record<string, unknown>;
        e.prev_hash = 'a'.repeat(64);
        e.hash = 'b'.repeat(64);
        const { prev_hash: _p, hash: _h, ...body } = e;
        const out = { params: '' };
        assert.equal(eventBodyJcs(e, out), canon(body));
        if ('params' in e) assert.equal(out.params, canon(e.params));
        assert.equal(eventHash(e.prev_hash as string, e), hashEvent(e.prev_hash as string, e));
        assert.equal(jcsOfParsed(body), canon(body));
      }
    }),
    { numRuns: 2000 },
  );
});
