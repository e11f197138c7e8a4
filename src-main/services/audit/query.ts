// Explorer queries over the cache: filters -> one parameterized WHERE, keyset pages on rid (time-ordered unique key),
// FTS5 full text with user words quoted (never FTS syntax), timeline counts for brushing.
import type { AuditEventRow, AuditFilter } from '../../../src-common/contract/index.ts';
import type { Db } from '../../ports/db.ts';
import { AppError } from '../../rpc/app-error.ts';
import { ipRange } from './ip.ts';
import { RID_SLOTS, type StoredEventRow } from './repo.ts';
import { indexedArm, tailArm } from './arms.ts';
import { createTimeline } from './timeline.ts';

export interface Where {
  sql: string;
  params: (string | number)[];
  fts: string | null;
}

/**
 * FTS5 query from free text: each word quoted (operators and column filters stay inert), all words required.
 * Whole words by default (fast on any corpus); a word typed with a trailing `*` matches as a prefix.
 */
export function ftsQuery(q: string): string | null {
  const words = [...q.normalize('NFKC').matchAll(/([\p{L}\p{N}_]+)(\*)?/gu)].slice(0, 16);
  if (words.length === 0) return null;
  return words.map((m) => `"${m[1]!.replace(/"/g, '""')}"${m[2] ? '*' : ''}`).join(' ');
}

/** Grantdesk's own calls: hidden ('exclude'), the only ones ('only', for the hidden count) or kept. */
export type OwnMode = 'include' | 'exclude' | 'only';

/**
 * One parameterized WHERE for the filters. `own` lists the credential ids of Grantdesk's own grants (names.ts); they
 * apply when `f.ownTraffic` is 'exclude' (or `mode` says 'only').
 */
export function buildWhere(f: AuditFilter, alias = 'e', own: readonly string[] = [], mode: OwnMode = f.ownTraffic === 'exclude' ? 'exclude' : 'include'): Where {
  const c: string[] = [];
  const p: (string | number)[] = [];
  const a = alias ? `${alias}.` : '';
  if (f.workspaces && f.workspaces.length) {
    c.push(`${a}workspace_id IN (${f.workspaces.map(() => '?').join(',')})`);
    p.push(...f.workspaces);
  }
  if (f.credential) c.push(`${a}credential_id = ?`), p.push(f.credential);
  if (f.credentialType) c.push(`${a}credential_type = ?`), p.push(f.credentialType);
  if (f.method) c.push(`${a}method = ?`), p.push(f.method.toUpperCase());
  if (f.endpoint) {
    if (f.endpoint.endsWith('*')) {
      const prefix = f.endpoint.slice(0, -1);
      // range on the index instead of LIKE (no wildcard semantics leak in from user text)
      c.push(`${a}endpoint >= ? AND ${a}endpoint < ?`);
      p.push(prefix, prefix + '\u{10FFFF}');
    } else c.push(`${a}endpoint = ?`), p.push(f.endpoint);
  }
  if (f.ip) {
    const r = ipRange(f.ip);
    if (!r) throw new AppError('invalid_input', `Caller IP: "${f.ip.slice(0, 64)}" is neither an IP address nor a CIDR block (for example 203.0.113.7 or 10.0.0.0/8); nothing was filtered by it.`);
    if (r[0] === r[1]) c.push(`${a}ip_hex = ?`), p.push(r[0]);
    else c.push(`${a}ip_hex BETWEEN ? AND ?`), p.push(r[0], r[1]);
  }
  if (f.statusClass && f.statusClass.length && f.statusClass.length < 5) {
    c.push(`(${f.statusClass.map(() => `${a}status BETWEEN ? AND ?`).join(' OR ')})`);
    for (const s of f.statusClass) {
      const d = Number(s[0]) * 100;
      p.push(d, d + 99);
    }
  }
  if (f.pii !== undefined) c.push(`${a}pii_accessed = ?`), p.push(f.pii ? 1 : 0);
  // the literal `<> 'api'` lets SQLite use the partial index of the few non-API rows (migration 23)
  if (f.surface) c.push(f.surface === 'api' ? `${a}surface = 'api'` : `${a}surface = ? AND ${a}surface <> 'api'`), f.surface !== 'api' && p.push(f.surface);
  if (f.mcpTool) c.push(`${a}mcp_tool = ?`), p.push(f.mcpTool);
  if (f.from) c.push(`${a}rid >= ?`), p.push(Date.parse(f.from) * RID_SLOTS);
  if (f.to) c.push(`${a}rid < ?`), p.push(Date.parse(f.to) * RID_SLOTS);
  if (mode === 'exclude' && own.length) c.push(`(${a}credential_id IS NULL OR ${a}credential_id NOT IN (${own.map(() => '?').join(',')}))`), p.push(...own);
  if (mode === 'only') {
    if (own.length) c.push(`${a}credential_id IN (${own.map(() => '?').join(',')})`), p.push(...own);
    else c.push('0');
  }
  const fts = f.q ? ftsQuery(f.q) : null;
  return { sql: c.length ? c.join(' AND ') : '1', params: p, fts };
}

export const EVENT_COLUMNS = 'e.workspace_id, e.seq, e.event_id, e.occurred_at, e.credential_id, e.credential_type, e.caller_ip, e.method, e.endpoint, e.status, e.duration_ms, e.pii_accessed, e.params_json, e.rid, e.surface, e.mcp_tool';

/** The explorer's projection of a stored event (the chain columns stay in the repository). */
export type RawRow = Omit<StoredEventRow, 'occurred_ms' | 'prev_hash' | 'hash' | 'extra_json' | 'surface_sent'>;

/** a stored row in contract shape, before names are attached (audit-service.ts adds them) */
export type BareEventRow = Omit<AuditEventRow, 'workspaceName' | 'credentialName' | 'own'>;

export function toEventRow(r: RawRow): BareEventRow {
  return {
    workspaceId: r.workspace_id,
    seq: r.seq,
    eventId: r.event_id,
    occurredAt: r.occurred_at,
    credentialId: r.credential_id,
    credentialType: r.credential_type,
    callerIp: r.caller_ip,
    method: r.method,
    endpoint: r.endpoint,
    status: r.status,
    durationMs: r.duration_ms,
    piiAccessed: r.pii_accessed === 1,
    paramsJson: r.params_json,
    surface: r.surface as AuditEventRow['surface'],
    mcpTool: r.mcp_tool,
  };
}

function decodeCursor(cursor: string | undefined): number | null {
  if (!cursor) return null;
  if (!/^r\d{1,17}$/.test(cursor)) throw new AppError('invalid_input', 'cursor: not a cursor this version issued');
  return Number(cursor.slice(1));
}

export interface CredentialGroup {
  workspaceId: string;
  credentialId: string | null;
  credentialType: string | null;
  calls: number;
  firstMs: number;
  lastMs: number;
}
export interface IpGroup {
  ip: string | null;
  calls: number;
  firstMs: number;
  lastMs: number;
}

export function createAuditQuery(db: Db, ownIds: () => readonly string[] = () => []) {
  const cache = new Map<string, import('../../ports/db.ts').Statement>();
  const prep = (sql: string) => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare(sql);
      if (cache.size > 200) cache.clear();
      cache.set(sql, s);
    }
    return s;
  };

  function page(f: AuditFilter & { cursor?: string; limit?: number }): { rows: BareEventRow[]; nextCursor: string | null } {
    const limit = Math.min(Math.max(f.limit ?? 200, 1), 1000);
    if (!f.q && f.workspaces && f.workspaces.length > 1 && f.workspaces.length <= 64) {
      // An IN list cannot walk (workspace_id, rid) in global rid order, so SQLite would sort every row of those
      // workspaces. Instead: one ordered, limited query per workspace, merged newest first.
      const merged: RawRow[] = [];
      for (const ws of new Set(f.workspaces)) merged.push(...rawPage({ ...f, workspaces: [ws] }, limit + 1));
      merged.sort((a, b) => b.rid - a.rid);
      return finish(merged, limit);
    }
    return finish(rawPage(f, limit + 1), limit);
  }

  function finish(raw: RawRow[], limit: number): { rows: BareEventRow[]; nextCursor: string | null } {
    const more = raw.length > limit;
    if (more) raw.length = limit;
    return { rows: raw.map(toEventRow), nextCursor: more ? `r${raw[raw.length - 1]!.rid}` : null };
  }

  function rawPage(f: AuditFilter & { cursor?: string }, limit: number): RawRow[] {
    const w = buildWhere(f, 'e', ownIds());
    const after = decodeCursor(f.cursor);
    if (w.fts) {
      // FTS rowids are rids, so the MATCH streams newest first and the keyset applies inside FTS. The full-text index holds
      // the indexed rows only (indexer.ts); the caller says how far it reaches (audit-service.ts, `search`).
      const sql = `SELECT ${EVENT_COLUMNS} FROM audit_fts JOIN audit_events e ON e.rid = audit_fts.rowid WHERE audit_fts MATCH ?${after === null ? '' : ' AND audit_fts.rowid < ?'} AND ${w.sql} ORDER BY audit_fts.rowid DESC LIMIT ?`;
      return prep(sql).all(w.fts, ...(after === null ? [] : [after]), ...w.params, limit) as RawRow[];
    }
    // Two phases: pick the page's rids first (small sort records; covered by an index when the filter is), newest first
    // from each arm (arms.ts), then read only those rows. Sorting full rows would read every matching row from the table.
    const where = after === null ? w.sql : `${w.sql} AND e.rid < ?`;
    const wp = after === null ? w.params : [...w.params, after];
    const sql = `SELECT ${EVENT_COLUMNS} FROM audit_events e WHERE e.rid IN (SELECT rid FROM (SELECT e.rid ${indexedArm(where)} ORDER BY e.rid DESC LIMIT ?)
      UNION ALL SELECT rid FROM (SELECT e.rid ${tailArm(where)} ORDER BY e.rid DESC LIMIT ?)) ORDER BY e.rid DESC LIMIT ?`;
    return prep(sql).all(...wp, limit, ...wp, limit, limit) as RawRow[];
  }

  /**
   * FROM + WHERE for the filters and its parameters, one per part of the cache to read: with full text, the full-text
   * index (it holds the indexed rows); otherwise the indexed rows and the rows the indexer has not reached (arms.ts).
   */
  function sources(f: AuditFilter, mode?: OwnMode): { base: string; bp: (string | number)[] }[] {
    const w = buildWhere(f, 'e', ownIds(), mode);
    if (w.fts) return [{ base: `FROM audit_fts JOIN audit_events e ON e.rid = audit_fts.rowid WHERE audit_fts MATCH ? AND ${w.sql}`, bp: [w.fts, ...w.params] }];
    return [
      { base: indexedArm(w.sql), bp: w.params },
      { base: tailArm(w.sql), bp: w.params },
    ];
  }
  const sum = (f: AuditFilter, mode: OwnMode | undefined, sel: string) => sources(f, mode).map((s) => prep(`SELECT ${sel} ${s.base}`).get(...s.bp) as Record<string, number | null>);

  /** the exact number of cached events for the filters: one COUNT over the same WHERE as the pages (index ranges) */
  function count(f: AuditFilter, mode?: OwnMode): number {
    const m = mode ?? (f.ownTraffic === 'exclude' ? 'exclude' : 'include');
    const n = (g: OwnMode) => sum(f, g, 'count(*) AS n').reduce((a, r) => a + (r.n ?? 0), 0);
    // without own calls = all minus own calls (both walk an index; NOT IN over every row would not)
    return m === 'exclude' && ownIds().length ? n('include') - n('only') : n(m);
  }

  /**
   * The filtered events grouped by (workspace, credential) and by caller IP, busiest first. Both groupings walk an
   * index in its order (credential_id; ip_hex) so SQLite streams them without sorting every row. Grantdesk's own calls
   * (a few credentials) are handled by difference: the groups of the filters with own calls kept, minus the groups of
   * the own calls alone, so the own-call exclusion never forces a table read per event.
   */
  function groups(f: AuditFilter, top: number): { credentials: CredentialGroup[]; ips: IpGroup[]; credentialsTotal: number; ipsTotal: number } {
    const excluding = f.ownTraffic === 'exclude' && ownIds().length > 0;
    const own = new Set(ownIds());
    const kept = { ...f, ownTraffic: 'include' as const };
    const src = sources(kept, 'include');
    const toMs = (rid: number) => Math.floor(rid / RID_SLOTS);
    // an indexed filter narrows first (its index, then a small sort); with none, the grouping streams in index order
    const narrowed = !!(f.workspaces?.length || f.credential || f.endpoint || f.ip || f.from || f.to || f.q || f.mcpTool || (f.surface && f.surface !== 'api'));
    const key = (col: string) => (narrowed ? `+e.${col}` : `e.${col}`);
    /** the same grouping over every source, groups with the same key merged (counts add up, first/last widen) */
    function grouped<R extends { n: number; lo: number; hi: number }>(sel: string, tail: string, src0: typeof src, k: (r: R) => string, extra: unknown[] = [], merge?: (a: R, b: R) => void): R[] {
      const out = new Map<string, R>();
      for (const s of src0) {
        for (const r of prep(`SELECT ${sel} ${s.base}${tail}`).all(...s.bp, ...extra) as R[]) {
          const cur = out.get(k(r));
          if (!cur) out.set(k(r), r);
          else {
            cur.n += r.n;
            cur.lo = Math.min(cur.lo, r.lo);
            cur.hi = Math.max(cur.hi, r.hi);
            merge?.(cur, r);
          }
        }
      }
      return [...out.values()];
    }

    // by credential: one streamed pass on (credential_id, rid); an id seen in two workspaces (never on the platform,
    // whose ids are unique) is split per workspace
    type C = { c: string | null; w0: string; w1: string; n: number; lo: number; hi: number };
    const byCred = grouped<C>('e.credential_id AS c, min(e.workspace_id) AS w0, max(e.workspace_id) AS w1, count(*) AS n, min(e.rid) AS lo, max(e.rid) AS hi', ` GROUP BY ${key('credential_id')}`, src, (r) => JSON.stringify(r.c), [], (a, b) => {
      if (b.w0 < a.w0) a.w0 = b.w0;
      if (b.w1 > a.w1) a.w1 = b.w1;
    });
    let credentials: CredentialGroup[] = [];
    for (const r of byCred) {
      if (excluding && r.c !== null && own.has(r.c)) continue;
      if (r.w0 === r.w1) credentials.push({ workspaceId: r.w0, credentialId: r.c, credentialType: null, calls: r.n, firstMs: toMs(r.lo), lastMs: toMs(r.hi) });
      else {
        const split = grouped<{ ws: string; n: number; lo: number; hi: number }>('e.workspace_id AS ws, count(*) AS n, min(e.rid) AS lo, max(e.rid) AS hi', ' AND e.credential_id IS ? GROUP BY e.workspace_id', src, (x) => x.ws, [r.c]);
        for (const x of split) credentials.push({ workspaceId: x.ws, credentialId: r.c, credentialType: null, calls: x.n, firstMs: toMs(x.lo), lastMs: toMs(x.hi) });
      }
    }
    credentials.sort((a, b) => b.calls - a.calls || (a.workspaceId < b.workspaceId ? -1 : a.workspaceId > b.workspaceId ? 1 : 0) || String(a.credentialId).localeCompare(String(b.credentialId)));
    const credentialsTotal = credentials.length;
    credentials = credentials.slice(0, top);

    // by caller IP: one streamed pass on (ip_hex, rid), minus the own calls per IP
    type I = { h: string | null; n: number; lo: number; hi: number };
    const byIp = grouped<I>('e.ip_hex AS h, count(*) AS n, min(e.rid) AS lo, max(e.rid) AS hi', ` GROUP BY ${key('ip_hex')}`, src, (r) => JSON.stringify(r.h));
    const ownByIp = new Map<string | null, number>();
    if (excluding) for (const r of grouped<I>('e.ip_hex AS h, count(*) AS n, min(e.rid) AS lo, max(e.rid) AS hi', ' GROUP BY e.ip_hex', sources(kept, 'only'), (x) => JSON.stringify(x.h))) ownByIp.set(r.h, r.n);
    const exact = sources(f);
    const rows = byIp
      .map((r) => ({ ...r, n: r.n - (ownByIp.get(r.h) ?? 0) }))
      .filter((r) => r.n > 0)
      .sort((a, b) => b.n - a.n || String(a.h).localeCompare(String(b.h)));
    const ips: IpGroup[] = rows.slice(0, top).map((r) => {
      // the busiest IPs only: their text (one index probe) and, where own calls were taken out, exact first/last seen
      let { lo, hi } = r;
      if (ownByIp.has(r.h)) {
        lo = Infinity;
        hi = -Infinity;
        for (const s of exact) {
          const d = prep(`SELECT min(e.rid) AS lo, max(e.rid) AS hi ${s.base} AND ${r.h === null ? 'e.ip_hex IS NULL' : 'e.ip_hex = ?'}`).get(...s.bp, ...(r.h === null ? [] : [r.h])) as { lo: number | null; hi: number | null };
          if (d.lo !== null) lo = Math.min(lo, d.lo);
          if (d.hi !== null) hi = Math.max(hi, d.hi);
        }
      }
      return { ip: r.h === null ? null : ipTextOf(r.h), calls: r.n, firstMs: toMs(lo), lastMs: toMs(hi) };
    });
    return { credentials, ips, credentialsTotal, ipsTotal: rows.length };
  }

  const ipText = db.prepare<[string, string], { ip: string | null }>(`SELECT e.caller_ip AS ip ${indexedArm('e.ip_hex = ?')} UNION ALL SELECT e.caller_ip AS ip ${tailArm('e.ip_hex = ?')} LIMIT 1`);
  const ipTextOf = (h: string): string | null => ipText.get(h, h)?.ip ?? null;
  const typeOf = db.prepare<[string, string, string, string], { t: string | null }>(
    `SELECT e.credential_type AS t ${indexedArm('e.credential_id = ? AND e.workspace_id = ?')} UNION ALL SELECT e.credential_type AS t ${tailArm('e.credential_id = ? AND e.workspace_id = ?')} LIMIT 1`,
  );
  /** a credential's type as its events state it */
  const credentialType = (workspaceId: string, credentialId: string | null): string | null => (credentialId === null ? null : (typeOf.get(credentialId, workspaceId, credentialId, workspaceId)?.t ?? null));

  const timeline = createTimeline({ prep, sources, ownIds });

  return { page, timeline, count, groups, credentialType };
}
