// Hostile input to leaked-secret response, each asserted to FAIL (nothing opened, nothing sent where it should not go, no
// secret echoed, no raw failure), through the real composition root and the real sandbox:
// - pasted values: huge, unicode look-alikes, a JSON blob holding a real secret, a header-injection attempt, and a real
//   secret with the trailing newline a copy from a terminal or a file brings (that one IS found: the operator's paste);
// - a hostile platform answering the confirming call (a workspace's API base pointed at a server of the test's own): a
//   200 naming another workspace, a body larger than any workspace answer, a server that never answers; each candidate is
//   refused in words and identify still answers with a sentence;
// - a tampered evidence pack: an edited file, an added file, a removed file, and another pack's manifest swapped in.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type AppRuntime } from '../../../src-main/composition.ts';
import { openCache } from '../../../src-main/adapters/sqlite.ts';
import { createMemorySecretStore } from '../../../src-main/adapters/memory-secret-store.ts';
import { createFileLogger } from '../../../src-main/adapters/file-logger.ts';
import { createUndiciHttp } from '../../../src-main/adapters/undici-http.ts';
import { systemClock } from '../../../src-main/ports/clock.ts';
import { testClient, type TestClient } from '../../support/test-client.ts';
import { startRotationSandbox, type RotationSandbox } from '../rotation/support.ts';

let p: RotationSandbox;
let dataDir: string;
let runtime: AppRuntime;
let c: TestClient;
let hostile: Server;
let hostileBase = '';
/** workspace id → the hostile server's behaviour for that workspace's API base (absent: the real sandbox) */
const mode = new Map<string, 'other-workspace' | 'huge' | 'silent'>();
const hostileHits: string[] = [];
const sent: string[] = [];

before(async () => {
  p = await startRotationSandbox({ seed: 23, workspaces: 3, events: 120 });
  dataDir = mkdtempSync(join(tmpdir(), 'grantdesk-incident-hostile-'));
  hostile = createServer((req, res) => {
    hostileHits.push(req.url ?? '');
    const m = /^\/(other-workspace|huge|silent)\//.exec(req.url ?? '')?.[1];
    if (m === 'other-workspace') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: p.sb.workspaces[2]!.id, name: 'Someone else' }));
    } else if (m === 'huge') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'x', pad: 'A'.repeat(2 * 1024 * 1024) }));
    } else if (m === 'silent') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":'); // and nothing more: the deadline must end it
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', r));
  hostileBase = `http://127.0.0.1:${(hostile.address() as { port: number }).port}`;
  const real = createUndiciHttp();
  const http = Object.assign(Object.create(real) as typeof real, {
    request: (req: Parameters<typeof real.request>[0]) => {
      if (req.headers?.authorization) sent.push(req.url);
      return real.request(req);
    },
  });
  runtime = createApp({
    dataDir,
    db: openCache(dataDir),
    secretStore: createMemorySecretStore(),
    clock: systemClock,
    opener: async () => undefined,
    logger: createFileLogger(dataDir),
    http,
    workspaceApi: p.api,
    workspaceDirectory: p.directory,
    platformEndpoints: async (ws) => ({ apiBase: mode.has(ws) ? `${hostileBase}/${mode.get(ws)}` : p.sb.issuer, tokenEndpoint: p.tokenEndpoint }),
  });
  c = testClient(runtime);
  await c.call('inventory.sync', {});
});
after(async () => {
  await runtime.close();
  await p.close();
  hostile.closeAllConnections();
  await new Promise((r) => hostile.close(r));
  rmSync(dataDir, { recursive: true, force: true });
});

const activeKey = async (ws: string, skip: string[] = []) =>
  (await p.credentials(ws)).find((k) => k.type === 'api_key' && k.status === 'active' && !skip.includes(k.id) && ((k as unknown as { ip_allowlist?: string[] }).ip_allowlist ?? []).length === 0 && k.expires_at === null)!;
const leak = async (ws: string, skip: string[] = []) => {
  const key = await activeKey(ws, skip);
  return { key, secret: String((await p.admin('POST', '/leak', { workspace_id: ws, key_id: key.id })).body.secret) };
};

test('hostile pasted values: refused in words, nothing sent, nothing echoed; a trailing newline is the operator\'s paste', async () => {
  const ws = p.sb.workspaces[0]!;
  const { secret } = await leak(ws.id);
  const before = sent.length;
  const huge = await c.callResult('incident.identify', { secret: `${secret}${'Z'.repeat(100_000)}` });
  assert.equal(huge.ok, false);
  assert.equal(huge.error!.code, 'invalid_input');
  assert.ok(!JSON.stringify(huge.error).includes(secret.slice(8, 30)), 'the refusal does not echo the paste');
  assert.doesNotMatch(huge.error!.message, /incident\.identify|too_big|\b512\b.*\b512\b/);
  for (const v of [
    `${secret.slice(0, 8)}${'Ａ'.repeat(36)}${secret.slice(-4)}`, // full-width letters
    `${secret.slice(0, -1)}\u0301`, // a combining mark
    JSON.stringify({ api_key: secret, note: 'leaked in a ticket' }),
    `${secret}\r\nX-Injected: 1`,
    `\u202e${secret}`,
  ]) {
    const r = await c.call('incident.identify', { secret: v });
    assert.equal(r.incident, null, JSON.stringify(v.slice(0, 20)));
    assert.match(r.sentence, /^This is not an API key secret/);
    if (v.includes(secret)) assert.match(r.sentence, /with other text around it\. Paste only the secret/, 'a secret inside other text is named as such');
    assert.ok(!r.sentence.includes(secret.slice(8)), 'the sentence does not echo the paste');
  }
  assert.equal(sent.length, before, 'none of these left the machine');
  // copied from a terminal or a file: the newline is not part of the secret, and never goes into a header
  const r = await c.callResult('incident.identify', { secret: `  ${secret}\n` });
  assert.equal(r.ok, true, JSON.stringify(r.error));
  assert.ok(r.value!.incident, r.value!.sentence);
  assert.equal(r.value!.incident!.match.workspaceId, ws.id);
});

test('a hostile platform answer to the confirming call: another workspace, a huge body, no answer; each refused in words', { timeout: 120_000 }, async () => {
  const ws = p.sb.workspaces[1]!;
  const key = (await p.credentials(ws.id)).find((k) => k.type === 'api_key' && k.status === 'active')!;
  const target = (await c.call('inventory.credential', { workspace: ws.id, credentialId: key.id })) as unknown as { prefix: string; lastFour: string };
  const forged = `${target.prefix}${'H'.repeat(36)}${target.lastFour}`;
  for (const [m, words] of [
    ['other-workspace', /answered for a different workspace/],
    ['huge', /answer was larger than any workspace answer/],
    ['silent', /did not answer within 15 seconds/],
  ] as const) {
    mode.set(ws.id, m);
    const r = await c.callResult('incident.identify', { secret: forged });
    assert.equal(r.ok, true, `${m}: ${JSON.stringify(r.error)}`);
    assert.equal(r.value!.incident, null, m);
    assert.match(r.value!.sentence, /^No credential matches this secret: .* the platform did not confirm the secret for /);
    assert.match(r.value!.sentence, words);
    assert.ok(r.value!.sentence.includes(key.name) && r.value!.sentence.includes(ws.name), r.value!.sentence);
    assert.doesNotMatch(r.value!.sentence, /\(\d{3}\b|invalid_response|timeout|ms\b/, 'no status codes or error codes in the sentence');
    assert.ok(!JSON.stringify(r.value).includes(forged));
  }
  mode.delete(ws.id);
  assert.ok(hostileHits.length >= 3);
  assert.deepEqual((await c.call('incident.list', {})).incidents.filter((i) => i.match.workspaceId === ws.id), []);
});

test('a tampered evidence pack fails verify: an edited, an added, a removed file, a swapped manifest', { timeout: 120_000 }, async () => {
  const ws = p.sb.workspaces[0]!;
  const packOf = async (skip: string[]) => {
    const { key, secret } = await leak(ws.id, skip);
    const found = await c.call('incident.identify', { secret });
    assert.ok(found.incident, found.sentence);
    return { key, pack: await c.call('incident.pack', { incidentId: found.incident.id }) };
  };
  const first = await packOf([]);
  const second = await packOf([first.key.id]);
  const verify = async (manifest: string) => c.call('audit.verify', { manifest });
  assert.equal((await verify(first.pack.manifestPath)).ok, true);
  assert.equal((await verify(second.pack.manifestPath)).ok, true);
  const failed = async (manifest: string, check: string, detail: RegExp) => {
    const v = await verify(manifest);
    assert.equal(v.ok, false, check);
    const c0 = v.checks.find((x) => x.name === check);
    assert.ok(c0 && !c0.ok, `${check}: ${JSON.stringify(v.checks)}`);
    assert.match(c0.detail, detail);
  };
  const dir = first.pack.path;
  // an added file
  writeFileSync(join(dir, 'notes.txt'), 'nothing to see\n');
  await failed(first.pack.manifestPath, 'no extra files', /notes\.txt/);
  unlinkSync(join(dir, 'notes.txt'));
  assert.equal((await verify(first.pack.manifestPath)).ok, true);
  // a removed file
  const t = join(dir, 'timeline.csv');
  const keep = join(dataDir, 'timeline.keep');
  copyFileSync(t, keep);
  unlinkSync(t);
  await failed(first.pack.manifestPath, 'files', /timeline\.csv: missing/);
  copyFileSync(keep, t);
  // an edited file (same size)
  const a = join(dir, 'incident.json');
  const text = (await import('node:fs')).readFileSync(a, 'utf8');
  writeFileSync(a, text.replace(/"ok": true/, '"ok": fals'));
  await failed(first.pack.manifestPath, 'files', /incident\.json: SHA-256 differs/);
  writeFileSync(a, text);
  assert.equal((await verify(first.pack.manifestPath)).ok, true);
  // a tab naming a pack folder: only a plain new name inside the exports folder; a symlink planted there is not followed
  const outside = mkdtempSync(join(tmpdir(), 'grantdesk-incident-outside-'));
  symlinkSync(outside, join(dataDir, 'exports', 'planted'));
  for (const out of ['..', '.', '.hidden', 'x\u0000y', 'C:\\evil', '%2e%2e%2fetc', 'ｘ／..', 'planted', 'a'.repeat(300)]) {
    const r = await c.callResult('incident.pack', { incidentId: (await c.call('incident.list', {})).incidents[0]!.id, out });
    assert.equal(r.ok, false, `pack out ${JSON.stringify(out)} was accepted`);
    assert.ok(['invalid_input', 'conflict'].includes(r.error!.code), r.error!.code);
    assert.ok(r.error!.message.length > 20 && !/incident\.pack/.test(r.error!.message), r.error!.message);
  }
  assert.deepEqual(readdirSync(outside), [], 'nothing was written through the planted symlink');
  rmSync(outside, { recursive: true, force: true });
  // the second pack's manifest swapped into the first pack's folder
  copyFileSync(second.pack.manifestPath, first.pack.manifestPath);
  await failed(first.pack.manifestPath, 'files', /SHA-256 differs|bytes, manifest/);
});
