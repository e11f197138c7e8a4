// The review store's Reviews-screen actions with a fake api: the new review's redeem code is returned once and never
// kept (the issued list is the platform's, reloaded after a create, and has no codes), redeem/exit/evidence keep their errors as sentence + remedy, and calls
// that must not happen (an empty code, a second create while one runs) never reach the api.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReviewStore, selectAuditorError, selectBuilding, selectCreateError, selectCreating, selectEvidence, selectIssued, selectRedeemError, selectReviewLog, selectRevokeError } from '../../../src-renderer/src/stores/review-store.ts';
import { allowedActionsSentence, notGrantedSentence } from '../../../src-renderer/src/stores/review-store.ts';
import { LOCAL_ONLY_COMMANDS, type ReviewStatus } from '../../../src-common/contract/index.ts';
import { assertErrorSentence, deferred, fail, fakeApi, ok } from './fake-api.ts';

const CODE = 'GDREVIEW-CANARY-7c1d';
const input = { workspaces: ['w1'], scopes: ['audit:read'], durationDays: 14, reviewerName: 'Ada', reviewerEmail: 'ada@audit.example', policy: 'purge' as const };

describe('review store (Reviews screen)', () => {
  it('create returns the code once; the issued list is the platform\'s (reloaded) without it; a second create while one runs is not sent', async () => {
    const gate = deferred<void>();
    const platformReview = { reviewId: 'rev_1', workspaceId: 'ws_1', workspaceName: 'Acme', scopes: ['audit:read'], reviewerName: 'Ada', reviewerEmail: 'ada@audit.example', policy: 'purge' as const, createdAt: '2026-01-18T00:00:00Z', expiresAt: '2026-02-01T00:00:00Z', status: 'pending' as const, redeemedAt: null, maxExpiresAt: '2026-02-17T00:00:00Z', extendableDays: 16 };
    const f = fakeApi({
      reviewCreate: async () => {
        await gate.promise;
        return ok({ bundleId: 'b1', expiresAt: '2026-02-01T00:00:00Z', reviews: [], path: 'reviews/b1.gdreview', redeemText: CODE });
      },
      reviewIssued: () => ok({ reviews: [platformReview], unreadable: [] }),
    });
    const store = createReviewStore(f.api);
    const p = store.getState().create(input);
    assert.equal(selectCreating(store.getState()), true);
    assert.equal(await store.getState().create(input), null, 'busy: the second create is not sent');
    gate.resolve();
    assert.equal((await p)?.redeemText, CODE);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(selectIssued(store.getState()), [platformReview]);
    assert.ok(!JSON.stringify(store.getState()).includes(CODE), 'the code is not in the store');
    f.assertCalls(['reviewCreate', 'reviewIssued']);
  });

  it('a refused revoke keeps its sentence; a granted one reloads the platform list', async () => {
    let n = 0;
    const f = fakeApi({
      reviewRevoke: () => (n++ === 0 ? fail('platform_error', 'The platform did not answer; try again in a minute.') : ok({} as never)),
      reviewIssued: () => ok({ reviews: [], unreadable: [] }),
    });
    const store = createReviewStore(f.api);
    assert.equal(await store.getState().revoke('ws_1', 'rev_1'), false);
    assertErrorSentence(selectRevokeError(store.getState()), 'platform_error', 'The platform did not answer; try again in a minute.');
    assert.equal(await store.getState().revoke('ws_1', 'rev_1'), true);
    assert.equal(selectRevokeError(store.getState()), null);
    f.assertCalls(['reviewRevoke', 'reviewRevoke', 'reviewIssued']);
  });

  it('extend and withdraw: one change per review at a time, a refusal kept as its sentence, a granted one reloads the list', async () => {
    const gate = deferred<void>();
    const f = fakeApi({
      reviewExtend: async () => {
        await gate.promise;
        return fail('invalid_input', 'The review of Acme for Ada can be extended by at most 5 more days (to Feb 17, 00:00): a review lasts at most 30 days from its issue.');
      },
      reviewWithdraw: () => ok({} as never),
      reviewIssued: () => ok({ reviews: [], unreadable: [] }),
    });
    const store = createReviewStore(f.api);
    const p = store.getState().extend('ws_1', 'rev_1', 9);
    assert.equal(await store.getState().withdraw('ws_1', 'rev_1'), false, 'busy: a second change of the same review is not sent');
    gate.resolve();
    assert.equal(await p, false);
    assertErrorSentence(selectRevokeError(store.getState()), 'invalid_input', 'The review of Acme for Ada can be extended by at most 5 more days (to Feb 17, 00:00): a review lasts at most 30 days from its issue.');
    assert.equal(await store.getState().withdraw('ws_1', 'rev_1'), true);
    assert.equal(selectRevokeError(store.getState()), null);
    f.assertCalls(['reviewExtend', 'reviewWithdraw', 'reviewIssued']);
  });

  it('a refused create keeps its error; an empty code is never sent; a refused redeem keeps its own error', async () => {
    const f = fakeApi({
      reviewCreate: () => fail('invalid_input', 'The reviewer email is not an address; correct it and issue again.'),
      reviewRedeem: () => fail('conflict', 'This review code was already redeemed on another machine; ask for a new one.'),
    });
    const store = createReviewStore(f.api);
    assert.equal(await store.getState().create(input), null);
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

  it('in words: what the review does not grant, and what the auditor can do (no command ids)', () => {
    const ws = (name: string, scopes: string[]) => ({ workspaceId: `ws_${name}`, workspaceName: name, reviewId: `rev_${name}`, scopes, expiresAt: '2026-02-01T00:00:00Z', hasToken: true });
    const status = (workspaces: ReturnType<typeof ws>[]): ReviewStatus => ({ state: 'active', readOnly: true, bundleId: 'b', reviewer: { name: 'Ada', email: 'a@b.c' }, policy: 'purge', redeemedAt: null, expiresAt: null, secondsLeft: 1, workspaces, dataState: 'live', allowedMutations: [...LOCAL_ONLY_COMMANDS] });
    const auditOnly = status([ws('Acme', ['audit:read']), ws('Globex', ['audit:read'])]);
    assert.equal(notGrantedSentence(auditOnly, 'credentials:read', 'credentials'), 'This review does not include credentials:read, so credentials cannot be listed.');
    assert.equal(notGrantedSentence(status([ws('Acme', ['audit:read', 'credentials:read']), ws('Globex', ['audit:read'])]), 'credentials:read', 'credentials'), 'This review does not include credentials:read for 1 of 2 workspaces (Globex), so their credentials cannot be listed.');
    assert.equal(notGrantedSentence(status([ws('Acme', ['credentials:read'])]), 'credentials:read', 'credentials'), null);
    assert.equal(notGrantedSentence(null, 'credentials:read', 'credentials'), null);
    const both = allowedActionsSentence(status([ws('Acme', ['audit:read', 'credentials:read'])]));
    assert.equal(both, 'You can sync the audit log and credentials, search the cached data, export and verify evidence and end the review. Nothing you do here changes the workspaces.');
    assert.match(allowedActionsSentence(auditOnly), /^You can sync the audit log, search/);
    for (const c of LOCAL_ONLY_COMMANDS) assert.ok(!both.includes(c), `no command id (${c}) in the sentence`);
  });
});
