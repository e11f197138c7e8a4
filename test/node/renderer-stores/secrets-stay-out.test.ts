// Secrets shown once (a rotated key, a client secret, a service token) are RETURNED by the store action to the dialog
// that shows them and never enter a store's state; errors are kept as a sentence + remedy; a call that must not happen
// (no wizard, no workspace) does not reach the api.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MachineClient, QuotaCheck, Usage, Wizard } from '../../../src-common/contract/index.ts';
import { createClientsStore, selectClients, selectClientsBusy, selectClientsError, selectUsage, selectUsageName } from '../../../src-renderer/src/stores/clients-store.ts';
import { createRotationStore, selectKeys, selectMintError, selectMinting } from '../../../src-renderer/src/stores/rotation-store.ts';
import { createWizardStore, selectTraffic, selectWizard, selectWizardBusy, selectWizardError } from '../../../src-renderer/src/stores/wizard-store.ts';
import { assertErrorSentence, deferred, fail, fakeApi, ok } from './fake-api.ts';

const SECRET = 'sk_live_CANARY_9f2c1e';
const client = (id: string, name: string) => ({ id, name, clientId: `cid-${id}`, status: 'active' }) as unknown as MachineClient;
const check = { ok: true } as unknown as QuotaCheck;
const wizard = (step: string, extra: Partial<Wizard> = {}) => ({ id: 'wz1', step, graceDays: 7, rotatedAt: null, next: [], ...extra }) as unknown as Wizard;
const noSecretIn = (state: unknown) => assert.ok(!JSON.stringify(state).includes(SECRET), 'the secret is not in the store');

describe('clients store', () => {
  it('rotate returns the new secret to the caller and keeps none of it; busy while running; the list reloads', async () => {
    const gate = deferred<void>();
    const f = fakeApi({
      clientsList: () => ok({ workspaceId: 'w1', workspaceName: 'W1', clients: [client('c1', 'Billing')] }),
      clientsRotate: async () => {
        await gate.promise;
        return ok({ client: client('c1', 'Billing'), clientSecret: SECRET, check });
      },
    });
    const store = createClientsStore(f.api);
    await store.getState().open('w1');
    assert.deepEqual(selectClients(store.getState()).map((c) => c.name), ['Billing']);
    const p = store.getState().rotate('c1', '7');
    assert.equal(selectClientsBusy(store.getState()), true);
    gate.resolve();
    const shown = await p;
    assert.deepEqual(shown, { title: 'New secret for Billing', secret: SECRET, delivered: null, deliveryFailed: null, check });
    assert.equal(selectClientsBusy(store.getState()), false);
    noSecretIn(store.getState());
    f.assertCalls(['clientsList', 'clientsRotate', 'clientsList']);
  });

  it('a failed create keeps the error (sentence + remedy) and returns nothing to show', async () => {
    const f = fakeApi({ clientsList: () => ok({ workspaceId: 'w1', workspaceName: 'W1', clients: [] }), clientsCreate: () => fail('platform_error', 'The platform refused the new client: the name is taken.') });
    const store = createClientsStore(f.api);
    await store.getState().open('w1');
    assert.equal(await store.getState().create({ name: 'x', scopes: ['contacts:read'], dailyQuota: 10 }), null);
    assertErrorSentence(selectClientsError(store.getState()), 'platform_error', 'The platform refused the new client: the name is taken.');
    f.assertCalls(['clientsList', 'clientsCreate']);
  });

  it('no workspace open: writes never reach the api', async () => {
    const f = fakeApi({});
    const store = createClientsStore(f.api);
    assert.equal(await store.getState().enable('c1'), false);
    assert.equal(await store.getState().rotate('c1', '7'), null);
    f.assertCalls([]);
  });

  it('switching workspace clears the other workspace list; the usage selector names the selected client', async () => {
    const usage = { id: 'c2', clientId: 'cid-c2' } as unknown as Usage;
    const f = fakeApi({
      clientsList: (i) => ok({ workspaceId: i.workspace, workspaceName: i.workspace, clients: i.workspace === 'w1' ? [client('c1', 'One')] : [client('c2', 'Two')] }),
      clientsUsage: () => ok(usage),
    });
    const store = createClientsStore(f.api);
    await store.getState().open('w1');
    const switching = store.getState().open('w2', 'c2');
    assert.deepEqual(selectClients(store.getState()), [], 'w1 clients never show under w2');
    await switching;
    assert.equal(selectUsage(store.getState()), usage);
    assert.equal(selectUsageName(store.getState()), 'Two');
  });
});

describe('wizard store', () => {
  it("advance('rotate') returns the secret once; the store holds the wizard, never the secret", async () => {
    const f = fakeApi({
      rotationStart: () => ok(wizard('reviewed')),
      rotationAdvance: (i) => ok({ wizard: wizard('rotated', { rotatedAt: null }), secret: i.action === 'rotate' ? SECRET : undefined } as never),
    });
    const store = createWizardStore(f.api);
    assert.equal((await store.getState().open({ workspace: 'w1', keyId: 'k1' }))?.step, 'reviewed');
    const r = await store.getState().advance({ action: 'rotate' });
    assert.equal(r?.secret, SECRET);
    assert.equal(selectWizard(store.getState())?.step, 'rotated');
    noSecretIn(store.getState());
    assert.deepEqual(f.calls[1], ['rotationAdvance', { action: 'rotate', wizardId: 'wz1' }]);
  });

  it('reads grace traffic once rotated; an error is kept and busy cleared; close forgets everything', async () => {
    const traffic = { quiet: true, buckets: [] };
    const f = fakeApi({
      rotationStatus: () => ok({ wizards: [wizard('grace', { rotatedAt: '2026-01-01T00:00:00Z' })], traffic } as never),
      rotationEndGrace: () => fail('conflict', 'The old key is still in use; end the grace period with force to cut it off.'),
    });
    const store = createWizardStore(f.api);
    await store.getState().open({ wizardId: 'wz1' });
    assert.deepEqual(selectTraffic(store.getState()), traffic);
    assert.equal(await store.getState().endGrace(false), null);
    assert.equal(selectWizardBusy(store.getState()), false);
    assertErrorSentence(selectWizardError(store.getState()), 'conflict', 'The old key is still in use; end the grace period with force to cut it off.');
    store.getState().close();
    assert.equal(selectWizard(store.getState()), null);
    assert.equal(selectWizardError(store.getState()), null);
  });

  it('with no wizard open, advance/endGrace/refresh never call the api', async () => {
    const f = fakeApi({});
    const store = createWizardStore(f.api);
    assert.equal(await store.getState().advance({ action: 'rotate' }), null);
    assert.equal(await store.getState().endGrace(true), null);
    await store.getState().refresh();
    f.assertCalls([]);
  });
});

describe('rotation (calendar) store', () => {
  it('mintServiceToken returns the token and keeps none of it; a failure is kept with its remedy', async () => {
    let n = 0;
    const f = fakeApi({
      serviceTokensMint: () => (n++ === 0 ? ok({ workspaceId: 'w1', id: 't1', scopes: ['contacts:read'], expiresAt: '2026-01-01T00:15:00Z', ttlMinutes: 15, token: SECRET }) : fail('rate_limited', 'The platform is rate limiting token requests; try again in a minute.')),
    });
    const store = createRotationStore(f.api);
    const t = await store.getState().mintServiceToken('w1', ['contacts:read'], 15);
    assert.deepEqual(t, { token: SECRET, expiresAt: '2026-01-01T00:15:00Z', scopes: ['contacts:read'] });
    noSecretIn(store.getState());
    assert.equal(await store.getState().mintServiceToken('w1', ['contacts:read'], 15), null);
    assert.equal(selectMinting(store.getState()), false);
    assertErrorSentence(selectMintError(store.getState()), 'rate_limited', 'The platform is rate limiting token requests; try again in a minute.');
  });

  it('keys of another workspace never show, even when its answer arrives late', async () => {
    const slow = deferred<void>();
    const f = fakeApi({
      keysList: async (i) => {
        if (i.workspace === 'w1') await slow.promise;
        return { ok: true, value: { workspaceId: i.workspace, workspaceName: i.workspace, keys: [{ id: `key-${i.workspace}` }] } } as never;
      },
    });
    const store = createRotationStore(f.api);
    const first = store.getState().loadKeys('w1');
    await store.getState().loadKeys('w2');
    slow.resolve();
    await first;
    assert.deepEqual(selectKeys(store.getState()).map((k) => k.id), ['key-w2']);
  });
});
