/* eslint-disable @typescript-eslint/no-explicit-any -- ipaddr's match() overloads */
// The management API's request checks: the error every route throws, and the parsers for request fields (CIDR allowlists,
// scope lists, bounded integers, names) with the platform's own error codes and messages.
import ipaddr from 'ipaddr.js';
import { SCOPE_NAMES } from './scopes.ts';

export class ApiError extends Error {
  constructor(public status: number, public code: string, description: string, public extra: Record<string, unknown> = {}, public headers: Record<string, string> = {}) {
    super(description);
  }
  body() { return { error: this.code, error_description: this.message, ...this.extra }; }
}

export function parseCidrs(list: unknown): string[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new ApiError(400, 'invalid_request', 'ip_allowlist must be an array of CIDR strings');
  return list.map((c) => {
    if (typeof c !== 'string') throw new ApiError(400, 'invalid_request', 'ip_allowlist entries must be strings');
    try {
      const s = c.includes('/') ? c : `${c}/${ipaddr.parse(c).kind() === 'ipv4' ? 32 : 128}`;
      const [addr, bits] = ipaddr.parseCIDR(s);
      return `${addr.toString()}/${bits}`;
    } catch { throw new ApiError(400, 'invalid_request', `invalid CIDR in ip_allowlist: ${JSON.stringify(c)}`); }
  });
}
export function ipAllowed(ip: string, cidrs: string[]): boolean {
  if (!cidrs.length) return true;
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try { addr = ipaddr.process(ip); } catch { return false; }
  return cidrs.some((c) => {
    try {
      const [net, bits] = ipaddr.parseCIDR(c);
      return net.kind() === addr.kind() && (addr as any).match(net, bits);
    } catch { return false; }
  });
}
export function parseScopes(v: unknown, field = 'scopes'): string[] {
  if (!Array.isArray(v) || v.length === 0) throw new ApiError(400, 'invalid_request', `${field} must be a non-empty array of scope names`);
  for (const s of v) if (typeof s !== 'string' || !SCOPE_NAMES.has(s)) throw new ApiError(400, 'invalid_scope', `unknown scope ${JSON.stringify(s)}; see GET /v1/scopes`);
  return [...new Set(v as string[])].sort();
}
export function intIn(v: unknown, name: string, min: number, max: number, dflt?: number): number {
  if (v === undefined || v === null || v === '') { if (dflt !== undefined) return dflt; throw new ApiError(400, 'invalid_request', `${name} is required`); }
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw new ApiError(400, 'invalid_request', `${name} must be an integer between ${min} and ${max}`);
  return n;
}
export function str(v: unknown, name: string, required = true): string | undefined {
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || !v.trim() || v.length > 200) throw new ApiError(400, 'invalid_request', `${name} must be a non-empty string of at most 200 characters`);
  return v;
}

