// parseJsonStrict (adapters/undici-http.ts): a platform body with a `__proto__` member anywhere, spelled literally or
// with \u escapes of any of its letters, is refused whole; any other document parses exactly as JSON.parse does, whether
// it takes the native path (no callback per value) or the checked one (escapes present).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseJsonStrict } from '../../../src-main/adapters/undici-http.ts';

/** a JSON string literal with each character written as-is or (with probability) as a \uXXXX escape */
function literal(s: string, escapes: boolean[]): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const plain = JSON.stringify(s[i]!).slice(1, -1);
    out += escapes[i % escapes.length] || plain.startsWith('\\u') ? `\\u${c.toString(16).padStart(4, '0')}` : plain;
  }
  return out + '"';
}

type J = null | boolean | number | string | J[] | { k: string; v: J }[];
const key = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', '__proto', 'proto__', '_proto_', 'a', 'seq', 'params', 'x\u0000y'), fc.string({ maxLength: 6 }));
const tree = fc.letrec<{ j: J }>((tie) => ({
  j: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.string({ maxLength: 8 }),
    fc.array(tie('j'), { maxLength: 3 }),
    fc.array(fc.record({ k: key, v: tie('j') }), { maxLength: 4 }),
  ),
})).j;

function render(j: J, esc: boolean[]): string {
  if (Array.isArray(j)) {
    if (j.length && typeof j[0] === 'object' && j[0] !== null && !Array.isArray(j[0]) && 'k' in (j[0] as object)) return `{${(j as { k: string; v: J }[]).map((m) => `${literal(m.k, esc)}:${render(m.v, esc)}`).join(',')}}`;
    return `[${(j as J[]).map((x) => render(x, esc)).join(',')}]`;
  }
  return typeof j === 'string' ? literal(j, esc) : JSON.stringify(j);
}
function hasProtoKey(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasProtoKey);
  if (v && typeof v === 'object') return Object.keys(v).some((k) => k === '__proto__' || hasProtoKey((v as Record<string, unknown>)[k]));
  return false;
}

test('a __proto__ member anywhere, literal or escaped, refuses the document; anything else parses as JSON.parse', () => {
  fc.assert(
    fc.property(tree, fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }), (j, esc) => {
      const text = render(j, esc);
      const plain = JSON.parse(text) as unknown;
      if (hasProtoKey(plain)) assert.throws(() => parseJsonStrict(text), /__proto__/);
      else assert.deepEqual(parseJsonStrict(text), plain);
    }),
    { numRuns: 3000 },
  );
  // the spellings an attacker would try
  for (const t of ['{"__proto__":{"polluted":true}}', '{"a":[{"\\u005f_proto__":1}]}', '{"__pr\\u006fto__":1}', '{"__prot\\u006F__":1}', '{"x":{"\\u005F\\u005Fproto\\u005F\\u005F":{}}}']) {
    assert.throws(() => parseJsonStrict(t), /__proto__/, t);
  }
  assert.deepEqual(parseJsonStrict('{"note":"\\u0000 and \\\\u005f is text","__proto":1}'), { note: '\u0000 and \\u005f is text', __proto: 1 });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
