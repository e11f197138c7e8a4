// Honest sync progress (issue 13 item 7): the audit sync reads every workspace's remote head before paging, so the
// total (Σ head − cursor) is known in the first progress event that has one and never grows; done never passes it; the
// ETA is remaining / smoothed rate and stays null until the rate is measurable. A deterministic clock (100 ms per read)
// stands in for time, so nothing here depends on how fast the machine is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createAuditService } from '../../../src-main/services/audit/audit-service.ts';
import { createEventBus } from '../../../src-main/services/event-bus.ts';
import { makeChain } from '../../support/audit-chain.ts';
import { createFakePlatform } from '../../support/audit-fake-platform.ts';
import { createProgressMeter } from '../../../src-main/services/progress-meter.ts';
import { createPlatformClient } from '../../../src-main/platform/index.ts';

const quiet = { info() {}, warn() {}, error() {} };
type P = { state: string; done: number; total: number | null; ratePerSecond: number | null; etaSeconds: number | null; message: string | null };

test('sync of more workspaces than the pool: the total is known up front and never grows; ETA only with a measured rate', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gd-audit-total-'));
  const db = openCache(dir);
  const sizes = [400, 50, 300, 10, 250, 120, 0, 600];
  const chains = Object.fromEntries(sizes.map((n, i) => [`ws_${i}`, makeChain(`ws_${i}`, n, { seed: i + 1 })]));
  const fp = createFakePlatform(chains);
  const bus = createEventBus();
  const progress: P[] = [];
  bus.subscribe((name, p) => name === 'task.progress' && progress.push(p as P));
  let t = 1_000_000;
  const clock = { now: () => (t += 100) };
  const svc = createAuditService({ db, dataDir: dir, appVersion: 't', bus, clock, logger: quiet, platform: createPlatformClient(fp), directory: fp.directory, concurrency: () => 2, pageSize: 50 });
  try {
    // a first partial sync so cursors are not all zero: total is Σ(head − cursor), not Σ head
    await svc.sync({ workspaces: ['ws_0'] });
    progress.length = 0;
    for (const [ws, n] of [['ws_0', 80], ['ws_2', 40]] as const) {
      const chain = fp.chains.get(ws)!;
      const more = makeChain(ws, chain.length + n, { seed: ws === 'ws_0' ? 1 : 3 });
      fp.chains.set(ws, more);
    }
    const expected = sizes.reduce((a, b) => a + b, 0) - 400 + 80 + 40;
    const r = await svc.sync({});
    assert.ok(r.results.every((x) => x.outcome === 'ok'), JSON.stringify(r.results));
    const withTotal = progress.filter((p) => p.total !== null);
    assert.ok(withTotal.length > 3, 'several progress events');
    assert.deepEqual([...new Set(withTotal.map((p) => p.total))], [expected], 'one total from the first event on');
    assert.ok(progress.filter((p) => p.total === null).every((p) => p.done === 0 && p.etaSeconds === null), 'before the heads are read: no count, no ETA');
    assert.ok(progress.every((p) => p.total === null || p.done <= p.total), 'done never passes the total');
    for (const p of progress.filter((x) => x.state === 'running')) {
      if (p.ratePerSecond === null) assert.equal(p.etaSeconds, null, 'no ETA without a measured rate');
      else assert.ok(Math.abs(p.etaSeconds! - (p.total! - p.done) / p.ratePerSecond) <= 1 + (p.total! - p.done) / p.ratePerSecond / 10, `ETA is remaining / rate: ${JSON.stringify(p)}`);
    }
    assert.equal(progress.find((p) => p.state === 'running' && p.done > 0)!.etaSeconds, null, 'the first page alone gives no ETA');
    const last = progress[progress.length - 1]!;
    assert.deepEqual([last.state, last.done, last.total], ['done', expected, expected]);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('progress meter: rate over the window, null until measurable, ETA converges to remaining / rate', () => {
  const m = createProgressMeter({ windowMs: 5000, minSpanMs: 1000 });
  m.sample(0, 0);
  m.sample(500, 200);
  assert.equal(m.rate(), null, '200 ms of data is not a rate');
  assert.equal(m.etaSeconds(10_000), null);
  for (let i = 1; i <= 20; i++) m.sample(i * 1000, i * 1000); // 1000 per second
  assert.equal(m.rate(), 1000);
  assert.equal(m.etaSeconds(30_000), 10);
  // a burst then a stall: the window forgets the burst
  for (let i = 21; i <= 30; i++) m.sample(20_000 + (i - 20) * 100, i * 1000);
  assert.ok(Math.abs(m.rate()! - 100) < 1e-9, String(m.rate()));
});
