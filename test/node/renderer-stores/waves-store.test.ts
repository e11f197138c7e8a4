// The waves store in plain Node over a fake api: it loads the waves, Resume puts the wave main returned (and keeps the
// error as a sentence when main refuses), a busy wave is marked while its check runs, and rotation events reload it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Wave } from '../../../src-common/contract/index.ts';
import { createWavesStore, selectWaves, selectWavesBusy, selectWavesError, selectWavesLoaded } from '../../../src-renderer/src/stores/waves-store.ts';
import { assertErrorSentence, deferred, fail, fakeApi, ok } from './fake-api.ts';

const wave = (state: Wave['state'], reason: string | null = null): Wave => ({
  id: 'wv_1',
  match: 'billing-sync',
  batchSize: 2,
  graceDays: 7,
  quietMinutes: 60,
  deliveryTarget: 'vault',
  deliveryCommand: false,
  state,
  currentBatch: 1,
  batches: 1,
  reason,
  counts: { total: 1, cutOver: state === 'completed' ? 1 : 0, rotated: state === 'completed' ? 0 : 1, pending: 0, failed: 0 },
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  items: [{ id: 'wi_1', workspaceId: 'ws_a', workspaceName: 'Acme', keyName: 'billing-sync', oldKeyId: 'key_a', oldKeyLabel: 'sk_live_…aaaa', newKeyId: 'key_b', newKeyLabel: 'sk_live_…bbbb', batch: 1, state: state === 'completed' ? 'cut_over' : 'delivered', rotatedAt: null, cutOverAt: null, evidence: null }],
});

describe('waves store', () => {
  it('loads, resumes (busy while the check runs) and puts the returned wave', async () => {
    const gate = deferred<void>();
    const f = fakeApi({
      waveStatus: () => ok({ waves: [wave('waiting', 'Batch 1 of 1 waits for 1 workspace to cut over.')] }),
      waveResume: async () => {
        await gate.promise;
        return ok(wave('completed', 'All 1 keys cut over.'));
      },
    });
    const s = createWavesStore(f.api);
    await s.getState().load();
    assert.equal(selectWavesLoaded(s.getState()), true);
    assert.equal(selectWaves(s.getState())[0]!.state, 'waiting');
    const p = s.getState().resume('wv_1');
    assert.equal(selectWavesBusy(s.getState()), 'wv_1');
    gate.resolve(undefined);
    await p;
    assert.equal(selectWavesBusy(s.getState()), null);
    assert.equal(selectWaves(s.getState())[0]!.state, 'completed');
    f.assertCalls(['waveStatus', 'waveResume']);
  });

  it('keeps a refused resume as a sentence and reloads on rotation events', async () => {
    const f = fakeApi({ waveStatus: () => ok({ waves: [wave('paused', 'Paused at batch 1.')] }), waveResume: () => fail('review_mode_read_only', 'A review is open: Grantdesk is read-only.') });
    const s = createWavesStore(f.api);
    await s.getState().resume('wv_1');
    assertErrorSentence(selectWavesError(s.getState()), 'review_mode_read_only', 'A review is open: Grantdesk is read-only.');
    const off = s.getState().connect();
    f.emit('state.changed', { topic: 'inventory', workspaceId: null });
    f.emit('state.changed', { topic: 'rotation', workspaceId: 'ws_a' });
    await new Promise((r) => setImmediate(r));
    assert.equal(selectWaves(s.getState())[0]!.reason, 'Paused at batch 1.');
    off();
    f.assertCalls(['waveResume', 'waveStatus']);
  });
});
