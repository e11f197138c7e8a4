// Caller IPs as 32 hex digits (IPv4 mapped into IPv6, RFC 4291 §2.5.5.2) so that a CIDR block is one index range.
import ipaddr from 'ipaddr.js';

function bytesOf(addr: ipaddr.IPv4 | ipaddr.IPv6): number[] {
  return addr.kind() === 'ipv4' ? (addr as ipaddr.IPv4).toIPv4MappedAddress().toByteArray() : addr.toByteArray();
}
const hex = (bytes: number[]) => bytes.map((b) => b.toString(16).padStart(2, '0')).join('');

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const memo = new Map<string, string | null>();

export function ipHex(ip: string | null | undefined): string | null {
  if (!ip) return null;
  const m = V4.exec(ip);
  if (m) {
    let out = '00000000000000000000ffff';
    for (let i = 1; i <= 4; i++) {
      const n = Number(m[i]);
      if (n > 255 || (m[i]!.length > 1 && m[i]![0] === '0')) return null;
      out += (n < 16 ? '0' : '') + n.toString(16);
    }
    return out;
  }
  const fast = fastV6Hex(ip);
  if (fast !== null) return fast;
  const hit = memo.get(ip);
  if (hit !== undefined) return hit;
  const v = slowIpHex(ip);
  if (memo.size > 10_000) memo.clear();
  memo.set(ip, v);
  return v;
}

const V6_CHARS = /^[0-9a-fA-F:]{2,39}$/;
const GROUP = /^[0-9a-fA-F]{1,4}$/;
/**
 * Plain hex IPv6 (8 groups, or at most 6 groups around one "::"), the forms every parser agrees on; null for anything else
 * (embedded IPv4, zones, odd forms), which then goes through ipaddr.js. test/node/audit/ip.test.ts compares both.
 */
function fastV6Hex(ip: string): string | null {
  if (!V6_CHARS.test(ip)) return null;
  const dbl = ip.indexOf('::');
  let head: string[];
  let tail: string[];
  if (dbl === -1) {
    head = ip.split(':');
    tail = [];
    if (head.length !== 8) return null;
  } else {
    if (ip.indexOf('::', dbl + 1) !== -1) return null;
    const l = ip.slice(0, dbl);
    const r = ip.slice(dbl + 2);
    head = l ? l.split(':') : [];
    tail = r ? r.split(':') : [];
    if (head.length + tail.length > 6) return null;
  }
  let out = '';
  for (const g of head) {
    if (!GROUP.test(g)) return null;
    out += g.toLowerCase().padStart(4, '0');
  }
  if (dbl !== -1) out += '0000'.repeat(8 - head.length - tail.length);
  for (const g of tail) {
    if (!GROUP.test(g)) return null;
    out += g.toLowerCase().padStart(4, '0');
  }
  return out;
}

/** ipaddr.js only (no fast paths); exported for the differential test. */
export function slowIpHex(ip: string): string | null {
  try {
    if (!ipaddr.isValid(ip)) return null;
    return hex(bytesOf(ipaddr.parse(ip)));
  } catch {
    return null;
  }
}

/** [lo, hi] inclusive hex bounds of an IP or CIDR block; null when it is neither. */
export function ipRange(spec: string): [string, string] | null {
  try {
    let addr: ipaddr.IPv4 | ipaddr.IPv6;
    let prefix: number;
    if (spec.includes('/')) {
      if (!ipaddr.isValidCIDR(spec)) return null;
      [addr, prefix] = ipaddr.parseCIDR(spec);
      if (addr.kind() === 'ipv4') prefix += 96;
    } else {
      if (!ipaddr.isValid(spec)) return null;
      addr = ipaddr.parse(spec);
      prefix = 128;
    }
    const bytes = bytesOf(addr);
    const lo: number[] = [];
    const hi: number[] = [];
    for (let i = 0; i < 16; i++) {
      const bits = Math.max(0, Math.min(8, prefix - i * 8));
      const mask = bits === 0 ? 0 : (0xff << (8 - bits)) & 0xff;
      lo.push(bytes[i]! & mask);
      hi.push((bytes[i]! & mask) | (~mask & 0xff));
    }
    return [hex(lo), hex(hi)];
  } catch {
    return null;
  }
}
