// What a leaked credential did since a moment, from the audit cache (after identify synced its workspace): calls, errors,
// PII access, first and last seen, the caller IPs and endpoints. An IP is unusual when it is outside the credential's IP
// allowlist, or when it first called with this credential more than a day after the credential's first cached call
// (a caller that joined later than the usual ones — a leaked key's new user). Both reasons are stated, never just flagged.
import ipaddr from 'ipaddr.js';
import type { AuditFilter, AuditSummary, IncidentActivity } from '../../../src-common/contract/index.ts';
import type { Usage } from '../audit/index.ts';

export interface ActivityPorts {
  summary(f: AuditFilter & { top?: number }): AuditSummary;
  usage(workspaceId: string, credentialId: string, sinceMs: number, limit?: number): Usage;
  coverageUntil(workspaceId: string): string | null;
}

const DAY = 86_400_000;
const ENDPOINTS_SHOWN = 50;

function inAllowlist(ip: string, allow: readonly string[]): boolean {
  if (allow.length === 0) return true;
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(ip);
  } catch {
    return false;
  }
  return allow.some((cidr) => {
    try {
      const [net, bits] = cidr.includes('/') ? ipaddr.parseCIDR(cidr) : ([ipaddr.process(cidr), addr.kind() === 'ipv4' ? 32 : 128] as const);
      return net.kind() === addr.kind() && addr.match(net, bits);
    } catch {
      return false;
    }
  });
}

const hhmm = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function incidentActivity(
  p: ActivityPorts,
  i: { incidentId: string; workspaceId: string; credentialId: string; ipAllowlist: readonly string[]; sinceMs: number; ownCheckAtMs?: number | null },
): IncidentActivity {
  const since = new Date(i.sinceMs).toISOString();
  const base = { workspaces: [i.workspaceId], credential: i.credentialId };
  const window = p.summary({ ...base, from: since, top: 100 });
  const whole = p.summary({ ...base, top: 500 });
  const errors = p.summary({ ...base, from: since, statusClass: ['4xx', '5xx'], top: 1 }).count;
  const pii = p.summary({ ...base, from: since, pii: true, top: 1 }).count;
  const firstEver = whole.byCredential[0]?.firstAt ?? null;
  const everFirst = new Map(whole.byCallerIp.map((x) => [x.ip ?? '', x.firstAt]));
  const callers = window.byCallerIp.map((x) => {
    const ip = x.ip ?? '';
    const outside = ip !== '' && !inAllowlist(ip, i.ipAllowlist);
    const ipFirst = everFirst.get(ip) ?? x.firstAt;
    const late = firstEver !== null && Date.parse(ipFirst) - Date.parse(firstEver) > DAY;
    const why = outside ? 'outside the credential\'s IP allowlist' : late ? `first seen ${hhmm(ipFirst)}, after the credential's usual callers (its first call: ${hhmm(firstEver)})` : null;
    return { ip: ip || 'unknown', calls: x.calls, firstAt: x.firstAt, lastAt: x.lastAt, unusual: why !== null, why };
  });
  // one more than shown: whether the list is whole decides whether its length is a count
  const usage = p.usage(i.workspaceId, i.credentialId, i.sinceMs, ENDPOINTS_SHOWN + 1);
  const endpoints = usage.endpoints.slice(0, ENDPOINTS_SHOWN).map((e) => ({ method: e.method, endpoint: e.endpoint, calls: e.calls, lastAt: e.lastAt }));
  const mine = window.byCredential[0];
  const unusual = callers.filter((c) => c.unusual).length;
  const coverageUntil = p.coverageUntil(i.workspaceId);
  const sentence =
    coverageUntil === null
      ? 'The audit log of this workspace is not in the cache yet: sync it (grantdesk audit sync) to see what the key did.'
      : window.count === 0
        ? `No calls by this credential since ${hhmm(since)} in the audit log (checked up to ${hhmm(coverageUntil)}).`
        : `${plural(window.count, 'call')} from ${plural(window.ipsTotal, 'IP')} since ${hhmm(since)} (checked up to ${hhmm(coverageUntil)}): ${plural(pii, 'call')} read personal data, ${plural(errors, 'call')} failed; ${unusual === 0 ? 'no unusual IP' : `${plural(unusual, 'unusual IP')}`}.`;
  // identify's confirming call was made with the leaked secret, so the platform logged it as the key's own: said, not hidden
  const own =
    coverageUntil !== null && window.count > 0 && i.ownCheckAtMs != null && i.ownCheckAtMs >= i.sinceMs
      ? ` One of these calls is Grantdesk's own check of the pasted secret (from this machine, ${hhmm(new Date(i.ownCheckAtMs).toISOString())}).`
      : '';
  return {
    incidentId: i.incidentId,
    since,
    coverageUntil,
    calls: window.count,
    errors,
    piiCalls: pii,
    firstSeen: mine?.firstAt ?? null,
    lastSeen: mine?.lastAt ?? null,
    callersTotal: window.ipsTotal,
    callers,
    endpoints,
    endpointsCapped: usage.endpoints.length > ENDPOINTS_SHOWN,
    unusualIps: unusual,
    sentence: sentence + own,
  };
}
