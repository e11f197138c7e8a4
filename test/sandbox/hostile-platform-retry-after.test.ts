// Hostile platform, rate-limit part: 429 bursts from the sandbox's admin faults with Retry-After 3600, an HTTP-date, a
// garbage value and 5 s, through the app's real WorkspaceApi (connections domain, undici adapter, real keychain) and the
// audit sync engine; then the real `grantdesk sync` CLI as a spawned process. A Retry-After of an hour must never make a
// sync wait: that workspace's result says rate limited and when to retry, the other workspaces sync normally. How many
// requests reached the sandbox is read from the fault table (each 429 served consumes one of the burst).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_KEYRING_REASON, startHarness, type Harness } from '../node/connections/harness.ts';
import { runCli } from '../support/run-cli.ts';
import { testClient } from '../support/test-client.ts';

interface SyncResult {
  workspaceId: string;
  outcome: string;
  inserted: number;
  message: string | null;
  retryAt?: string | null;
}

const ROUTE = 'audit-events/head';

async function admin(h: Harness, method: string, path: string, body?: unknown): Promise<{ faults: Record<string, { burst_429?: number }> }> {
  const r = await fetch(`${h.sandbox.issuer}/__admin${path}`, { method, headers: { authorization: `Bearer ${h.sandbox.adminToken}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  assert.equal(r.status, 200, `admin ${method} ${path}`);
  return (await r.json()) as never;
}

/** Arms a 429 burst on the audit head route and returns a function telling how many of its 429s were served. */
async function burst(h: Harness, n: number, extra: Record<string, unknown>): Promise<() => Promise<number>> {
  await admin(h, 'DELETE', '/faults');
  await admin(h, 'POST', '/faults', { route: ROUTE, replace: true, burst_429: n, ...extra });
  return async () => n - ((await admin(h, 'GET', '/faults')).faults[ROUTE]?.burst_429 ?? 0);
}

const run = runCli;

test('hostile platform: 429 with Retry-After (3600, HTTP-date, garbage, 5 s) never hangs a sync', { skip: NO_KEYRING_REASON, timeout: 180_000 }, async (t) => {
  const h = await startHarness({ sandbox: { workspaces: 3, events: 300, seed: 8 } });
  try {
    const c = testClient(() => h.app);
    for (const w of h.sandbox.workspaces) await c.call('workspaces.connect', { workspace: w.id, role: 'operator' });
    const sync = async () => (await c.call('audit.sync', {})).results;

    await t.test('Retry-After: 3600 marks only the workspace that got it as rate limited, with its retry time', async () => {
      const served = await burst(h, 1, { retry_after: 3600 });
      const before = Date.now();
      const results = await sync();
      const after = Date.now();
      assert.equal(await served(), 1, 'exactly one request was answered 429, and it was not repeated');
      const limited = results.filter((r) => r.outcome === 'rate_limited');
      assert.equal(limited.length, 1, JSON.stringify(results));
      const r = limited[0]!;
      assert.ok(r.retryAt, 'the result carries the retry time');
      const at = Date.parse(r.retryAt);
      assert.ok(at >= before + 3_600_000 - 1000 && at <= after + 3_600_000 + 1000, `retryAt ${r.retryAt} is an hour after the 429`);
      assert.match(r.message ?? '', /rate limited.*retry in 60 minutes \(at (\d{4}-\d{2}-\d{2} )?\d{2}:\d{2} UTC\)/);
      assert.ok(results.filter((x) => x !== r).every((x) => x.outcome === 'ok' && x.inserted > 0), `the other workspaces synced: ${JSON.stringify(results)}`);
      const st = await c.call('audit.status', { workspaces: [r.workspaceId] });
      assert.match(st.workspaces[0]!.lastError ?? '', /rate_limited: .*retry in 60 minutes/);
      // the next sync, without the fault, catches up
      await admin(h, 'DELETE', '/faults');
      assert.ok((await sync()).every((x) => x.outcome === 'ok'));
    });

    await t.test('Retry-After as an HTTP-date two hours ahead: rate limited until that date', async () => {
      const served = await burst(h, 1, { retry_after: 7200, retry_after_date: 1 });
      const before = Date.now();
      const results = await sync();
      const after = Date.now();
      assert.equal(await served(), 1);
      const limited = results.filter((r) => r.outcome === 'rate_limited');
      assert.equal(limited.length, 1, JSON.stringify(results));
      const at = Date.parse(limited[0]!.retryAt!);
      // an HTTP-date has whole seconds: the sandbox's toUTCString drops the milliseconds
      assert.ok(at >= before + 7_200_000 - 2000 && at <= after + 7_200_000 + 1000, `retryAt ${limited[0]!.retryAt}`);
      assert.match(limited[0]!.message ?? '', /retry in 2 hours \(at /);
      assert.ok(results.filter((x) => x !== limited[0]).every((x) => x.outcome === 'ok'));
    });

    await t.test('Retry-After as a near HTTP-date is honoured in place: the sync succeeds', async () => {
      const served = await burst(h, 1, { retry_after: 2, retry_after_date: 1 });
      const results = await sync();
      assert.equal(await served(), 1);
      assert.ok(results.every((x) => x.outcome === 'ok'), JSON.stringify(results));
    });

    await t.test('garbage Retry-After values are ignored, never read as a wait (digits inside garbage included)', async () => {
      for (const raw of ['3600, or so', '-5', '1.5', 'soon', '99999999999999999999']) {
        // more 429s than the adapter retries in place: the error reaches the sync engine, which backs off on its own
        const served = await burst(h, 3, { retry_after_raw: raw });
        const results = await sync();
        assert.equal(await served(), 3, raw);
        assert.ok(results.every((x) => x.outcome === 'ok'), `${raw}: ${JSON.stringify(results)}`);
      }
    });

    await t.test('Retry-After: 5 is honoured in place (within the cap and the deadline): the sync succeeds', async () => {
      const served = await burst(h, 1, { retry_after: 5 });
      const results = await sync();
      assert.equal(await served(), 1);
      assert.ok(results.every((x) => x.outcome === 'ok'), JSON.stringify(results));
    });

    await t.test('`grantdesk sync` as a process returns with every workspace rate limited and one request each', async () => {
      const served = await burst(h, 1000, { retry_after: 3600 });
      await h.app.close();
      const env: NodeJS.ProcessEnv = { ...process.env, GRANTDESK_HOME: h.dataDir };
      const r = await run(['audit', 'sync', '--json'], env);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { results: SyncResult[] };
      assert.equal(out.results.length, 3);
      for (const x of out.results) {
        assert.equal(x.outcome, 'rate_limited', JSON.stringify(x));
        assert.match(x.message ?? '', /retry in 60 minutes \(at /);
        assert.ok(x.retryAt && Date.parse(x.retryAt) > Date.now() + 3_500_000);
      }
      assert.equal(await served(), 3, 'one request per workspace: a 429 with an hour to wait is not retried');
      const human = await run(['audit', 'sync'], env);
      assert.equal(human.status, 0, human.stderr);
      assert.match(human.stdout, /rate_limited/);
      assert.equal(await served(), 6);
      await h.reopen();
    });
  } finally {
    await h.close();
  }
});
