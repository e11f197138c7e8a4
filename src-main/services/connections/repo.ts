// SQL of the connections domain. Rows hold metadata only: never a token, code, verifier or state.
import { randomUUID } from 'node:crypto';
import type { Platform, Role, Workspace } from '../../../src-common/contract/index.ts';
import type { Db } from '../../ports/db.ts';

export interface PlatformRow {
  id: string;
  name: string;
  issuer: string;
  client_id: string;
  api_base: string;
  reuse_leeway_seconds: number;
  metadata: string;
  added_at: string;
}

export interface WorkspaceRow {
  id: string;
  name: string;
  platform_id: string;
  status: Workspace['status'];
  reason: string | null;
  role: Role;
  scopes: string;
  access_expires_at: number | null;
  last_refresh_at: number | null;
  last_refresh_error: string | null;
  cooldown_until: number | null;
  failures: number;
  connected_at: number | null;
  generation: number;
  revocation: Workspace['revocation'];
  revocation_attempts: number;
  revocation_error: string | null;
  updated_at: number;
  connected_by_name: string | null;
  connected_by_email: string | null;
  connected_by_source: 'id_token' | 'settings' | null;
}

/** the agency staff member who connected a workspace, and where that came from */
export interface ConnectedBy {
  name: string | null;
  email: string | null;
  source: 'id_token' | 'settings';
}

export type JournalState = 'started' | 'received' | 'persisted' | 'failed' | 'recovering' | 'recovered' | 'abandoned';
export interface JournalRow {
  id: number;
  workspace_id: string;
  generation: number;
  started_at: number;
  state: JournalState;
  pid: number;
  finished_at: number | null;
  note: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function createConnectionsRepo(db: Db) {
  const q = {
    meta: db.prepare<[string], { value: string }>('SELECT value FROM connection_meta WHERE key = ?'),
    setMeta: db.prepare('INSERT OR IGNORE INTO connection_meta (key, value) VALUES (?, ?)'),
    platforms: db.prepare<[], PlatformRow & { workspace_count: number }>(
      `SELECT p.*, (SELECT COUNT(*) FROM workspaces w WHERE w.platform_id = p.id AND w.status != 'disconnected') AS workspace_count FROM platforms p ORDER BY p.name`,
    ),
    platform: db.prepare<[string, string], PlatformRow>('SELECT * FROM platforms WHERE id = ? OR name = ?'),
    insertPlatform: db.prepare(
      'INSERT INTO platforms (id, name, issuer, client_id, api_base, reuse_leeway_seconds, metadata, added_at) VALUES (@id, @name, @issuer, @client_id, @api_base, @reuse_leeway_seconds, @metadata, @added_at)',
    ),
    deletePlatform: db.prepare('DELETE FROM platforms WHERE id = ?'),
    deleteWorkspacesOf: db.prepare("DELETE FROM workspaces WHERE platform_id = ? AND status = 'disconnected'"),
    workspaces: db.prepare<[], WorkspaceRow>('SELECT * FROM workspaces ORDER BY name, id'),
    workspace: db.prepare<[string], WorkspaceRow>('SELECT * FROM workspaces WHERE id = ?'),
    liveCount: db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM workspaces WHERE platform_id = ? AND status != 'disconnected'"),
    upsertConnected: db.prepare(`INSERT INTO workspaces (id, name, platform_id, status, reason, role, scopes, access_expires_at, last_refresh_at, last_refresh_error,
        cooldown_until, failures, connected_at, generation, revocation, revocation_attempts, revocation_error, updated_at, connected_by_name, connected_by_email, connected_by_source)
      VALUES (@id, @name, @platform_id, 'connected', NULL, @role, @scopes, @access_expires_at, NULL, NULL, NULL, 0, @now, @generation, 'none', 0, NULL, @now, @by_name, @by_email, @by_source)
      ON CONFLICT(id) DO UPDATE SET name = excluded.name, platform_id = excluded.platform_id, status = 'connected', reason = NULL, role = excluded.role,
        scopes = excluded.scopes, access_expires_at = excluded.access_expires_at, last_refresh_error = NULL, cooldown_until = NULL, failures = 0,
        connected_at = excluded.connected_at, generation = excluded.generation, revocation = 'none', revocation_attempts = 0, revocation_error = NULL,
        updated_at = excluded.updated_at, connected_by_name = excluded.connected_by_name, connected_by_email = excluded.connected_by_email,
        connected_by_source = excluded.connected_by_source`),
    refreshed: db.prepare(`UPDATE workspaces SET access_expires_at = @access_expires_at, last_refresh_at = @now, last_refresh_error = NULL, cooldown_until = NULL,
        failures = 0, generation = @generation, scopes = COALESCE(@scopes, scopes), updated_at = @now WHERE id = @id`),
    refreshFailed: db.prepare(
      'UPDATE workspaces SET last_refresh_error = @error, cooldown_until = @cooldown_until, failures = failures + 1, updated_at = @now WHERE id = @id',
    ),
    noteError: db.prepare('UPDATE workspaces SET last_refresh_error = @error, updated_at = @now WHERE id = @id'),
    needsReconsent: db.prepare("UPDATE workspaces SET status = 'needs_reconsent', reason = @reason, updated_at = @now WHERE id = @id AND status = 'connected'"),
    disconnected: db.prepare(
      "UPDATE workspaces SET status = 'disconnected', reason = NULL, access_expires_at = NULL, revocation = @revocation, revocation_attempts = @attempts, revocation_error = @error, cooldown_until = NULL, updated_at = @now WHERE id = @id",
    ),
    revocationResult: db.prepare(
      'UPDATE workspaces SET revocation = @revocation, revocation_attempts = revocation_attempts + 1, revocation_error = @error, updated_at = @now WHERE id = @id',
    ),
    pendingRevocations: db.prepare<[], WorkspaceRow>("SELECT * FROM workspaces WHERE revocation = 'pending' ORDER BY updated_at"),
    journalStart: db.prepare("INSERT INTO refresh_journal (workspace_id, generation, started_at, state, pid) VALUES (?, ?, ?, 'started', ?)"),
    journalSet: db.prepare('UPDATE refresh_journal SET state = @state, finished_at = @finished_at, note = COALESCE(@note, note) WHERE id = @id'),
    journalOpen: db.prepare<[string], JournalRow>(
      "SELECT * FROM refresh_journal WHERE workspace_id = ? AND state IN ('started','received','recovering') ORDER BY id",
    ),
    journalAllOpen: db.prepare<[], { workspace_id: string }>("SELECT DISTINCT workspace_id FROM refresh_journal WHERE state IN ('started','received','recovering')"),
    journalCloseAll: db.prepare(
      "UPDATE refresh_journal SET state = 'abandoned', finished_at = ?, note = ? WHERE workspace_id = ? AND state IN ('started','received','recovering')",
    ),
    journalFor: db.prepare<[string], JournalRow>('SELECT * FROM refresh_journal WHERE workspace_id = ? ORDER BY id'),
  };

  return {
    profileId(): string {
      const row = q.meta.get('profile_id');
      if (row) return row.value;
      q.setMeta.run('profile_id', randomUUID());
      return q.meta.get('profile_id')!.value;
    },
    listPlatforms: () => q.platforms.all(),
    findPlatform: (ref: string) => q.platform.get(ref, ref) ?? null,
    insertPlatform: (p: PlatformRow) => q.insertPlatform.run(p),
    removePlatform: (id: string) =>
      db.transaction(() => {
        q.deleteWorkspacesOf.run(id);
        q.deletePlatform.run(id);
      })(),
    liveWorkspaceCount: (platformId: string) => q.liveCount.get(platformId)!.n,
    listWorkspaces: () => q.workspaces.all(),
    getWorkspace: (id: string) => q.workspace.get(id) ?? null,
    upsertConnected: (w: { id: string; name: string; platform_id: string; role: Role; scopes: string[]; access_expires_at: number; generation: number; now: number; by: ConnectedBy | null }) => {
      const { by, ...row } = w;
      return q.upsertConnected.run({ ...row, scopes: JSON.stringify(w.scopes), by_name: by?.name ?? null, by_email: by?.email ?? null, by_source: by?.source ?? null });
    },
    refreshed: (id: string, v: { access_expires_at: number; generation: number; scopes: string[] | null; now: number }) =>
      q.refreshed.run({ id, ...v, scopes: v.scopes ? JSON.stringify(v.scopes) : null }),
    refreshFailed: (id: string, error: string, cooldownUntil: number | null, now: number) => q.refreshFailed.run({ id, error, cooldown_until: cooldownUntil, now }),
    noteError: (id: string, error: string | null, now: number) => q.noteError.run({ id, error, now }),
    needsReconsent: (id: string, reason: string, now: number) => q.needsReconsent.run({ id, reason, now }).changes > 0,
    disconnected: (id: string, revocation: Workspace['revocation'], attempts: number, error: string | null, now: number) =>
      q.disconnected.run({ id, revocation, attempts, error, now }),
    revocationResult: (id: string, revocation: Workspace['revocation'], error: string | null, now: number) => q.revocationResult.run({ id, revocation, error, now }),
    pendingRevocations: () => q.pendingRevocations.all(),
    journalStart: (workspaceId: string, generation: number, now: number) => Number(q.journalStart.run(workspaceId, generation, now, process.pid).lastInsertRowid),
    journalSet: (id: number, state: JournalState, now: number, note: string | null = null) =>
      q.journalSet.run({ id, state, finished_at: state === 'received' || state === 'recovering' ? null : now, note }),
    journalOpen: (workspaceId: string) => q.journalOpen.all(workspaceId),
    journalWorkspacesWithOpen: () => q.journalAllOpen.all().map((r) => r.workspace_id),
    journalCloseAll: (workspaceId: string, note: string, now: number) => q.journalCloseAll.run(now, note, workspaceId),
    journalFor: (workspaceId: string) => q.journalFor.all(workspaceId),
  };
}
export type ConnectionsRepo = ReturnType<typeof createConnectionsRepo>;

export function toPlatform(p: PlatformRow & { workspace_count?: number }): Platform {
  const meta = JSON.parse(p.metadata) as Record<string, unknown>;
  return {
    id: p.id,
    name: p.name,
    issuer: p.issuer,
    clientId: p.client_id,
    apiBase: p.api_base,
    reuseLeewaySeconds: p.reuse_leeway_seconds,
    deviceFlow: typeof meta.device_authorization_endpoint === 'string',
    revocation: typeof meta.revocation_endpoint === 'string',
    addedAt: p.added_at,
    workspaceCount: p.workspace_count ?? 0,
  };
}

export function toWorkspace(w: WorkspaceRow, platformName: string): Workspace {
  return {
    id: w.id,
    name: w.name,
    platformId: w.platform_id,
    platformName,
    status: w.status,
    reason: w.reason,
    role: w.role,
    scopes: JSON.parse(w.scopes) as string[],
    accessExpiresAt: w.status === 'disconnected' ? null : iso(w.access_expires_at),
    lastRefreshAt: iso(w.last_refresh_at),
    lastRefreshError: w.last_refresh_error,
    cooldownUntil: iso(w.cooldown_until),
    connectedAt: iso(w.connected_at),
    generation: w.generation,
    revocation: w.revocation,
    revocationAttempts: w.revocation_attempts,
    revocationError: w.revocation_error,
    connectedBy: connectedByOf(w),
  };
}

export function connectedByOf(w: WorkspaceRow): ConnectedBy | null {
  if (!w.connected_by_source || (w.connected_by_name === null && w.connected_by_email === null)) return null;
  return { name: w.connected_by_name, email: w.connected_by_email, source: w.connected_by_source };
}
