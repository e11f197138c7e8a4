// A proposed guardrails change, checked before anything else happens (before any platform call, and before a dry run
// reads the cache): IP allowlist entries parsed with ipaddr.js (an IPv4-mapped IPv6 block and a /0 are refused, host bits
// are cleared), scopes against the synced catalogue, contradictory flags. Then the proposal in full (an omitted field
// keeps its current value), the platform body that applies it, and what it changes in words.
import ipaddr from 'ipaddr.js';
import type { FieldIssue, GuardrailSet } from '../../../src-common/contract/index.ts';
import { AppError } from '../../rpc/app-error.ts';

const DAY = 86_400_000;

export interface KeyGuardrailsInput {
  scopes?: string[];
  ipAllowlist?: string[];
  expiresInDays?: number;
  removeExpiry?: boolean;
  rateLimitPerMinute?: number;
  removeRateLimit?: boolean;
}

/** One allowlist entry: its canonical CIDR, or what is wrong with it in words. */
export function allowlistEntry(raw: string): { cidr: string } | { problem: string } {
  const text = raw.trim();
  const shown = JSON.stringify(text.slice(0, 60));
  if (text === '') return { problem: 'is empty' };
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  let bits: number;
  try {
    if (text.includes('/')) [addr, bits] = ipaddr.parseCIDR(text);
    else {
      if (!ipaddr.isValid(text)) return { problem: `${shown} is not an IP address or CIDR block (address/prefix length)` };
      addr = ipaddr.parse(text);
      bits = addr.kind() === 'ipv4' ? 32 : 128;
    }
  } catch {
    return { problem: `${shown} is not a valid CIDR block (address/prefix length)` };
  }
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    const v4 = `${(addr as ipaddr.IPv6).toIPv4Address().toString()}/${Math.max(0, bits - 96)}`;
    return { problem: `${shown} is an IPv4-mapped IPv6 block; write it as IPv4 (${v4})` };
  }
  if (bits === 0) return { problem: `${shown} lets every address in; leave the allowlist empty to allow any address` };
  const network = addr.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${bits}`) : ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${bits}`);
  return { cidr: `${network.toString()}/${bits}` };
}

/** The allowlist in canonical form (deduplicated, order kept), or AppError('invalid_input') naming each bad entry. */
export function normalizeAllowlist(list: readonly string[], field = 'ipAllowlist'): string[] {
  const out: string[] = [];
  const issues: FieldIssue[] = [];
  list.forEach((raw, i) => {
    const r = allowlistEntry(raw);
    if ('problem' in r) issues.push({ field: `${field}.${i}`, label: 'IP allowlist', message: `Entry ${i + 1}: ${r.problem}.` });
    else if (!out.includes(r.cidr)) out.push(r.cidr);
  });
  if (issues.length) {
    const shown = issues.slice(0, 8);
    const more = issues.length > shown.length ? ` ${issues.length - shown.length} more entries were rejected.` : '';
    throw new AppError('invalid_input', `IP allowlist: ${shown.map((x) => x.message).join(' ')}${more}`, { fields: shown });
  }
  return out;
}

/** Scopes the synced catalogue does not know (none when the catalogue was never synced: the platform will judge). */
export function checkScopes(scopes: readonly string[], catalogue: ReadonlySet<string>): void {
  if (catalogue.size === 0) return;
  const unknown = scopes.filter((s) => !catalogue.has(s));
  if (unknown.length)
    throw new AppError('invalid_input', `Scopes: ${unknown.map((s) => JSON.stringify(s)).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in the platform's scope catalogue.`, {
      fields: unknown.slice(0, 8).map((s) => ({ field: 'scopes', label: 'Scopes', message: `${JSON.stringify(s)} is not in the platform's scope catalogue.` })),
    });
}

function conflict(a: string, b: string, field: string): never {
  throw new AppError('invalid_input', `${b}: contradicts ${a.toLowerCase()}; give one of them.`, { fields: [{ field, label: b, message: `Contradicts ${a.toLowerCase()}; give one of them.` }] });
}

const DATE = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
const dateText = (iso: string | null) => (iso ? `${DATE.format(Date.parse(iso))} (UTC)` : 'never');
const listText = (l: readonly string[]) => (l.length ? l.join(', ') : 'any address');

export interface Proposal {
  proposed: GuardrailSet;
  /** what changes, in words; empty: the proposal is what the key has */
  changes: string[];
  /** the PATCH body (only what changes) */
  body: Record<string, unknown>;
}

/** The full proposal for an API key: the input over its current guardrails. Throws invalid_input before anything is called. */
export function proposeKeyGuardrails(current: GuardrailSet, input: KeyGuardrailsInput, o: { nowMs: number; catalogue: ReadonlySet<string> }): Proposal {
  if (input.expiresInDays !== undefined && input.removeExpiry) conflict('Expires in days', 'Remove expiry', 'removeExpiry');
  if (input.rateLimitPerMinute !== undefined && input.removeRateLimit) conflict('Rate limit per minute', 'Remove rate limit', 'removeRateLimit');
  const allow = input.ipAllowlist === undefined ? current.ipAllowlist : normalizeAllowlist(input.ipAllowlist);
  const scopes = input.scopes === undefined ? current.scopes : [...new Set(input.scopes)].sort();
  if (input.scopes !== undefined) checkScopes(scopes, o.catalogue);
  const expiresAt = input.removeExpiry ? null : input.expiresInDays !== undefined ? new Date(o.nowMs + input.expiresInDays * DAY).toISOString() : current.expiresAt;
  const rate = input.removeRateLimit ? null : (input.rateLimitPerMinute ?? current.rateLimitPerMinute);
  const proposed: GuardrailSet = { scopes, ipAllowlist: allow, expiresAt, rateLimitPerMinute: rate };

  const changes: string[] = [];
  const body: Record<string, unknown> = {};
  const curScopes = new Set(current.scopes);
  const add = scopes.filter((s) => !curScopes.has(s));
  const drop = current.scopes.filter((s) => !scopes.includes(s));
  if (add.length || drop.length) {
    changes.push(`Scopes: ${[add.length ? `add ${add.join(', ')}` : '', drop.length ? `drop ${drop.join(', ')}` : ''].filter(Boolean).join('; ')}`);
    body.scopes = scopes;
  }
  if (JSON.stringify([...allow].sort()) !== JSON.stringify([...current.ipAllowlist].sort())) {
    changes.push(`IP allowlist: ${listText(allow)} (was ${listText(current.ipAllowlist)})`);
    body.ip_allowlist = allow;
  }
  if (input.expiresInDays !== undefined) {
    changes.push(`Expiry: in ${input.expiresInDays} day${input.expiresInDays === 1 ? '' : 's'}, ${dateText(expiresAt)} (was ${dateText(current.expiresAt)})`);
    body.expires_in_days = input.expiresInDays;
  } else if (input.removeExpiry && current.expiresAt !== null) {
    changes.push(`Expiry: none (was ${dateText(current.expiresAt)})`);
    body.expires_at = null;
  }
  if (rate !== current.rateLimitPerMinute) {
    changes.push(`Rate limit: ${rate === null ? 'none' : `${rate.toLocaleString('en-US')} per minute`} (was ${current.rateLimitPerMinute === null ? 'none' : `${current.rateLimitPerMinute.toLocaleString('en-US')} per minute`})`);
    body.rate_limit_per_minute = rate;
  }
  return { proposed, changes, body };
}
