// RFC 8785 JSON Canonicalization Scheme and the platform's audit hash chain, written here (not shared with the sandbox).
// JCS: object members sorted by UTF-16 code units, no whitespace, strings escaped as ECMAScript JSON.stringify does
// (which RFC 8785 §3.2.2.2 adopts), numbers serialized as ECMAScript Number.prototype.toString (§3.2.2.3).
import * as nodeCrypto from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export function jcs(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('JCS: non-finite number');
      // JSON.stringify of a finite number is ECMAScript's Number serialization; -0 becomes 0 as JCS requires.
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + jcs(value[i]);
        return out + ']';
      }
      // Default sort compares UTF-16 code units, exactly what RFC 8785 §3.2.3 asks for.
      const keys = Object.keys(value as object).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const v = (value as Record<string, unknown>)[k];
        if (v === undefined) continue;
        out += (first ? '' : ',') + JSON.stringify(k) + ':' + jcs(v);
        first = false;
      }
      return out + '}';
    }
    default:
      throw new TypeError(`JCS: unsupported type ${typeof value}`);
  }
}

/**
 * JCS of a value parsed from JSON text: when every object in it already lists its members in JCS order (and only then),
 * JSON.stringify writes exactly the JCS bytes (same string escaping, same number form, -0 as 0), natively and fast.
 * Anything else (members out of order, integer-like keys V8 lists first) goes through jcs().
 */
export function jcsOfParsed(value: unknown): string {
  return inJcsOrder(value) ? JSON.stringify(value) : jcs(value);
}

function inJcsOrder(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return typeof v !== 'number' || Number.isFinite(v);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!inJcsOrder(v[i])) return false;
    return true;
  }
  const keys = Object.keys(v);
  for (let i = 0; i < keys.length; i++) {
    if (i > 0 && !(keys[i - 1]! < keys[i]!)) return false;
    const x = (v as Record<string, unknown>)[keys[i]!];
    if (x === undefined || !inJcsOrder(x)) return false;
  }
  return true;
}

/**
 * The member order of the last event shape seen (pages repeat one shape): its keys as listed, the body keys in JCS order
 * and the `,"key":` prefixes. A different shape is sorted once and becomes the remembered one.
 */
let shapeKeys: string[] = [];
let shapeSorted: string[] = [];
let shapePrefix: string[] = [];

function shapeOf(keys: string[]): void {
  if (keys.length === shapeKeys.length) {
    let same = true;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== shapeKeys[i]) {
        same = false;
        break;
      }
    }
    if (same) return;
  }
  shapeKeys = keys;
  // Default sort compares UTF-16 code units (RFC 8785 §3.2.3)
  shapeSorted = keys.filter((k) => k !== 'prev_hash' && k !== 'hash').sort();
  shapePrefix = shapeSorted.map((k, i) => (i ? ',' : '{') + JSON.stringify(k) + ':');
}

/** JCS of an event without its prev_hash and hash members; `out.params`, when given, receives the JCS of `params`. */
export function eventBodyJcs(event: Record<string, unknown>, out?: { params: string }): string {
  shapeOf(Object.keys(event));
  let body = '';
  let n = 0;
  for (let i = 0; i < shapeSorted.length; i++) {
    const k = shapeSorted[i]!;
    const v = event[k];
    if (v === undefined) continue; // JCS leaves undefined members out (never the case for parsed JSON)
    const text = typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' && v !== null ? jcsOfParsed(v) : jcs(v);
    if (k === 'params' && out) out.params = text;
    body += (n === i ? shapePrefix[i] : (n ? ',' : '{') + JSON.stringify(k) + ':') + text;
    n++;
  }
  return n ? body + '}' : '{}';
}

/** hash = lowercase hex SHA-256 of UTF-8(prev_hash + JCS(event minus prev_hash and hash)). */
export function eventHash(prevHash: string, event: Record<string, unknown>, out?: { params: string }): string {
  return sha256Hex(prevHash + eventBodyJcs(event, out));
}

// crypto.hash (Node ≥ 20.12) is a one-shot without a Hash object per call; createHash is the fallback.
const oneShot = (nodeCrypto as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;
export function sha256Hex(data: string): string {
  return oneShot ? oneShot('sha256', data, 'hex') : nodeCrypto.createHash('sha256').update(data, 'utf8').digest('hex');
}
