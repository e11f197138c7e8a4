// The audit indexer (services/audit/indexer.ts) behind the sync: a crash between the event commit and the indexer's
// batch leaves a cache that a restart catches up; a batch that fails half-way leaves nothing of itself (the marker never
// ahead of the data); and at ANY point of its progress (fast-check: random pages, random indexer steps) every answer is
// what a brute-force pass over the same events gives: counts and pages for the filters, the timeline (hourly buckets),
// the insights figures (aggregates), and full text, which equals a word-by-word search of the indexed events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import type { Db } from '../../../src-main/ports/db.ts';
import { createAuditService } from '../../../src-main/services/audit/audit-service.ts';
import { buildWhere, createAuditQuery } from '../../../src-main/services/audit/query.ts';
import { createAuditReadModel } from '../../../src-main/services/audit/read-model.ts';
import { routeOf } from '../../../src-main/services/audit/route.ts';
import { createEventBus } from '../../../src-main/services/event-bus.ts';
import { createPlatformClient } from '../../../src-main/platform/index.ts';
import type { AuditFilter } from '../../../src-common/contract/index.ts';
import { hashEvent, makeChain, ZERO64, type ChainEvent } from '../../support/audit-chain.ts';

const quiet = { info() {}, warn() {}, error() {} };
const noPlatform = { call: () => assert.fail('the indexer tests must not call the platform') };
const DAY = 86_400_000;
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];

/** a chain with contact-record reads, words to search for, and now and then a PII flag: what insights and search read */
function chainOf(ws: string, n: number, seed: number, startMs: number): ChainEvent[] {
  const base = makeChain(ws, n, { seed, hostileEvery: 7, startMs, stepMs: 7 * 60_000 + seed * 1000 });
  let prev = ZERO64;
  return base.map((e, i) => {
    const x: Record<string, unknown> = { ...e };
    if (i % 3 === 0) x.endpoint = `/v1/contacts/con_${(i * 7919 + seed) % 97}abcd`;
    if (i % 4 === 1) x.params = { ...(e.params as object), text: `${WORDS[(i * 5 + seed) % 8]} ${WORDS[(i * 3) % 8]}` };
    if (i % 13 === 0) x.status = null;
    x.prev_hash = prev;
    x.hash = hashEvent(prev, x);
    prev = x.hash as string;
    return x as unknown as ChainEvent;
  });
}

function open(dir: string, bus = createEventBus()) {
  const db = openCache(dir);
  const svc = createAuditService({ db, dataDir: dir, appVersion: 't', bus, clock: { now: () => Date.now() }, logger: quiet, platform: createPlatformClient(noPlatform), directory: null, concurrency: () => 2 });
  return { db, svc, query: createAuditQuery(db), read: createAuditReadModel(db) };
}

function marker(db: Db, ws: string): number {
  return (db.prepare('SELECT indexed_seq FROM audit_sync_state WHERE workspace_id = ?').pluck().get(ws) as number | undefined) ?? 0;
}

/** what only the indexer writes covers exactly seq <= indexed_seq */
function assertMarkerExact(db: Db, ws: string) {
  const m = marker(db, ws);
  const cursor = db.prepare('SELECT cursor_seq FROM audit_sync_state WHERE workspace_id = ?').pluck().get(ws) as number;
  assert.ok(m <= cursor, 'marker <= cursor');
  assert.deepEqual(db.prepare('SELECT rowid FROM audit_fts WHERE rowid IN (SELECT rid FROM audit_events WHERE workspace_id = ?) ORDER BY rowid').pluck().all(ws), db.prepare('SELECT rid FROM audit_events WHERE workspace_id = ? AND seq <= ? ORDER BY rid').pluck().all(ws, m), 'full text = rows up to the marker');
  assert.deepEqual(db.prepare('SELECT seq FROM audit_events WHERE workspace_id = ? AND ix = 1 ORDER BY seq').pluck().all(ws), Array.from({ length: m }, (_v, i) => i + 1), 'ix = 1 exactly up to the marker');
  assert.equal(db.prepare('SELECT coalesce(sum(n), 0) FROM audit_agg_hour WHERE workspace_id = ?').pluck().get(ws), m, 'hourly buckets count the rows up to the marker');
}

/** the words unicode61 (remove_diacritics 2) makes of a text, for a brute-force search */
function words(text: string): string[] {
  return (text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}
/** a quoted word is a phrase of its tokens (`cred_1` is "cred" then "1"): consecutive in the text */
function hasPhrase(text: string[], phrase: string[]): boolean {
  for (let i = 0; i + phrase.length <= text.length; i++) if (phrase.every((p, j) => text[i + j] === p)) return true;
  return false;
}
function bodyOf(r: Record<string, unknown>): string {
  return [r.endpoint ?? '', r.method ?? '', r.credential_id ?? '', r.credential_type ?? '', r.caller_ip ?? '', r.event_id, r.params_json].join(' ');
}

/** brute force: every answer the indexer's progress may not change, computed from the rows alone */
function assertAnswers(db: Db, q: ReturnType<typeof createAuditQuery>, read: ReturnType<typeof createAuditReadModel>, wss: string[], rnd: () => number) {
  const filters: AuditFilter[] = [{}, { workspaces: [wss[0]!] }, { workspaces: wss }, { credential: 'cred_3' }, { endpoint: '/v1/contacts*' }, { endpoint: '/v1/apps' }, { ip: '10.1.0.0/16' }, { statusClass: ['4xx', '5xx'] }, { pii: true, workspaces: [wss[1]!] }, { from: '2025-01-01T05:00:00Z', to: '2025-01-02T13:30:00Z' }];
  for (const f of filters) {
    const w = buildWhere(f, 'e');
    const expected = db.prepare(`SELECT count(*) FROM audit_events e WHERE ${w.sql}`).pluck().get(...w.params) as number;
    assert.equal(q.count(f), expected, `count ${JSON.stringify(f)}`);
    const top = db.prepare(`SELECT e.rid FROM audit_events e WHERE ${w.sql} ORDER BY e.rid DESC LIMIT 25`).pluck().all(...w.params);
    const p1 = q.page({ ...f, limit: 20 });
    const p2 = p1.nextCursor ? q.page({ ...f, limit: 5, cursor: p1.nextCursor }) : { rows: [] };
    assert.deepEqual([...p1.rows, ...p2.rows].map((r) => `${r.workspaceId}#${r.seq}`), (db.prepare(`SELECT e.workspace_id || '#' || e.seq FROM audit_events e WHERE e.rid IN (${top.map(() => '?').join(',') || 'NULL'}) ORDER BY e.rid DESC`).pluck().all(...top) as string[]), `pages ${JSON.stringify(f)}`);
    const tl = q.timeline({ ...f, buckets: 30 });
    assert.equal(tl.total, expected, `timeline total ${JSON.stringify(f)}`);
    const counts = new Array<number>(tl.counts.length).fill(0);
    for (const ms of db.prepare(`SELECT e.occurred_ms FROM audit_events e WHERE ${w.sql}`).pluck().all(...w.params) as number[]) counts[Math.floor((ms - tl.fromMs) / tl.bucketMs)]!++;
    assert.deepEqual(tl.counts, counts, `timeline buckets ${JSON.stringify(f)}`);
    const g = q.groups(f, 100_000);
    assert.equal(g.credentials.reduce((a, c) => a + c.calls, 0), expected);
    assert.equal(g.ips.reduce((a, c) => a + c.calls, 0), expected);
  }
  // insights figures: the aggregates + the rows around them equal one pass over the rows
  for (const ws of wss) {
    const cov = read.coverage(ws)!;
    const first = db.prepare('SELECT occurred_ms FROM audit_events WHERE workspace_id = ? ORDER BY rid LIMIT 1').pluck().get(ws);
    assert.equal(cov.fromMs, first);
    assert.equal(read.contactRecordsSeen(ws), db.prepare("SELECT COUNT(DISTINCT endpoint) FROM audit_events WHERE workspace_id = ? AND endpoint LIKE '/v1/contacts/%' AND endpoint NOT IN ('/v1/contacts/export') AND status < 300").pluck().get(ws));
    for (const cred of ['cred_1', 'cred_7']) {
      const since = cov.fromMs + Math.floor(rnd() * 3 * DAY);
      const byRoute = new Map<string, number>();
      for (const r of db.prepare('SELECT method, endpoint, status, count(*) AS n FROM audit_events WHERE workspace_id = ? AND credential_id = ? AND occurred_ms >= ? GROUP BY 1, 2, 3').all(ws, cred, since) as { method: string; endpoint: string; status: number | null; n: number }[]) {
        const k = `${r.method} ${routeOf(r.endpoint)} ${r.status}`;
        byRoute.set(k, (byRoute.get(k) ?? 0) + r.n);
      }
      const got = new Map(read.callsByEndpointStatus(ws, cred, since).map((r) => [`${r.method} ${r.endpoint} ${r.status}`, r.n]));
      assert.deepEqual(got, byRoute, `calls by route and status since ${since}`);
      const ips = db.prepare('SELECT caller_ip AS ip, count(*) AS n FROM audit_events WHERE workspace_id = ? AND credential_id = ? AND occurred_ms >= ? AND caller_ip IS NOT NULL GROUP BY 1 ORDER BY 1').all(ws, cred, since);
      assert.deepEqual([...read.callsByCallerIp(ws, cred, since)].sort((a, b) => (a.ip < b.ip ? -1 : 1)), ips);
      const days = (db.prepare(`SELECT occurred_ms / ${DAY} AS day, COUNT(DISTINCT CASE WHEN endpoint LIKE '/v1/contacts/%' AND endpoint <> '/v1/contacts/export' THEN endpoint END) AS records,
          SUM(CASE WHEN endpoint = '/v1/contacts/export' THEN 1 ELSE 0 END) AS exports FROM audit_events WHERE workspace_id = ? AND credential_id = ? AND occurred_ms >= ? AND pii_accessed = 1 GROUP BY day ORDER BY day`).all(ws, cred, since) as { day: number; records: number; exports: number }[]).filter((d) => d.records || d.exports);
      assert.deepEqual(read.contactDays(ws, cred, since), days, 'contact days');
    }
  }
  // full text covers the indexed rows and equals a word-by-word search of them (whole words and prefixes)
  const indexed = db.prepare('SELECT e.* FROM audit_events e JOIN audit_sync_state s ON s.workspace_id = e.workspace_id AND e.seq <= s.indexed_seq').all() as Record<string, unknown>[];
  const tokens = indexed.map((r) => ({ key: `${r.workspace_id}#${r.seq}`, rid: r.rid as number, w: words(bodyOf(r)) }));
  for (let k = 0; k < 6; k++) {
    const n = 1 + Math.floor(rnd() * 2);
    const terms = Array.from({ length: n }, () => (rnd() < 0.75 ? WORDS[Math.floor(rnd() * 8)]! : ['get', 'post', 'cred_1', 'contacts', 'evil', 'quoted', 'unicode'][Math.floor(rnd() * 7)]!));
    const prefix = rnd() < 0.3;
    const text = terms.map((t, i) => (prefix && i === terms.length - 1 ? `${t.slice(0, 3)}*` : t)).join(' ');
    const want = tokens
      .filter((t) => terms.every((term, i) => (prefix && i === terms.length - 1 ? t.w.some((x) => x.startsWith(words(term.slice(0, 3))[0]!)) : hasPhrase(t.w, words(term)))))
      .sort((a, b) => b.rid - a.rid)
      .map((t) => t.key);
    const got: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 200; guard++) {
      const p = q.page({ q: text, limit: 100, cursor });
      got.push(...p.rows.map((r) => `${r.workspaceId}#${r.seq}`));
      if (!p.nextCursor) break;
      cursor = p.nextCursor;
    }
    assert.deepEqual(got, want, `full text "${text}"`);
  }
}

test('crash between the event commit and the indexer: a restart reports the backlog and catches up; a failed batch leaves nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gd-indexer-'));
  try {
    const chain = chainOf('ws_c', 1500, 3, Date.parse('2025-01-01T00:00:00Z'));
    let a = open(dir);
    for (let i = 0; i < chain.length; i += 500) assert.equal(a.svc.engine.applyPage('ws_c', chain.slice(i, i + 500) as never).kind, 'applied');
    // the events, cursor and chain head are committed; the process dies before any indexing (nothing ran it)
    a.db.close();
    a = open(dir);
    assert.deepEqual(a.svc.indexer.progress(), { indexed: 0, total: 1500 });
    assert.equal(a.query.count({ endpoint: '/v1/apps' }), chain.filter((e) => e.endpoint === '/v1/apps').length, 'filters answer exactly before any indexing');
    assert.equal(a.query.page({ q: WORDS[0]!, limit: 10 }).rows.length, 0, 'full text holds nothing yet (and says so, below)');
    // a batch that fails half-way (after its full-text rows and its first aggregates) leaves none of its writes
    a.db.exec("CREATE TEMP TRIGGER boom BEFORE INSERT ON audit_agg_ip BEGIN SELECT RAISE(ABORT, 'simulated crash'); END");
    assert.throws(() => a.svc.indexer.step(400, 400), /simulated crash/);
    assert.equal(marker(a.db, 'ws_c'), 0);
    assertMarkerExact(a.db, 'ws_c');
    a.db.exec('DROP TRIGGER boom');
    assert.equal(a.svc.indexer.step(400, 400), 400);
    assertMarkerExact(a.db, 'ws_c');
    // the service answers a full-text query with what it covers; on demand (no background indexer) it catches up first
    const r = a.svc.query({ q: WORDS[0]!, limit: 1000 });
    assert.deepEqual(r.search, { indexedEvents: 1500, cachedEvents: 1500 });
    assert.ok(r.rows.length > 0);
    assertMarkerExact(a.db, 'ws_c');
    assert.equal(a.svc.summary({}).cache.search?.indexedEvents, 1500);
    a.db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('background indexing reports progress and says when it caught up; a purge removes what it indexed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gd-indexer-bg-'));
  try {
    const bus = createEventBus();
    const notices: string[] = [];
    bus.subscribe((name, p) => name === 'state.changed' && notices.push((p as { topic: string }).topic));
    const a = open(dir, bus);
    const chain = chainOf('ws_p', 800, 4, Date.parse('2025-02-01T00:00:00Z'));
    a.svc.engine.applyPage('ws_p', chain as never);
    a.svc.startIndexing();
    assert.equal(a.svc.query({ q: 'alpha' }).search?.cachedEvents, 800, 'background mode answers at once with its coverage');
    for (let i = 0; i < 200 && a.svc.indexer.progress().indexed < 800; i++) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(a.svc.indexer.progress(), { indexed: 800, total: 800 });
    for (let i = 0; i < 200 && !notices.includes('audit'); i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(notices.includes('audit'), 'screens hear that the index caught up (they reload)');
    a.svc.stopIndexing();
    a.svc.repo.purgeWorkspaces(['ws_p']);
    for (const t of ['audit_agg_hour', 'audit_agg_use', 'audit_agg_ip', 'audit_agg_contact', 'audit_agg_contact_day', 'audit_events']) assert.equal(a.db.prepare(`SELECT count(*) FROM ${t}`).pluck().get(), 0, t);
    assert.equal(a.db.prepare("SELECT count(*) FROM audit_fts WHERE audit_fts MATCH 'alpha OR bravo OR get OR post'").pluck().get(), 0, 'full text forgets the purged rows');
    a.db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('at any point of the indexer progress every answer equals a brute-force pass over the same events (fast-check)', { timeout: 600_000 }, () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 700 })), { minLength: 3, maxLength: 6 }), (seed, plan) => {
      let s = seed;
      const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
      const dir = mkdtempSync(join(tmpdir(), 'gd-indexer-fc-'));
      const a = open(dir);
      try {
        const wss = ['ws_x', 'ws_y'];
        const chains = wss.map((ws, i) => chainOf(ws, 900 + i * 350, seed % 97 + i, Date.parse('2025-01-01T00:00:00Z') + i * 3_600_000 + (seed % 3_600_000)));
        const at = [0, 0];
        for (const [sync, k] of plan) {
          if (sync) {
            // a sync page of each workspace (the next k events)
            for (let i = 0; i < wss.length; i++) {
              const next = chains[i]!.slice(at[i], at[i]! + k);
              if (next.length) assert.equal(a.svc.engine.applyPage(wss[i]!, next as never).kind, 'applied');
              at[i]! += next.length;
            }
          } else a.svc.indexer.step(k, Math.max(1, Math.floor(k / 3)));
          for (const ws of wss) if (a.db.prepare('SELECT 1 FROM audit_sync_state WHERE workspace_id = ?').get(ws)) assertMarkerExact(a.db, ws);
          if (at[0]! > 0 && at[1]! > 0) assertAnswers(a.db, a.query, a.read, wss, rnd);
        }
      } finally {
        a.db.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }),
    { numRuns: 6 },
  );
});
