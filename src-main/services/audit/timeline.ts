// The explorer's timeline: event counts per bucket for the filters in force. Over everything (no filter but workspaces,
// a time range and Grantdesk's own calls) it adds up the indexer's hourly buckets (audit_agg_hour) with the bucket width
// rounded up to whole hours, plus the events around them it does not cover (the partial hours at the range's edges and
// the rows above each workspace's indexed_seq), so the answer is exact without reading every event. Any other filter
// counts the matching events through the indexes (arms.ts).
import type { AuditFilter } from '../../../src-common/contract/index.ts';
import type { Statement } from '../../ports/db.ts';
import { HOUR } from './indexer.ts';
import { RID_SLOTS } from './repo.ts';
import type { OwnMode } from './query.ts';

type Source = { base: string; bp: (string | number)[] };
export interface TimelineDeps {
  prep: (sql: string) => Statement;
  sources: (f: AuditFilter, mode?: OwnMode) => Source[];
  ownIds: () => readonly string[];
}
export interface TimelineResult {
  fromMs: number;
  toMs: number;
  bucketMs: number;
  counts: number[];
  total: number;
}

/** the filters the hourly buckets can answer: workspaces, a time range and own traffic, nothing else */
const PLAIN_KEYS = new Set(['workspaces', 'from', 'to', 'ownTraffic', 'buckets']);
function plain(f: AuditFilter): boolean {
  return Object.entries(f).every(([k, v]) => PLAIN_KEYS.has(k) || v === undefined || (Array.isArray(v) && v.length === 0));
}

export function createTimeline({ prep, sources, ownIds }: TimelineDeps) {
  const bucketOf = (msExpr: string) => `(${msExpr} - CAST(? AS INTEGER)) / CAST(? AS INTEGER)`;

  /** adds the counts per bucket of `sel` rows (b, n) into counts; returns their sum */
  function add(counts: number[], rows: { b: number; n: number }[], sign: 1 | -1): number {
    let total = 0;
    for (const r of rows) {
      if (r.b >= 0 && r.b < counts.length) counts[r.b] = (counts[r.b] ?? 0) + sign * r.n;
      total += sign * r.n;
    }
    return total;
  }

  /** counts of the matching events per bucket, through the indexes (any filter) */
  function raw(f: AuditFilter, mode: OwnMode | undefined, fromMs: number, bucketMs: number, counts: number[], sign: 1 | -1): number {
    let total = 0;
    for (const s of sources(f, mode)) total += add(counts, prep(`SELECT ${bucketOf(`e.rid / ${RID_SLOTS}`)} AS b, count(*) AS n ${s.base} GROUP BY b`).all(fromMs, bucketMs, ...s.bp) as { b: number; n: number }[], sign);
    return total;
  }

  /** events of the indexed part (seq <= indexed_seq) in [a, b) ms per bucket, by the rid index (CROSS JOIN: rows first): the partial edge hours */
  function edge(ws: readonly string[] | undefined, a: number, b: number, fromMs: number, bucketMs: number, counts: number[]): number {
    if (b <= a) return 0;
    const inWs = ws?.length ? ` AND e.workspace_id IN (${ws.map(() => '?').join(',')})` : '';
    const sql = `SELECT ${bucketOf('e.occurred_ms')} AS b, count(*) AS n FROM audit_events e CROSS JOIN audit_sync_state t ON t.workspace_id = e.workspace_id
      WHERE e.rid >= ? AND e.rid < ? AND e.occurred_ms >= ? AND e.occurred_ms < ? AND e.seq <= t.indexed_seq${inWs} GROUP BY b`;
    return add(counts, prep(sql).all(fromMs, bucketMs, a * RID_SLOTS, (b + 1_000) * RID_SLOTS, a, b, ...(ws ?? [])) as { b: number; n: number }[], 1);
  }

  return function timeline(f: AuditFilter & { buckets?: number }): TimelineResult {
    const buckets = f.buckets ?? 120;
    // without own calls = all minus own calls per bucket (index walks, no NOT IN over every row)
    const diff = f.ownTraffic === 'exclude' && ownIds().length > 0;
    const kept: AuditFilter = diff ? { ...f, ownTraffic: 'include' } : f;
    let fromMs = f.from ? Date.parse(f.from) : null;
    let toMs = f.to ? Date.parse(f.to) : null;
    if (fromMs === null || toMs === null) {
      let lo: number | null = null;
      let hi: number | null = null;
      for (const s of sources(kept, diff ? 'include' : undefined)) {
        const mm = prep(`SELECT min(e.rid) AS lo, max(e.rid) AS hi ${s.base}`).get(...s.bp) as { lo: number | null; hi: number | null };
        if (mm.lo !== null) lo = lo === null ? mm.lo : Math.min(lo, mm.lo);
        if (mm.hi !== null) hi = hi === null ? mm.hi : Math.max(hi, mm.hi);
      }
      if (lo === null || hi === null) return { fromMs: fromMs ?? 0, toMs: toMs ?? 0, bucketMs: 0, counts: [], total: 0 };
      fromMs ??= Math.floor(lo / RID_SLOTS);
      toMs ??= Math.floor(hi / RID_SLOTS) + 1;
    }
    const span = Math.max(1, toMs - fromMs);
    let bucketMs = Math.ceil(span / buckets);
    // hourly buckets answer when a bucket is at least a quarter of an hour (then at most 4x coarser than asked)
    const hourly = plain(f) && bucketMs >= HOUR / 4;
    const rangeFrom = fromMs;
    if (hourly) {
      bucketMs = Math.ceil(bucketMs / HOUR) * HOUR;
      fromMs = Math.floor(fromMs / HOUR) * HOUR;
    }
    const counts = new Array<number>(Math.ceil((toMs - fromMs) / bucketMs)).fill(0);
    let total = 0;
    if (!hourly) total += raw(kept, diff ? 'include' : undefined, fromMs, bucketMs, counts, 1);
    else {
      const ws = f.workspaces?.length ? [...new Set(f.workspaces)] : undefined;
      const h0 = Math.ceil(rangeFrom / HOUR);
      const h1 = Math.max(h0, Math.floor(toMs / HOUR));
      const inWs = ws ? ` AND workspace_id IN (${ws.map(() => '?').join(',')})` : '';
      // whole hours of the indexed part; fromMs and bucketMs are whole hours here, so the bucket is integer arithmetic
      const step = bucketMs / HOUR;
      total += add(counts, prep(`SELECT (hour - CAST(? AS INTEGER)) / CAST(? AS INTEGER) AS b, sum(n) AS n FROM audit_agg_hour WHERE hour >= ? AND hour < ?${inWs} GROUP BY b`).all(fromMs / HOUR, step, h0, h1, ...(ws ?? [])) as { b: number; n: number }[], 1);
      // the partial hours at both edges (or the whole range inside one hour), indexed part
      total += edge(ws, rangeFrom, Math.min(toMs, h0 * HOUR), fromMs, bucketMs, counts);
      total += edge(ws, h1 * HOUR, toMs, fromMs, bucketMs, counts);
      // the rows the indexer has not reached
      const tail = sources({ workspaces: ws, from: new Date(rangeFrom).toISOString(), to: new Date(toMs).toISOString() }, 'include')[1]!;
      total += add(counts, prep(`SELECT ${bucketOf(`e.rid / ${RID_SLOTS}`)} AS b, count(*) AS n ${tail.base} GROUP BY b`).all(fromMs, bucketMs, ...tail.bp) as { b: number; n: number }[], 1);
    }
    if (diff) total += raw(f, 'only', fromMs, bucketMs, counts, -1);
    return { fromMs, toMs, bucketMs, counts, total };
  };
}
