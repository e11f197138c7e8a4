// The review grant's platform calls go through the one WorkspaceApi and the one error mapping (src-main/platform/), so
// an auditor sees what an operator sees: a 403 names the scope the platform asked for (required_scope) and a 429 carries
// its Retry-After as a typed wait. Before, the review domain had its own client whose mapping dropped required_scope and
// turned every 429 into an untyped rate_limited (no retry time), and 409 into platform_error. Over the real sandbox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../../sandbox/server.ts';
import { createApp, type AppRuntime } from '../../../src-main/composition.ts';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createMemorySecretStore } from '../../../src-main/adapters/memory-secret-store.ts';
import { createFileLogger } from '../../../src-main/adapters/file-logger.ts';
import { follow } from '../../support/fake-browser.mjs';
import { testClient, type TestClient } from '../../support/test-client.ts';

let sb: SandboxHandle;
const runtimes: Array<{ dir: string; rt: AppRuntime }> = [];
function node(prefix: string): TestClient {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const rt = createApp({ dataDir: dir, db: openCache(dir), secretStore: createMemorySecretStore(), clock: { now: () => Date.now() }, opener: async (url) => void follow(url), logger: createFileLogger(dir) });
  runtimes.push({ dir, rt });
  return testClient(rt);
}
async function admin(method: string, path: string, body?: unknown): Promise<void> {
  const r = await fetch(`${sb.issuer}/__admin${path}`, { method, headers: { authorization: `Bearer ${sb.adminToken}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  assert.equal(r.status, 200, `admin ${method} ${path}`);
}

let auditor: TestClient;
let ws: string;
test.before(async () => {
  sb = await startSandbox({ workspaces: 1, events: 50, seed: 5, autoConsent: true, admin: true, log: () => undefined });
  ws = sb.workspaces[0]!.id;
  const op = node('grantdesk-op-');
  await op.call('platforms.add', { issuer: sb.issuer, name: 'Sandbox' });
  await op.call('workspaces.connect', { workspace: ws, role: 'operator' });
  // the review holds audit:read only: the credential lists need credentials:read
  const issued = await op.call('review.create', { workspaces: [ws], scopes: ['audit:read'], durationDays: 7, reviewerName: 'Ada Auditor', reviewerEmail: 'ada@audit.example', policy: 'keep_read_only' });
  auditor = node('grantdesk-aud-');
  const st = await auditor.call('review.redeem', { code: issued.redeemText });
  assert.equal(st.state, 'active');
});
test.after(async () => {
  for (const n of runtimes) {
    await n.rt.close().catch(() => undefined);
    rmSync(n.dir, { recursive: true, force: true });
  }
  await sb.close();
});

test('review mode: a 403 from the platform names the scope it asked for (required_scope)', async () => {
  const r = await auditor.call('inventory.sync', { workspace: ws });
  const row = r.workspaces.find((w) => w.workspaceId === ws);
  assert.ok(row, 'the workspace was synced');
  assert.equal(row.ok, false);
  assert.equal(row.error?.code, 'insufficient_scope');
  assert.match(row.error?.message ?? '', /needs the scope credentials:read/);
});

test('review mode: a 429 carries its Retry-After as a typed wait (retryAt), not an untyped rate_limited', async () => {
  await admin('DELETE', '/faults');
  await admin('POST', '/faults', { route: 'audit-events/head', replace: true, burst_429: 3, retry_after: 3600 });
  const before = Date.now();
  const r = await auditor.call('audit.sync', { workspaces: [ws] });
  await admin('DELETE', '/faults');
  const row = r.results.find((x) => x.workspaceId === ws);
  assert.ok(row, 'the workspace was synced');
  assert.equal(row.outcome, 'rate_limited');
  assert.ok(row.retryAt, 'the platform said when to retry, and the result says it');
  const at = Date.parse(row.retryAt);
  assert.ok(at >= before + 3590_000 && at <= Date.now() + 3610_000, `retryAt ${row.retryAt} is the platform's Retry-After (3600 s)`);
});
