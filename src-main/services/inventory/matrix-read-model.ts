// The scope matrix's read model. The grid's first paint (depth 'counts', no filter inside credentials) reads the
// aggregates the triggers of migration 034 keep per workspace and scope: a few thousand rows instead of every credential.
// A filter on credentials reads the narrow rows (who holds which scope, status and the dates the filters read) without
// names, labels or the other columns; every summary reads the wide rows. Reading every column of 8,760 credentials cost
// about ten times as much as the eight narrow ones (profiled for bench/matrix-render.bench.ts).
import type { Db } from '../../ports/db.ts';
import type { MatrixAggregates, MatrixCore, MatrixDetail } from './matrix.ts';
import type { CachedCredential } from './repository.ts';

type CoreRow = [string, string, CachedCredential['type'], string, string, string | null, string | null, string | null];
type DetailRow = [...CoreRow, string, string | null, string | null, string | null, string | null];
const CORE = 'workspace_id, id, type, status, scopes_json, expires_at, last_used_at, grace_ends_at';

export function createMatrixReadModel(db: Db) {
  const cores = db
    .prepare<[], CoreRow>(`SELECT ${CORE} FROM inv_credentials`)
    .raw(true);
  // one row per workspace, its cells as JSON built by SQLite: 500 strings instead of 25,000 (a third of the time)
  const cells = db
    .prepare<[], [string, string]>('SELECT workspace_id, json_group_array(json_array(scope, holders, holders_revoked)) FROM inv_matrix_cells GROUP BY workspace_id')
    .raw(true);
  const wsRows = db.prepare<[], [string, number, number]>('SELECT workspace_id, credentials, revoked FROM inv_matrix_rows').raw(true);
  // drift as repository.drift() defines it (scopes first seen after the last review, or after the first sync), per
  // workspace. CROSS JOIN keeps inv_sync outermost, so each workspace range-scans inv_credential_scopes_seen (0.5 ms)
  // instead of the planner scanning every scope row and looking up its credential (100 ms at 8,760 credentials).
  const drift = db
    .prepare<[], [string, number, number]>(
      `SELECT s.workspace_id, SUM(c.status <> 'revoked'), SUM(c.status = 'revoked')
       FROM inv_sync y
       LEFT JOIN inv_reviews r ON r.workspace_id = y.workspace_id
       CROSS JOIN inv_credential_scopes s
       JOIN inv_credentials c ON c.workspace_id = s.workspace_id AND c.id = s.credential_id
       WHERE s.workspace_id = y.workspace_id AND s.first_seen_ms > COALESCE(r.reviewed_ms, y.first_synced_ms)
       GROUP BY s.workspace_id`,
    )
    .raw(true);
  // a superset of the credentials lifecycleOf() may call inactive at `now` (expires_ms is the parsed expires_at)
  const mayBeInactive = db
    .prepare<[number], [string, string, string | null, string | null]>(
      // each term a range of its own index (the planner scans every credential for the same terms joined by OR)
      `SELECT workspace_id, status, expires_at, grace_ends_at FROM inv_credentials WHERE rowid IN (
         SELECT rowid FROM inv_credentials WHERE status < 'active' UNION ALL SELECT rowid FROM inv_credentials WHERE status > 'active'
         UNION ALL SELECT rowid FROM inv_credentials WHERE expires_ms <= ?
         UNION ALL SELECT rowid FROM inv_credentials WHERE grace_ends_at IS NOT NULL)`,
    )
    .raw(true);
  const details = db.prepare<[], DetailRow>(`SELECT ${CORE}, name, prefix, last_four, client_id, created_at FROM inv_credentials`).raw(true);
  return {
    cores(): MatrixCore[] {
      return cores.all().map(([workspaceId, id, type, status, scopesJson, expiresAt, lastUsedAt, graceEndsAt]) => ({
        workspaceId,
        id,
        type,
        status,
        scopes: JSON.parse(scopesJson) as string[],
        expiresAt,
        lastUsedAt,
        graceEndsAt,
      }));
    },
    /** the triggers' per-workspace counts (migration 034), drift per workspace and the possibly inactive credentials */
    aggregates(nowMs: number): MatrixAggregates {
      return {
        cells: new Map(cells.all().map(([ws, json]) => [ws, JSON.parse(json) as [string, number, number][]])),
        rows: new Map(wsRows.all().map(([ws, shown, revoked]) => [ws, [shown, revoked]])),
        drift: new Map(drift.all().map(([ws, shown, revoked]) => [ws, [shown, revoked]])),
        mayBeInactive: mayBeInactive.all(nowMs).map(([workspaceId, status, expiresAt, graceEndsAt]) => ({ workspaceId, status, expiresAt, graceEndsAt })),
      };
    },
    /** what every summary needs (the 'credentials' depth): the core and the names and labels */
    details(): MatrixDetail[] {
      return details.all().map(([workspaceId, id, type, status, scopesJson, expiresAt, lastUsedAt, graceEndsAt, name, prefix, lastFour, clientId, createdAt]) => ({
        workspaceId,
        id,
        type,
        status,
        scopes: JSON.parse(scopesJson) as string[],
        expiresAt,
        lastUsedAt,
        graceEndsAt,
        name,
        prefix,
        lastFour,
        clientId,
        createdAt,
      }));
    },
  };
}
export type MatrixReadModel = ReturnType<typeof createMatrixReadModel>;
