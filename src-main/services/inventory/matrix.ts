// The scope matrix, computed from the cache alone (pure: no I/O). Rows are workspaces expanding into credentials;
// columns are catalogue scopes grouped by resource (read / write / delete). Two depths: 'credentials' (every credential
// summary, as the CLI and the CSV need) and 'counts' (workspace rows, column counts and totals: what the grid paints
// first). 'counts' comes from the read model's aggregates (matrix-read-model.ts, kept by triggers) when no filter looks
// inside credentials, else from its narrow rows through the same filters; test/node/inventory/matrix-depth.test.ts holds
// every path equal.
import type { Baseline, CredentialCounts, CredentialLifecycle, CredentialSummary, Matrix, MatrixFilters, MatrixWorkspace, ScopeColumn, InventorySyncState } from '../../../src-common/contract/inventory.ts';
import { ERROR_CODES, errorData, type ErrorCode } from '../../../src-common/contract/errors.ts';
import type { CachedCredential, CatalogueScope, SyncRow } from './repository.ts';

export const GRANTDESK_CLIENT_ID = 'grantdesk-desktop';
export const EXPIRING_SOON_DAYS = 14;
export const UNUSED_DAYS = 90;
const DAY = 86_400_000;
const ACTION_ORDER: Record<string, number> = { read: 0, write: 1, delete: 2 };

/** What the filters, the counts and the lifecycle need of a credential (the matrix read model's row: no names, no labels). */
export type MatrixCore = Pick<CachedCredential, 'workspaceId' | 'id' | 'type' | 'status' | 'scopes' | 'expiresAt' | 'lastUsedAt' | 'graceEndsAt'>;
/** What a credential summary reads (the matrix read model's wide row: still not every column of the cache). */
export type MatrixDetail = MatrixCore & Pick<CachedCredential, 'name' | 'prefix' | 'lastFour' | 'clientId' | 'createdAt'>;
/** What the filters read of a credential (see filterSubjectOf). */
export type FilterSubject = Pick<CredentialSummary, 'status' | 'type' | 'scopes' | 'writeOrDelete' | 'expiresAt' | 'lastUsedAt' | 'overGrants' | 'drift'>;

/** The read model's aggregates: enough for depth 'counts' while no filter looks inside credentials. */
export interface MatrixAggregates {
  /** workspace -> [scope, holders not revoked, revoked holders] */
  cells: Map<string, [string, number, number][]>;
  /** workspace -> [credentials not revoked, revoked] */
  rows: Map<string, [number, number]>;
  /** workspace -> [scopes granted since its last review to credentials not revoked, to revoked ones] */
  drift: Map<string, [number, number]>;
  /** every credential that may be inactive now (a status other than active, a past expiry, a grace end): lifecycleOf decides */
  mayBeInactive: Pick<MatrixCore, 'workspaceId' | 'status' | 'expiresAt' | 'graceEndsAt'>[];
}

export interface MatrixInput {
  catalogue: CatalogueScope[];
  /** 'credentials': full rows, every summary in the output; 'counts': read-model rows, workspace rows and counts only */
  rows:
    | { depth: 'credentials'; credentials: MatrixDetail[] }
    | { depth: 'counts'; credentials: MatrixCore[] }
    | { depth: 'counts'; aggregates: MatrixAggregates };
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
export function countCredentials(
  credentials: readonly Pick<MatrixCore, 'workspaceId' | 'status' | 'expiresAt' | 'graceEndsAt'>[],
  workspaceIds: ReadonlySet<string>,
  nowMs: number,
  /** the total when `credentials` are only the ones that may be inactive (the aggregates' path) */
  total?: number,
): CredentialCounts {
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
  if (total !== undefined) out.total = total;
  return out;
}

type FlagContext = { nowMs: number; baseline: Set<string> | null; drift: Map<string, string[]> };

/**
 * What the filters read of a credential, for both depths: its core and the scope-derived flags. One object literal of a
 * fixed shape (a spread of the core into it cost ten times the rest of the matrix); the time-derived flags (lifecycle,
 * expiring, unused) are left to summarize(), which only the 'credentials' depth calls.
 */
export function filterSubjectOf(c: MatrixCore, ctx: FlagContext): FilterSubject {
  const driftSet = ctx.drift.get(`${c.workspaceId}\u0000${c.id}`);
  return {
    status: c.status,
    type: c.type,
    scopes: c.scopes,
    expiresAt: c.expiresAt,
    lastUsedAt: c.lastUsedAt,
    writeOrDelete: c.scopes.some(isWriteOrDelete),
    overGrants: ctx.baseline ? c.scopes.filter((s) => !ctx.baseline!.has(s)) : [],
    drift: driftSet ? c.scopes.filter((s) => driftSet.includes(s)) : [],
  };
}

export function summarize(c: MatrixDetail, ctx: FlagContext, f: FilterSubject = filterSubjectOf(c, ctx)): CredentialSummary {
  const expMs = c.expiresAt ? Date.parse(c.expiresAt) : NaN;
  const usedMs = c.lastUsedAt ? Date.parse(c.lastUsedAt) : NaN;
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
    writeOrDelete: f.writeOrDelete,
    overGrants: f.overGrants,
    drift: f.drift,
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

export function matchesFilters(s: FilterSubject, f: MatrixFilters, nowMs: number): boolean {
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

const byTypeName = (a: MatrixDetail, b: MatrixDetail) =>
  a.type < b.type ? -1 : a.type > b.type ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1;

/** One workspace's row before its sync state and names: null when the filters keep none of its credentials. */
interface Tally {
  counts: number[];
  credentialCount: number;
  hasDrift: boolean;
  grants: number;
  overGrants: number;
  drift: number;
  credentials: CredentialSummary[];
}

export function buildMatrix(input: MatrixInput): Matrix {
  const { filters: f, nowMs } = input;
  const rows = input.rows;
  const baselineSet = input.baseline ? new Set(input.baseline.scopes) : null;
  const credFilter = credentialFilterActive(f);
  const ctx = { nowMs, baseline: baselineSet, drift: input.drift };
  const granted = new Set<string>();
  const byWs = new Map<string, MatrixCore[]>();
  if ('aggregates' in rows) {
    // the aggregates count what the default filters keep (revoked apart); a filter on credentials needs the credentials
    if (credFilter) throw new Error('the matrix aggregates cannot answer a credential filter');
    for (const list of rows.aggregates.cells.values()) for (const [s] of list) granted.add(s);
  } else {
    for (const c of rows.credentials) {
      const list = byWs.get(c.workspaceId);
      if (list) list.push(c);
      else byWs.set(c.workspaceId, [c]);
      for (const s of c.scopes) granted.add(s);
    }
  }
  const cols = orderColumns(input.catalogue, granted);
  const colIndex = new Map(cols.map((c, i) => [c.name, i]));

  const fromCredentials = (wsId: string): Tally | null => {
    const t: Tally = { counts: new Array<number>(cols.length).fill(0), credentialCount: 0, hasDrift: false, grants: 0, overGrants: 0, drift: 0, credentials: [] };
    // both depths filter the same subjects; only 'credentials' turns the kept ones into summaries
    const kept: { c: MatrixCore; flags: FilterSubject }[] = [];
    for (const c of byWs.get(wsId) ?? []) {
      const flags = filterSubjectOf(c, ctx);
      if (matchesFilters(flags, f, nowMs)) kept.push({ c, flags });
    }
    if (credFilter && kept.length === 0) return null;
    for (const { c, flags } of kept) {
      for (const s of c.scopes) {
        const i = colIndex.get(s);
        if (i !== undefined) t.counts[i]!++;
      }
      t.grants += c.scopes.length;
      t.overGrants += flags.overGrants.length;
      t.drift += flags.drift.length;
      if (flags.drift.length) t.hasDrift = true;
    }
    t.credentialCount = kept.length;
    if (rows.depth === 'credentials') {
      t.credentials = (kept as { c: MatrixDetail; flags: FilterSubject }[]).sort((x, y) => byTypeName(x.c, y.c)).map((k) => summarize(k.c, ctx, k.flags));
    }
    return t;
  };
  const fromAggregates = (a: MatrixAggregates, wsId: string): Tally => {
    const t: Tally = { counts: new Array<number>(cols.length).fill(0), credentialCount: 0, hasDrift: false, grants: 0, overGrants: 0, drift: 0, credentials: [] };
    const withRevoked = !!f.includeRevoked;
    for (const [scope, holders, revoked] of a.cells.get(wsId) ?? []) {
      const n = holders + (withRevoked ? revoked : 0);
      const i = colIndex.get(scope);
      if (i !== undefined) t.counts[i]! += n;
      t.grants += n;
      if (baselineSet && !baselineSet.has(scope)) t.overGrants += n;
    }
    const [shown = 0, gone = 0] = a.rows.get(wsId) ?? [];
    t.credentialCount = shown + (withRevoked ? gone : 0);
    const [drift = 0, driftRevoked = 0] = a.drift.get(wsId) ?? [];
    t.drift = drift + (withRevoked ? driftRevoked : 0);
    t.hasDrift = t.drift > 0;
    return t;
  };

  const colTotals = new Array<number>(cols.length).fill(0);
  const workspaces: MatrixWorkspace[] = [];
  const totals = { workspaces: 0, credentials: 0, grants: 0, overGrants: 0, drift: 0 };
  let oldest: number | null = null;
  let oldestAt: string | null = null;
  for (const ws of input.workspaces) {
    if (!workspaceMatches(ws, f.workspace)) continue;
    const t = 'aggregates' in rows ? fromAggregates(rows.aggregates, ws.id) : fromCredentials(ws.id);
    if (!t) continue;
    const syncRow = input.syncRows.get(ws.id);
    t.counts.forEach((n, i) => (colTotals[i]! += n));
    totals.credentials += t.credentialCount;
    totals.grants += t.grants;
    totals.overGrants += t.overGrants;
    totals.drift += t.drift;
    if (syncRow?.synced_ms != null && (oldest === null || syncRow.synced_ms < oldest)) {
      oldest = syncRow.synced_ms;
      oldestAt = syncRow.synced_at;
    }
    workspaces.push({
      id: ws.id,
      name: ws.name,
      connection: ws.status,
      sync: syncStateOf(syncRow, nowMs),
      reviewedAt: input.reviews.get(ws.id)?.reviewedAt ?? null,
      columnCounts: t.counts,
      total: t.counts.filter((n) => n > 0).length,
      credentialCount: t.credentialCount,
      hasDrift: t.hasDrift,
      credentials: t.credentials,
    });
  }
  totals.workspaces = workspaces.length;
  const columns: ScopeColumn[] = cols.map((c, i) => ({
    scope: c.name,
    resource: c.resource,
    action: c.action,
    description: c.description,
    total: colTotals[i]!,
    inBaseline: baselineSet ? baselineSet.has(c.name) : false,
  }));
  const known = new Set(input.workspaces.map((w) => w.id));
  let total = 0;
  if ('aggregates' in rows) for (const [id, [shown, gone]] of rows.aggregates.rows) if (known.has(id)) total += shown + gone;
  return {
    generatedAt: new Date(nowMs).toISOString(),
    depth: rows.depth,
    columns,
    workspaces,
    baseline: input.baseline,
    bundles: bundleSummary(input.bundles ?? []),
    totals,
    oldestSyncAt: oldestAt,
    counts: 'aggregates' in rows ? countCredentials(rows.aggregates.mayBeInactive, known, nowMs, total) : countCredentials(rows.credentials, known, nowMs),
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
