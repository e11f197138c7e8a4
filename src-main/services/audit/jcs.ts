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

// The platform's members in JCS order; when an event has exactly these (plus prev_hash and hash) the body is built directly.
const BODY_KEYS = ['caller_ip', 'credential_id', 'credential_type', 'duration_ms', 'endpoint', 'id', 'method', 'occurred_at', 'params', 'pii_accessed', 'seq', 'status', 'workspace_id'] as const;
const BODY_PREFIX = BODY_KEYS.map((k, i) => (i ? ',' : '{') + JSON.stringify(k) + ':');

/** JCS of an event without its prev_hash and hash members. */
export function eventBodyJcs(event: Record<string, unknown>): string {
  const n = Object.keys(event).length;
  if (n === BODY_KEYS.length + 2 && 'prev_hash' in event && 'hash' in event) {
    let out = '';
    let ok = true;
    for (let i = 0; i < BODY_KEYS.length; i++) {
      const v = event[BODY_KEYS[i]!];
      if (v === undefined) {
        ok = false; // a member missing: the general path decides
        break;
      }
      out += BODY_PREFIX[i] + (typeof v === 'string' ? JSON.stringify(v) : jcs(v));
    }
    if (ok) return out + '}';
  }
  const keys = Object.keys(event).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    if (k === 'prev_hash' || k === 'hash') continue;
    const v = event[k];
    if (v === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(k) + ':' + jcs(v);
    first = false;
  }
  return out + '}';
}

/** hash = lowercase hex SHA-256 of UTF-8(prev_hash + JCS(event minus prev_hash and hash)). */
export function eventHash(prevHash: string, event: Record<string, unknown>): string {
  return sha256Hex(prevHash + eventBodyJcs(event));
}

// crypto.hash (Node ≥ 20.12) is a one-shot without a Hash object per call; createHash is the fallback.
const oneShot = (nodeCrypto as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;
export function sha256Hex(data: string): string {
  return oneShot ? oneShot('sha256', data, 'hex') : nodeCrypto.createHash('sha256').update(data, 'utf8').digest('hex');
}
