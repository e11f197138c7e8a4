// Filters in words, for the explorer's count line and the exports screen ("Endpoint /v1/contacts/export · 1 Feb – 1 Mar
// 2026 · 3 workspaces"), and local human dates for the event table. Never raw JSON, never ISO with milliseconds.
import type { AuditFilter, AuditSurface } from '../../../../src-common/contract/index.ts';

export const CREDENTIAL_TYPE_LABEL: Record<string, string> = {
  api_key: 'API key',
  oauth_app: 'OAuth app',
  machine_client: 'Machine client',
  service_token: 'Service token',
  user_grant: 'Desktop app grant',
};
export const typeLabel = (t: string | null | undefined) => (t ? (CREDENTIAL_TYPE_LABEL[t] ?? t) : 'Unknown type');

/** which door a call came through, in words (one event) and as a filter (many events) */
export const SURFACE_LABEL: Record<AuditSurface, string> = { api: 'API', mcp: 'MCP tool call', webhook: 'Webhook delivery' };
const SURFACE_FILTER_WORDS: Record<AuditSurface, string> = { api: 'API calls', mcp: 'MCP tool calls', webhook: 'Webhook deliveries' };
export const surfaceLabel = (s: string) => (Object.hasOwn(SURFACE_LABEL, s) ? SURFACE_LABEL[s as AuditSurface] : s);

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const dayUtc = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
const dayYearUtc = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const dayLocal = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const dayYearLocal = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const rowTime = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
const rowTimeThisYear = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' });
const thisYear = (ms: number) => new Date(ms).getFullYear() === new Date().getFullYear();
const dayOnlyLocal = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const dayOnlyThisYear = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const exactFmt = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });

/** one bound: a date-only bound is a UTC day ("1 Feb"), an instant is local time ("1 Feb, 14:00") */
function bound(v: string, withYear: boolean): string {
  const ms = Date.parse(v);
  if (!Number.isFinite(ms)) return v;
  if (DATE_ONLY.test(v)) return (withYear ? dayYearUtc : dayUtc).format(ms);
  return (withYear ? dayYearLocal : dayLocal).format(ms);
}

/** "1 Feb – 1 Mar 2026", "from 1 Feb 2026", "before 1 Mar 2026" */
export function rangeWords(from?: string, to?: string): string | null {
  if (from && to) {
    const sameYear = new Date(Date.parse(from)).getUTCFullYear() === new Date(Date.parse(to)).getUTCFullYear();
    return `${bound(from, !sameYear)} – ${bound(to, true)}`;
  }
  if (from) return `from ${bound(from, true)}`;
  if (to) return `before ${bound(to, true)}`;
  return null;
}

export interface FilterNames {
  workspace(id: string): string | null;
  credential(id: string): string | null;
}

/** one phrase per filter, in the order people read them */
export function filterPhrases(f: AuditFilter, names: FilterNames, opts: { ownDefault?: boolean } = {}): { key: keyof AuditFilter; text: string; title?: string }[] {
  const out: { key: keyof AuditFilter; text: string; title?: string }[] = [];
  if (f.surface) out.push({ key: 'surface', text: Object.hasOwn(SURFACE_FILTER_WORDS, f.surface) ? SURFACE_FILTER_WORDS[f.surface] : f.surface });
  if (f.mcpTool) out.push({ key: 'mcpTool', text: `MCP tool ${f.mcpTool}` });
  if (f.endpoint) out.push({ key: 'endpoint', text: f.endpoint.endsWith('*') ? `Endpoints under ${f.endpoint.slice(0, -1)}` : `Endpoint ${f.endpoint}` });
  const range = rangeWords(f.from, f.to);
  if (range) out.push({ key: 'from', text: range, title: [f.from && `from ${f.from}`, f.to && `to ${f.to} (not included)`].filter(Boolean).join(', ') });
  if (f.workspaces?.length) {
    const list = f.workspaces.map((id) => names.workspace(id) ?? id);
    out.push({ key: 'workspaces', text: list.length === 1 ? `Workspace ${list[0]}` : `${list.length} workspaces`, title: list.join(', ') });
  }
  if (f.credential) out.push({ key: 'credential', text: `Credential ${names.credential(f.credential) ?? f.credential}`, title: f.credential });
  if (f.credentialType) out.push({ key: 'credentialType', text: `${typeLabel(f.credentialType)}s` });
  if (f.ip) out.push({ key: 'ip', text: `Caller IP ${f.ip}` });
  if (f.method) out.push({ key: 'method', text: `${f.method.toUpperCase()} requests` });
  if (f.statusClass?.length) out.push({ key: 'statusClass', text: `Status ${f.statusClass.join(', ')}` });
  if (f.pii !== undefined) out.push({ key: 'pii', text: f.pii ? 'Personal data accessed' : 'No personal data' });
  if (f.q) out.push({ key: 'q', text: `Text “${f.q}”` });
  if (f.ownTraffic === 'include' && !opts.ownDefault) out.push({ key: 'ownTraffic', text: "Grantdesk's own sync calls included" });
  if (f.ownTraffic === 'exclude' && opts.ownDefault === false) out.push({ key: 'ownTraffic', text: "Grantdesk's own sync calls left out" });
  return out;
}

/** "Endpoint /v1/contacts/export · 1 Feb – 1 Mar 2026 · 3 workspaces" ("Everything cached" when none) */
export function filterWords(f: AuditFilter, names: FilterNames, opts: { ownDefault?: boolean } = {}): string {
  const p = filterPhrases(f, names, opts);
  return p.length ? p.map((x) => x.text).join(' · ') : 'Everything cached';
}

export function rowTimeText(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? (thisYear(ms) ? rowTimeThisYear : rowTime).format(ms) : iso;
}
export function exactTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? `${exactFmt.format(ms)} (${iso})` : iso;
}
/** "3 Feb" (this year) or "3 Feb 2025" for first/last seen */
export function dayText(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? (thisYear(ms) ? dayOnlyThisYear : dayOnlyLocal).format(ms) : iso;
}
