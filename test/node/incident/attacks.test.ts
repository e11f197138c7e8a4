// Attacks on leaked-secret response, each asserted to FAIL, through the real composition root and the real sandbox:
// - a forged secret with a real key's display (its prefix and last four) is not "found": the platform does not recognise
//   it, and the secret went to that candidate's workspace alone (every request carrying it is recorded at the http port:
//   each workspace has its own API base here, so a call to another workspace would show);
// - a browser tab (IPC's capabilities) naming a file for the secret, or a pack folder outside the exports folder, is
//   refused before any file is touched;
// - the secret is never in an output, the data dir (cache, WAL, logs) or the incident table.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
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
const sent: { url: string; secret: string }[] = [];
const FORGED_BODY = 'F'.repeat(36);
const reachable = new Set<string>();

before(async () => {
  p = await startRotationSandbox({ seed: 21, workspaces: 3, events: 120 });
  dataDir = mkdtempSync(join(tmpdir(), 'grantdesk-incident-attacks-'));
  const real = createUndiciHttp();
  // every request that carries a bearer starting like a forged secret is recorded
  const http = Object.assign(Object.create(real) as typeof real, {
    request: (req: Parameters<typeof real.request>[0]) => {
      const auth = req.headers?.authorization ?? '';
      if (auth.includes(FORGED_BODY)) sent.push({ url: req.url, secret: auth.slice(7) });
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
    // the workspaces under test reach the sandbox; every other one has an API base of its own that answers nothing, so a
    // call made to another workspace shows in `sent` with that workspace's id
    platformEndpoints: async (ws) => ({ apiBase: reachable.has(ws) ? p.sb.issuer : `http://127.0.0.1:9/nowhere-${ws}`, tokenEndpoint: p.tokenEndpoint }),
  });
  c = testClient(runtime);
  await c.call('inventory.sync', {});
});
after(async () => {
  await runtime.close();
  await p.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('a forged secret with a real key\'s display is not found, and went to that workspace alone', async () => {
  const ws = p.sb.workspaces[1]!;
  const key = (await p.credentials(ws.id)).find((k) => k.type === 'api_key' && k.status === 'active')! as unknown as { id: string; name: string };
  const inv = (await c.call('inventory.credential', { workspace: ws.id, credentialId: key.id })) as { prefix: string; lastFour: string };
  const forged = `${inv.prefix}${FORGED_BODY}${inv.lastFour}`;
  reachable.add(ws.id);
  const r = await c.call('incident.identify', { secret: forged });
  assert.equal(r.incident, null);
  assert.ok(r.candidates >= 1);
  assert.match(r.sentence, /^No credential matches this secret: .* the platform did not confirm the secret for .*the platform does not know this secret/);
  assert.ok(r.sentence.includes(key.name) && r.sentence.includes(ws.name), r.sentence);
  assert.ok(sent.length >= 1);
  for (const s of sent) assert.equal(s.url, `${p.sb.issuer}/v1/workspace`, `the secret went to ${s.url}`);
  assert.deepEqual((await c.call('incident.list', {})).incidents, []);
  assert.ok(!JSON.stringify(r).includes(forged));
});

test('a tab cannot make main read a file as the secret, nor write a pack outside the exports folder', async () => {
  const file = await c.callResult('incident.identify', { secretFile: '/etc/hostname' });
  assert.equal(file.ok, false);
  assert.equal(file.error?.code, 'invalid_input');
  assert.match(file.error!.message, /only the command line may name a file/);
  const argv = await c.callResult('incident.identify', { secret: 'short' });
  assert.equal(argv.ok, false, 'a too-short secret is refused by the contract');
  assert.ok(!JSON.stringify(argv.error).includes('short'), 'the refusal does not echo the input');
  // an incident to write a pack for: leak a real key and find it
  const ws = p.sb.workspaces[0]!;
  reachable.add(ws.id);
  const key = (await p.credentials(ws.id)).find((k) => k.type === 'api_key' && k.status === 'active')!;
  const leaked = String((await p.admin('POST', '/leak', { workspace_id: ws.id, key_id: key.id })).body.secret);
  const found = await c.call('incident.identify', { secret: leaked });
  assert.ok(found.incident, found.sentence);
  const incidentId = found.incident.id;
  for (const out of ['../escape', '/tmp/grantdesk-incident-escape', 'a/b']) {
    const r = await c.callResult('incident.pack', { incidentId, out });
    assert.equal(r.ok, false, out);
  }
  const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  for (const f of walk(dataDir)) assert.ok(!readFileSync(f).toString('latin1').includes(leaked) && !readFileSync(f).toString('latin1').includes(FORGED_BODY), `${f} holds a pasted secret`);
});
