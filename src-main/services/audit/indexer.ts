// The audit indexer: everything about a cached event that does not guard correctness, done behind the sync. A sync page
// commits the event rows (primary key, rid), the cursor and the chain head in one transaction and nothing else; this
// module then brings each workspace from audit_sync_state.indexed_seq up to its cursor in batches, each batch ONE
// transaction: the full-text rows, ix = 1 (which enters the rows into the partial secondary indexes), the aggregates
// (timeline hours, use per credential/day/route/status, caller IPs, contact records) and the new indexed_seq. A crash
// anywhere rolls the whole batch back, so the marker is never ahead of the data and a restart resumes from it. Queries
// read the rows above the marker by primary-key range (arms.ts), so only full text depends on the indexer's progress.
import type { Db } from '../../ports/db.ts';
import type { EventBus } from '../../ports/events.ts';
import type { Logger } from '../../ports/logger.ts';
import { SQL_CSV_ROW } from './csv-line-sql.ts';
import { registerRouteOf } from './route.ts';
import { FTS_BODY } from './repo.ts';

export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** audit_agg_use.status for a NULL status (key columns are NOT NULL); no HTTP status is anywhere near it */
export const NULL_STATUS = Number.MIN_SAFE_INTEGER;

/** Where the full-text index stands: events indexed of events cached (synced workspaces). */
export interface IndexProgress {
  indexed: number;
  total: number;
}

const RANGE = 'workspace_id = ? AND seq > ? AND seq <= ?';
/** the endpoint of one contact record (the contact aggregates); archive-cache.ts takes the same rows out of them */
export const CONTACT = "endpoint LIKE '/v1/contacts/%' AND endpoint <> '/v1/contacts/export'";

export function createAuditIndexer(db: Db, o: { bus?: EventBus; logger?: Logger } = {}) {
  // the route of an endpoint, as insights and the blast radius group them
  registerRouteOf(db);
  const pending = db.prepare<[], { workspace_id: string; indexed_seq: number; cursor_seq: number }>('SELECT workspace_id, indexed_seq, cursor_seq FROM audit_sync_state WHERE indexed_seq < cursor_seq ORDER BY workspace_id');
  const totals = db.prepare<[], { indexed: number | null; total: number | null }>('SELECT sum(min(indexed_seq, cursor_seq)) AS indexed, sum(cursor_seq) AS total FROM audit_sync_state');
  const steps = [
    db.prepare(`INSERT INTO audit_fts (rowid, body) SELECT rid, ${FTS_BODY} FROM audit_events WHERE ${RANGE}`),
    db.prepare(`INSERT INTO audit_agg_hour (workspace_id, hour, n) SELECT workspace_id, occurred_ms / ${HOUR}, count(*) FROM audit_events WHERE ${RANGE}
      GROUP BY 1, 2 ON CONFLICT (workspace_id, hour) DO UPDATE SET n = n + excluded.n`),
    db.prepare(`INSERT INTO audit_agg_use (workspace_id, credential_id, day, method, route, status, pii, n, last_at)
      SELECT workspace_id, credential_id, occurred_ms / ${DAY}, coalesce(method, ''), audit_route_of(endpoint), coalesce(status, ${NULL_STATUS}), pii_accessed, count(*), max(occurred_at)
      FROM audit_events WHERE ${RANGE} AND credential_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7
      ON CONFLICT (workspace_id, credential_id, day, method, route, status, pii) DO UPDATE SET n = n + excluded.n, last_at = max(last_at, excluded.last_at)`),
    db.prepare(`INSERT INTO audit_agg_ip (workspace_id, credential_id, day, ip, n, last_at)
      SELECT workspace_id, credential_id, occurred_ms / ${DAY}, coalesce(caller_ip, ''), count(*), max(occurred_at)
      FROM audit_events WHERE ${RANGE} AND credential_id IS NOT NULL GROUP BY 1, 2, 3, 4
      ON CONFLICT (workspace_id, credential_id, day, ip) DO UPDATE SET n = n + excluded.n, last_at = max(last_at, excluded.last_at)`),
    db.prepare(`INSERT OR IGNORE INTO audit_agg_contact (workspace_id, endpoint) SELECT DISTINCT workspace_id, endpoint FROM audit_events WHERE ${RANGE} AND ${CONTACT} AND status < 300`),
    db.prepare(`INSERT OR IGNORE INTO audit_agg_contact_day (workspace_id, credential_id, day, endpoint)
      SELECT DISTINCT workspace_id, credential_id, occurred_ms / ${DAY}, endpoint FROM audit_events WHERE ${RANGE} AND credential_id IS NOT NULL AND pii_accessed = 1 AND ${CONTACT}`),
    db.prepare(`UPDATE audit_events SET ix = 1 WHERE ${RANGE} AND ix = 0`),
    // the CSV line of each event (migration 25): an export copies it (export-csv.ts); the same expression formats the rest
    db.prepare(`INSERT OR REPLACE INTO audit_csv_lines (workspace_id, seq, line) SELECT e.workspace_id, e.seq, ${SQL_CSV_ROW} FROM audit_events e WHERE ${RANGE}`),
  ];
  const mark = db.prepare('UPDATE audit_sync_state SET indexed_seq = ? WHERE workspace_id = ? AND indexed_seq = ?');

  /** One batch of one workspace: (from, to] in one transaction; false when another process indexed it first. */
  const batch = db.transaction((ws: string, from: number, to: number): boolean => {
    // the marker moves first: if another Grantdesk process got here first, nothing else is written (and all rolls back)
    if (mark.run(to, ws, from).changes !== 1) return false;
    for (const s of steps) s.run(ws, from, to);
    return true;
  });

  /** Indexes up to `budget` events (whole batches of at most `batchSize`); returns how many it indexed. */
  function step(budget = 50_000, batchSize = 20_000): number {
    let done = 0;
    for (const p of pending.all()) {
      let from = p.indexed_seq;
      while (from < p.cursor_seq && done < budget) {
        const to = Math.min(p.cursor_seq, from + Math.min(batchSize, budget - done));
        // IMMEDIATE: take the write lock before reading, so two processes never build on the same stale marker
        if (!batch.immediate(p.workspace_id, from, to)) break;
        done += to - from;
        from = to;
      }
      if (done >= budget) break;
    }
    return done;
  }

  function progress(): IndexProgress {
    const t = totals.get()!;
    return { indexed: t.indexed ?? 0, total: t.total ?? 0 };
  }

  /** Indexes everything cached now (the CLI and tests before a full-text answer or an export that filters by text). */
  function catchUp(): number {
    let n = 0;
    for (;;) {
      const k = step(200_000, 50_000);
      if (k === 0) return n;
      n += k;
    }
  }

  // Background mode (desktop app, serve): small batches between other work, so a query never waits long for the lock.
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running = false;
  let stopped = true;
  let lastNotice = 0;
  let indexedSinceKick = 0;
  function loop() {
    timer = null;
    if (stopped) return;
    let n = 0;
    try {
      n = step(5_000, 5_000);
    } catch (err) {
      // a busy database (another process writing) is retried shortly; anything else is logged and retried later
      o.logger?.warn('audit_index_retry', { error: err instanceof Error ? err.message : 'unknown' });
      timer = setTimeout(loop, 1_000);
      return;
    }
    const now = Date.now();
    if (n === 0) {
      running = false;
      if (indexedSinceKick > 0) o.bus?.emit('state.changed', { topic: 'audit', workspaceId: null });
      return;
    }
    indexedSinceKick += n;
    // while catching up, screens hear of the progress every few seconds (each notice makes them reload)
    if (now - lastNotice > 5_000) {
      lastNotice = now;
      o.bus?.emit('state.changed', { topic: 'audit', workspaceId: null });
    }
    timer = setTimeout(loop, 0);
  }

  return {
    step,
    catchUp,
    progress,
    /** background mode: index whatever is behind, now and after every kick */
    start() {
      stopped = false;
      this.kick();
    },
    /** new events were committed (or a purge happened): the background loop runs if it is not running */
    kick() {
      if (stopped || running) return;
      running = true;
      lastNotice = Date.now();
      indexedSinceKick = 0;
      timer = setTimeout(loop, 0);
    },
    stop() {
      stopped = true;
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
    },
    get background() {
      return !stopped;
    },
  };
}

export type AuditIndexer = ReturnType<typeof createAuditIndexer>;
