// The inventory store with a fake api: matrix loads coalesce, a failed revoke keeps its error and the selection, the
// credentials list keeps only the newest query's answer, the drawer and revoke dialog never show another credential's
// data, and the selectors the matrix and credentials screens read.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Matrix, RevokePreview } from '../../../src-common/contract/index.ts';
import {
  createInventoryStore,
  selectCredentialList,
  selectDetail,
  selectInventoryError,
  selectListError,
  selectMatrix,
  selectMatrixFilters,
  selectPreview,
  selectSelected,
  selKey,
  type RevokeRequest,
} from '../../../src-renderer/src/stores/inventory-store.ts';
import { assertErrorSentence, deferred, fail, fakeApi, ok } from './fake-api.ts';

const matrix = (n: number) => ({ workspaces: Array.from({ length: n }, (_, i) => ({ id: `w${i}`, connection: 'connected', sync: { ageSeconds: 10 } })) }) as unknown as Matrix;
const tick = () => new Promise((r) => setImmediate(r));

describe('inventory store', () => {
  it('a burst of loads is one call in flight plus one queued; filters are cleaned before they reach the api', async () => {
    const gate = deferred<void>();
    let calls = 0;
    const f = fakeApi({
      inventoryMatrix: async () => {
        if (calls++ === 0) await gate.promise;
        return ok(matrix(calls));
      },
    });
    const store = createInventoryStore(f.api);
    const first = store.getState().load();
    store.getState().setFilters({ workspace: '', writeOrDelete: false, scopes: ['contacts:delete'] });
    void store.getState().load();
    void store.getState().load();
    gate.resolve();
    await first;
    // the first pass: counts, then every summary; the queued one (a credential filter) is one call
    assert.equal(calls, 3, 'three requests while one was in flight became one more pass');
    assert.deepEqual(f.calls[0]![1], { depth: 'counts' });
    assert.deepEqual(f.calls[1]![1], {});
    assert.deepEqual(f.calls[2]![1], { scopes: ['contacts:delete'] });
    assert.equal(selectMatrix(store.getState())?.workspaces.length, 3);
    assert.deepEqual(selectMatrixFilters(store.getState()), { workspace: '', writeOrDelete: false, scopes: ['contacts:delete'] });
  });

  it('the grid gets the counts first, then every summary; with a workspace open, or the same filters shown, one call', async () => {
    const full = deferred<void>();
    const f = fakeApi({
      inventoryMatrix: async (i) => {
        if (i.depth === 'counts') return ok({ ...matrix(2), depth: 'counts' } as Matrix);
        await full.promise;
        return ok({ ...matrix(2), depth: 'credentials' } as Matrix);
      },
    });
    const store = createInventoryStore(f.api);
    const pass = store.getState().load();
    await tick();
    await tick();
    assert.equal(selectMatrix(store.getState())?.depth, 'counts', 'the counts are shown while the summaries are on their way');
    full.resolve();
    await pass;
    assert.equal(selectMatrix(store.getState())?.depth, 'credentials');
    // a reload for the filters already shown (a sync's state.changed) keeps the full matrix until the new one: one call
    await store.getState().load();
    assert.deepEqual(f.calls.map((c) => c[1]), [{ depth: 'counts' }, {}, {}]);
    // a new filter with a workspace open: one call (a counts-only matrix would fold the open rows)
    store.getState().toggleExpanded('w1');
    store.getState().setFilters({ workspace: 'w' });
    await store.getState().load();
    assert.ok(f.calls.slice(3).every((c) => (c[1] as { depth?: string }).depth === undefined), JSON.stringify(f.calls.slice(3)));
    assert.equal(selectMatrix(store.getState())?.depth, 'credentials');
  });

  it('a failed revoke keeps the error (sentence + remedy) and the selection, and does not reload', async () => {
    const f = fakeApi({ inventoryRevoke: () => fail('platform_error', 'The platform refused to revoke 2 of 3 credentials; nothing else changed.') });
    const store = createInventoryStore(f.api);
    store.getState().toggleSelected('w1', 'c1');
    const req: RevokeRequest = { targets: [{ workspace: 'w1', credentialId: 'c1' }], bulk: true };
    assert.equal(await store.getState().revoke(req, '1'), null);
    assertErrorSentence(selectInventoryError(store.getState()), 'platform_error', 'The platform refused to revoke 2 of 3 credentials; nothing else changed.');
    assert.ok(selectSelected(store.getState()).has(selKey('w1', 'c1')));
    f.assertCalls(['inventoryRevoke']);
    assert.deepEqual(f.calls[0]![1], { targets: [{ workspace: 'w1', credentialId: 'c1' }], confirm: '1' });
  });

  it('the credentials list keeps only the newest query; the search is trimmed and empty filters dropped', async () => {
    const slow = deferred<void>();
    const f = fakeApi({
      inventoryCredentials: async (i) => {
        if (i.search === 'old') await slow.promise;
        return ok({ credentials: [{ id: i.search ?? 'all' }], workspaces: [] } as never);
      },
    });
    const store = createInventoryStore(f.api);
    const older = store.getState().loadCredentials({ search: ' old ', type: '', includeRevoked: false });
    await store.getState().loadCredentials({ search: 'new', type: 'api_key', includeRevoked: true });
    slow.resolve();
    await older;
    assert.deepEqual(selectCredentialList(store.getState())?.credentials.map((c) => c.id), ['new']);
    assert.deepEqual(f.calls[0]![1], { search: 'old', types: undefined, includeRevoked: undefined });
    assert.deepEqual(f.calls[1]![1], { search: 'new', types: ['api_key'], includeRevoked: true });
  });

  it('a list error is kept apart from the matrix error; inventory events reload the last query', async () => {
    let n = 0;
    const f = fakeApi({ inventoryCredentials: () => (n++ === 0 ? fail('io_error', 'The local cache could not be read; check the disk and try again.') : ok({ credentials: [], workspaces: [] } as never)) });
    const store = createInventoryStore(f.api);
    const off = store.getState().connectCredentials();
    f.emit('state.changed', { topic: 'inventory', workspaceId: null });
    assert.equal(f.calls.length, 0, 'no query yet: nothing to reload');
    await store.getState().loadCredentials({ search: 'x', type: '', includeRevoked: false });
    assertErrorSentence(selectListError(store.getState()), 'io_error', 'The local cache could not be read; check the disk and try again.');
    assert.equal(selectInventoryError(store.getState()), null);
    f.emit('state.changed', { topic: 'inventory', workspaceId: null });
    await tick();
    assert.equal(f.calls.length, 2);
    off();
  });

  it("opening another credential or revoke dialog drops the previous one's detail/preview before its own arrives", async () => {
    const f = fakeApi({
      inventoryCredential: (i) => ok({ id: i.credentialId } as never),
      inventoryRevokePreview: () => ok({ confirmText: 'acme' } as unknown as RevokePreview),
    });
    const store = createInventoryStore(f.api);
    store.getState().openDrawer({ workspaceId: 'w1', credentialId: 'c1' });
    await store.getState().loadDetail({ workspaceId: 'w1', credentialId: 'c1' });
    assert.equal(selectDetail(store.getState())?.id, 'c1');
    store.getState().openDrawer({ workspaceId: 'w1', credentialId: 'c2' });
    assert.equal(selectDetail(store.getState()), null, "c1's detail is gone as soon as c2 opens");
    const a: RevokeRequest = { targets: [{ workspace: 'w1', credentialId: 'c1' }], bulk: false };
    store.getState().openRevoke(a);
    await store.getState().loadPreview(a);
    assert.equal(selectPreview(store.getState())?.confirmText, 'acme');
    store.getState().openRevoke({ targets: [{ workspace: 'w2', credentialId: 'c9' }], bulk: false });
    assert.equal(selectPreview(store.getState()), null, 'the previous confirm text never shows in the next dialog');
  });
});
