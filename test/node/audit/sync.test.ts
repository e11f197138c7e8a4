import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createAuditService } from '../../../src-main/services/audit/audit-service.ts';
import { createEventBus } from '../../../src-main/services/event-bus.ts';
import { eventHash, jcs } from '../../../src-main/services/audit/jcs.ts';
import { AppError } from '../../../src-main/rpc/app-error.ts';
import { makeChain, hashEvent, type ChainEvent } from '../../support/audit-chain.ts';
import { createFakePlatform, type FakePlatform } from '../../support/audit-fake-platform.ts';
import { createPlatformClient } from '../../../src-main/platform/index.ts';

const quiet = { info() {}, warn() {}, error() {} };

function setup(chains: Record<string, ChainEvent[]>, pageSize = 50) {
  const dir = mkdtempSync(join(tmpdir(), 'gd-audit-'));
  const db = openCache(dir);
  const fp = createFakePlatform(chains);
  const bus = createEventBus();
  const progress: unknown[] = [];
  bus.subscribe((name, p) => name === 'task.progress' && progress.push(p));
  const svc = createAuditService({ db, dataDir: dir, appVersion: 't', bus, clock: { now: () => Date.now() }, logger: quiet, platform: createPlatformClient(fp), directory: fp.directory, concurrency: () => 3, pageSize });
  (svc.engine as unknown as { sleep?: unknown }).sleep = undefined;
  return { dir, db, fp, svc, progress, close: () => (db.close(), rmSync(dir, { recursive: true, force: true })) };
}

function cacheState(db: ReturnType<typeof openCache>, ws: string) {
  const seqs = (db.prepare('SELECT seq FROM audit_events WHERE workspace_id = ? ORDER BY seq').pluck().all(ws) as number[]);
  const st = db.prepare('SELECT cursor_seq, head_hash FROM audit_sync_state WHERE workspace_id = ?').get(ws) as { cursor_seq: number; head_hash: string } | undefined;
  return { seqs, st };
}

test('RFC 8785 vectors: key order by UTF-16 units, number serialization, string escapes', () => {
  assert.equal(jcs({ b: 1, a: [1e21, 1e-7, -0, 0.1, 333333333.3333333, 4.5], '\u20ac': 'x', '\r': 1, '\ud83d\ude00': 2, 'ö': 3 }), '{"\\r":1,"a":[1e+21,1e-7,0,0.1,333333333.3333333,4.5],"b":1,"ö":3,"€":"x","😀":2}');
  assert.equal(jcs({ s: '\u0000\u001f"\\\u2028</' }), '{"s":"\\u0000\\u001f\\"\\\\\u2028</"}');
  // our hash equals the independent test-side implementation, including hostile strings
  for (const e of makeChain('ws_v', 40, { hostileEvery: 1 })) assert.equal(eventHash(e.prev_hash, e as unknown as Record<string, unknown>), hashEvent(e.prev_hash, e as unknown as Record<string, unknown>));
});

test('sync commits verified pages; cursor equals the verified head; redelivery is a no-op; progress has rate and ETA', async () => {
  const chains = { ws_a: makeChain('ws_a', 230, { seed: 1, hostileEvery: 7 }), ws_b: makeChain('ws_b', 120, { seed: 2 }), ws_c: [] };
  const s = setup(chains);
  try {
    const r = await s.svc.sync({});
    assert.deepEqual(r.results.map((x) => [x.workspaceId, x.outcome, x.inserted]), [['ws_a', 'ok', 230], ['ws_b', 'ok', 120], ['ws_c', 'ok', 0]]);
    const a = cacheState(s.db, 'ws_a');
    assert.equal(a.seqs.length, 230);
    assert.equal(a.st!.cursor_seq, 230);
    assert.equal(a.st!.head_hash, chains.ws_a[229]!.hash);
    const last = s.progress[s.progress.length - 1] as { state: string; done: number; total: number; ratePerSecond: number | null };
    assert.equal(last.state, 'done');
    assert.equal(last.done, 350);
    assert.equal(last.total, 350);
    assert.ok(last.ratePerSecond !== null);
    // redeliver an overlapping page: no-op
    const out = s.svc.engine.applyPage('ws_a', chains.ws_a.slice(100, 150) as never);
    assert.deepEqual(out, { kind: 'applied', inserted: 0, cursor: 230, head: chains.ws_a[229]!.hash });
    assert.equal(cacheState(s.db, 'ws_a').seqs.length, 230);
    // an empty re-sync is a no-op
    const again = await s.svc.sync({ workspaces: ['ws_a'] });
    assert.equal(again.results[0]!.inserted, 0);
    assert.equal(again.results[0]!.outcome, 'ok');
  } finally {
    s.close();
  }
});

test('overlapping, duplicate and out-of-order pages converge exactly', async () => {
  const chain = makeChain('ws_o', 300, { seed: 3 });
  const s = setup({ ws_o: chain });
  s.fp.rewrite = (_ws, after, limit, page, call) => {
    const start = Math.max(0, after - 10); // overlap 10 behind the cursor
    const ev = chain.slice(start, Math.min(chain.length, after + limit));
    const dup = ev.length ? [ev[0]!, ev[ev.length - 1]!] : [];
    const shuffled = [...ev, ...dup].sort((a, b) => ((a.seq * 7919 + call) % 13) - ((b.seq * 7919 + call) % 13));
    return { ...page, events: shuffled };
  };
  try {
    const r = await s.svc.sync({});
    assert.equal(r.results[0]!.outcome, 'ok');
    const st = cacheState(s.db, 'ws_o');
    assert.deepEqual(st.seqs, chain.map((e) => e.seq));
    assert.equal(st.st!.head_hash, chain[299]!.hash);
  } finally {
    s.close();
  }
});

test('a tampered event is flagged at its exact seq; the page is rejected and the cursor stays', async () => {
  const chain = makeChain('ws_t', 200, { seed: 4 });
  const s = setup({ ws_t: chain }, 50);
  const TAMPER = 137;
  s.fp.rewrite = (_ws, _after, _limit, page) => ({ ...page, events: page.events.map((e) => (e.seq === TAMPER ? { ...e, status: 200, endpoint: '/v1/contacts/export', params: { ...e.params, injected: true } } : e)) });
  try {
    const r = await s.svc.sync({});
    assert.equal(r.results[0]!.outcome, 'tamper');
    const st = cacheState(s.db, 'ws_t');
    assert.equal(st.st!.cursor_seq, 100, 'cursor stays at the last verified page before the tampered one');
    assert.deepEqual(st.seqs, Array.from({ length: 100 }, (_, i) => i + 1));
    const status = s.svc.status(['ws_t']).workspaces[0]!;
    assert.equal(status.state, 'tamper');
    assert.deepEqual(status.tamper.map((t) => t.seq), [TAMPER]);
    // same seq with different content as a redelivery below the cursor: alarm at that exact seq, nothing changes
    s.fp.rewrite = undefined;
    const forged = { ...chain[41]!, caller_ip: '203.0.113.9' };
    forged.hash = hashEvent(forged.prev_hash, forged as unknown as Record<string, unknown>); // self-consistent forgery
    const out = s.svc.engine.applyPage('ws_t', [chain[100]!, forged] as never);
    assert.deepEqual([out.kind, (out as { seq: number }).seq], ['tamper', 42]);
    assert.equal(cacheState(s.db, 'ws_t').st!.cursor_seq, 100, 'the whole page was rejected, including the good seq 101');
    assert.deepEqual(s.svc.status(['ws_t']).workspaces[0]!.tamper.map((t) => t.seq), [42, TAMPER]);
  } finally {
    s.close();
  }
});

test('a broken link (prev_hash) is a tamper alarm; a head that disagrees is too', async () => {
  const chain = makeChain('ws_l', 60, { seed: 5 });
  const s = setup({ ws_l: chain }, 20);
  try {
    const bad = { ...chain[30]!, prev_hash: 'f'.repeat(64) };
    bad.hash = hashEvent(bad.prev_hash, bad as unknown as Record<string, unknown>);
    const o = s.svc.engine.applyPage('ws_l', [...chain.slice(0, 30), bad] as never);
    assert.deepEqual([o.kind, (o as { seq: number }).seq], ['tamper', 31]);
    assert.equal(cacheState(s.db, 'ws_l').seqs.length, 0, 'page rejected whole');
    s.fp.headOverride = () => ({ seq: 60, hash: 'a'.repeat(64) });
    const r = await s.svc.sync({});
    assert.equal(r.results[0]!.outcome, 'tamper');
    assert.equal(cacheState(s.db, 'ws_l').st!.cursor_seq, 60);
  } finally {
    s.close();
  }
});

test('a head read up front that another process has synced past is read again, not a tamper alarm; a head that stays behind is', async () => {
  const chain = makeChain('ws_r', 60, { seed: 8 });
  const s = setup({ ws_r: chain }, 20);
  try {
    await s.svc.sync({});
    assert.equal(cacheState(s.db, 'ws_r').st!.cursor_seq, 60);
    // the first head read (syncMany's up-front read) is stale: 50, while the cursor another process committed is 60
    let heads = 0;
    s.fp.headOverride = () => (++heads === 1 ? { seq: 50, hash: chain[49]!.hash } : null);
    const fresh = await s.svc.sync({});
    assert.equal(fresh.results[0]!.outcome, 'ok', JSON.stringify(fresh.results[0]));
    assert.equal(heads, 2, 'the head was read again before judging');
    // a head that is still behind the verified cursor when read after it: the log shrank, a tamper alarm
    s.fp.headOverride = () => ({ seq: 50, hash: chain[49]!.hash });
    const shrunk = await s.svc.sync({});
    assert.equal(shrunk.results[0]!.outcome, 'tamper');
  } finally {
    s.close();
  }
});

test('gaps are recorded, never skipped; a later full delivery resolves them', async () => {
  const chain = makeChain('ws_g', 150, { seed: 6 });
  const s = setup({ ws_g: chain }, 50);
  s.fp.rewrite = (_ws, _after, _limit, page) => ({ ...page, events: page.events.filter((e) => e.seq < 70 || e.seq > 74) });
  try {
    const r = await s.svc.sync({});
    assert.equal(r.results[0]!.outcome, 'gap');
    const st = cacheState(s.db, 'ws_g');
    assert.equal(st.st!.cursor_seq, 69);
    assert.equal(Math.max(...st.seqs), 69, 'nothing beyond the gap is stored');
    const status = s.svc.status(['ws_g']).workspaces[0]!;
    assert.equal(status.state, 'gap');
    assert.deepEqual(status.gaps.map((g) => [g.fromSeq, g.toSeq, g.resolvedAt]), [[70, 74, null]]);
    s.fp.rewrite = undefined;
    const r2 = await s.svc.sync({});
    assert.equal(r2.results[0]!.outcome, 'ok');
    assert.equal(cacheState(s.db, 'ws_g').seqs.length, 150);
    assert.ok(s.svc.status(['ws_g']).workspaces[0]!.gaps[0]!.resolvedAt);
  } finally {
    s.close();
  }
});

test('malformed or truncated JSON pages are rejected whole; Retry-After is respected; sync then converges', async () => {
  const chain = makeChain('ws_m', 120, { seed: 7 });
  const s = setup({ ws_m: chain }, 40);
  const sleeps: number[] = [];
  const engineDeps = s.svc.engine as unknown as Record<string, unknown>;
  void engineDeps;
  let calls = 0;
  s.fp.rewrite = (_ws, _after, _limit, page) => {
    calls++;
    if (calls === 2) return JSON.stringify(page).slice(0, 1500); // truncated body
    if (calls === 3) return JSON.stringify(page).replace('"seq":', '"seq":,'); // malformed
    return page;
  };
  s.fp.failNext.push(Object.assign(new AppError('rate_limited', 'Too many requests; retry after 0.05 s'), { retryAfterMs: 50 }));
  try {
    const t0 = Date.now();
    const r = await s.svc.sync({});
    sleeps.push(Date.now() - t0);
    assert.equal(r.results[0]!.outcome, 'ok');
    assert.ok(sleeps[0]! >= 50, 'waited at least Retry-After');
    assert.equal(cacheState(s.db, 'ws_m').seqs.length, 120);
    // a truncated page never stores a prefix: apply a partial parse directly is impossible, and the cache equals the chain
    const rows = s.db.prepare('SELECT hash FROM audit_events WHERE workspace_id = ? ORDER BY seq').pluck().all('ws_m');
    assert.deepEqual(rows, chain.map((e) => e.hash));
  } finally {
    s.close();
  }
});

test('explorer: filters, CIDR, full text, keyset pages, timeline, event chain status', async () => {
  const chains = { ws_a: makeChain('ws_a', 400, { seed: 8, hostileEvery: 5 }), ws_b: makeChain('ws_b', 300, { seed: 9, startMs: Date.parse('2025-01-01T00:00:30Z') }) };
  const s = setup(chains, 100);
  try {
    await s.svc.sync({});
    const all = [...chains.ws_a, ...chains.ws_b];
    // keyset paging over everything returns each event once, newest first
    const seen: string[] = [];
    let cursor: string | undefined;
    let prevT = Infinity;
    do {
      const p = s.svc.query({ limit: 64, cursor });
      for (const r of p.rows) {
        const t = Date.parse(r.occurredAt);
        assert.ok(t <= prevT);
        prevT = t;
        seen.push(`${r.workspaceId}#${r.seq}`);
      }
      cursor = p.nextCursor ?? undefined;
    } while (cursor);
    assert.equal(seen.length, all.length);
    assert.equal(new Set(seen).size, all.length);
    const count = (f: Parameters<typeof s.svc.query>[0]) => {
      let n = 0;
      let c: string | undefined;
      do {
        const p = s.svc.query({ ...f, limit: 1000, cursor: c });
        n += p.rows.length;
        c = p.nextCursor ?? undefined;
      } while (c);
      return n;
    };
    const expect = (pred: (e: ChainEvent) => boolean) => all.filter(pred).length;
    assert.equal(count({ workspaces: ['ws_b'] }), 300);
    {
      const got: string[] = [];
      let c: string | undefined;
      let last = Infinity;
      do {
        const p = s.svc.query({ workspaces: ['ws_a', 'ws_b'], limit: 37, cursor: c });
        for (const r of p.rows) {
          assert.ok(Date.parse(r.occurredAt) <= last);
          last = Date.parse(r.occurredAt);
          got.push(`${r.workspaceId}#${r.seq}`);
        }
        c = p.nextCursor ?? undefined;
      } while (c);
      assert.equal(new Set(got).size, 700, 'per-workspace merge pages through every event once, newest first');
    }
    assert.equal(count({ workspaces: ['ws_a', 'ws_b'], statusClass: ['5xx'] }), expect((e) => e.status! >= 500));
    assert.equal(count({ endpoint: '/v1/contacts/export' }), expect((e) => e.endpoint === '/v1/contacts/export'));
    assert.equal(count({ endpoint: '/v1/contacts*' }), expect((e) => e.endpoint!.startsWith('/v1/contacts')));
    assert.equal(count({ ip: '10.1.0.0/16' }), expect((e) => e.caller_ip!.startsWith('10.1.')));
    assert.equal(count({ ip: '2001:db8::/32' }), expect((e) => e.caller_ip!.startsWith('2001:db8:')));
    assert.equal(count({ statusClass: ['4xx', '5xx'] }), expect((e) => e.status! >= 400));
    assert.equal(count({ pii: true, method: 'get' }), expect((e) => e.pii_accessed && e.method === 'GET'));
    assert.equal(count({ credential: 'cred_3', credentialType: 'api_key' }), expect((e) => e.credential_id === 'cred_3' && e.credential_type === 'api_key'));
    const from = '2025-01-01T02:00:00Z';
    const to = '2025-01-01T03:00:00.000Z';
    assert.equal(count({ from, to }), expect((e) => e.occurred_at >= '2025-01-01T02:00:00.000Z' && e.occurred_at < to));
    // full text: hostile words are just words; FTS syntax in user input is inert
    assert.equal(count({ q: 'HYPERLINK' }), expect((e) => JSON.stringify(e.params).includes('HYPERLINK')));
    assert.ok(count({ q: 'HYPERLINK' }) > 0);
    assert.equal(count({ q: 'NEAR( " OR * body:x' }) >= 0, true);
    const tl = s.svc.timeline({ buckets: 10 });
    assert.equal(tl.total, all.length);
    assert.equal(tl.counts.reduce((a, b) => a + b, 0), all.length);
    const tl2 = s.svc.timeline({ buckets: 4, from, to, endpoint: '/v1/apps' });
    assert.equal(tl2.total, expect((e) => e.endpoint === '/v1/apps' && e.occurred_at >= '2025-01-01T02:00:00.000Z' && e.occurred_at < to));
    const d = s.svc.event('ws_a', 5);
    assert.deepEqual([d.chain.hashValid, d.chain.linkValid, d.chain.withinVerifiedHead, d.chain.tampered], [true, true, true, false]);
    assert.throws(() => s.svc.query({ ip: 'not-an-ip' }), /neither an IP/);
  } finally {
    s.close();
  }
});
