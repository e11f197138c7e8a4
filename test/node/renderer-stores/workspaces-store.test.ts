// The workspaces store with a fake api: load, a failed connect keeps its error (sentence + remedy) and clears busy,
// re-consent with chosen scopes, events reload, and the selectors the Workspaces screen reads.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Platform, Workspace } from '../../../src-common/contract/index.ts';
import { createWorkspacesStore, selectBusy, selectLoaded, selectPlatforms, selectReconsentError, selectReconsenting, selectWorkspaces, selectWorkspacesError } from '../../../src-renderer/src/stores/workspaces-store.ts';
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

  it('follows workspaces/platforms events only, and unsubscribes', async () => {
    const f = fakeApi({ workspacesList: () => ok([]), platformsList: () => ok([]) });
    const store = createWorkspacesStore(f.api);
    const off = store.getState().connectEvents();
    f.emit('state.changed', { topic: 'inventory', workspaceId: null });
    assert.equal(f.calls.length, 0, 'an unrelated topic does not reload');
    f.emit('state.changed', { topic: 'workspaces', workspaceId: 'a' });
    await new Promise((r) => setImmediate(r));
    f.assertCalls(['workspacesList', 'platformsList']);
    off();
    assert.equal(f.listeners(), 0);
  });
});
