// SQL of the audit domain. The only place that knows the audit tables' shapes.
import type { Db } from '../../ports/db.ts';
import { AppError } from '../../rpc/app-error.ts';
import { GENESIS_HASH, jcs } from './jcs.ts';
import { ipHex } from './ip.ts';
import { KNOWN_EVENT_KEYS, type PlatformEvent } from './platform-schema.ts';

export interface SyncState {
  workspace_id: string;
  cursor_seq: number;
  head_hash: string;
  remote_head_seq: number | null;
  remote_head_hash: string | null;
  event_count: number;
  last_sync_at: string | null;
  last_error: string | null;
  state: 'never' | 'ok' | 'behind' | 'gap' | 'tamper' | 'error';
}

export interface StoredEventRow {
  workspace_id: string;
  seq: number;
  event_id: string;
  occurred_at: string;
  occurred_ms: number;
  credential_id: string | null;
  credential_type: string | null;
  caller_ip: string | null;
  method: string | null;
  endpoint: string | null;
  status: number | null;
  duration_ms: number | null;
  pii_accessed: number;
  params_json: string;
  prev_hash: string;
  hash: string;
  rid: number;
  extra_json: string | null;
  /** 'api' when the platform did not send surface (migration 23) */
  surface: string;
  mcp_tool: string | null;
  /** 1: the platform sent surface and mcp_tool (both are in the hashed event); 0: it sent neither */
  surface_sent: number;
}

export const RID_SLOTS = 1024;

const CSV_SPECIAL = /[",\r\n]/;
/** A text field the CSV exporter may write verbatim: null, or non-empty without quote/comma/CR/LF and no formula trigger. */
export function csvPlain(v: string | null): boolean {
  if (v === null) return true;
  if (v.length === 0) return false;
  const c = v.charCodeAt(0);
  if (c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13 || c === 10 || c === 0 || c === 39) return false;
  return !CSV_SPECIAL.test(v);
}

function fnv32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Rebuilds the platform event (without prev_hash/hash) from a stored row, for re-hashing offline. */
export function storedToEvent(r: Pick<StoredEventRow, 'workspace_id' | 'seq' | 'event_id' | 'occurred_at' | 'credential_id' | 'credential_type' | 'caller_ip' | 'method' | 'endpoint' | 'status' | 'duration_ms' | 'pii_accessed' | 'params_json' | 'extra_json' | 'surface' | 'mcp_tool' | 'surface_sent'>): Record<string, unknown> {
  const e: Record<string, unknown> = r.extra_json ? (JSON.parse(r.extra_json) as Record<string, unknown>) : {};
  e.seq = r.seq;
  e.id = r.event_id;
  e.workspace_id = r.workspace_id;
  e.occurred_at = r.occurred_at;
  e.credential_id = r.credential_id;
  e.credential_type = r.credential_type;
  e.caller_ip = r.caller_ip;
  e.method = r.method;
  e.endpoint = r.endpoint;
  e.params = JSON.parse(r.params_json);
  e.status = r.status;
  e.duration_ms = r.duration_ms;
  e.pii_accessed = r.pii_accessed === 1;
  // exactly as served: an event without the members hashes without them (the 'api' column value is Grantdesk's reading)
  if (r.surface_sent === 1) {
    e.surface = r.surface;
    e.mcp_tool = r.mcp_tool;
  }
  return e;
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;

/** The full-text body of an event row, assembled by SQLite (the same expression indexes and un-indexes a row). */
export const FTS_BODY = `coalesce(endpoint, '') || ' ' || coalesce(method, '') || ' ' || coalesce(credential_id, '') || ' ' || coalesce(credential_type, '') || ' ' || coalesce(caller_ip, '') || ' ' || event_id || ' ' || params_json`;

export function createAuditRepo(db: Db) {
  const getState = db.prepare<[string], SyncState>('SELECT * FROM audit_sync_state WHERE workspace_id = ?');
  const allStates = db.prepare<[], SyncState>('SELECT * FROM audit_sync_state ORDER BY workspace_id');
  const ensureState = db.prepare("INSERT INTO audit_sync_state (workspace_id, cursor_seq, head_hash) VALUES (?, 0, ?) ON CONFLICT(workspace_id) DO NOTHING");
  const advance = db.prepare('UPDATE audit_sync_state SET cursor_seq = ?, head_hash = ?, event_count = event_count + ? WHERE workspace_id = ? AND cursor_seq = ?');
  const setRemote = db.prepare('UPDATE audit_sync_state SET remote_head_seq = ?, remote_head_hash = ? WHERE workspace_id = ?');
  const setOutcome = db.prepare('UPDATE audit_sync_state SET state = ?, last_error = ?, last_sync_at = ? WHERE workspace_id = ?');
  const hashAt = db.prepare<[string, number], { hash: string }>('SELECT hash FROM audit_events WHERE workspace_id = ? AND seq = ?');
  const insert = db.prepare(
    `INSERT INTO audit_events (workspace_id, seq, event_id, occurred_at, occurred_ms, credential_id, credential_type, caller_ip, method, endpoint,
      status, duration_ms, pii_accessed, params_json, prev_hash, hash, rid, ip_hex, extra_json, csv_plain, surface, mcp_tool, surface_sent, ix) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0)`,
  );
  // ix = 0: the row stays out of the partial secondary indexes, the full-text index and the aggregates until the indexer
  // (indexer.ts) takes it in, behind the sync, in its own transaction.
  // audit_fts is contentless: a row is removed with the 'delete' command and the very body it was indexed with; only the
  // rows the indexer reached (seq <= indexed_seq) are in it
  const ftsDelete = db.prepare(`INSERT INTO audit_fts (audit_fts, rowid, body) SELECT 'delete', rid, ${FTS_BODY} FROM audit_events
    WHERE workspace_id = @ws AND seq <= (SELECT indexed_seq FROM audit_sync_state WHERE workspace_id = @ws)`);
  const purgeStmts = ['audit_agg_hour', 'audit_agg_use', 'audit_agg_ip', 'audit_agg_contact', 'audit_agg_contact_day', 'audit_csv_lines', 'audit_events', 'audit_sync_state', 'audit_gaps', 'audit_tamper'].map((t) => db.prepare(`DELETE FROM ${t} WHERE workspace_id = ?`));
  const purgeExports = db.prepare('DELETE FROM audit_exports WHERE instr(filters_json, json_quote(?)) > 0');
  const gapInsert = db.prepare('INSERT INTO audit_gaps (workspace_id, from_seq, to_seq, detected_at) VALUES (?, ?, ?, ?) ON CONFLICT(workspace_id, from_seq) DO UPDATE SET to_seq = max(to_seq, excluded.to_seq), resolved_at = NULL');
  const gapResolve = db.prepare('UPDATE audit_gaps SET resolved_at = ? WHERE workspace_id = ? AND resolved_at IS NULL AND to_seq <= ?');
  const gapsOf = db.prepare<[string], { from_seq: number; to_seq: number; detected_at: string; resolved_at: string | null }>('SELECT from_seq, to_seq, detected_at, resolved_at FROM audit_gaps WHERE workspace_id = ? ORDER BY from_seq');
  const tamperInsert = db.prepare('INSERT INTO audit_tamper (workspace_id, seq, detected_at, reason, received_json) VALUES (?, ?, ?, ?, ?) ON CONFLICT(workspace_id, seq) DO UPDATE SET reason = excluded.reason, received_json = excluded.received_json');
  const tamperOf = db.prepare<[string], { seq: number; detected_at: string; reason: string }>('SELECT seq, detected_at, reason FROM audit_tamper WHERE workspace_id = ? ORDER BY seq');

  return {
    state(ws: string): SyncState {
      ensureState.run(ws, GENESIS_HASH);
      return getState.get(ws)!;
    },
    peekState: (ws: string): SyncState | undefined => getState.get(ws),
    states: (): SyncState[] => allStates.all(),
    hashAt: (ws: string, seq: number): string | undefined => hashAt.get(ws, seq)?.hash,
    /**
     * Appends verified events and moves the cursor in the caller's transaction; the cursor guard catches a concurrent
     * writer. `paramsJcs[i]`, when given, is the JCS of `events[i].params` the hash check already computed.
     */
    append(ws: string, fromCursor: number, events: PlatformEvent[], paramsJcs?: readonly string[]): void {
      if (events.length === 0) return;
      const wsSalt = fnv32(ws);
      const wsPlain = csvPlain(ws);
      for (let i = 0; i < events.length; i++) {
        const e = events[i]!;
        const paramsJson = paramsJcs?.[i] || jcs(e.params);
        let extra: Record<string, unknown> | null = null;
        for (const k of Object.keys(e)) {
          if (!KNOWN_EVENT_KEYS.has(k)) (extra ??= {})[k] = (e as Record<string, unknown>)[k];
        }
        const ms = Date.parse(e.occurred_at);
        let rid = ms * RID_SLOTS + ((wsSalt + e.seq) % RID_SLOTS);
        const extraJson = extra ? jcs(extra) : null;
        const ip = ipHex(e.caller_ip);
        const sent = e.surface !== undefined;
        const tool = e.mcp_tool ?? null;
        const plain = extraJson === null && csvPlain(tool) && wsPlain && csvPlain(e.id) && csvPlain(e.occurred_at) && csvPlain(e.credential_id) && csvPlain(e.credential_type) && csvPlain(e.caller_ip) && csvPlain(e.method) && csvPlain(e.endpoint) ? 1 : 0;
        for (;;) {
          try {
            insert.run(ws, e.seq, e.id, e.occurred_at, ms, e.credential_id, e.credential_type, e.caller_ip, e.method, e.endpoint, e.status, e.duration_ms,
              e.pii_accessed ? 1 : 0, paramsJson, e.prev_hash, e.hash, rid, ip, extraJson, plain, e.surface ?? 'api', tool, sent ? 1 : 0);
            break;
          } catch (err) {
            // (workspace, seq) is new (seq > cursor = max seq), so a unique violation is a rid collision: take the next slot.
            if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw err;
            rid++;
          }
        }
      }
      const last = events[events.length - 1]!;
      const r = advance.run(last.seq, last.hash, events.length, ws, fromCursor);
      if (r.changes !== 1) throw new AppError('conflict', `Another Grantdesk process synced ${ws} at the same time; this page was not stored`);
    },
    setRemoteHead: (ws: string, seq: number, hash: string) => setRemote.run(seq, hash, ws),
    setOutcome: (ws: string, state: SyncState['state'], error: string | null, at: string) => setOutcome.run(state, error, at, ws),
    recordGap: (ws: string, fromSeq: number, toSeq: number, at: string) => gapInsert.run(ws, fromSeq, toSeq, at),
    resolveGaps: (ws: string, upTo: number, at: string) => gapResolve.run(at, ws, upTo),
    gaps: (ws: string) => gapsOf.all(ws),
    recordTamper: (ws: string, seq: number, reason: string, receivedJson: string | null, at: string) => tamperInsert.run(ws, seq, at, reason, receivedJson),
    tamper: (ws: string) => tamperOf.all(ws),
    /**
     * Removes these workspaces from every audit table: the full-text index first (its rows are un-indexed from the events
     * they came from), then the events, sync state, gaps, tamper records and the export records that name them; finally
     * the index is merged into one segment so no older segment still lists their terms. The caller runs it with
     * secure_delete on and compacts the file afterwards (src-main/db/secure-purge.ts).
     */
    purgeWorkspaces(ids: readonly string[]): void {
      if (!ids.length) return;
      db.transaction(() => {
        for (const ws of ids) {
          ftsDelete.run({ ws });
          for (const st of purgeStmts) st.run(ws);
          purgeExports.run(ws);
        }
      })();
      db.exec("INSERT INTO audit_fts (audit_fts) VALUES ('optimize')");
    },
  };
}
