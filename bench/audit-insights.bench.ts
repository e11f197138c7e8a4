// Least-privilege insights from the caches (issue 15.4): the first page (what the screen shows first: 100 credentials)
// and the whole report, over the indexer's aggregates.
//   demo: the real app over a sandbox of 40 workspaces / 200,000 events (inventory + audit synced, indexer caught up),
//         `insights.list` through the dispatcher (goal: first content <= 300 ms);
//   5M:   the 5M-event fixture (bench/audit-fixture.ts) and 1,000 credentials, computeInsights over the audit read model
//         (goal <= 2 s); baseline in the same run: the same report from the rows (the read model's queries before the
//         aggregates, kept here).
// AUDIT_BENCH_INSIGHTS_EVENTS sets the fixture's size; AUDIT_BENCH_INSIGHTS_DEMO=0 skips the demo part.
import { rmSync } from 'node:fs';
import type { Db } from '../src-main/ports/db.ts';
import { computeInsights, type InsightsPorts } from '../src-main/services/review/insights.ts';
import { createAuditReadModel } from '../src-main/services/audit/index.ts';
import { startRotationApp, startRotationSandbox } from '../test/node/rotation/support.ts';
import { buildCache, END_MS, WORKSPACES } from './audit-fixture.ts';
import type { Figure } from './figures.ts';

const N = Number(process.env.AUDIT_BENCH_INSIGHTS_EVENTS ?? 5_000_000);
const DAY = 86_400_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = (f: () => unknown, reps: number) =>
  median(
    Array.from({ length: reps }, () => {
      const t0 = performance.now();
      f();
      return performance.now() - t0;
    }),
  );

async function demo(figures: Figure[]): Promise<void> {
  console.log('  demo: sandbox of 40 workspaces / 200,000 events, the real app, inventory and audit synced…');
  const p = await startRotationSandbox({ workspaces: 40, events: 200_000, seed: 1 });
  const app = startRotationApp(p);
  try {
    await app.call('sync.all', {});
    const svc = app.runtime.services.audit;
    let t0 = performance.now();
    svc.indexer.catchUp();
    console.log(`    the indexer caught up behind the sync in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const first: number[] = [];
    const whole: number[] = [];
    for (let i = 0; i < 7; i++) {
      t0 = performance.now();
      await app.call('insights.list', { offset: 0, limit: 100 });
      first.push(performance.now() - t0);
      t0 = performance.now();
      const all = await app.call('insights.list', {});
      whole.push(performance.now() - t0);
      if (i === 0) console.log(`    ${all.items.length} findings over ${all.page.credentials} credentials`);
    }
    console.log(`    first content (first page, 100 credentials, through the dispatcher): p50 ${median(first).toFixed(0)} ms (goal <= 300 ms); whole report: p50 ${median(whole).toFixed(0)} ms`);
    figures.push({ name: 'insights first content (first page of 100 credentials), demo 40 workspaces / 200k events, p50', value: median(first), unit: 'ms', target: '≤ 300 ms', met: median(first) <= 300, command: 'BENCH_ONLY=audit-insights npm run bench (insights.list through the dispatcher)' });
    figures.push({ name: 'insights whole report, demo 40 workspaces / 200k events, p50', value: median(whole), unit: 'ms', command: 'BENCH_ONLY=audit-insights npm run bench' });
  } finally {
    await app.close();
    await p.close();
  }
}

/** the read model's insights queries as they were before the aggregates (a pass over the rows per credential) */
function fromRows(db: Db): Pick<InsightsPorts['audit'], 'callsByEndpointStatus' | 'callsByCallerIp' | 'contactRecordsSeen' | 'contactDays'> {
  const st = db.prepare('SELECT method, endpoint, status, COUNT(*) AS n FROM audit_events WHERE workspace_id = ? AND credential_id = ? AND occurred_ms >= ? GROUP BY method, endpoint, status');
  const ip = db.prepare('SELECT caller_ip AS ip, COUNT(*) AS n FROM audit_events WHERE workspace_id = ? AND credential_id = ? AND occurred_ms >= ? GROUP BY caller_ip');
  const seen = db.prepare("SELECT COUNT(DISTINCT endpoint) AS n FROM audit_events WHERE workspace_id = ? AND endpoint LIKE '/v1/contacts/%' AND endpoint NOT IN ('/v1/contacts/export') AND status < 300").pluck();
  const days = db.prepare(`SELECT occurred_ms / ${DAY} AS day, COUNT(DISTINCT CASE WHEN endpoint LIKE '/v1/contacts/%' AND endpoint <> '/v1/contacts/export' THEN endpoint END) AS records,
    SUM(CASE WHEN endpoint = '/v1/contacts/export' THEN 1 ELSE 0 END) AS exports FROM audit_events WHERE workspace_id = ? AND credential_id = ? AND occurred_ms >= ? AND pii_accessed = 1 GROUP BY day`);
  return {
    callsByEndpointStatus: (w, c, s) => st.all(w, c, s) as never,
    callsByCallerIp: (w, c, s) => ip.all(w, c, s) as never,
    contactRecordsSeen: (w) => seen.get(w) as number,
    contactDays: (w, c, s) => days.all(w, c, s) as never,
  };
}

export async function run(): Promise<Figure[]> {
  const figures: Figure[] = [];
  if (process.env.AUDIT_BENCH_INSIGHTS_DEMO !== '0') await demo(figures);
  console.log(`  ${N.toLocaleString('en')} cached events (fixture) and ${WORKSPACES * 25} credentials…`);
  const { dir, db, genMs } = buildCache(N, 'insights');
  console.log(`    generated and indexed in ${(genMs / 1000).toFixed(0)} s`);
  try {
    const scopes = ['contacts:read', 'contacts:write', 'credentials:read', 'credentials:write', 'audit:read', 'deals:read'];
    const credentials = Array.from({ length: WORKSPACES * 25 }, (_v, i) => {
      const ws = `ws_${String(i % WORKSPACES).padStart(2, '0')}`;
      return { workspaceId: ws, workspaceName: `Workspace ${ws}`, id: `cred_${Math.floor(i / WORKSPACES)}`, type: 'api_key', name: `Key ${i}`, status: 'active', scopes, ipAllowlist: [], expiresAt: null, createdAt: '2025-06-01T00:00:00Z', clientId: null };
    });
    const inventory = { credentials: () => credentials, mcpTools: () => [], mcpCatalogueState: () => ({ state: 'none', checkedAt: null, problem: null, tools: 0 }), scopeCatalogue: () => ['contacts', 'credentials', 'audit', 'deals'].flatMap((r) => ['read', 'write'].map((a) => ({ name: `${r}:${a}`, resource: r }))) } as unknown as InsightsPorts['inventory'];
    const audit = createAuditReadModel(db);
    const agg: InsightsPorts = { audit, inventory };
    const raw: InsightsPorts = { audit: { ...audit, ...fromRows(db) }, inventory };
    const o = { nowMs: END_MS, windowDays: 90 };
    const a1 = computeInsights(agg, o);
    const r1 = computeInsights(raw, o);
    if (JSON.stringify(a1.items.map((i) => i.id)) !== JSON.stringify(r1.items.map((i) => i.id))) throw new Error('the aggregates and the rows disagree on the findings');
    const firstAgg = time(() => computeInsights(agg, { ...o, offset: 0, limit: 100 }), 5);
    const wholeAgg = time(() => computeInsights(agg, o), 3);
    const firstRaw = time(() => computeInsights(raw, { ...o, offset: 0, limit: 100 }), 1);
    console.log(`    first page (100 credentials): ${firstAgg.toFixed(0)} ms (goal <= 2,000 ms); whole report (${a1.items.length} findings, ${credentials.length} credentials): ${wholeAgg.toFixed(0)} ms`);
    console.log(`    baseline, the same first page from the rows: ${firstRaw.toFixed(0)} ms (ratio ${(firstRaw / firstAgg).toFixed(0)}x); the findings are the same`);
    figures.push({ name: `insights first page (100 credentials), ${(N / 1e6).toFixed(1)}M cached events`, value: firstAgg, unit: 'ms', target: '≤ 2,000 ms', met: firstAgg <= 2000, baseline: { name: 'the same page from the rows', value: firstRaw }, ratio: firstAgg / firstRaw, command: 'BENCH_ONLY=audit-insights npm run bench (computeInsights over the audit read model)' });
    figures.push({ name: `insights whole report (${credentials.length} credentials), ${(N / 1e6).toFixed(1)}M cached events`, value: wholeAgg, unit: 'ms', command: 'BENCH_ONLY=audit-insights npm run bench' });
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
