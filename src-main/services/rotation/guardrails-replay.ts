// Replays one credential's cached calls against proposed guardrails, with the platform's checks in the platform's order
// (docs/platform-api.md §5.2, §5.3): the caller IP against the allowlist (401 ip_not_allowed), then the per-minute rate
// limit, counted per UTC minute over the calls that passed the allowlist (429 rate_limited), then the scope the route
// needs per the platform's published route → scope table (403 insufficient_scope). Pure: calls come in through a visitor,
// one at a time; exact counts, at most 50 refused calls kept (newly refused first, newest first).
import ipaddr from 'ipaddr.js';
import type { ReplayCall } from '../audit/index.ts';
import type { CredentialReplay, RefusalReason, RefusedCall } from '../../../src-common/contract/index.ts';


export interface RouteScope {
  method: string;
  path: string;
  scope: string | null;
}

/** `{param}` matches one path segment of letters, digits, `_` and `-` (the platform's documented template rule). */
function templateRe(path: string): RegExp {
  return new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[A-Za-z0-9_-]+')}$`);
}

/** The scope a call needed, from the published table: the first route whose method and path match wins; null: none needed or no such route. */
export function compileRouteScopes(routes: readonly RouteScope[]): (method: string | null, endpoint: string | null) => string | null {
  const compiled = routes.map((r) => ({ method: r.method.toUpperCase(), re: templateRe(r.path), scope: r.scope }));
  const memo = new Map<string, string | null>();
  return (method, endpoint) => {
    if (!method || !endpoint) return null;
    const key = `${method} ${endpoint}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const m = method.toUpperCase();
    const scope = compiled.find((r) => r.method === m && r.re.test(endpoint))?.scope ?? null;
    if (memo.size < 100_000) memo.set(key, scope);
    return scope;
  };
}

type Net = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** ipaddr.js semantics, as the platform matches: an IPv4-mapped IPv6 caller counts as IPv4; families never cross. */
export function allowlistMatcher(cidrs: readonly string[]): (ip: string | null) => boolean {
  const nets: Net[] = [];
  for (const c of cidrs) {
    try {
      nets.push(ipaddr.parseCIDR(c));
    } catch {
      // an entry the platform itself could not match never lets anyone in
    }
  }
  if (cidrs.length === 0) return () => true;
  return (ip) => {
    if (!ip) return false;
    let addr: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      addr = ipaddr.process(ip);
    } catch {
      return false;
    }
    return nets.some(([net, bits]) => net.kind() === addr.kind() && (addr.kind() === 'ipv4' ? (addr as ipaddr.IPv4).match(net as ipaddr.IPv4, bits) : (addr as ipaddr.IPv6).match(net as ipaddr.IPv6, bits)));
  };
}

export interface ReplayProposal {
  scopes: readonly string[];
  ipAllowlist: readonly string[];
  rateLimitPerMinute: number | null;
  /** null: the platform publishes no route → scope table; scope refusals are not judged */
  scopeOf: ((method: string | null, endpoint: string | null) => string | null) | null;
}

const SHOWN = 50;
const ANSWER: Record<RefusalReason, number> = { scope: 403, ip: 401, rate: 429 };
const HHMM = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/** Keeps the last `n` items pushed (the newest, since calls come in seq order). */
function ring<T>(n: number) {
  const items: T[] = [];
  let start = 0;
  return {
    push(x: T) {
      if (items.length < n) items.push(x);
      else {
        items[start] = x;
        start = (start + 1) % n;
      }
    },
    newestFirst: (): T[] => [...items.slice(start), ...items.slice(0, start)].reverse(),
  };
}

export function replayCredential(
  forEachCall: (visit: (c: ReplayCall) => void) => number,
  p: ReplayProposal,
  meta: { credentialId: string; credentialName: string; relation: CredentialReplay['relation'] },
): CredentialReplay {
  const allowed = allowlistMatcher(p.ipAllowlist);
  const scopes = new Set(p.scopes);
  const refused = { scope: 0, ip: 0, rate: 0, total: 0 };
  let newly = 0;
  const newlyShown = ring<RefusedCall>(SHOWN);
  const alreadyShown = ring<RefusedCall>(SHOWN);
  let minute = -1;
  let inMinute = 0;
  const calls = forEachCall((c) => {
    let reason: RefusalReason | null = null;
    let required: string | null = null;
    let why = '';
    if (!allowed(c.callerIp)) {
      reason = 'ip';
      why = `Caller ${c.callerIp ?? '(no address recorded)'} is outside the proposed IP allowlist`;
    } else {
      const m = Math.floor(c.occurredMs / 60_000);
      if (m !== minute) {
        minute = m;
        inMinute = 0;
      }
      inMinute++;
      if (p.rateLimitPerMinute !== null && inMinute > p.rateLimitPerMinute) {
        reason = 'rate';
        why = `Call ${inMinute.toLocaleString('en-US')} in the minute from ${HHMM(c.occurredMs)} UTC; the proposed limit is ${p.rateLimitPerMinute.toLocaleString('en-US')} per minute`;
      } else if (p.scopeOf) {
        required = p.scopeOf(c.method, c.endpoint);
        if (required !== null && !scopes.has(required)) {
          reason = 'scope';
          why = `Needs ${required}, which the proposed scopes leave out`;
        }
      }
    }
    if (!reason) return;
    refused[reason]++;
    refused.total++;
    const isNew = c.status !== null && c.status < 400;
    if (isNew) newly++;
    const call: RefusedCall = {
      at: c.occurredAt,
      method: c.method ?? '',
      endpoint: c.endpoint ?? '',
      callerIp: c.callerIp,
      reason,
      wouldAnswer: ANSWER[reason],
      requiredScope: reason === 'scope' ? required : null,
      answered: c.status,
      newlyRefused: isNew,
      why,
      seq: c.seq,
      eventId: c.eventId,
    };
    (isNew ? newlyShown : alreadyShown).push(call);
  });
  return { ...meta, calls, refused, newlyRefused: newly, refusedCalls: [...newlyShown.newestFirst(), ...alreadyShown.newestFirst()].slice(0, SHOWN) };
}
