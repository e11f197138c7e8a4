// The inventory's SQL, in one place. Reads are offline: everything the matrix, lists and previews show comes from here.
import { createHash } from 'node:crypto';
import type { Db } from '../../ports/db.ts';
import type { CredentialType } from '../../../src-common/contract/inventory.ts';

export interface NormalizedCredential {
  id: string;
  type: CredentialType;
  name: string;
  status: string;
  scopes: string[];
  prefix: string | null;
  lastFour: string | null;
  clientId: string | null;
  ipAllowlist: string[];
  expiresAt: string | null;
  rateLimitPerMinute: number | null;
  dailyQuota: number | null;
  createdAt: string | null;
  lastUsedAt: string | null;
  graceEndsAt: string | null;
  rotatedFrom: string | null;
  secretCreatedAt: string | null;
}

export interface CachedCredential extends NormalizedCredential {
  workspaceId: string;
  firstSeenMs: number;
  updatedMs: number;
}

export interface CatalogueScope {
  name: string;
  resource: string;
  action: string;
  description: string;
}

export interface CachedBundle {
  workspaceId: string;
  id: string;
  name: string;
  description: string | null;
  scopes: string[];
}

export interface SyncRow {
  workspace_id: string;
  workspace_name: string;
  first_synced_ms: number | null;
  synced_at: string | null;
  synced_ms: number | null;
  attempted_at: string;
  state: 'ok' | 'failed';
  error_code: string | null;
  error_message: string | null;
}


interface CredDbRow {
  workspace_id: string;
  id: string;
  type: CredentialType;
  name: string;
  status: string;
  scopes_json: string;
  prefix: string | null;
  last_four: string | null;
  client_id: string | null;
  ip_allowlist_json: string;
  expires_at: string | null;
  rate_limit_per_minute: number | null;
  daily_quota: number | null;
  created_at: string | null;
  last_used_at: string | null;
  grace_ends_at: string | null;
  rotated_from: string | null;
  secret_created_at: string | null;
  content_hash: string;
  first_seen_ms: number;
  updated_ms: number;
}

const parseMs = (iso: string | null): number | null => {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
};

function hashOf(c: NormalizedCredential): string {
  return createHash('sha256').update(JSON.stringify(c)).digest('hex');
}

function fromRow(r: CredDbRow): CachedCredential {
  return {
    workspaceId: r.workspace_id,
    id: r.id,
    type: r.type,
    name: r.name,
    status: r.status,
    scopes: JSON.parse(r.scopes_json) as string[],
    prefix: r.prefix,
    lastFour: r.last_four,
    clientId: r.client_id,
    ipAllowlist: JSON.parse(r.ip_allowlist_json) as string[],
    expiresAt: r.expires_at,
    rateLimitPerMinute: r.rate_limit_per_minute,
    dailyQuota: r.daily_quota,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    graceEndsAt: r.grace_ends_at,
    rotatedFrom: r.rotated_from,
    secretCreatedAt: r.secret_created_at,
    firstSeenMs: r.first_seen_ms,
    updatedMs: r.updated_ms,
  };
}

export interface DiffCounts {
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
}

export type InventoryRepository = ReturnType<typeof createInventoryRepository>;

export function createInventoryRepository(db: Db) {
  const st = {
    credsOfWs: db.prepare<[string], CredDbRow>('SELECT * FROM inv_credentials WHERE workspace_id = ?'),
    allCreds: db.prepare<[], CredDbRow>('SELECT * FROM inv_credentials'),
    cred: db.prepare<[string, string], CredDbRow>('SELECT * FROM inv_credentials WHERE workspace_id = ? AND id = ?'),
    insertCred: db.prepare(`INSERT INTO inv_credentials (workspace_id, id, type, name, status, scopes_json, prefix, last_four, client_id,
      ip_allowlist_json, expires_at, expires_ms, rate_limit_per_minute, daily_quota, created_at, last_used_at, last_used_ms, grace_ends_at,
      rotated_from, secret_created_at, content_hash, first_seen_ms, updated_ms)
      VALUES (@workspace_id, @id, @type, @name, @status, @scopes_json, @prefix, @last_four, @client_id, @ip_allowlist_json, @expires_at,
      @expires_ms, @rate_limit_per_minute, @daily_quota, @created_at, @last_used_at, @last_used_ms, @grace_ends_at, @rotated_from,
      @secret_created_at, @content_hash, @first_seen_ms, @updated_ms)
      ON CONFLICT (workspace_id, id) DO UPDATE SET type = excluded.type, name = excluded.name, status = excluded.status,
      scopes_json = excluded.scopes_json, prefix = excluded.prefix, last_four = excluded.last_four, client_id = excluded.client_id,
      ip_allowlist_json = excluded.ip_allowlist_json, expires_at = excluded.expires_at, expires_ms = excluded.expires_ms,
      rate_limit_per_minute = excluded.rate_limit_per_minute, daily_quota = excluded.daily_quota, created_at = excluded.created_at,
      last_used_at = excluded.last_used_at, last_used_ms = excluded.last_used_ms, grace_ends_at = excluded.grace_ends_at,
      rotated_from = excluded.rotated_from, secret_created_at = excluded.secret_created_at, content_hash = excluded.content_hash,
      updated_ms = excluded.updated_ms`),
    deleteCred: db.prepare('DELETE FROM inv_credentials WHERE workspace_id = ? AND id = ?'),
    scopesOf: db.prepare<[string, string], { scope: string }>('SELECT scope FROM inv_credential_scopes WHERE workspace_id = ? AND credential_id = ?'),
    insertScope: db.prepare('INSERT OR IGNORE INTO inv_credential_scopes (workspace_id, credential_id, scope, first_seen_ms) VALUES (?, ?, ?, ?)'),
    deleteScope: db.prepare('DELETE FROM inv_credential_scopes WHERE workspace_id = ? AND credential_id = ? AND scope = ?'),
    deleteScopesOf: db.prepare('DELETE FROM inv_credential_scopes WHERE workspace_id = ? AND credential_id = ?'),
    driftRows: db.prepare<[], { workspace_id: string; credential_id: string; scope: string }>(
      `SELECT s.workspace_id, s.credential_id, s.scope FROM inv_credential_scopes s
       JOIN inv_sync y ON y.workspace_id = s.workspace_id
       LEFT JOIN inv_reviews r ON r.workspace_id = s.workspace_id
       WHERE s.first_seen_ms > COALESCE(r.reviewed_ms, y.first_synced_ms)`,
    ),
    deleteBundles: db.prepare('DELETE FROM inv_bundles WHERE workspace_id = ?'),
    insertBundle: db.prepare('INSERT INTO inv_bundles (workspace_id, id, name, description, scopes_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    bundles: db.prepare<[], { workspace_id: string; id: string; name: string; description: string | null; scopes_json: string }>(
      'SELECT workspace_id, id, name, description, scopes_json FROM inv_bundles ORDER BY name, workspace_id',
    ),
    upsertScope: db.prepare(`INSERT INTO inv_scopes (name, resource, action, description, ord) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(name) DO UPDATE SET resource = excluded.resource, action = excluded.action, description = excluded.description`),
    maxScopeOrd: db.prepare<[], { m: number | null }>('SELECT MAX(ord) AS m FROM inv_scopes'),
    catalogue: db.prepare<[], CatalogueScope & { ord: number }>('SELECT name, resource, action, description, ord FROM inv_scopes ORDER BY ord'),
    syncRow: db.prepare<[string], SyncRow>('SELECT * FROM inv_sync WHERE workspace_id = ?'),
    syncRows: db.prepare<[], SyncRow>('SELECT * FROM inv_sync'),
    syncOk: db.prepare(`INSERT INTO inv_sync (workspace_id, workspace_name, first_synced_ms, synced_at, synced_ms, attempted_at, state, error_code, error_message)
      VALUES (@ws, @name, @ms, @at, @ms, @at, 'ok', NULL, NULL)
      ON CONFLICT(workspace_id) DO UPDATE SET workspace_name = excluded.workspace_name, first_synced_ms = COALESCE(inv_sync.first_synced_ms, excluded.first_synced_ms),
      synced_at = excluded.synced_at, synced_ms = excluded.synced_ms, attempted_at = excluded.attempted_at, state = 'ok', error_code = NULL, error_message = NULL`),
    syncFailed: db.prepare(`INSERT INTO inv_sync (workspace_id, workspace_name, first_synced_ms, synced_at, synced_ms, attempted_at, state, error_code, error_message)
      VALUES (@ws, @name, NULL, NULL, NULL, @at, 'failed', @code, @message)
      ON CONFLICT(workspace_id) DO UPDATE SET workspace_name = excluded.workspace_name, attempted_at = excluded.attempted_at, state = 'failed', error_code = excluded.error_code, error_message = excluded.error_message`),
    baseline: db.prepare<[], { name: string; scopes_json: string; set_at: string }>("SELECT name, scopes_json, set_at FROM inv_baseline WHERE key = 'agency'"),
    setBaseline: db.prepare(`INSERT INTO inv_baseline (key, name, scopes_json, set_at) VALUES ('agency', ?, ?, ?)
      ON CONFLICT(key) DO UPDATE SET name = excluded.name, scopes_json = excluded.scopes_json, set_at = excluded.set_at`),
    clearBaseline: db.prepare("DELETE FROM inv_baseline WHERE key = 'agency'"),
    reviews: db.prepare<[], { workspace_id: string; reviewed_at: string; reviewed_ms: number }>('SELECT * FROM inv_reviews'),
    setReview: db.prepare(`INSERT INTO inv_reviews (workspace_id, reviewed_at, reviewed_ms) VALUES (?, ?, ?)
      ON CONFLICT(workspace_id) DO UPDATE SET reviewed_at = excluded.reviewed_at, reviewed_ms = excluded.reviewed_ms`),
    setStatus: db.prepare('UPDATE inv_credentials SET status = ?, updated_ms = ? WHERE workspace_id = ? AND id = ?'),
    insertRevocation: db.prepare(`INSERT INTO inv_revocations (batch_id, actor, transport, requested_at, workspace_id, workspace_name, credential_id,
      credential_name, type, scopes_json, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')`),
  };

  /** One write under synchronous=FULL (a final record must survive power loss), then back to NORMAL. */
  function durably<T>(fn: () => T): T {
    db.pragma('synchronous = FULL');
    try {
      return fn();
    } finally {
      db.pragma('synchronous = NORMAL');
    }
  }

  const purgeStmts = ['inv_credential_scopes', 'inv_credentials', 'inv_bundles', 'inv_sync', 'inv_reviews', 'inv_revocations'].map((t) =>
    db.prepare<[string]>(`DELETE FROM ${t} WHERE workspace_id = ?`),
  );
  return {
    /** Replaces one workspace's inventory with what the platform returned, writing only the differences. */
    applyWorkspace(workspaceId: string, workspaceName: string, creds: NormalizedCredential[], bundles: CachedBundle[] | null, nowMs: number): DiffCounts {
      return db.transaction((): DiffCounts => {
        const existing = new Map(st.credsOfWs.all(workspaceId).map((r) => [r.id, r]));
        const counts: DiffCounts = { added: 0, changed: 0, removed: 0, unchanged: 0 };
        for (const c of creds) {
          const hash = hashOf(c);
          const prev = existing.get(c.id);
          existing.delete(c.id);
          if (prev && prev.content_hash === hash) {
            counts.unchanged++;
            continue;
          }
          if (prev) counts.changed++;
          else counts.added++;
          st.insertCred.run({
            workspace_id: workspaceId,
            id: c.id,
            type: c.type,
            name: c.name,
            status: c.status,
            scopes_json: JSON.stringify(c.scopes),
            prefix: c.prefix,
            last_four: c.lastFour,
            client_id: c.clientId,
            ip_allowlist_json: JSON.stringify(c.ipAllowlist),
            expires_at: c.expiresAt,
            expires_ms: parseMs(c.expiresAt),
            rate_limit_per_minute: c.rateLimitPerMinute,
            daily_quota: c.dailyQuota,
            created_at: c.createdAt,
            last_used_at: c.lastUsedAt,
            last_used_ms: parseMs(c.lastUsedAt),
            grace_ends_at: c.graceEndsAt,
            rotated_from: c.rotatedFrom,
            secret_created_at: c.secretCreatedAt,
            content_hash: hash,
            first_seen_ms: nowMs,
            updated_ms: nowMs,
          });
          const had = new Set(st.scopesOf.all(workspaceId, c.id).map((r) => r.scope));
          const now = new Set(c.scopes);
          for (const s of now) if (!had.has(s)) st.insertScope.run(workspaceId, c.id, s, nowMs);
          for (const s of had) if (!now.has(s)) st.deleteScope.run(workspaceId, c.id, s);
        }
        for (const gone of existing.keys()) {
          st.deleteCred.run(workspaceId, gone);
          st.deleteScopesOf.run(workspaceId, gone);
          counts.removed++;
        }
        if (bundles) {
          st.deleteBundles.run(workspaceId);
          for (const b of bundles) st.insertBundle.run(workspaceId, b.id, b.name, b.description, JSON.stringify(b.scopes), null, null);
        }
        const at = new Date(nowMs).toISOString();
        st.syncOk.run({ ws: workspaceId, name: workspaceName, ms: nowMs, at });
        return counts;
      })();
    },
    markSyncFailed(workspaceId: string, workspaceName: string, nowMs: number, code: string, message: string): void {
      st.syncFailed.run({ ws: workspaceId, name: workspaceName, at: new Date(nowMs).toISOString(), code, message: message.slice(0, 500) });
    },
    upsertCatalogue(scopes: CatalogueScope[]): void {
      db.transaction(() => {
        let ord = (st.maxScopeOrd.get()?.m ?? -1) + 1;
        const known = new Set(st.catalogue.all().map((s) => s.name));
        for (const s of scopes) st.upsertScope.run(s.name, s.resource, s.action, s.description, known.has(s.name) ? 0 : ord++);
      })();
    },
    catalogue(): CatalogueScope[] {
      return st.catalogue.all().map(({ name, resource, action, description }) => ({ name, resource, action, description }));
    },
    credentials(): CachedCredential[] {
      return st.allCreds.all().map(fromRow);
    },
    credential(workspaceId: string, id: string): CachedCredential | null {
      const r = st.cred.get(workspaceId, id);
      return r ? fromRow(r) : null;
    },
    /**
     * Drift: scopes first seen after the workspace's last review (or, never reviewed, after its first sync).
     * Keyed `${workspaceId}\u0000${credentialId}`; only credentials with drift appear.
     */
    drift(): Map<string, string[]> {
      const m = new Map<string, string[]>();
      for (const r of st.driftRows.all()) {
        const k = `${r.workspace_id}\u0000${r.credential_id}`;
        const list = m.get(k);
        if (list) list.push(r.scope);
        else m.set(k, [r.scope]);
      }
      return m;
    },
    bundles(): CachedBundle[] {
      return st.bundles.all().map((b) => ({ workspaceId: b.workspace_id, id: b.id, name: b.name, description: b.description, scopes: JSON.parse(b.scopes_json) as string[] }));
    },
    syncRow(workspaceId: string): SyncRow | null {
      return st.syncRow.get(workspaceId) ?? null;
    },
    syncRows(): Map<string, SyncRow> {
      return new Map(st.syncRows.all().map((r) => [r.workspace_id, r]));
    },
    baseline(): { name: string; scopes: string[]; setAt: string } | null {
      const r = st.baseline.get();
      return r ? { name: r.name, scopes: JSON.parse(r.scopes_json) as string[], setAt: r.set_at } : null;
    },
    setBaseline(name: string, scopes: string[], setAt: string): void {
      st.setBaseline.run(name, JSON.stringify([...new Set(scopes)].sort()), setAt);
    },
    clearBaseline(): void {
      st.clearBaseline.run();
    },
    reviews(): Map<string, { reviewedAt: string; reviewedMs: number }> {
      return new Map(st.reviews.all().map((r) => [r.workspace_id, { reviewedAt: r.reviewed_at, reviewedMs: r.reviewed_ms }]));
    },
    markReviewed(workspaceIds: string[], nowMs: number): void {
      const at = new Date(nowMs).toISOString();
      db.transaction(() => {
        for (const w of workspaceIds) st.setReview.run(w, at, nowMs);
      })();
    },
    setCredentialStatus(workspaceId: string, id: string, status: string, nowMs: number): void {
      st.setStatus.run(status, nowMs, workspaceId, id);
    },
    /** The revocation attempt, written before the platform call (synchronous=FULL); revocation-log.ts records its result. */
    recordRevocationStart(r: { batchId: string; actor: string; transport: string; requestedAt: string; workspaceId: string; workspaceName: string; credentialId: string; credentialName: string; type: string | null; scopes: string[] }): number {
      return durably(() =>
        Number(
          st.insertRevocation.run(r.batchId, r.actor, r.transport, r.requestedAt, r.workspaceId, r.workspaceName, r.credentialId, r.credentialName, r.type, JSON.stringify(r.scopes))
            .lastInsertRowid,
        ),
      );
    },
    /**
     * Removes these workspaces from every inventory table (an auditor review's purge). The caller runs it with
     * secure_delete on and compacts the file afterwards.
     */
    purgeWorkspaces(ids: readonly string[]): void {
      if (!ids.length) return;
      db.transaction(() => {
        for (const ws of ids) for (const del of purgeStmts) del.run(ws);
      })();
    },
  };
}
