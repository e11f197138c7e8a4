// Explorer queries on 5M cached events: keyset page p95 (goal <= 10 ms) and full-text p95 (goal <= 50 ms).
// AUDIT_BENCH_EXPLORER_EVENTS shrinks the size for quick runs.
import { rmSync } from 'node:fs';
import type { AuditFilter } from '../src-common/contract/index.ts';
import { createAuditQuery } from '../src-main/services/audit/query.ts';
import { buildCache, END_MS, pct } from './audit-fixture.ts';

const N = Number(process.env.AUDIT_BENCH_EXPLORER_EVENTS ?? 5_000_000);

export async function run() {
  console.log(`generating ${N.toLocaleString('en')} events into a cache…`);
  const { dir, db, genMs } = buildCache(N, 'explorer');
  console.log(`  generated in ${(genMs / 1000).toFixed(1)} s`);
  const q = createAuditQuery(db);
  const day = 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const filters: AuditFilter[] = [
    {},
    { workspaces: ['ws_03'] },
    { workspaces: ['ws_03', 'ws_17', 'ws_29'] },
    { endpoint: '/v1/contacts/export' },
    { endpoint: '/v1/contacts*', method: 'GET' },
    { credential: 'cred_7' },
    { credentialType: 'service_token' },
    { ip: '10.3.0.0/16' },
    { ip: '10.2.14.0/24' },
    { statusClass: ['4xx', '5xx'] },
    { pii: true },
    { from: iso(END_MS - 60 * day), to: iso(END_MS - 30 * day) },
    { workspaces: ['ws_11'], endpoint: '/v1/contacts/export', from: iso(END_MS - 150 * day), to: iso(END_MS - 120 * day) },
    { endpoint: '/v1/contacts/export', statusClass: ['2xx'], pii: true },
  ];
  const page: number[] = [];
  const deep: number[] = [];
  const perFilter = new Map<string, number[]>();
  for (let round = 0; round < 15; round++) {
    for (const f of filters) {
      let t0 = performance.now();
      const p1 = q.page({ ...f, limit: 100 });
      page.push(performance.now() - t0);
      const key = JSON.stringify(f);
      perFilter.set(key, [...(perFilter.get(key) ?? []), performance.now() - t0]);
      // follow the keyset a few pages deep, as scrolling does
      let cur = p1.nextCursor;
      for (let k = 0; k < 3 && cur; k++) {
        t0 = performance.now();
        const p = q.page({ ...f, limit: 100, cursor: cur });
        deep.push(performance.now() - t0);
        cur = p.nextCursor;
      }
    }
  }
  const texts = ['HYPERLINK', 'acme renewal', 'invoice', 'overdue', 'newsletter signup', 'cred_12', 'evil', 'contacts export', 'sync', 'quoted new line', 'renew*', 'invoice over*'];
  const fts: number[] = [];
  const ftsPrefix: number[] = [];
  const ftsFiltered: number[] = [];
  for (let round = 0; round < 15; round++) {
    for (const text of texts) {
      const bucket = text.includes('*') ? ftsPrefix : fts;
      let t0 = performance.now();
      const p = q.page({ q: text, limit: 100 });
      bucket.push(performance.now() - t0);
      if (p.nextCursor) {
        t0 = performance.now();
        q.page({ q: text, limit: 100, cursor: p.nextCursor });
        bucket.push(performance.now() - t0);
      }
      t0 = performance.now();
      q.page({ q: text, limit: 100, workspaces: ['ws_05'] });
      ftsFiltered.push(performance.now() - t0);
    }
  }
  const tl: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    q.timeline({ buckets: 180, from: iso(END_MS - 180 * day), to: iso(END_MS) });
    tl.push(performance.now() - t0);
  }
  const all = [...page, ...deep];
  console.log(`  explorer on ${N.toLocaleString('en')} events (${filters.length} filter sets x 15 rounds, 100-row pages):`);
  console.log(`    page (first + 3 keyset pages deep): p50 ${pct(all, 50).toFixed(2)} ms, p95 ${pct(all, 95).toFixed(2)} ms, max ${Math.max(...all).toFixed(1)} ms (goal p95 <= 10 ms)`);
  console.log(`    full text, whole words (the default; ${texts.filter((t) => !t.includes('*')).length} queries, first + next page): p50 ${pct(fts, 50).toFixed(2)} ms, p95 ${pct(fts, 95).toFixed(2)} ms (goal p95 <= 50 ms)`);
  console.log(`    full text with an explicit prefix word* (${texts.filter((t) => t.includes('*')).length} queries): p50 ${pct(ftsPrefix, 50).toFixed(2)} ms, p95 ${pct(ftsPrefix, 95).toFixed(2)} ms`);
  console.log(`    full text + workspace filter: p50 ${pct(ftsFiltered, 50).toFixed(2)} ms, p95 ${pct(ftsFiltered, 95).toFixed(2)} ms`);
  const slow = [...perFilter.entries()].map(([k, v]) => [k, pct(v, 95)] as const).sort((a, b) => b[1] - a[1]).slice(0, 3);
  console.log(`    slowest first pages (p95): ${slow.map(([k, v]) => `${k} ${v.toFixed(1)} ms`).join('; ')}`);
  console.log(`    timeline (180 buckets over everything): p50 ${pct(tl, 50).toFixed(0)} ms`);
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
