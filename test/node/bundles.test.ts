// Scope bundles (issue 14.5) against the sandbox: list, create, edit and delete a workspace's bundles; push one agency
// bundle to 40 workspaces where one fails (that row fails with a sentence and its remedy, the others succeed); a
// re-push is idempotent (the same-name bundle is updated or left alone, never duplicated); the matrix baseline picks a
// bundle the app created. Independent checks read the platform's own lists.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { startRotationApp, startRotationSandbox, type RotationApp, type RotationSandbox } from './rotation/support.ts';

let p: RotationSandbox;
let app: RotationApp;
before(async () => {
  p = await startRotationSandbox({ seed: 17, workspaces: 40, events: 200 });
  app = startRotationApp(p);
  await app.call('inventory.sync', {});
});
after(async () => {
  await app.close();
  await p.close();
});

/** the platform's own list of a workspace's bundles */
async function platformBundles(ws: string) {
  const r = await p.api.call(ws, { method: 'GET', path: '/v1/scope-bundles', schema: z.object({ data: z.array(z.object({ id: z.string(), name: z.string(), scopes: z.array(z.string()), description: z.string().nullable() })) }) });
  return r.data.data;
}

test('create, list, edit and delete a bundle; duplicates, unknown scopes and another workspace\'s bundle are refused', async () => {
  const ws = p.sb.workspaces[0]!;
  const created = await app.call('bundles.create', { workspace: ws.name, name: 'CRM read-only', scopes: ['deals:read', 'contacts:read'], description: 'for BI tools' });
  assert.deepEqual(created.bundle.scopes, ['contacts:read', 'deals:read']);
  assert.equal((await platformBundles(ws.id)).filter((b) => b.name === 'CRM read-only').length, 1);
  const listed = await app.call('bundles.list', { workspace: ws.id });
  assert.ok(listed.bundles.some((b) => b.id === created.bundle.id && b.description === 'for BI tools'));

  const dup = await app.callResult('bundles.create', { workspace: ws.id, name: 'crm READ-only', scopes: ['contacts:read'] });
  assert.equal(dup.error?.code, 'conflict');
  assert.match(dup.error!.message, /already has a bundle named/);
  const unknown = await app.callResult('bundles.edit', { workspace: ws.id, bundle: 'CRM read-only', scopes: ['contacts:read', 'contacts:everything'] });
  assert.equal(unknown.error?.code, 'invalid_input');
  assert.equal(unknown.error!.fields?.[0]?.label, 'Scopes');

  const edited = await app.call('bundles.edit', { workspace: ws.id, bundle: 'crm read-only', scopes: ['contacts:read'], name: 'CRM contacts' });
  assert.deepEqual(edited.changes, ['Name: CRM contacts (was CRM read-only)', 'Scopes: drop deals:read']);
  const onPlatform = (await platformBundles(ws.id)).find((b) => b.id === created.bundle.id)!;
  assert.deepEqual([onPlatform.name, onPlatform.scopes], ['CRM contacts', ['contacts:read']]);

  // the matrix baseline picks the bundle: the inventory was re-read after the change
  const base = await app.call('inventory.setBaseline', { bundle: 'CRM contacts' });
  assert.deepEqual(base.baseline?.scopes, ['contacts:read']);
  await app.call('inventory.setBaseline', { clear: true });

  const other = p.sb.workspaces[1]!;
  const cross = await app.callResult('bundles.delete', { workspace: other.id, bundle: created.bundle.id });
  assert.equal(cross.error?.code, 'not_found', "a bundle id of another workspace is not found there");
  const del = await app.call('bundles.delete', { workspace: ws.id, bundle: 'CRM contacts' });
  assert.equal(del.deleted.id, created.bundle.id);
  assert.equal((await platformBundles(ws.id)).some((b) => b.id === created.bundle.id), false);
});

test('push to 40 workspaces: one fails with a sentence, the others are created; a re-push never duplicates', async () => {
  const all = p.sb.workspaces.map((w) => w.id);
  // exactly one scope-bundles request of the push answers 503 (whichever workspace asks first)
  await p.admin('POST', '/faults', { route: 'scope-bundles', error_rate: 1, times: 1 });
  const first = await app.call('bundles.push', { name: 'Agency baseline', workspaces: [...all, 'ws_doesnotexist'], scopes: ['contacts:read', 'companies:read'] });
  assert.equal(first.results.length, 41);
  assert.deepEqual(first.counts, { created: 39, updated: 0, unchanged: 0, failed: 2 });
  const failed = first.results.filter((r) => r.outcome === 'failed');
  const platformFail = failed.find((r) => r.workspaceId !== 'ws_doesnotexist')!;
  assert.ok(all.includes(platformFail.workspaceId));
  assert.match(platformFail.error!.message, /503/);
  assert.ok(platformFail.error!.remedy.length > 10, 'a remedy with the sentence');
  const unknownWs = failed.find((r) => r.workspaceId === 'ws_doesnotexist')!;
  assert.match(unknownWs.error!.message, /No connected workspace/);
  for (const r of first.results.filter((x) => x.outcome === 'created')) assert.equal(r.error, null);
  assert.equal(first.source, 'the scopes given');

  const second = await app.call('bundles.push', { name: 'agency BASELINE', workspaces: all, scopes: ['companies:read', 'contacts:read'] });
  assert.deepEqual(second.counts, { created: 1, updated: 0, unchanged: 39, failed: 0 }, 'the failed one is created now, the rest already match');
  assert.equal(second.results.find((r) => r.workspaceId === platformFail.workspaceId)!.outcome, 'created');

  // from the synced copies (they agree), with a changed description: every workspace updated in place
  const third = await app.call('bundles.push', { name: 'Agency baseline', workspaces: all.slice(0, 5), description: 'reviewed 2026' });
  assert.match(third.source, /synced bundle/);
  assert.deepEqual(third.counts, { created: 0, updated: 5, unchanged: 0, failed: 0 });
  for (const ws of all) {
    const named = (await platformBundles(ws)).filter((b) => b.name.toLowerCase() === 'agency baseline');
    assert.equal(named.length, 1, `${ws}: one bundle of that name, never two`);
    assert.deepEqual(named[0]!.scopes, ['companies:read', 'contacts:read']);
  }
  // the baseline picker sees the pushed bundle (the inventory was re-read)
  const base = await app.call('inventory.setBaseline', { bundle: 'Agency baseline' });
  assert.deepEqual(base.baseline?.scopes, ['companies:read', 'contacts:read']);
  await app.call('inventory.setBaseline', { clear: true });
});

test('push: a name whose synced bundles differ needs --from; an unknown name needs scopes', async () => {
  const [a, b] = p.sb.workspaces;
  await app.call('bundles.create', { workspace: a!.id, name: 'Support desk', scopes: ['tickets:read'] });
  await app.call('bundles.create', { workspace: b!.id, name: 'Support desk', scopes: ['tickets:read', 'tickets:write'] });
  const differ = await app.callResult('bundles.push', { name: 'Support desk', workspaces: [p.sb.workspaces[2]!.id] });
  assert.equal(differ.error?.code, 'conflict');
  assert.match(differ.error!.message, /differ between workspaces/);
  const from = await app.call('bundles.push', { name: 'Support desk', workspaces: [p.sb.workspaces[2]!.id, a!.id], from: b!.id });
  assert.deepEqual(from.scopes, ['tickets:read', 'tickets:write']);
  assert.deepEqual(from.results.map((r) => r.outcome), ['created', 'updated']);
  const none = await app.callResult('bundles.push', { name: 'Never heard of it', workspaces: [a!.id] });
  assert.equal(none.error?.code, 'not_found');
  assert.match(none.error!.message, /--scopes/);
});
