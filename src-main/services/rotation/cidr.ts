// CIDR guardrails, validated with ipaddr.js (never by regex): canonical form, family, size and plain-language problems.
import ipaddr from 'ipaddr.js';
import type { CidrCheck } from '../../../src-common/contract/index.ts';

export function checkCidr(input: string): CidrCheck {
  const raw = input.trim();
  const bad = (problem: string): CidrCheck => ({ input, valid: false, normalized: null, kind: null, size: null, problem });
  if (raw === '') return bad('empty entry');
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  let bits: number;
  try {
    if (raw.includes('/')) [addr, bits] = ipaddr.parseCIDR(raw);
    else {
      if (!ipaddr.isValid(raw)) return bad(`"${raw.slice(0, 60)}" is not an IP address or CIDR`);
      addr = ipaddr.parse(raw);
      bits = addr.kind() === 'ipv4' ? 32 : 128;
    }
  } catch {
    return bad(`"${raw.slice(0, 60)}" is not a valid CIDR (address/prefix-length)`);
  }
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    addr = (addr as ipaddr.IPv6).toIPv4Address();
    bits = Math.max(0, bits - 96);
  }
  const kind = addr.kind();
  const total = kind === 'ipv4' ? 32 : 128;
  const network = kind === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${bits}`) : ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${bits}`);
  const normalized = `${network.toString()}/${bits}`;
  const size = (2n ** BigInt(total - bits)).toString();
  let problem: string | null = null;
  if (network.toString() !== addr.toString()) problem = `host bits set: ${raw} is the network ${normalized}`;
  if (bits === 0) problem = `${normalized} allows every ${kind === 'ipv4' ? 'IPv4' : 'IPv6'} address (no restriction)`;
  else if ((kind === 'ipv4' && bits < 8) || (kind === 'ipv6' && bits < 32)) problem = `${normalized} is very broad (${size} addresses)`;
  const range = addr.range();
  if (range === 'private' || range === 'loopback' || range === 'uniqueLocal' || range === 'linkLocal')
    problem = problem ?? `${normalized} is a ${range} range: calls from the internet will not match it`;
  return { input, valid: true, normalized, kind, size, problem };
}

/** Throws-free validation for user input: the list of invalid entries (empty when all valid). */
export function invalidCidrs(list: readonly string[]): CidrCheck[] {
  return list.map(checkCidr).filter((c) => !c.valid);
}
