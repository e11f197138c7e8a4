// The delivery store: the targets the app may offer (names and commands set up on the CLI), and a failed delivery's
// secret RETURNED by reveal to the dialog that shows it once, never kept in the store's state; the wizard and clients
// stores pass only a target's NAME to main, never a command.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MachineClient, QuotaCheck, Wizard } from '../../../src-common/contract/index.ts';
import { createDeliveryStore, selectDeliveryError, selectDeliveryLoaded, selectDeliveryTargets } from '../../../src-renderer/src/stores/delivery-store.ts';
import { createClientsStore } from '../../../src-renderer/src/stores/clients-store.ts';
import { createWizardStore } from '../../../src-renderer/src/stores/wizard-store.ts';
import { assertErrorSentence, fail, fakeApi, ok } from './fake-api.ts';

const SECRET = 'sk_live_CANARY_delivery_77';
const target = { name: 'vault-app', command: 'vault kv put secret/app key=-', argv: ['vault', 'kv', 'put', 'secret/app', 'key=-'], timeoutSeconds: 60, createdAt: '2026-12-01T00:00:00.000Z' };
const failure = { target: 'vault-app', reason: 'exit_code' as const, exitCode: 2, stderrTail: 'permission denied', message: 'Delivery to vault-app failed: the command exited with code 2. The new secret was not shown.', pendingId: 'pd_1', heldUntil: '2026-12-01T00:15:00.000Z' };

describe('delivery store', () => {
  it('lists targets; reveal returns the secret to the caller and keeps none of it; a gone secret is an error sentence', async () => {
    let revealed = 0;
    const f = fakeApi({
      deliveryList: () => ok({ targets: [target] }),
      deliveryReveal: () => (revealed++ === 0 ? ok({ secret: SECRET }) : fail('not_found', 'That secret is no longer held.')),
    });
    const store = createDeliveryStore(f.api);
    assert.equal(selectDeliveryLoaded(store.getState()), false);
    await store.getState().load();
    assert.deepEqual(selectDeliveryTargets(store.getState()).map((t) => t.name), ['vault-app']);
    assert.equal(await store.getState().reveal('pd_1'), SECRET);
    assert.ok(!JSON.stringify(store.getState()).includes(SECRET), 'the secret is in the store');
    assert.equal(await store.getState().reveal('pd_1'), null);
    assertErrorSentence(selectDeliveryError(store.getState()), 'not_found', 'That secret is no longer held.');
    f.assertCalls(['deliveryList', 'deliveryReveal', 'deliveryReveal']);
  });

  it('retry names the target; clients and the wizard pass deliverTo (a name), never a command', async () => {
    const check = { ok: true } as unknown as QuotaCheck;
    const client = { id: 'c1', name: 'Billing', clientId: 'cid' } as unknown as MachineClient;
    const wizard = { id: 'wz1', step: 'rotated', rotatedAt: null, next: [] } as unknown as Wizard;
    const f = fakeApi({
      deliveryRetry: () => ok({ delivered: { target: 'vault-app', exitCode: 0, at: 'x' } }),
      clientsList: () => ok({ workspaceId: 'w1', workspaceName: 'W1', clients: [client] }),
      clientsRotate: () => ok({ client, check, deliveryFailed: failure }),
      rotationStart: () => ok({ ...wizard, step: 'reviewed' }),
      rotationAdvance: () => ok({ wizard, delivered: { target: 'vault-app', exitCode: 0, at: 'x' } }),
    });
    const d = createDeliveryStore(f.api);
    assert.deepEqual(await d.getState().retry('pd_1', 'vault-app'), { delivered: { target: 'vault-app', exitCode: 0, at: 'x' }, deliveryFailed: null });
    const clients = createClientsStore(f.api);
    await clients.getState().open('w1');
    const issued = await clients.getState().rotate('c1', '7', 'vault-app');
    assert.deepEqual(issued, { title: 'New secret for Billing', secret: null, delivered: null, deliveryFailed: failure, check });
    const w = createWizardStore(f.api);
    await w.getState().open({ workspace: 'w1', keyId: 'key_1' });
    const r = await w.getState().advance({ action: 'rotate', deliverTo: 'vault-app' });
    assert.equal(r?.secret, null);
    assert.equal(r?.delivered?.target, 'vault-app');
    const inputs = f.calls.filter(([m]) => ['deliveryRetry', 'clientsRotate', 'rotationAdvance'].includes(m)).map(([, i]) => i as Record<string, unknown>);
    assert.equal(inputs.length, 3);
    for (const i of inputs) {
      assert.equal(i.deliverTo, 'vault-app');
      assert.equal('deliverCmd' in i, false, 'the window sent a command');
    }
  });
});
