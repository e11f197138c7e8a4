// Explorer queries on 10M cached events (bench/audit-fixture.ts, indexed as the indexer leaves a cache): keyset page p95
// (goal <= 10 ms), full text p95 whole words and prefix (goal <= 50 ms each), the timeline over everything from the
// hourly buckets (goal <= 100 ms) and a filtered export, 1 workspace x 30 days (goal <= 50 ms). Baselines in the same
// run: the timeline counted from the rows (what it cost before the buckets) and a LIKE scan for one word.
// AUDIT_BENCH_EXPLORER_EVENTS shrinks the size for quick runs.
import { rmSync } from 'node:fs';
import type { AuditFilter } from '../src-common/contract/index.ts';
import { createAuditQuery } from '../src-main/services/audit/query.ts';
import { runExport } from '../src-main/services/audit/export.ts';
import { join } from 'node:path';
import { buildCache, END_MS, pct } from './audit-fixture.ts';
import type { Figure } from './figures.ts';

const N = Number(process.env.AUDIT_BENCH_EXPLORER_EVENTS ?? 10_000_000);

export async function run(): Promise<Figure[]> {
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
  const tlAll: number[] = [];
  for (let i = 0; i < 7; i++) {
    let t0 = performance.now();
    q.timeline({ buckets: 180, from: iso(END_MS - 180 * day), to: iso(END_MS) });
    tl.push(performance.now() - t0);
    t0 = performance.now();
    q.timeline({ buckets: 120 });
    tlAll.push(performance.now() - t0);
  }
  // baseline: the same 180 buckets counted from the rows (one pass over the rid index, as the timeline did before)
  let t0 = performance.now();
  const rawCounts = db.prepare(`SELECT (rid / 1024 - ?) / ? AS b, count(*) AS n FROM audit_events GROUP BY b`).all(END_MS - 180 * day, day) as { n: number }[];
  const tlRaw = performance.now() - t0;
  const check = q.timeline({ buckets: 180, from: iso(END_MS - 180 * day), to: iso(END_MS) });
  if (check.total !== rawCounts.reduce((a, r) => a + r.n, 0)) throw new Error(`timeline total ${check.total} differs from the rows`);
  // baseline for full text: one word found by a LIKE scan of every row
  t0 = performance.now();
  db.prepare("SELECT count(*) FROM audit_events WHERE params_json LIKE '%overdue%'").get();
  const likeMs = performance.now() - t0;
  // filtered export: one workspace, 30 days
  const exp: number[] = [];
  let expRows = 0;
  for (let i = 0; i < 12; i++) {
    const out = join(dir, `filtered-${i}.csv`);
    t0 = performance.now();
    const r = await runExport(db, { filters: { workspaces: ['ws_07'], from: iso(END_MS - 30 * day), to: iso(END_MS) }, out, format: 'csv', bom: false, appVersion: 'bench', now: () => Date.now(), yieldEvery: async () => {} });
    exp.push(performance.now() - t0);
    expRows = r.rowCount;
  }
  const all = [...page, ...deep];
  console.log(`  explorer on ${N.toLocaleString('en')} events (${filters.length} filter sets x 15 rounds, 100-row pages):`);
  console.log(`    page (first + 3 keyset pages deep): p50 ${pct(all, 50).toFixed(2)} ms, p95 ${pct(all, 95).toFixed(2)} ms, max ${Math.max(...all).toFixed(1)} ms (goal p95 <= 10 ms)`);
  console.log(`    full text, whole words (the default; ${texts.filter((t) => !t.includes('*')).length} queries, first + next page): p50 ${pct(fts, 50).toFixed(2)} ms, p95 ${pct(fts, 95).toFixed(2)} ms (goal p95 <= 50 ms)`);
  console.log(`    full text with an explicit prefix word* (${texts.filter((t) => t.includes('*')).length} queries): p50 ${pct(ftsPrefix, 50).toFixed(2)} ms, p95 ${pct(ftsPrefix, 95).toFixed(2)} ms`);
  console.log(`    full text + workspace filter: p50 ${pct(ftsFiltered, 50).toFixed(2)} ms, p95 ${pct(ftsFiltered, 95).toFixed(2)} ms`);
  const slow = [...perFilter.entries()].map(([k, v]) => [k, pct(v, 95)] as const).sort((a, b) => b[1] - a[1]).slice(0, 3);
  console.log(`    slowest first pages (p95): ${slow.map(([k, v]) => `${k} ${v.toFixed(1)} ms`).join('; ')}`);
  console.log(`    timeline, 180 daily buckets over the 180 days: p50 ${pct(tl, 50).toFixed(1)} ms, max ${Math.max(...tl).toFixed(1)} ms; no range (120 buckets over everything): p50 ${pct(tlAll, 50).toFixed(1)} ms (goal <= 100 ms)`);
  console.log(`      baseline, the same buckets counted from the rows: ${tlRaw.toFixed(0)} ms (ratio ${(tlRaw / pct(tl, 50)).toFixed(0)}x)`);
  console.log(`    full text baseline, one word by a LIKE scan of every row: ${likeMs.toFixed(0)} ms (whole-word p50 above is ${(likeMs / pct(fts, 50)).toFixed(0)}x faster)`);
  console.log(`    filtered export (1 workspace, 30 days, ${expRows.toLocaleString('en')} rows, CSV + SHA-256 + manifest, in process): p50 ${pct(exp, 50).toFixed(1)} ms, p95 ${pct(exp, 95).toFixed(1)} ms (goal <= 50 ms)`);
  const size = `${(N / 1e6).toFixed(N % 1e6 ? 1 : 0)}M cached events`;
  const cmd = `AUDIT_BENCH_EXPLORER_EVENTS=${N} BENCH_ONLY=audit-explorer npm run bench`;
  const p95 = (xs: number[]) => pct(xs, 95);
  const figures: Figure[] = [
    { name: `explorer page (first + 3 keyset pages), ${size}, p95`, value: p95(all), unit: 'ms', target: '≤ 10 ms', met: p95(all) <= 10, command: cmd },
    { name: `full text, whole words, ${size}, p95`, value: p95(fts), unit: 'ms', target: '≤ 50 ms', met: p95(fts) <= 50, baseline: { name: 'one word by a LIKE scan', value: likeMs }, ratio: p95(fts) / likeMs, command: cmd },
    { name: `full text, prefix word*, ${size}, p95`, value: p95(ftsPrefix), unit: 'ms', target: '≤ 50 ms', met: p95(ftsPrefix) <= 50, command: cmd },
    { name: `timeline over everything (hourly buckets), ${size}, p50`, value: pct(tlAll, 50), unit: 'ms', target: '≤ 100 ms', met: pct(tlAll, 50) <= 100, baseline: { name: 'the same buckets counted from the rows', value: tlRaw }, ratio: pct(tl, 50) / tlRaw, command: cmd },
    { name: `filtered export (1 workspace, 30 days), ${size}, p95`, value: p95(exp), unit: 'ms', target: '≤ 50 ms', met: p95(exp) <= 50, command: cmd },
  ];
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return figures;
}
