// The cache's side of an archive run: which events of each workspace may leave (a seq prefix older than the cut), their
// rows in seq order for the Parquet writer, and the one transaction that takes them out of the cache once their files
// are written and re-verified: the full-text rows, the indexer's aggregates (exactly what those rows had added), the
// event rows, the cached count, and the workspace's archive anchor (audit_archive_anchors, migration 024).
import type { Db } from '../../ports/db.ts';
import { AppError } from '../../rpc/app-error.ts';
import { CONTACT, DAY, HOUR, NULL_STATUS } from './indexer.ts';
import { FTS_BODY, RID_SLOTS } from './repo.ts';
import { registerRouteOf } from './route.ts';

export interface ArchiveColumn {
  name: string;
  type: 'VARCHAR' | 'BIGINT';
}

/** What one workspace contributes to a run: its cached events (fromSeq..toSeq], or why none. */
export interface WorkspaceCut {
  workspaceId: string;
  /** first cached seq */
  fromSeq: number;
  /** last seq to archive (fromSeq - 1: nothing) */
  toSeq: number;
  skipped: string | null;
}

export interface Anchor {
  workspaceId: string;
  seq: number;
  hash: string;
  archiveId: string;
  folder: string;
}

const RANGE = 'workspace_id = @ws AND seq BETWEEN @from AND @to';
/** the rid range of one UTC day of a group's `day` column (rid = occurred_ms * RID_SLOTS + slot: the indexes' order) */
const dayRids = (t: string) => `e.rid >= ${t}.day * ${DAY * RID_SLOTS} AND e.rid < (${t}.day + 1) * ${DAY * RID_SLOTS}`;
const ARCHIVED = `${RANGE} AND ix = 1`;

export function createArchiveCache(db: Db) {
  registerRouteOf(db);
  const states = db.prepare<[], { workspace_id: string; cursor_seq: number }>('SELECT workspace_id, cursor_seq FROM audit_sync_state WHERE cursor_seq > 0 ORDER BY workspace_id');
  const firstSeq = db.prepare<[string], { s: number | null }>('SELECT min(seq) AS s FROM audit_events WHERE workspace_id = ?');
  const firstAtOrAfter = db.prepare<[string, number], { s: number | null }>('SELECT min(seq) AS s FROM audit_events WHERE workspace_id = ? AND occurred_ms >= ?');
  const countRange = db.prepare<[string, number, number], { n: number }>('SELECT count(*) AS n FROM audit_events WHERE workspace_id = ? AND seq BETWEEN ? AND ?');
  const hashAt = db.prepare<[string, number], { hash: string; prev_hash: string }>('SELECT hash, prev_hash FROM audit_events WHERE workspace_id = ? AND seq = ?');
  const anchorOf = db.prepare<[string], { seq: number; hash: string; archive_id: string; folder: string }>('SELECT seq, hash, archive_id, folder FROM audit_archive_anchors WHERE workspace_id = ?');

  // every column audit_events has now (later migrations add columns; an archive carries whatever the cache holds)
  const columns: ArchiveColumn[] = (db.prepare('PRAGMA table_info(audit_events)').all() as { name: string; type: string }[]).map((c) => ({
    name: c.name,
    type: /INT/i.test(c.type) ? 'BIGINT' : 'VARCHAR',
  }));
  for (const need of ['workspace_id', 'seq', 'occurred_ms', 'prev_hash', 'hash']) {
    if (!columns.some((c) => c.name === need)) throw new AppError('internal', `audit_events has no ${need} column`);
  }
  const quoted = columns.map((c) => `"${c.name}"`).join(', ');
  const batch = db.prepare(`SELECT ${quoted} FROM audit_events WHERE workspace_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?`).raw(true);

  const removeSteps = [
    // the full-text rows of indexed events, by the same expression that indexed them (a contentless FTS5 table)
    db.prepare(`INSERT INTO audit_fts (audit_fts, rowid, body) SELECT 'delete', rid, ${FTS_BODY} FROM audit_events WHERE ${ARCHIVED}`),
    // the aggregates lose exactly what these rows added (indexer.ts); emptied groups go below
    db.prepare(`INSERT INTO audit_agg_hour (workspace_id, hour, n) SELECT workspace_id, occurred_ms / ${HOUR}, -count(*) FROM audit_events WHERE ${ARCHIVED}
      GROUP BY 1, 2 ON CONFLICT (workspace_id, hour) DO UPDATE SET n = n + excluded.n`),
    db.prepare(`INSERT INTO audit_agg_use (workspace_id, credential_id, day, method, route, status, pii, n, last_at)
      SELECT workspace_id, credential_id, occurred_ms / ${DAY}, coalesce(method, ''), audit_route_of(endpoint), coalesce(status, ${NULL_STATUS}), pii_accessed, -count(*), ''
      FROM audit_events WHERE ${ARCHIVED} AND credential_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7
      ON CONFLICT (workspace_id, credential_id, day, method, route, status, pii) DO UPDATE SET n = n + excluded.n`),
    db.prepare(`INSERT INTO audit_agg_ip (workspace_id, credential_id, day, ip, n, last_at)
      SELECT workspace_id, credential_id, occurred_ms / ${DAY}, coalesce(caller_ip, ''), -count(*), '' FROM audit_events WHERE ${ARCHIVED} AND credential_id IS NOT NULL GROUP BY 1, 2, 3, 4
      ON CONFLICT (workspace_id, credential_id, day, ip) DO UPDATE SET n = n + excluded.n`),
    db.prepare('DELETE FROM audit_agg_hour WHERE workspace_id = @ws AND n <= 0'),
    db.prepare('DELETE FROM audit_agg_use WHERE workspace_id = @ws AND n <= 0'),
    db.prepare('DELETE FROM audit_agg_ip WHERE workspace_id = @ws AND n <= 0'),
    // a group some of whose events stay: its last call is the latest of the ones that stay (those of the cut's days)
    db.prepare(`UPDATE audit_agg_use SET last_at = coalesce((SELECT max(e.occurred_at) FROM audit_events e WHERE e.credential_id = audit_agg_use.credential_id
        AND ${dayRids('audit_agg_use')} AND e.workspace_id = audit_agg_use.workspace_id
        AND e.seq > @to AND e.ix = 1 AND coalesce(e.method, '') = audit_agg_use.method AND audit_route_of(e.endpoint) = audit_agg_use.route
        AND coalesce(e.status, ${NULL_STATUS}) = audit_agg_use.status AND e.pii_accessed = audit_agg_use.pii), last_at)
      WHERE workspace_id = @ws AND day IN (SELECT DISTINCT occurred_ms / ${DAY} FROM audit_events WHERE ${ARCHIVED})`),
    db.prepare(`UPDATE audit_agg_ip SET last_at = coalesce((SELECT max(e.occurred_at) FROM audit_events e WHERE e.credential_id = audit_agg_ip.credential_id
        AND ${dayRids('audit_agg_ip')} AND e.workspace_id = audit_agg_ip.workspace_id
        AND e.seq > @to AND e.ix = 1 AND coalesce(e.caller_ip, '') = audit_agg_ip.ip), last_at)
      WHERE workspace_id = @ws AND day IN (SELECT DISTINCT occurred_ms / ${DAY} FROM audit_events WHERE ${ARCHIVED})`),
    // distinct sets: a contact record leaves them when no event that stays still reads it
    db.prepare(`DELETE FROM audit_agg_contact WHERE workspace_id = @ws AND endpoint IN (SELECT endpoint FROM audit_events WHERE ${ARCHIVED} AND ${CONTACT} AND status < 300)
      AND NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.workspace_id = @ws AND e.endpoint = audit_agg_contact.endpoint AND e.seq > @to AND e.ix = 1 AND e.status < 300)`),
    db.prepare(`DELETE FROM audit_agg_contact_day WHERE workspace_id = @ws
      AND (credential_id, day, endpoint) IN (SELECT credential_id, occurred_ms / ${DAY}, endpoint FROM audit_events WHERE ${ARCHIVED} AND credential_id IS NOT NULL AND pii_accessed = 1 AND ${CONTACT})
      AND NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.credential_id = audit_agg_contact_day.credential_id AND ${dayRids('audit_agg_contact_day')}
        AND e.workspace_id = @ws AND e.endpoint = audit_agg_contact_day.endpoint AND e.seq > @to AND e.ix = 1 AND e.pii_accessed = 1)`),
    // the stored CSV lines of these events (migration 25) go with them
    db.prepare(`DELETE FROM audit_csv_lines WHERE ${RANGE}`),
    db.prepare(`DELETE FROM audit_events WHERE ${RANGE}`),
  ];
  const lessCount = db.prepare('UPDATE audit_sync_state SET event_count = max(0, event_count - ?) WHERE workspace_id = ?');
  const setAnchor = db.prepare(`INSERT INTO audit_archive_anchors (workspace_id, seq, hash, archive_id, folder, archived_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (workspace_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, archive_id = excluded.archive_id, folder = excluded.folder, archived_at = excluded.archived_at`);

  return {
    columns,
    /**
     * Per workspace, the seq prefix of cached events that occurred before `beforeMs`. The newest cached event always stays:
     * sync checks the platform's head against the cached hash at the cursor.
     */
    cuts(beforeMs: number, only?: readonly string[]): WorkspaceCut[] {
      const wanted = only?.length ? new Set(only) : null;
      const out: WorkspaceCut[] = [];
      for (const st of states.all()) {
        if (wanted && !wanted.has(st.workspace_id)) continue;
        const first = firstSeq.get(st.workspace_id)?.s ?? null;
        if (first === null) {
          out.push({ workspaceId: st.workspace_id, fromSeq: 0, toSeq: -1, skipped: 'No cached events' });
          continue;
        }
        const newer = firstAtOrAfter.get(st.workspace_id, beforeMs)?.s ?? null;
        const to = Math.min(newer === null ? st.cursor_seq : newer - 1, st.cursor_seq - 1);
        if (to < first) {
          out.push({ workspaceId: st.workspace_id, fromSeq: first, toSeq: first - 1, skipped: newer === first ? `No cached event occurred before ${new Date(beforeMs).toISOString()}` : 'Only its newest event is older than the cut, and the newest cached event always stays in the cache' });
          continue;
        }
        // the cache holds a verified, gap-free prefix up to the cursor; anything else is not archived
        if (countRange.get(st.workspace_id, first, to)!.n !== to - first + 1) {
          out.push({ workspaceId: st.workspace_id, fromSeq: first, toSeq: first - 1, skipped: 'Its cached events are not one unbroken run of sequence numbers' });
          continue;
        }
        out.push({ workspaceId: st.workspace_id, fromSeq: first, toSeq: to, skipped: null });
      }
      if (wanted) for (const id of wanted) if (!out.some((c) => c.workspaceId === id)) out.push({ workspaceId: id, fromSeq: 0, toSeq: -1, skipped: 'Never synced into this cache' });
      return out.sort((a, b) => (a.workspaceId < b.workspaceId ? -1 : 1));
    },
    /** cached rows of (after, upTo] in seq order, at most `limit`, each in `columns` order */
    rows(workspaceId: string, after: number, upTo: number, limit: number): unknown[][] {
      return batch.all(workspaceId, after, upTo, limit) as unknown[][];
    },
    hashAt(workspaceId: string, seq: number): { hash: string; prevHash: string } | null {
      const r = hashAt.get(workspaceId, seq);
      return r ? { hash: r.hash, prevHash: r.prev_hash } : null;
    },
    firstSeq: (workspaceId: string): number | null => firstSeq.get(workspaceId)?.s ?? null,
    anchor(workspaceId: string): { seq: number; hash: string; archiveId: string; folder: string } | null {
      const r = anchorOf.get(workspaceId);
      return r ? { seq: r.seq, hash: r.hash, archiveId: r.archive_id, folder: r.folder } : null;
    },
    /**
     * Takes the archived events out of the cache, every workspace in ONE transaction, after checking that the cache
     * still starts where the run started and still holds the archived last hash (nothing moved meanwhile).
     */
    remove(parts: readonly { workspaceId: string; fromSeq: number; toSeq: number; lastHash: string }[], anchor: { archiveId: string; folder: string; at: string }): number {
      let removed = 0;
      db.transaction(() => {
        for (const p of parts) {
          if (firstSeq.get(p.workspaceId)?.s !== p.fromSeq || hashAt.get(p.workspaceId, p.toSeq)?.hash !== p.lastHash) {
            throw new AppError('conflict', `The cache of ${p.workspaceId} changed while it was being archived; nothing was removed. Run grantdesk archive again.`);
          }
          const n = countRange.get(p.workspaceId, p.fromSeq, p.toSeq)!.n;
          const args = { ws: p.workspaceId, from: p.fromSeq, to: p.toSeq };
          for (const s of removeSteps) s.run(args);
          lessCount.run(n, p.workspaceId);
          setAnchor.run(p.workspaceId, p.toSeq, p.lastHash, anchor.archiveId, anchor.folder, anchor.at);
          removed += n;
        }
      }).immediate();
      return removed;
    },
  };
}
export type ArchiveCache = ReturnType<typeof createArchiveCache>;
