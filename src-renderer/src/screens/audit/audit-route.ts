// The audit explorer's filters in the route, with the CLI's flag names (`grantdesk audit query --endpoint … --from …`):
//   #/audit?endpoint=/v1/contacts/export&from=2026-02-01&to=2026-03-01&workspaces=ws_a,ws_b
// so a view can be linked, reloaded and opened from other screens (`auditHref(filters)` for "Investigate" links).
// Grantdesk's own sync calls are hidden unless the route says `own-traffic=include`.
import { STATUS_CLASSES, type AuditFilter } from '../../../../src-common/contract/index.ts';

type Key = keyof AuditFilter;
/** filter key -> the CLI flag (without --), in the order a link lists them */
export const AUDIT_FLAGS: readonly (readonly [Key, string])[] = [
  ['surface', 'surface'],
  ['mcpTool', 'mcp-tool'],
  ['endpoint', 'endpoint'],
  ['from', 'from'],
  ['to', 'to'],
  ['workspaces', 'workspaces'],
  ['credential', 'credential'],
  ['credentialType', 'credential-type'],
  ['ip', 'ip'],
  ['method', 'method'],
  ['statusClass', 'status-class'],
  ['pii', 'pii'],
  ['q', 'q'],
  ['ownTraffic', 'own-traffic'],
];

/** what the explorer shows when the route names no filter: everything but Grantdesk's own sync calls */
export const DEFAULT_AUDIT_FILTERS: AuditFilter = { ownTraffic: 'exclude' };

const enc = (v: string) => encodeURIComponent(v).replace(/%2F/gi, '/').replace(/%3A/gi, ':').replace(/%2C/gi, ',').replace(/%2A/gi, '*');

/** `#/audit?…` for these filters (own traffic hidden unless `ownTraffic: 'include'`) */
export function auditHref(filters: AuditFilter): string {
  const parts: string[] = [];
  for (const [key, flag] of AUDIT_FLAGS) {
    const v = filters[key];
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    if (key === 'ownTraffic' && v === 'exclude') continue;
    parts.push(`${flag}=${enc(Array.isArray(v) ? v.join(',') : String(v))}`);
  }
  return parts.length ? `#/audit?${parts.join('&')}` : '#/audit';
}

/** The filters a route's query names (unknown flags ignored; values are checked by main when applied). */
export function filtersFromQuery(query: string): AuditFilter {
  const p = new URLSearchParams(query);
  const f: Record<string, unknown> = {};
  for (const [key, flag] of AUDIT_FLAGS) {
    const raw = p.get(flag);
    if (raw === null || raw.trim() === '') continue;
    const v = raw.trim();
    if (key === 'workspaces') f[key] = v.split(',').map((s) => s.trim()).filter(Boolean);
    else if (key === 'statusClass') f[key] = v.split(',').map((s) => s.trim()).filter((s): s is (typeof STATUS_CLASSES)[number] => (STATUS_CLASSES as readonly string[]).includes(s));
    else if (key === 'pii') f[key] = v === 'true' || v === 'yes';
    else if (key === 'ownTraffic') f[key] = v === 'include' ? 'include' : 'exclude';
    else f[key] = v;
  }
  if (f.ownTraffic === undefined) f.ownTraffic = 'exclude';
  return f as AuditFilter;
}

/** same filters (order of keys and of list items ignored) */
export function sameFilters(a: AuditFilter, b: AuditFilter): boolean {
  return auditHref(normalize(a)) === auditHref(normalize(b));
}
function normalize(f: AuditFilter): AuditFilter {
  return { ...f, workspaces: f.workspaces ? [...f.workspaces].sort() : undefined, statusClass: f.statusClass ? [...f.statusClass].sort() : undefined, ownTraffic: f.ownTraffic ?? 'exclude' };
}
