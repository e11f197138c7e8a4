/* eslint-disable @typescript-eslint/no-explicit-any -- the sandbox's admin JSON */
// Machine clients take an IP allowlist at creation and edit (issue 14.4): clients.create sends it (a bad entry is refused
// before the platform is called), clients.editDryRun judges the client's cached calls against a new allowlist exactly as
// the sandbox's replay does, clients.edit changes it in place (same client, same secret) and the platform enforces it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRotationApp, startRotationSandbox, type RotationApp, type RotationSandbox } from './support.ts';

let p: RotationSandbox;
let app: RotationApp;
before(async () => {
  p = await startRotationSandbox({ seed: 33, workspaces: 1, events: 100 });
  app = startRotationApp(p);
});
after(async () => {
  await app.close();
  await p.close();
});

/** a client_credentials token of the client, then a call from `ip` */
async function callAs(clientId: string, secret: string, ip: string): Promise<number> {
  const basic = Buffer.from(`${clientId}:${secret}`).toString('base64');
  const tr = await fetch(`${p.sb.issuer}/token`, { method: 'POST', headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&scope=contacts:read' });
  const at = ((await tr.json()) as any).access_token as string;
  return (await p.withBearer(at, '/v1/contacts', { 'x-sandbox-caller-ip': ip })).status;
}

test('create with an allowlist; dry run of a new one equals the sandbox replay; edit in place', async () => {
  const ws = p.sb.workspaces[0]!.id;
  const bad = await app.callResult('clients.create', { workspace: ws, name: 'bad', scopes: ['contacts:read'], dailyQuota: 100, ipAllowlist: ['198.51.100.0/24', '::ffff:1.2.3.4'] });
  assert.equal(bad.error?.code, 'invalid_input');
  assert.equal(bad.error!.fields?.[0]?.label, 'IP allowlist');
  assert.equal((await p.credentials(ws)).some((c) => c.name === 'bad'), false, 'nothing was created');

  const created = await app.call('clients.create', { workspace: ws, name: 'warehouse', scopes: ['contacts:read'], dailyQuota: 100, ipAllowlist: ['198.51.100.0/24', '203.0.113.0/24'] });
  assert.deepEqual(created.client.ipAllowlist, ['198.51.100.0/24', '203.0.113.0/24']);
  const secret = created.clientSecret!;
  for (const ip of ['198.51.100.4', '203.0.113.5', '203.0.113.6']) assert.equal(await callAs(created.client.clientId, secret, ip), 200);
  assert.equal(await callAs(created.client.clientId, secret, '192.0.2.1'), 401, 'outside the allowlist given at creation');
  await app.call('sync.all', {});

  const dry = await app.call('clients.editDryRun', { workspace: ws, clientId: created.client.id, ipAllowlist: ['198.51.100.0/24'] });
  assert.equal(dry.credentialType, 'machine_client');
  assert.deepEqual(dry.changes, ['IP allowlist: 198.51.100.0/24 (was 198.51.100.0/24, 203.0.113.0/24)']);
  const truth = ((await p.admin('POST', '/replay', { workspace_id: ws, credential_id: created.client.id, since: dry.since, ip_allowlist: ['198.51.100.0/24'] })).body as any).credentials[0];
  assert.equal(dry.credentials[0]!.calls, truth.calls);
  assert.deepEqual({ scope: dry.totals.refused.scope, ip: dry.totals.refused.ip, rate: dry.totals.refused.rate }, truth.refused);
  assert.equal(truth.refused.ip, 3, 'the two 203.0.113.x calls and the one already refused');
  assert.equal(dry.totals.newlyRefused, 2);

  const edited = await app.call('clients.edit', { workspace: ws, clientId: created.client.clientId, ipAllowlist: ['198.51.100.0/24'], dailyQuota: 200 });
  assert.deepEqual(edited.client.ipAllowlist, ['198.51.100.0/24']);
  assert.equal(edited.client.dailyQuota, 200);
  assert.equal(edited.client.id, created.client.id, 'the same client');
  assert.equal(await callAs(created.client.clientId, secret, '203.0.113.5'), 401, 'the same secret, now held to the new allowlist');
  assert.equal(await callAs(created.client.clientId, secret, '198.51.100.4'), 200);
  const cached = await app.call('inventory.credential', { workspace: ws, credentialId: created.client.id });
  assert.deepEqual(cached.ipAllowlist, ['198.51.100.0/24'], 'the cache was re-read');
});
