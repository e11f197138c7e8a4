// The review store's Reviews-screen actions with a fake api: the new review's redeem code is returned once and never
// kept (the issued list has everything else), redeem/exit/evidence keep their errors as sentence + remedy, and calls
// that must not happen (an empty code, a second create while one runs) never reach the api.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReviewStore, selectAuditorError, selectBuilding, selectCreateError, selectCreating, selectEvidence, selectIssued, selectRedeemError, selectReviewLog } from '../../../src-renderer/src/stores/review-store.ts';
import { assertErrorSentence, deferred, fail, fakeApi, ok } from './fake-api.ts';

const CODE = 'GDREVIEW-CANARY-7c1d';
const input = { workspaces: ['w1'], scopes: ['audit:read'], durationDays: 14, reviewerName: 'Ada', reviewerEmail: 'ada@audit.example', policy: 'purge' as const };

describe('review store (Reviews screen)', () => {
  it('create returns the code once; the issued list keeps the review without it; a second create while one runs is not sent', async () => {
    const gate = deferred<void>();
    const f = fakeApi({
      reviewCreate: async () => {
        await gate.promise;
        return ok({ bundleId: 'b1', expiresAt: '2026-02-01T00:00:00Z', reviews: [], path: 'reviews/b1.gdreview', redeemText: CODE });
      },
    });
    const store = createReviewStore(f.api);
    const p = store.getState().create(input, '2026-01-18T00:00:00Z');
    assert.equal(selectCreating(store.getState()), true);
    assert.equal(await store.getState().create(input, 'x'), null, 'busy: the second create is not sent');
    gate.resolve();
    assert.equal((await p)?.redeemText, CODE);
    const issued = selectIssued(store.getState());
    assert.deepEqual(issued, [{ bundleId: 'b1', expiresAt: '2026-02-01T00:00:00Z', reviews: [], path: 'reviews/b1.gdreview', reviewer: 'Ada', email: 'ada@audit.example', policy: 'purge', issuedAt: '2026-01-18T00:00:00Z' }]);
    assert.ok(!JSON.stringify(store.getState()).includes(CODE), 'the code is not in the store');
    f.assertCalls(['reviewCreate']);
  });

  it('a refused create keeps its error; an empty code is never sent; a refused redeem keeps its own error', async () => {
    const f = fakeApi({
      reviewCreate: () => fail('invalid_input', 'The reviewer email is not an address; correct it and issue again.'),
      reviewRedeem: () => fail('conflict', 'This review code was already redeemed on another machine; ask for a new one.'),
    });
    const store = createReviewStore(f.api);
    assert.equal(await store.getState().create(input, 'now'), null);
    assertErrorSentence(selectCreateError(store.getState()), 'invalid_input', 'The reviewer email is not an address; correct it and issue again.');
    assert.equal(await store.getState().redeem('   '), false);
    assert.equal(await store.getState().redeem(` ${CODE} `), false);
    assertErrorSentence(selectRedeemError(store.getState()), 'conflict', 'This review code was already redeemed on another machine; ask for a new one.');
    assert.deepEqual(f.calls, [['reviewCreate', input], ['reviewRedeem', { code: CODE }]]);
  });

  it('auditor: the log loads and follows events, evidence builds then reloads the log, a failed exit keeps its error', async () => {
    const f = fakeApi({
      reviewLog: () => ok({ entries: [{ at: 't', what: 'viewed' }] } as never),
      reviewEvidence: () => ok({ path: 'evidence.zip' } as never),
      reviewExit: () => fail('keychain_locked', 'The keychain is locked, so the review tokens could not be wiped; unlock it and leave again.'),
    });
    const store = createReviewStore(f.api);
    const off = store.getState().connectLog();
    f.emit('state.changed', { topic: 'exports', workspaceId: null });
    await new Promise((r) => setImmediate(r));
    assert.equal(selectReviewLog(store.getState()).length, 1);
    const b = store.getState().buildEvidence();
    assert.equal(selectBuilding(store.getState()), true);
    await b;
    assert.deepEqual(selectEvidence(store.getState()), { path: 'evidence.zip' });
    assert.equal(await store.getState().exit(), false);
    assertErrorSentence(selectAuditorError(store.getState()), 'keychain_locked', 'The keychain is locked, so the review tokens could not be wiped; unlock it and leave again.');
    await new Promise((r) => setImmediate(r));
    f.assertCalls(['reviewLog', 'reviewEvidence', 'reviewLog', 'reviewExit']);
    off();
  });
});
