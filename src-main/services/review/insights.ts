// Least-privilege insights from the local caches (inventory credentials + audit events), never from live calls:
// scopes granted vs used in the last N days (endpoints mapped to scopes from the platform's catalogue), stable caller
// IPs without an allowlist, keys without expiry or older than 90 days, unusual shares of contact records in one day,
// credentials never used. Suggestions are drafts; nothing is applied.
import type { Insight, InsightsReport } from '../../../src-common/contract/index.ts';
import { routeOf, type AuditReadModel } from '../audit/index.ts';
import type { InventoryReadModel } from '../inventory/index.ts';

/** The other domains' read models insights read (wired in composition.ts); no table of theirs is read here. */
export interface InsightsPorts {
  audit: Pick<AuditReadModel, 'coverageOf' | 'callsByEndpointStatus' | 'callsByCallerIp' | 'contactRecordsSeen' | 'contactDays' | 'mcpToolCalls'>;
  inventory: Pick<InventoryReadModel, 'credentials' | 'scopeCatalogue' | 'mcpTools' | 'mcpCatalogueState'>;
}

const DAY = 86_400_000;
/** management routes whose resource is `credentials` in the scope catalogue */
const CREDENTIAL_ROUTES = new Set(['api-keys', 'apps', 'machine-clients', 'scope-bundles', 'service-tokens', 'reviews']);
const NO_SCOPE_ROUTES = new Set(['workspace', 'scopes']);

/** Scope a call needed, from its method and route and the catalogue's resources (null: no scope / unknown route). */
export function scopeForEndpoint(method: string, endpoint: string, resources: ReadonlySet<string>): string | null {
  const seg = endpoint.split('/').filter(Boolean);
  if (seg[0] !== 'v1' || !seg[1]) return null;
  const head = seg[1];
  if (NO_SCOPE_ROUTES.has(head)) return null;
  if (head === 'audit-events') return resources.has('audit') ? 'audit:read' : null;
  const resource = CREDENTIAL_ROUTES.has(head) ? 'credentials' : head;
  if (!resources.has(resource)) return null;
  const m = method.toUpperCase();
  const action = m === 'GET' || m === 'HEAD' ? 'read' : m === 'DELETE' ? 'delete' : 'write';
  return `${resource}:${action}`;
}

/** A sentence for MCP calls whose tool the cached catalogue does not list: their scopes could not be counted as used. */
function mcpUnknownNote(unknown: ReadonlyMap<string, number>, state: ReturnType<InsightsPorts['inventory']['mcpCatalogueState']>): string {
  const calls = [...unknown.values()].reduce((a, b) => a + b, 0);
  const names = [...unknown.keys()].sort().slice(0, 3).join(', ') + (unknown.size > 3 ? ` and ${unknown.size - 3} more` : '');
  const why = state.state === 'never' ? 'the inventory has not read the platform\'s MCP tool catalogue yet' : state.state === 'none' ? 'the platform publishes no MCP tool catalogue' : state.problem ?? 'the platform\'s MCP tool catalogue does not list them';
  return `${calls} MCP tool call${calls === 1 ? '' : 's'} (${names}) could not be counted: ${why.replace(/\.$/, '')}. Some of the unused scopes may be needed by those tools.`;
}

function cidrFor(ip: string): string {
  return ip.includes(':') ? `${ip}/128` : `${ip}/32`;
}

function severity(risk: number): Insight['severity'] {
  return risk >= 70 ? 'high' : risk >= 40 ? 'medium' : 'low';
}

export function computeInsights(p: InsightsPorts, o: { nowMs: number; windowDays: number; workspace?: string; grantdeskClientId?: string; offset?: number; limit?: number }): InsightsReport {
  const since = o.nowMs - o.windowDays * DAY;
  const empty: InsightsReport = { generatedAt: new Date(o.nowMs).toISOString(), windowDays: o.windowDays, coverage: { from: null, to: null, days: 0, warning: 'No synced credentials or audit events yet: sync the inventory and the audit log first' }, items: [], drafts: [], page: { offset: 0, nextOffset: null, credentials: 0 } };
  const catalogueRows = p.inventory.scopeCatalogue();
  const resources = new Set(catalogueRows.map((r) => r.resource));
  const catalogue = new Set(catalogueRows.map((r) => r.name));
  // an MCP tool call (POST /mcp) used every scope its tool needs: the platform's tool catalogue says which
  const toolScopes = new Map(p.inventory.mcpTools().map((t) => [t.name, t.scopes]));
  const mcpState = p.inventory.mcpCatalogueState();
  const creds = p.inventory
    .credentials()
    .map((c) => ({ workspace_id: c.workspaceId, workspace_name: c.workspaceName, id: c.id, type: c.type, name: c.name, status: c.status, scopes: c.scopes, allow: c.ipAllowlist, expires_at: c.expiresAt, created_at: c.createdAt, client_id: c.clientId }))
    .filter((c) => !o.workspace || c.workspace_id === o.workspace || (c.workspace_name ?? '').toLowerCase() === o.workspace.toLowerCase())
    // a stable order, so pages (offset/limit) cover every credential exactly once
    .sort((a, b) => (a.workspace_name ?? a.workspace_id).localeCompare(b.workspace_name ?? b.workspace_id) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const wsIds = [...new Set(creds.map((c) => c.workspace_id))];
  const range = p.audit.coverageOf(wsIds);
  const cov = range ? { a: range.fromMs, b: range.untilMs } : { a: null, b: null };
  const coveredDays = cov.a === null ? 0 : Math.min(o.windowDays, (o.nowMs - Math.max(cov.a, since)) / DAY);
  const warning = cov.a === null ? 'The audit cache is empty for these workspaces: usage cannot be judged; sync the audit log first' : cov.a > since + DAY ? `The audit cache covers only ${Math.floor((o.nowMs - cov.a) / DAY)} of the ${o.windowDays} days asked for: "unused" means unused in that shorter span` : null;
  // nothing synced yet (no credential, no cached event): "not synced", never a report of unused credentials
  if (!creds.length && cov.a === null) return empty;

  const items: Insight[] = [];
  const drafts: InsightsReport['drafts'] = [];
  const offset = Math.min(o.offset ?? 0, creds.length);
  const end = o.limit === undefined ? creds.length : Math.min(creds.length, offset + o.limit);
  const span = { from: new Date(since).toISOString(), to: new Date(o.nowMs).toISOString() };
  for (const c of creds.slice(offset, end)) {
    if (c.status === 'revoked' || c.status === 'expired') continue;
    const scopes = c.scopes.filter((s) => catalogue.size === 0 || catalogue.has(s));
    const allow = c.allow;
    const base = { workspaceId: c.workspace_id, workspaceName: c.workspace_name ?? c.workspace_id, credentialId: c.id, credentialName: c.name, credentialType: c.type, investigate: { endpoint: null, ...span } };
    const isGrantdesk = c.type === 'app' && !!o.grantdeskClientId && c.client_id === o.grantdeskClientId;
    const rows = p.audit.callsByEndpointStatus(c.workspace_id, c.id, since);
    const calls = rows.reduce((a, r) => a + r.n, 0);
    const used = new Set<string>();
    for (const r of rows) {
      if (r.status === 403 || r.status === 401) continue;
      const s = scopeForEndpoint(r.method, routeOf(r.endpoint), resources);
      if (s) used.add(s);
    }
    // MCP calls of tools the catalogue does not list needed scopes nobody can name: say so beside "unused"
    const unknownTools = new Map<string, number>();
    for (const m of calls > 0 ? p.audit.mcpToolCalls(c.workspace_id, c.id, since) : []) {
      if (m.status === 403 || m.status === 401 || m.tool === null) continue;
      const need = toolScopes.get(m.tool);
      if (need) for (const s of need) used.add(s);
      else unknownTools.set(m.tool, (unknownTools.get(m.tool) ?? 0) + m.n);
    }
    if (cov.a !== null && calls === 0) {
      const risk = scopes.some((s) => !s.endsWith(':read')) ? 55 : 40;
      items.push({ ...base, id: `never_used:${c.workspace_id}:${c.id}`, kind: 'never_used', risk, severity: severity(risk), title: `Not used in ${o.windowDays} days`, detail: `${c.name} holds ${scopes.length} scopes and made no call in the window`, suggestion: { kind: 'revoke' }, fix: { label: 'Review and revoke', route: `#/credentials?workspace=${c.workspace_id}&credential=${c.id}`, command: 'inventory.revoke' } });
    } else if (used.size > 0) {
      const unused = scopes.filter((s) => !used.has(s));
      if (unused.length) {
        const dangerous = unused.filter((s) => !s.endsWith(':read'));
        const risk = Math.min(95, 25 + dangerous.length * 10 + (unused.length - dangerous.length) * 3 + (unused.some((s) => s.startsWith('credentials:')) ? 15 : 0));
        const keep = scopes.filter((s) => used.has(s));
        drafts.push({ workspaceId: c.workspace_id, credentialId: c.id, credentialType: c.type, scopes: keep });
        const fix = isGrantdesk
          ? { label: 'Re-consent with the narrower scopes', route: `#/workspaces?workspace=${c.workspace_id}`, command: 'workspaces.connect' }
          : c.type === 'api_key'
            ? { label: 'Apply the narrower scopes in place', route: `#/credentials?workspace=${c.workspace_id}&credential=${c.id}`, command: 'keys.edit' }
            : c.type === 'machine_client'
              ? { label: 'Create a narrower machine client', route: `#/credentials?workspace=${c.workspace_id}`, command: 'clients.create' }
              : { label: 'Ask for a narrower grant, or revoke', route: `#/credentials?workspace=${c.workspace_id}&credential=${c.id}`, command: 'inventory.revoke' };
        const unknownNote = unknownTools.size ? ` ${mcpUnknownNote(unknownTools, mcpState)}` : '';
        items.push({ ...base, id: `unused_scopes:${c.workspace_id}:${c.id}`, kind: 'unused_scopes', risk, severity: severity(risk), title: `${unused.length} of ${scopes.length} scopes unused in ${o.windowDays} days`, detail: `Unused: ${unused.join(', ')}. Used: ${keep.join(', ') || 'none'}.${unknownNote}`, suggestion: { kind: 'narrow_scopes', keep, remove: unused }, fix });
      }
    }
    if (allow.length === 0 && calls >= 5) {
      const ipRows = p.audit.callsByCallerIp(c.workspace_id, c.id, since).filter((r) => r.ip);
      if (ipRows.length >= 1 && ipRows.length <= 3) {
        const list = ipRows.map((r) => r.ip).sort();
        const risk = 35;
        items.push({ ...base, id: `stable_ips:${c.workspace_id}:${c.id}`, kind: 'stable_ips', risk, severity: severity(risk), title: `All ${calls} calls came from ${list.length} address${list.length > 1 ? 'es' : ''}, but there is no IP allowlist`, detail: `Callers: ${list.join(', ')}`, suggestion: { kind: 'ip_allowlist', cidrs: list.map(cidrFor), ips: list }, fix: c.type === 'api_key' || c.type === 'machine_client' ? { label: 'Apply the suggested allowlist in place', route: `#/credentials?workspace=${c.workspace_id}&credential=${c.id}`, command: c.type === 'api_key' ? 'keys.edit' : 'clients.edit' } : { label: 'Open the credential', route: `#/credentials?workspace=${c.workspace_id}&credential=${c.id}`, command: 'inventory.credential' } });
      }
    }
    if (c.type === 'api_key' && c.status === 'active') {
      if (!c.expires_at) {
        const risk = 30 + (scopes.some((s) => !s.endsWith(':read')) ? 15 : 0);
        items.push({ ...base, id: `no_expiry:${c.workspace_id}:${c.id}`, kind: 'no_expiry', risk, severity: severity(risk), title: 'API key without expiry', detail: `${c.name} never expires`, suggestion: { kind: 'set_expiry', days: 90 }, fix: { label: 'Rotate to a key with an expiry', route: `#/credentials?workspace=${c.workspace_id}&key=${c.id}`, command: 'rotation.start' } });
      }
      const created = c.created_at ? Date.parse(c.created_at) : NaN;
      if (Number.isFinite(created) && o.nowMs - created > 90 * DAY) {
        const age = Math.floor((o.nowMs - created) / DAY);
        const risk = Math.min(60, 25 + Math.floor(age / 90) * 5);
        items.push({ ...base, id: `old_key:${c.workspace_id}:${c.id}`, kind: 'old_key', risk, severity: severity(risk), title: `API key is ${age} days old`, detail: `Created ${c.created_at}; rotate keys at least every 90 days`, suggestion: { kind: 'rotate' }, fix: { label: 'Start the rotation wizard', route: `#/credentials?workspace=${c.workspace_id}&key=${c.id}`, command: 'rotation.start' } });
      }
    }
    // the 5–10 % rule of thumb: one credential touching that share of the contact records within one day
    const total = Math.max(p.audit.contactRecordsSeen(c.workspace_id), 1);
    let worst: { day: number; records: number; share: number; export: boolean } | null = null;
    for (const d of p.audit.contactDays(c.workspace_id, c.id, since)) {
      const share = d.exports > 0 ? 1 : d.records / total;
      if (!worst || share > worst.share) worst = { day: d.day, records: d.records, share, export: d.exports > 0 };
    }
    if (worst && worst.share >= 0.05 && (worst.export || worst.records >= 3)) {
      const risk = worst.share >= 0.1 ? 80 : 60;
      const when = new Date(worst.day * DAY).toISOString().slice(0, 10);
      const day = { endpoint: '/v1/contacts*', from: new Date(worst.day * DAY).toISOString(), to: new Date((worst.day + 1) * DAY).toISOString() };
      const q = (v: string) => encodeURIComponent(v).replace(/%2F/gi, '/').replace(/%3A/gi, ':').replace(/%2A/gi, '*');
      items.push({ ...base, id: `contact_share:${c.workspace_id}:${c.id}`, kind: 'contact_share', risk, severity: severity(risk), title: worst.export ? `Exported the whole contact list on ${when}` : `Touched ${Math.round(worst.share * 100)} % of contact records on ${when}`, detail: worst.export ? 'A /v1/contacts/export call returns every contact record (PII)' : `${worst.records} distinct contact records in one day (of ${total} seen in the cache)`, suggestion: { kind: 'investigate', contacts: worst.export ? total : worst.records, share: Math.round(worst.share * 1000) / 1000 }, fix: { label: 'Investigate in the audit explorer', route: `#/audit?endpoint=${q(day.endpoint)}&from=${q(day.from)}&to=${q(day.to)}&workspaces=${q(c.workspace_id)}&credential=${q(c.id)}`, command: 'audit.query' }, investigate: day });
    }
  }
  items.sort((a, b) => b.risk - a.risk || a.workspaceName.localeCompare(b.workspaceName) || a.credentialName.localeCompare(b.credentialName) || a.id.localeCompare(b.id));
  return {
    generatedAt: new Date(o.nowMs).toISOString(),
    windowDays: o.windowDays,
    coverage: { from: cov.a === null ? null : new Date(cov.a).toISOString(), to: cov.b === null ? null : new Date(cov.b).toISOString(), days: Math.round(coveredDays * 10) / 10, warning },
    items,
    drafts,
    page: { offset, nextOffset: end < creds.length ? end : null, credentials: creds.length },
  };
}
