// The scope matrix, computed from the cache alone (pure: no I/O). Rows are workspaces expanding into credentials;
// columns are catalogue scopes grouped by resource (read / write / delete).
import type { Baseline, CredentialCounts, CredentialLifecycle, CredentialSummary, Matrix, MatrixFilters, MatrixWorkspace, ScopeColumn, InventorySyncState } from '../../../src-common/contract/inventory.ts';
import { ERROR_CODES, errorData, type ErrorCode } from '../../../src-common/contract/errors.ts';
import type { CachedCredential, CatalogueScope, SyncRow } from './repository.ts';

export const GRANTDESK_CLIENT_ID = 'grantdesk-desktop';
export const EXPIRING_SOON_DAYS = 14;
export const UNUSED_DAYS = 90;
const DAY = 86_400_000;
const ACTION_ORDER: Record<string, number> = { read: 0, write: 1, delete: 2 };

export interface MatrixInput {
  catalogue: CatalogueScope[];
  credentials: CachedCredential[];
  workspaces: { id: string; name: string; status: 'connected' | 'needs_reconsent' | 'disconnected' }[];
  syncRows: Map<string, SyncRow>;
  reviews: Map<string, { reviewedAt: string; reviewedMs: number }>;
  baseline: Baseline | null;
  bundles?: { name: string; scopes: string[] }[];
  /** `${workspaceId}\u0000${credentialId}` -> scopes new since the last review */
  drift: Map<string, string[]>;
  nowMs: number;
  filters: MatrixFilters;
}

export function syncStateOf(row: SyncRow | null | undefined, nowMs: number): InventorySyncState {
  if (!row) return { syncedAt: null, ageSeconds: null, state: 'never', error: null };
  const code = (ERROR_CODES as readonly string[]).includes(row.error_code ?? '') ? (row.error_code as ErrorCode) : 'internal';
  const error = row.state === 'failed' ? errorData(code, row.error_message ?? 'The last sync failed') : null;
  return {
    syncedAt: row.synced_at,
    ageSeconds: row.synced_ms === null ? null : Math.max(0, Math.round((nowMs - row.synced_ms) / 1000)),
    state: row.state,
    error,
  };
}

/** Catalogue order, grouped by resource (first appearance), read/write/delete inside; granted scopes missing from the catalogue last. */
export function orderColumns(catalogue: CatalogueScope[], extraScopes: Iterable<string>): CatalogueScope[] {
  const byName = new Map(catalogue.map((s) => [s.name, s]));
  for (const s of extraScopes) {
    if (!byName.has(s)) {
      const [resource = s, action = ''] = s.split(':');
      byName.set(s, { name: s, resource, action, description: 'Not in the platform scope catalogue' });
    }
  }
  const resourceOrder = new Map<string, number>();
  for (const s of byName.values()) if (!resourceOrder.has(s.resource)) resourceOrder.set(s.resource, resourceOrder.size);
  return [...byName.values()].sort(
    (a, b) =>
      resourceOrder.get(a.resource)! - resourceOrder.get(b.resource)! ||
      (ACTION_ORDER[a.action] ?? 9) - (ACTION_ORDER[b.action] ?? 9) ||
      a.name.localeCompare(b.name),
  );
}

const isWriteOrDelete = (scope: string) => /:(write|delete)$/.test(scope);

/**
 * The one status a person reads: the platform's status, refined by time the same way the platform refines it (an expiry
 * or a grace end in the past means expired, even before the next sync). 'rotating' is a key in its rotation grace.
 */
export function lifecycleOf(c: Pick<CachedCredential, 'status' | 'expiresAt' | 'graceEndsAt'>, nowMs: number): CredentialLifecycle {
  if (c.status === 'revoked') return { state: 'revoked', at: null };
  if (c.status === 'disabled') return { state: 'disabled', at: null };
  const exp = c.expiresAt ? Date.parse(c.expiresAt) : NaN;
  const grace = c.graceEndsAt ? Date.parse(c.graceEndsAt) : NaN;
  if (c.status === 'expired' || (Number.isFinite(exp) && exp <= nowMs)) return { state: 'expired', at: c.expiresAt ?? c.graceEndsAt };
  // a key that expires before its grace end stops working at the expiry: the grace ends then
  const graceEnd = Number.isFinite(exp) && exp < grace ? c.expiresAt : c.graceEndsAt;
  if (Number.isFinite(grace)) return grace > nowMs ? { state: 'in_grace', at: graceEnd } : { state: 'expired', at: c.graceEndsAt };
  if (c.status === 'rotating') return { state: 'in_grace', at: c.graceEndsAt };
  if (Number.isFinite(exp) && exp <= nowMs + EXPIRING_SOON_DAYS * DAY) return { state: 'expiring', at: c.expiresAt };
  return { state: 'active', at: null };
}

/** The one credential count (see credentialCountsSchema): every cached credential of the known workspaces, any status. */
export function countCredentials(credentials: readonly CachedCredential[], workspaceIds: ReadonlySet<string>, nowMs: number): CredentialCounts {
  const out: CredentialCounts = { total: 0, workspaces: workspaceIds.size, inactive: 0, revoked: 0, expired: 0, disabled: 0 };
  for (const c of credentials) {
    if (!workspaceIds.has(c.workspaceId)) continue;
    out.total++;
    const s = lifecycleOf(c, nowMs).state;
    if (s === 'revoked' || s === 'expired' || s === 'disabled') {
      out.inactive++;
      out[s]++;
    }
  }
  return out;
}

export function summarize(
  c: CachedCredential,
  ctx: { nowMs: number; baseline: Set<string> | null; drift: Map<string, string[]> },
): CredentialSummary {
  const expMs = c.expiresAt ? Date.parse(c.expiresAt) : NaN;
  const usedMs = c.lastUsedAt ? Date.parse(c.lastUsedAt) : NaN;
  const driftSet = ctx.drift.get(`${c.workspaceId}\u0000${c.id}`);
  const drift = driftSet ? c.scopes.filter((s) => driftSet.includes(s)) : [];
  const inactive = c.status === 'revoked' || c.status === 'disabled';
  return {
    id: c.id,
    workspaceId: c.workspaceId,
    type: c.type,
    name: c.name,
    label: c.type === 'api_key' && c.prefix ? `${c.prefix}…${c.lastFour ?? ''}` : c.clientId,
    clientId: c.clientId,
    status: c.status,
    scopes: c.scopes,
    expiresAt: c.expiresAt,
    lastUsedAt: c.lastUsedAt,
    createdAt: c.createdAt,
    expiringSoon: Number.isFinite(expMs) && expMs > ctx.nowMs && expMs <= ctx.nowMs + EXPIRING_SOON_DAYS * DAY,
    unused: !Number.isFinite(usedMs) || usedMs < ctx.nowMs - UNUSED_DAYS * DAY,
    writeOrDelete: c.scopes.some(isWriteOrDelete),
    overGrants: ctx.baseline ? c.scopes.filter((s) => !ctx.baseline!.has(s)) : [],
    drift,
    isGrantdesk: c.type === 'app' && c.clientId === GRANTDESK_CLIENT_ID,
    revocable: !inactive && c.type !== 'service_token',
    lifecycle: lifecycleOf(c, ctx.nowMs),
  };
}

export function credentialFilterActive(f: MatrixFilters): boolean {
  return !!(
    (f.types && f.types.length) ||
    (f.scopes && f.scopes.length) ||
    f.writeOrDelete ||
    f.expiringWithinDays !== undefined ||
    f.unusedForDays !== undefined ||
    f.overGrantsOnly ||
    f.driftOnly
  );
}

export function matchesFilters(s: CredentialSummary, f: MatrixFilters, nowMs: number): boolean {
  if (!f.includeRevoked && s.status === 'revoked') return false;
  if (f.types && f.types.length && !f.types.includes(s.type)) return false;
  if (f.scopes && f.scopes.length && !f.scopes.some((x) => s.scopes.includes(x))) return false;
  if (f.writeOrDelete && !s.writeOrDelete) return false;
  if (f.expiringWithinDays !== undefined) {
    const exp = s.expiresAt ? Date.parse(s.expiresAt) : NaN;
    if (!(Number.isFinite(exp) && exp > nowMs && exp <= nowMs + f.expiringWithinDays * DAY)) return false;
  }
  if (f.unusedForDays !== undefined) {
    const used = s.lastUsedAt ? Date.parse(s.lastUsedAt) : NaN;
    if (Number.isFinite(used) && used >= nowMs - f.unusedForDays * DAY) return false;
  }
  if (f.overGrantsOnly && s.overGrants.length === 0) return false;
  if (f.driftOnly && s.drift.length === 0) return false;
  return true;
}

export function workspaceMatches(ws: { id: string; name: string }, q: string | undefined): boolean {
  if (!q || !q.trim()) return true;
  const parts = q.split(',').map((p) => p.trim().toLowerCase()).filter(Boolean);
  return parts.some((p) => ws.id.toLowerCase() === p || ws.name.toLowerCase().includes(p));
}

export function buildMatrix(input: MatrixInput): Matrix {
  const { filters: f, nowMs } = input;
  const baselineSet = input.baseline ? new Set(input.baseline.scopes) : null;
  const byWs = new Map<string, CachedCredential[]>();
  const granted = new Set<string>();
  for (const c of input.credentials) {
    const list = byWs.get(c.workspaceId) ?? [];
    list.push(c);
    byWs.set(c.workspaceId, list);
    for (const s of c.scopes) granted.add(s);
  }
  const cols = orderColumns(input.catalogue, granted);
  const colIndex = new Map(cols.map((c, i) => [c.name, i]));
  const colTotals = new Array<number>(cols.length).fill(0);
  const credFilter = credentialFilterActive(f);
  const workspaces: MatrixWorkspace[] = [];
  let credentials = 0;
  let grants = 0;
  let overGrants = 0;
  let drift = 0;
  let oldest: number | null = null;
  let oldestAt: string | null = null;
  for (const ws of input.workspaces) {
    if (!workspaceMatches(ws, f.workspace)) continue;
    const syncRow = input.syncRows.get(ws.id);
    const review = input.reviews.get(ws.id);
    const ctx = { nowMs, baseline: baselineSet, drift: input.drift };
    const creds = (byWs.get(ws.id) ?? [])
      .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1))
      .map((c) => summarize(c, ctx))
      .filter((s) => matchesFilters(s, f, nowMs));
    if (credFilter && creds.length === 0) continue;
    const counts = new Array<number>(cols.length).fill(0);
    for (const c of creds) {
      for (const s of c.scopes) {
        const i = colIndex.get(s);
        if (i !== undefined) counts[i]!++;
      }
      grants += c.scopes.length;
      overGrants += c.overGrants.length;
      drift += c.drift.length;
    }
    counts.forEach((n, i) => (colTotals[i]! += n));
    credentials += creds.length;
    if (syncRow?.synced_ms != null && (oldest === null || syncRow.synced_ms < oldest)) {
      oldest = syncRow.synced_ms;
      oldestAt = syncRow.synced_at;
    }
    workspaces.push({
      id: ws.id,
      name: ws.name,
      connection: ws.status,
      sync: syncStateOf(syncRow, nowMs),
      reviewedAt: review?.reviewedAt ?? null,
      columnCounts: counts,
      total: counts.filter((n) => n > 0).length,
      credentials: creds,
    });
  }
  const columns: ScopeColumn[] = cols.map((c, i) => ({
    scope: c.name,
    resource: c.resource,
    action: c.action,
    description: c.description,
    total: colTotals[i]!,
    inBaseline: baselineSet ? baselineSet.has(c.name) : false,
  }));
  return {
    generatedAt: new Date(nowMs).toISOString(),
    columns,
    workspaces,
    baseline: input.baseline,
    bundles: bundleSummary(input.bundles ?? []),
    totals: { workspaces: workspaces.length, credentials, grants, overGrants, drift },
    oldestSyncAt: oldestAt,
    counts: countCredentials(input.credentials, new Set(input.workspaces.map((w) => w.id)), nowMs),
  };
}

function bundleSummary(list: { name: string; scopes: string[] }[]): Matrix['bundles'] {
  const by = new Map<string, { name: string; scopes: string[]; workspaces: number }>();
  for (const b of list) {
    const k = `${b.name}\u0000${JSON.stringify(b.scopes)}`;
    const cur = by.get(k);
    if (cur) cur.workspaces++;
    else by.set(k, { name: b.name, scopes: b.scopes, workspaces: 1 });
  }
  return [...by.values()].sort((a, b) => b.workspaces - a.workspaces || a.name.localeCompare(b.name));
}
