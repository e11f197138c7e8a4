/* eslint-disable @typescript-eslint/no-explicit-any -- JSON results of contract calls and decoded review files */
// Issue 11, auditor reviews under attack, over the real sandbox:
// - row 3: an auditor edits the review file (reviewer, data policy, scopes, expiry, workspace) before redeeming: every
//   edit is refused with an error naming the field, nothing is stored, and status/manifests carry the platform's record;
// - row 11: review.redeem {file} over IPC/serve is refused before any filesystem access, with one answer for every path;
//   the CLI refuses a code in argv (it would show in `ps`) and reads it from stdin or a file itself;
// - row 12: a review file is created 0600 and never overwrites an existing file (and no platform review is left behind);
// - row 7: purging a workspace leaves none of its event ids (nor its id) in cache.db, cache.db-wal or cache.db-shm,
//   while another workspace's events stay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../../sandbox/server.ts';
import { createApp, type AppRuntime } from '../../../src-main/composition.ts';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createMemorySecretStore } from '../../../src-main/adapters/memory-secret-store.ts';
import { createFileLogger } from '../../../src-main/adapters/file-logger.ts';
import { runCli } from '../../../src-main/cli/main.ts';
import { follow } from '../../support/fake-browser.mjs';
import type { Db } from '../../../src-main/ports/db.ts';
import type { SecretStore } from '../../../src-main/ports/secret-store.ts';
import { CLI_CONTEXT, CONTEXTS, SERVE_CONTEXT } from '../../../src-main/rpc/handlers.ts';
import { testClient, type TestClient } from '../../support/test-client.ts';

const PREFIX = 'GDREVIEW1.';
const decode = (text: string) => JSON.parse(Buffer.from(text.trim().slice(PREFIX.length), 'base64url').toString('utf8'));
const encode = (b: unknown) => PREFIX + Buffer.from(JSON.stringify(b), 'utf8').toString('base64url');

interface Node {
  dir: string;
  db: Db;
  store: SecretStore;
  rt: AppRuntime;
  /** the typed client: IPC's capabilities unless a call says otherwise */
  c: TestClient;
}
const nodes: Node[] = [];
function node(prefix: string): Node {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const db = openCache(dir);
  const store = createMemorySecretStore();
  const rt = createApp({ dataDir: dir, db, secretStore: store, clock: { now: () => Date.now() }, opener: async (url) => void follow(url), logger: createFileLogger(dir) });
  const n = { dir, db, store, rt, c: testClient(rt) };
  nodes.push(n);
  return n;
}

let sb: SandboxHandle;
let op: Node;
async function issue(workspaces: string[], policy: 'keep_read_only' | 'purge' = 'keep_read_only', reviewer = 'Ada Auditor') {
  return op.c.call('review.create', { workspaces, scopes: ['audit:read', 'contacts:read'], durationDays: 7, reviewerName: reviewer, reviewerEmail: 'ada@audit.example', policy });
}

test.before(async () => {
  sb = await startSandbox({ workspaces: 4, events: 300, seed: 11, autoConsent: true, admin: true, log: () => undefined });
  op = node('grantdesk-op-');
  await op.c.call('platforms.add', { issuer: sb.issuer, name: 'Sandbox' });
  for (const w of sb.workspaces) await op.c.call('workspaces.connect', { workspace: w.id, role: 'operator' });
});
test.after(async () => {
  for (const n of nodes) {
    await n.rt.close().catch(() => undefined);
    rmSync(n.dir, { recursive: true, force: true });
  }
  await sb.close();
});

test('row 3: every edit of a review file is refused at redeem, naming the field; the platform record is what counts', async () => {
  const [w0, w1] = sb.workspaces.map((w) => w.id) as [string, string];
  const attacks: Array<{ what: string; field: RegExp; policy?: 'purge'; edit: (b: any) => void }> = [
    { what: 'reviewer name', field: /reviewer name/, edit: (b) => (b.reviewer.name = 'Trusted Big Four LLP') },
    { what: 'reviewer email', field: /reviewer e-?mail/, edit: (b) => (b.reviewer.email = 'partner@bigfour.example') },
    { what: 'data policy', field: /data policy/, policy: 'purge', edit: (b) => (b.policy = 'keep_read_only') },
    { what: 'scopes shown', field: /scopes/, edit: (b) => (b.items[0].scopes = ['audit:read']) },
    {
      what: 'expiry',
      field: /expir/,
      edit: (b) => {
        const later = new Date(Date.parse(b.expiresAt) + 20 * 86_400_000).toISOString();
        b.expiresAt = later;
        b.items[0].expiresAt = later;
      },
    },
    { what: 'workspace', field: /workspace/, edit: (b) => (b.items[0].workspaceId = w1) },
    { what: 'workspace name', field: /workspace name/, edit: (b) => (b.items[0].workspaceName = 'Some Other Client') },
    { what: 'review id', field: /review id/, edit: (b) => (b.items[0].reviewId = 'rev_0000000000') },
  ];
  for (const a of attacks) {
    const created = await issue([w0], a.policy);
    const bundle = decode(created.redeemText);
    a.edit(bundle);
    const aud = node('grantdesk-aud-');
    const r = await aud.c.callResult('review.redeem', { code: encode(bundle) });
    assert.equal(r.ok, false, `${a.what}: an edited file must not redeem`);
    if (r.ok) continue;
    assert.equal(r.error.code, 'tamper_detected', `${a.what}: ${r.error.code}: ${r.error.message}`);
    assert.match(r.error.message, a.field, `${a.what}: the message names the field (${r.error.message})`);
    assert.equal((await aud.c.call('review.status', {})).state, 'none', `${a.what}: no review mode`);
    assert.deepEqual((await aud.store.list()).filter((k) => k.startsWith('grantdesk-review:')), [], `${a.what}: no token kept`);
  }

  // the unedited file redeems; status, the export manifest and the evidence package carry the platform's record
  const good = await issue([w0, w1], 'purge');
  const aud = node('grantdesk-aud-');
  const st = await aud.c.call('review.redeem', { code: good.redeemText });
  assert.equal(st.state, 'active');
  assert.deepEqual(st.reviewer, { name: 'Ada Auditor', email: 'ada@audit.example' });
  assert.equal(st.policy, 'purge');
  await aud.c.call('audit.sync', {});
  const exp = await aud.c.as(SERVE_CONTEXT).call('audit.export', { format: 'csv' });
  const manifest = JSON.parse(readFileSync(exp.manifestPath, 'utf8'));
  assert.deepEqual(manifest.review.reviewer, { name: 'Ada Auditor', email: 'ada@audit.example' });
  const pkg = await aud.c.as(SERVE_CONTEXT).call('review.evidence', {});
  assert.ok(readFileSync(pkg.manifestPath, 'utf8').includes('ada@audit.example'));
});

test('row 11: redeem over IPC/serve takes a code only: a file is refused before any filesystem access, one answer for every path', async () => {
  const created = await issue([sb.workspaces[2]!.id]);
  const aud = node('grantdesk-aud-');
  const realFile = join(aud.dir, 'review.gdreview');
  writeFileSync(realFile, created.redeemText + '\n', { mode: 0o600 });
  const unreadable = join(aud.dir, 'locked.gdreview');
  writeFileSync(unreadable, 'x', { mode: 0o000 });
  const paths = ['/etc/passwd', '/definitely/not/here.gdreview', realFile, unreadable, created.redeemText, '../../cache.db'];
  for (const transport of ['ipc', 'serve'] as const) {
    const answers = new Set<string>();
    for (const file of paths) {
      const r = await aud.c.as(CONTEXTS[transport]).callResult('review.redeem', { file });
      assert.equal(r.ok, false, `${transport} ${file}`);
      if (!r.ok) answers.add(`${r.error.code}: ${r.error.message}`);
    }
    assert.equal(answers.size, 1, `${transport}: one answer whatever the path: ${[...answers].join(' | ')}`);
    assert.match([...answers][0]!, /^invalid_input: .*code/, 'the answer says to paste the code');
  }
  assert.equal((await aud.c.call('review.status', {})).state, 'none', 'the real review file was not read');

  // the CLI: a code in argv is refused (it would be visible in `ps`), with a sentence saying what to do
  let err = '';
  const env = { ...process.env, GRANTDESK_HOME: aud.dir };
  const argvCode = await runCli(['review', 'redeem', '--code', created.redeemText], { stdout: () => undefined, stderr: (s) => (err += s), env, secretStore: aud.store });
  assert.equal(argvCode, 2, err);
  assert.match(err, /pipe|stdin|file/i);
  assert.ok(!err.includes(created.redeemText), 'the refusal does not echo the code');
  assert.equal((await aud.c.call('review.status', {})).state, 'none');
  // --code - reads stdin
  let out = '';
  err = '';
  const viaStdin = await runCli(['review', 'redeem', '--code', '-', '--json'], {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    env,
    secretStore: aud.store,
    stdin: { isTTY: false, read: async () => created.redeemText + '\n' },
  });
  assert.equal(viaStdin, 0, err);
  assert.equal(JSON.parse(out).state, 'active');
  await aud.c.call('review.exit', {});
  // a file named on the command line is read by the CLI itself
  const again = await issue([sb.workspaces[2]!.id]);
  writeFileSync(realFile + '2', again.redeemText + '\n', { mode: 0o600 });
  err = '';
  const viaFile = await runCli(['review', 'redeem', realFile + '2'], { stdout: () => undefined, stderr: (s) => (err += s), env, secretStore: aud.store });
  assert.equal(viaFile, 0, err);
  assert.equal((await aud.c.call('review.status', {})).state, 'active');
  await aud.c.call('review.exit', {});
});

test('row 12: a review file is created 0600 and never overwrites an existing file; no platform review is left behind', async () => {
  const ws = sb.workspaces[3]!.id;
  const existing = join(op.dir, 'precious.txt');
  writeFileSync(existing, 'keep me\n');
  // a path the operator's shell names (outside the reviews folder): the CLI's file access
  const r = await op.c.as(CLI_CONTEXT).callResult('review.create', { workspaces: [ws], scopes: ['audit:read'], durationDays: 3, reviewerName: 'Ada', reviewerEmail: 'ada@audit.example', out: existing });
  assert.equal(r.ok, false, 'an existing file is not overwritten');
  if (!r.ok) {
    assert.equal(r.error.code, 'conflict', r.error.message);
    assert.match(r.error.message, /exists/);
  }
  assert.equal(readFileSync(existing, 'utf8'), 'keep me\n');
  // the refusal came before any review was issued on the platform
  const st = await fetch(`${sb.issuer}/__admin/state?workspace=${ws}`, { headers: { authorization: `Bearer ${sb.adminToken}` } });
  const creds = ((await st.json()) as any).workspaces[0].credentials as any[];
  assert.ok(!creds.some((c) => /^Review /.test(c.name)), 'no review grant');
  const fresh = join(op.dir, 'fresh.gdreview');
  const ok = await op.c.as(CLI_CONTEXT).call('review.create', { workspaces: [ws], scopes: ['audit:read'], durationDays: 3, reviewerName: 'Ada', reviewerEmail: 'ada@audit.example', out: fresh });
  assert.equal(statSync(fresh).mode & 0o777, 0o600);
  assert.equal(readFileSync(fresh, 'utf8').trim(), ok.redeemText);
  // the app/serve: a plain name inside the reviews folder, same rule
  const first = await op.c.as(SERVE_CONTEXT).call('review.create', { workspaces: [ws], scopes: ['audit:read'], durationDays: 3, reviewerName: 'Ada', reviewerEmail: 'ada@audit.example', out: 'for-ada.gdreview' });
  assert.equal(statSync(first.path).mode & 0o777, 0o600);
  const second = await op.c.as(SERVE_CONTEXT).callResult('review.create', { workspaces: [ws], scopes: ['audit:read'], durationDays: 3, reviewerName: 'Ada', reviewerEmail: 'ada@audit.example', out: 'for-ada.gdreview' });
  assert.equal(second.ok ? null : second.error.code, 'conflict');
  assert.equal(readFileSync(first.path, 'utf8').trim(), first.redeemText, 'the first file is intact');
});

test('row 7: purging reviewed workspaces leaves none of their event ids in cache.db, its WAL or SHM; other workspaces stay', async () => {
  const [w0, w1, , w3] = sb.workspaces.map((w) => w.id) as [string, string, string, string];
  const aud = node('grantdesk-aud-');
  // the auditor's Grantdesk also holds its own workspace (not part of the review)
  await aud.c.call('platforms.add', { issuer: sb.issuer, name: 'Sandbox' });
  await aud.c.call('workspaces.connect', { workspace: w3, role: 'operator' });
  await aud.c.call('audit.sync', {});
  const created = await issue([w0, w1], 'purge');
  await aud.c.call('review.redeem', { code: created.redeemText });
  const synced = await aud.c.call('audit.sync', {});
  assert.ok(synced.results.every((r: any) => r.outcome === 'ok' && r.inserted > 0), JSON.stringify(synced.results).slice(0, 300));
  const ids = (ws: string) => aud.db.prepare<[string], { event_id: string }>('SELECT event_id FROM audit_events WHERE workspace_id = ?').all(ws).map((r) => r.event_id);
  const purged = [...ids(w0), ...ids(w1)];
  const kept = ids(w3);
  assert.ok(purged.length >= 100 && kept.length >= 50, `${purged.length} reviewed events, ${kept.length} own events`);
  // full text is built behind the sync (the indexer): a search brings it up to date, as the explorer's would
  await aud.c.call('audit.query', { q: 'evt' });
  const ftsBefore = aud.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM audit_fts WHERE audit_fts MATCH 'evt'").get()!.n;
  assert.ok(ftsBefore >= purged.length);

  // the inventory cache holds the reviewed workspaces too (a sync result, whatever the review's scopes allow)
  await aud.c.callResult('inventory.sync', {});
  const perWorkspaceTables = () =>
    aud.db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%'")
      .all()
      .map((t) => t.name)
      .filter((t) => aud.db.prepare<[], { name: string }>(`PRAGMA table_info("${t}")`).all().some((c) => c.name === 'workspace_id'));
  const rowsOf = (ws: string) => perWorkspaceTables().filter((t) => aud.db.prepare(`SELECT 1 FROM "${t}" WHERE workspace_id = ? LIMIT 1`).get(ws) !== undefined);
  assert.ok(rowsOf(w0).some((t) => t.startsWith('inv_')), `the inventory cache holds ${w0} before the purge: ${rowsOf(w0).join(', ')}`);

  await aud.c.call('review.exit', {});

  // every table of every domain that keys rows by workspace (found from the schema, so a new table is covered)
  for (const ws of [w0, w1]) assert.deepEqual(rowsOf(ws), [], `no table still holds rows of ${ws}`);
  assert.ok(rowsOf(w3).includes('audit_events'), "the auditor's own workspace keeps its rows");

  const files = ['cache.db', 'cache.db-wal', 'cache.db-shm'].map((f) => join(aud.dir, f)).filter((f) => existsSync(f));
  const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
  const found = purged.filter((id) => bytes.includes(Buffer.from(id)) || bytes.includes(Buffer.from(id.slice(4))));
  assert.deepEqual(found.slice(0, 5), [], `${found.length} of ${purged.length} purged event ids still in ${files.join(', ')}`);
  for (const ws of [w0, w1]) assert.ok(!bytes.includes(Buffer.from(ws)), `workspace id ${ws} is gone from the cache files`);
  assert.equal(kept.filter((id) => !bytes.includes(Buffer.from(id))).length, 0, "the auditor's own workspace keeps every event");
  // the full-text index answers only for what is left
  const ftsAfter = aud.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM audit_fts WHERE audit_fts MATCH 'evt'").get()!.n;
  assert.equal(ftsAfter, kept.length, 'the full-text index holds the kept events only');
});
