// `grantdesk audit query --archive DIR`: the explorer's filters over an archive folder, through DuckDB. The WHERE is the
// explorer's own (query.ts buildWhere: the same columns, operators and parameters work in DuckDB), the keyset the same
// (rid, newest first, cursor `r<rid>`). Full text has no FTS5 index here: each word must appear as whole tokens (its last
// as a prefix with `*`) in the same text the cache indexes, case and accents folded, as FTS5's unicode61 tokenizer reads
// it. Only files a manifest lists are read (an interrupted run's orphans never double an event), each first checked for
// its size. With the cache: both sources page by the same rid; an event in both is shown once (the cache's).
import { join } from 'node:path';
import type { AuditEventRow, AuditFilter, AuditPage } from '../../../src-common/contract/index.ts';
import type { ColumnarEngine, ColumnarValue } from '../../ports/columnar.ts';
import { AppError } from '../../rpc/app-error.ts';
import { readManifests, sizeOf } from './archive-manifest.ts';
import type { AuditNames } from './names.ts';
import { buildWhere, EVENT_COLUMNS, toEventRow, type RawRow } from './query.ts';
import { RID_SLOTS } from './repo.ts';

const COLS = EVENT_COLUMNS.split(',').map((c) => c.trim().replace(/^e\./, ''));
const TOKEN_GAP = '[^\\p{L}\\p{N}]';
const BODY = `lower(strip_accents(concat(coalesce(e.endpoint, ''), ' ', coalesce(e.method, ''), ' ', coalesce(e.credential_id, ''), ' ', coalesce(e.credential_type, ''), ' ', coalesce(e.caller_ip, ''), ' ', e.event_id, ' ', e.params_json)))`;

/** The words of a full-text query as the explorer reads them (query.ts ftsQuery), each as its unicode61 tokens. */
function textWords(q: string): { tokens: string[]; prefix: boolean }[] {
  return [...q.normalize('NFKC').matchAll(/([\p{L}\p{N}_]+)(\*)?/gu)]
    .slice(0, 16)
    .map((m) => ({ tokens: m[1]!.split('_').filter(Boolean), prefix: !!m[2] }))
    .filter((w) => w.tokens.length > 0);
}

function textWhere(q: string): { sql: string; params: string[] } | null {
  const words = textWords(q);
  if (!words.length) return null;
  const params: string[] = [];
  const parts = words.map((w) => {
    // tokens hold letters and digits only, so once folded they are literal in the pattern
    const pattern = w.tokens.map((t) => (params.push(t), 'lower(strip_accents(?))')).join(` || '${TOKEN_GAP}+' || `);
    return `regexp_matches(${BODY}, '(^|${TOKEN_GAP})' || ${pattern}${w.prefix ? '' : ` || '(${TOKEN_GAP}|$)'`})`;
  });
  return { sql: parts.join(' AND '), params };
}

function decodeCursor(cursor: string | undefined): number | null {
  if (!cursor) return null;
  if (!/^r\d{1,17}$/.test(cursor)) throw new AppError('invalid_input', 'cursor: not a cursor this version issued');
  return Number(cursor.slice(1));
}

export interface ArchiveQueryDeps {
  engine: ColumnarEngine;
  names: () => AuditNames;
  /** the explorer's page over the cache (names attached), for includeCache */
  cachePage: (f: AuditFilter & { cursor?: string; limit?: number }) => AuditPage;
  /** a cached event's rid, by its primary key */
  ridOf: (workspaceId: string, seq: number) => number | null;
}

export async function queryArchive(d: ArchiveQueryDeps, folder: string, input: AuditFilter & { cursor?: string; limit?: number; includeCache?: boolean }): Promise<AuditPage> {
  const { cursor, limit: rawLimit, includeCache, ...filters } = input;
  const limit = Math.min(Math.max(rawLimit ?? 200, 1), 1000);
  const manifests = readManifests(folder);
  const bad = manifests.find((m) => !m.manifest);
  if (bad) throw new AppError('invalid_input', `The archive manifest ${bad.path} ${bad.problem}; run grantdesk verify ${folder}`);
  const files = manifests.flatMap((m) => m.manifest!.files);
  if (!manifests.length) throw new AppError('not_found', `No archive in ${folder} (no _grantdesk manifest); archive with grantdesk archive --out ${folder}`);
  for (const f of files) {
    if (sizeOf(join(folder, ...f.path.split('/'))) !== f.bytes) throw new AppError('io_error', `The archive file ${f.path} is missing or changed since it was written; run grantdesk verify ${folder}`);
  }
  const n = d.names();
  const w = buildWhere(filters, 'e', [...n.own]);
  const text = filters.q ? textWhere(filters.q) : null;
  const after = decodeCursor(cursor);
  const named = (r: RawRow): AuditEventRow & { rid: number } => {
    const row = toEventRow(r);
    return { ...row, workspaceName: n.workspace(row.workspaceId), credentialName: n.credential(row.workspaceId, row.credentialId), own: n.isOwn(row.credentialId), rid: r.rid };
  };
  let archived: (AuditEventRow & { rid: number })[] = [];
  // Files hold one workspace's events of one month: the filters prune them before DuckDB opens any (workspaces, from,
  // to, the cursor), and the newest months are read first: events of a later month all have larger rids, so months
  // read newest first, in growing batches, give the keyset order and stop once a page is full.
  const fromMs = filters.from ? Date.parse(filters.from) : -Infinity;
  const toMs = filters.to ? Date.parse(filters.to) : Infinity;
  const cursorMs = after === null ? Infinity : Math.floor(after / RID_SLOTS) + 1;
  const wanted = filters.workspaces?.length ? new Set(filters.workspaces) : null;
  const monthStart = (m: string) => Date.parse(`${m}-01T00:00:00Z`);
  const monthEnd = (m: string) => {
    const [y, mo] = m.split('-').map(Number) as [number, number];
    return Date.UTC(mo === 12 ? y + 1 : y, mo === 12 ? 0 : mo, 1);
  };
  const candidates = files.filter((f) => (!wanted || wanted.has(f.workspaceId)) && monthEnd(f.month) > fromMs && monthStart(f.month) < Math.min(toMs, cursorMs));
  const months = [...new Set(candidates.map((f) => f.month))].sort().reverse();
  if (months.length && (!filters.q || text)) {
    const session = await d.engine.open({ folders: [folder] });
    try {
      for (let i = 0, batch = 1; i < months.length && archived.length <= limit; i += batch, batch *= 2) {
        const take = new Set(months.slice(i, i + batch));
        const list = candidates.filter((f) => take.has(f.month)).map((f) => session.literal(join(folder, ...f.path.split('/')))).join(', ');
        const sql = `SELECT ${EVENT_COLUMNS} FROM read_parquet([${list}], hive_partitioning = true, hive_types = {'workspace_id': VARCHAR, 'month': VARCHAR}, union_by_name = true) e
          WHERE ${w.sql}${text ? ` AND ${text.sql}` : ''}${after === null ? '' : ' AND e.rid < ?'} ORDER BY e.rid DESC LIMIT ?`;
        const rows = await session.all(sql, [...(w.params as ColumnarValue[]), ...(text?.params ?? []), ...(after === null ? [] : [after]), limit + 1 - archived.length]);
        archived.push(...rows.map((r) => named(Object.fromEntries(COLS.map((c, k) => [c, r[k]])) as unknown as RawRow)));
      }
    } finally {
      session.close();
    }
  }
  if (!includeCache) {
    const more = archived.length > limit;
    const page = archived.slice(0, limit);
    return { rows: page.map(({ rid: _rid, ...r }) => r), nextCursor: more ? `r${page[page.length - 1]!.rid}` : null };
  }
  const cached = d.cachePage({ ...filters, cursor, limit });
  const key = (r: { workspaceId: string; seq: number }) => `${r.workspaceId}\u0000${r.seq}`;
  const fromCache = cached.rows.map((r) => ({ ...r, rid: d.ridOf(r.workspaceId, r.seq) ?? 0 }));
  const seen = new Set(fromCache.map(key));
  const merged = [...fromCache, ...archived.filter((r) => !seen.has(key(r)))].sort((a, b) => b.rid - a.rid);
  const more = merged.length > limit || cached.nextCursor !== null || archived.length > limit;
  const page = merged.slice(0, limit);
  return { rows: page.map(({ rid: _rid, ...r }) => r), nextCursor: more && page.length ? `r${page[page.length - 1]!.rid}` : null, ...(cached.search ? { search: cached.search } : {}) };
}
