// The workspaces store with a fake api: load, a failed connect keeps its error (sentence + remedy) and clears busy,
// re-consent with chosen scopes, events reload, and the selectors the Workspaces screen reads.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Platform, Workspace } from '../../../src-common/contract/index.ts';
import { createWorkspacesStore, selectBulkOutcome, selectFormError, selectSyncHealth, selectBusy, selectLoaded, selectPlatforms, selectReconsentError, selectReconsenting, selectWorkspaces, selectWorkspacesError } from '../../../src-renderer/src/stores/workspaces-store.ts';
import { assertErrorSentence, deferred, fail, fakeApi, ok } from './fake-api.ts';

const ws = (id: string) => ({ id, name: id.toUpperCase(), status: 'connected' }) as unknown as Workspace;
const platform = { id: 'p1', name: 'SabNode', issuer: 'https://id.example' } as unknown as Platform;

describe('workspaces store', () => {
  it('loads workspaces and platforms; the selectors return them', async () => {
    const f = fakeApi({ workspacesList: () => ok([ws('a'), ws('b')]), platformsList: () => ok([platform]) });
    const store = createWorkspacesStore(f.api);
    assert.equal(selectLoaded(store.getState()), false);
    await store.getState().load();
    const s = store.getState();
    assert.deepEqual(selectWorkspaces(s).map((w) => w.id), ['a', 'b']);
    assert.deepEqual(selectPlatforms(s), [platform]);
    assert.equal(selectLoaded(s), true);
    assert.equal(selectWorkspacesError(s), null);
    f.assertCalls(['workspacesList', 'platformsList']);
  });

  it('a failed connect shows busy while it runs, then keeps the error sentence and remedy and reloads', async () => {
    const gate = deferred<void>();
    const f = fakeApi({
      workspacesList: () => ok([ws('a')]),
      platformsList: () => ok([platform]),
      workspacesConnect: async () => {
        await gate.promise;
        return fail('network_error', 'The platform did not answer; nothing was changed.');
      },
    });
    const store = createWorkspacesStore(f.api);
    const done = store.getState().connect('a', 'p1', 'operator');
    assert.deepEqual(selectBusy(store.getState()), { a: 'connecting' });
    gate.resolve();
    assert.equal(await done, false);
    assert.deepEqual(selectBusy(store.getState()), {});
    assertErrorSentence(selectWorkspacesError(store.getState()), 'network_error', 'The platform did not answer; nothing was changed.');
    store.getState().dismissError();
    assert.equal(selectWorkspacesError(store.getState()), null);
    f.assertCalls(['workspacesConnect', 'workspacesList', 'platformsList']);
  });

  it('re-consent passes exactly the kept scopes, holds reconsenting, and keeps its own error apart from the list error', async () => {
    const f = fakeApi({ workspacesConnect: (input) => (input.scopes?.includes('contacts:read') ? fail('review_mode_read_only', 'This Grantdesk is a read-only review; it cannot change grants.') : ok({} as never)) });
    const store = createWorkspacesStore(f.api);
    const p = store.getState().reconsent('a', ['contacts:read', 'offline_access']);
    assert.equal(selectReconsenting(store.getState()), true);
    assert.equal(await p, false);
    assert.equal(selectReconsenting(store.getState()), false);
    assertErrorSentence(selectReconsentError(store.getState()), 'review_mode_read_only', 'This Grantdesk is a read-only review; it cannot change grants.');
    assert.equal(selectWorkspacesError(store.getState()), null);
    assert.deepEqual(f.calls, [['workspacesConnect', { workspace: 'a', scopes: ['contacts:read', 'offline_access'] }]]);
  });

  it('follows workspaces/platforms events for the list, audit/inventory events for the sync ages only, and unsubscribes', async () => {
    const health = { workspaceId: 'a', auditSyncedAt: '2026-01-01T00:00:00Z', auditError: null, inventorySyncedAt: null, inventoryError: null };
    const f = fakeApi({ workspacesList: () => ok([]), platformsList: () => ok([]), syncHealth: () => ok({ workspaces: [health] }) });
    const store = createWorkspacesStore(f.api);
    const off = store.getState().connectEvents();
    f.emit('state.changed', { topic: 'rotation', workspaceId: null });
    assert.equal(f.calls.length, 0, 'an unrelated topic does not reload');
    f.emit('state.changed', { topic: 'inventory', workspaceId: null });
    await new Promise((r) => setImmediate(r));
    f.assertCalls(['syncHealth']);
    assert.deepEqual(selectSyncHealth(store.getState()), { a: health });
    f.calls.length = 0;
    f.emit('state.changed', { topic: 'workspaces', workspaceId: 'a' });
    await new Promise((r) => setImmediate(r));
    f.assertCalls(['workspacesList', 'platformsList', 'syncHealth']);
    off();
    assert.equal(f.listeners(), 0);
  });

  it('an add-platform failure stays in the dialog (formError) with a remedy about the issuer URL, not in the screen banner', async () => {
    const f = fakeApi({ platformsAdd: () => fail('network_error', 'The issuer https://id.example did not answer.'), workspacesList: () => ok([]), platformsList: () => ok([]) });
    const store = createWorkspacesStore(f.api);
    assert.equal(await store.getState().addPlatform('https://id.example/', undefined, undefined), false);
    assert.equal(selectWorkspacesError(store.getState()), null);
    const e = selectFormError(store.getState());
    assert.equal(e?.message, 'The issuer https://id.example did not answer.');
    assert.match(e?.remedy ?? '', /^Check the issuer URL: .*https:\/\/id\.example\/\.well-known\/oauth-authorization-server/);
    assert.doesNotMatch(e?.remedy ?? '', /offline from its cache/);
  });

  it('bulk refresh goes one workspace at a time and reports which failed, by id, with the sentence', async () => {
    const f = fakeApi({
      workspacesRefresh: (i) => (i.workspace === 'b' ? fail('needs_reconsent', 'The grant of B was revoked at the platform.') : ok({} as never)),
      workspacesList: () => ok([]),
      platformsList: () => ok([]),
    });
    const store = createWorkspacesStore(f.api);
    const out = await store.getState().refreshMany(['a', 'b', 'c']);
    assert.deepEqual(out, { done: 2, failed: [{ workspaceId: 'b', message: 'The grant of B was revoked at the platform.' }] });
    assert.equal(selectBulkOutcome(store.getState())?.action, 'refresh');
    assert.deepEqual(f.calls.slice(0, 3).map((c) => c[1]), [{ workspace: 'a', force: true }, { workspace: 'b', force: true }, { workspace: 'c', force: true }]);
  });
});
