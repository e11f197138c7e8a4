// SIGKILL at random points during sync and indexing (≥ 200 trials): after every kill the cache passes integrity_check, has
// no duplicates and no gaps, its cursor equals the verified chain head, the indexer's marker is never ahead of what it
// indexed (full text, secondary indexes, aggregates), and a resumed sync and indexer converge to the true set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { makeChain } from '../../support/audit-chain.ts';
import { serveChains } from '../../support/audit-http-platform.ts';

const TRIALS = Number(process.env.AUDIT_KILL_TRIALS ?? 200);
const PER_CACHE = 5; // kills into the same cache before it is checked for convergence and replaced
const child = fileURLToPath(new URL('./fixtures/sync-child.ts', import.meta.url));
let childArgs = ['--import', 'tsx', child];
/** Bundle the child once (esbuild, as tsx uses) so each of the hundreds of spawns starts in plain node, fast. */
async function prepareChild() {
  try {
    const esbuild = (await import('esbuild')) as typeof import('esbuild');
    const out = fileURLToPath(new URL('../../../node_modules/.cache/grantdesk-test/audit-sync-child.mjs', import.meta.url));
    await esbuild.build({ entryPoints: [child], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20', external: ['better-sqlite3'], logLevel: 'silent' });
    childArgs = [out];
  } catch {
    // keep tsx
  }
}
const WS = ['ws_k1', 'ws_k2', 'ws_k3'];
const chains = Object.fromEntries(WS.map((ws, i) => [ws, makeChain(ws, 2500, { seed: 100 + i, hostileEvery: 9 })]));

function runChild(dir: string, url: string, killAfterReadyMs: number | null): Promise<{ killed: boolean; out: string; readyToExitMs: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, childArgs, { env: { ...process.env, GRANTDESK_HOME: dir, CHAIN_URL: url, WORKSPACES: WS.join(','), PAGE: '150' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    let readyAt = 0;
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!readyAt && out.startsWith('ready')) readyAt = performance.now();
      if (killAfterReadyMs !== null && out.startsWith('ready') && !killed) {
        killed = true;
        setTimeout(() => p.kill('SIGKILL'), killAfterReadyMs);
      }
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' || code === 0) resolve({ killed: signal === 'SIGKILL', out, readyToExitMs: readyAt ? performance.now() - readyAt : 0 });
      else reject(new Error(`child exited ${code}: ${err.slice(0, 500)}`));
    });
  });
}

/** the highest indexed_seq any check saw mid-way: proves kills also landed while the indexer was working */
let indexedSeen = 0;
function checkCache(dir: string) {
  const db = new Database(join(dir, 'cache.db'), { readonly: true });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    for (const ws of WS) {
      const st = db.prepare('SELECT cursor_seq, head_hash FROM audit_sync_state WHERE workspace_id = ?').get(ws) as { cursor_seq: number; head_hash: string } | undefined;
      const agg = db.prepare('SELECT count(*) AS n, count(DISTINCT seq) AS d, coalesce(min(seq), 0) AS lo, coalesce(max(seq), 0) AS hi FROM audit_events WHERE workspace_id = ?').get(ws) as { n: number; d: number; lo: number; hi: number };
      const cursor = st?.cursor_seq ?? 0;
      assert.equal(agg.n, agg.d, 'no duplicates');
      assert.equal(agg.n, agg.hi, 'no gaps (1..max)');
      assert.ok(agg.n === 0 || agg.lo === 1);
      assert.equal(cursor, agg.hi, 'cursor == max(seq)');
      if (cursor > 0) {
        assert.equal(st!.head_hash, chains[ws]![cursor - 1]!.hash, 'cursor == verified chain head');
        const h = db.prepare('SELECT hash FROM audit_events WHERE workspace_id = ? AND seq = ?').pluck().get(ws, cursor);
        assert.equal(h, st!.head_hash);
      }
      // the indexer's marker is never ahead of the data: exactly the rows up to indexed_seq are in the full-text index,
      // the secondary indexes (ix = 1) and the hourly aggregates, and none above it
      const m = (db.prepare('SELECT indexed_seq FROM audit_sync_state WHERE workspace_id = ?').pluck().get(ws) as number | undefined) ?? 0;
      assert.ok(m <= cursor, `indexed_seq ${m} <= cursor ${cursor}`);
      const ftsRows = db.prepare('SELECT rowid FROM audit_fts WHERE rowid IN (SELECT rid FROM audit_events WHERE workspace_id = ?) ORDER BY rowid').pluck().all(ws);
      const indexedRids = db.prepare('SELECT rid FROM audit_events WHERE workspace_id = ? AND seq <= ? ORDER BY rid').pluck().all(ws, m);
      assert.deepEqual(ftsRows, indexedRids, 'the full-text index holds exactly the rows up to indexed_seq');
      const ix = db.prepare('SELECT coalesce(sum(seq <= ?), 0) AS lo, coalesce(sum(seq > ?), 0) AS hi FROM audit_events WHERE workspace_id = ? AND ix = 1').get(m, m, ws) as { lo: number; hi: number };
      assert.deepEqual([ix.lo, ix.hi], [m, 0], 'ix = 1 exactly up to indexed_seq');
      const hours = db.prepare('SELECT coalesce(sum(n), 0) FROM audit_agg_hour WHERE workspace_id = ?').pluck().get(ws);
      assert.equal(hours, m, 'the hourly aggregates count exactly the rows up to indexed_seq');
      indexedSeen = Math.max(indexedSeen, m);
    }
  } finally {
    db.close();
  }
}

function checkConverged(dir: string) {
  const db = new Database(join(dir, 'cache.db'), { readonly: true });
  try {
    for (const ws of WS) {
      const hashes = db.prepare('SELECT hash FROM audit_events WHERE workspace_id = ? ORDER BY seq').pluck().all(ws);
      assert.deepEqual(hashes, chains[ws]!.map((e) => e.hash), `${ws} converged to the true set`);
    }
  } finally {
    db.close();
  }
}

/** after a finished run the indexer has caught up: every row is indexed and full text finds each event by its id */
function checkIndexed(dir: string) {
  const db = new Database(join(dir, 'cache.db'), { readonly: true });
  try {
    for (const ws of WS) {
      const st = db.prepare('SELECT cursor_seq, indexed_seq FROM audit_sync_state WHERE workspace_id = ?').get(ws) as { cursor_seq: number; indexed_seq: number };
      assert.equal(st.indexed_seq, st.cursor_seq, `${ws} indexed through its cursor`);
      const last = chains[ws]![chains[ws]!.length - 1]!;
      const hit = db.prepare('SELECT count(*) FROM audit_fts WHERE audit_fts MATCH ?').pluck().get(`"${last.id}"`);
      assert.equal(hit, 1, 'the last event is found by full text');
    }
  } finally {
    db.close();
  }
}

test(`SIGKILL during sync x${TRIALS}: integrity, no duplicates, no gaps, cursor == verified head, resume converges`, { timeout: 900_000 }, async () => {
  await prepareChild();
  const server = await serveChains(chains);
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  let killedMidway = 0;
  try {
    // Calibrate on this machine: how long a whole sync takes after the child is ready. Each kill comes within a fifth of
    // that span (PER_CACHE kills share one cache, each resuming where the last stopped), so kills land mid-sync whether
    // the machine is idle or loaded (a fixed 0–250 ms window missed on a busy one).
    const scratch = mkdtempSync(join(tmpdir(), 'gd-kill-cal-'));
    const calibration = await runChild(scratch, server.url, null);
    rmSync(scratch, { recursive: true, force: true });
    const spanMs = Math.max(50, calibration.readyToExitMs);
    // two lanes keep both cores busy; each lane owns its caches
    const lane = async (laneNo: number, trials: number) => {
      let dir = '';
      for (let t = 0; t < trials; t++) {
        if (t % PER_CACHE === 0) dir = mkdtempSync(join(tmpdir(), `gd-kill-${laneNo}-`));
        const r = await runChild(dir, server.url, Math.floor((rnd() * spanMs) / PER_CACHE));
        checkCache(dir);
        if (r.killed) {
          const db = new Database(join(dir, 'cache.db'), { readonly: true });
          const n = db.prepare('SELECT count(*) FROM audit_events').pluck().get() as number;
          db.close();
          if (n > 0 && n < 7500) killedMidway++;
          if (process.env.AUDIT_KILL_DEBUG) process.stderr.write(`KILL n=${n}\n`);
        }
        if (t % PER_CACHE === PER_CACHE - 1 || t === trials - 1) {
          const done = await runChild(dir, server.url, null);
          assert.match(done.out, /\["ok","ok","ok"\]/);
          checkCache(dir);
          checkConverged(dir);
          checkIndexed(dir);
          rmSync(dir, { recursive: true, force: true });
        }
      }
    };
    await Promise.all([lane(0, Math.ceil(TRIALS / 2)), lane(1, Math.floor(TRIALS / 2))]);
    assert.ok(killedMidway > TRIALS / 4, `kills landed mid-sync in ${killedMidway} of ${TRIALS} trials`);
    assert.ok(indexedSeen > 0, 'some kills landed after the indexer had committed a batch');
  } finally {
    await server.close();
  }
});
