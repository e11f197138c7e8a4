// RFC 8785 JSON Canonicalization Scheme: sorted keys (UTF-16 code unit order), ES number/string serialisation.
import { createHash } from 'node:crypto';

export function jcs(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => jcs(v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${jcs(obj[k])}`).join(',')}}`;
}

export const GENESIS_HASH = '0'.repeat(64);

export function chainHash(prevHash: string, eventWithoutHashes: unknown): string {
  return createHash('sha256').update(prevHash + jcs(eventWithoutHashes), 'utf8').digest('hex');
}
