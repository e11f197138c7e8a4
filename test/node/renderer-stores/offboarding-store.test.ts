// The Offboarding screen's store over a fake api: the choices come from the cache (integrations by client id with their
// active count, Grantdesk's own client left out; staff from "connected by"), the preview and run send exactly one
// selector with the typed confirmation, a retry re-runs the shown batch, and an error stays a sentence in the store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorData, type OffboardPreview, type OffboardResult, type Output, type Workspace } from '../../../src-common/contract/index.ts';
import { createOffboardingStore } from '../../../src-renderer/src/stores/offboarding-store.ts';
import { fakeApi } from './fake-api.ts';

const cred = (o: { clientId: string | null; name: string; type: string; isGrantdesk?: boolean; revocable?: boolean }) => ({ ...o, isGrantdesk: o.isGrantdesk ?? false, revocable: o.revocable ?? true });
const ws = (id: string, by: Workspace['connectedBy'], status: Workspace['status'] = 'connected') => ({ id, status, connectedBy: by }) as Workspace;
const preview = { selector: { kind: 'client_id', value: 'zap', description: 'OAuth client zap' }, workspaces: [], targets: 2, skipped: 0, untouchedWorkspaces: 1, notSynced: [], confirmText: '2', statement: 's', covers: 'c', windowDays: 30 } as OffboardPreview;
const result = (failed: number) => ({ batchId: 'ofb_00000000-0000-0000-0000-000000000000', selector: preview.selector, createdAt: '2026-12-02T10:00:00.000Z', actor: 'me', rows: [], succeeded: 2 - failed, failed, sentence: 's' }) as OffboardResult;

test('offboarding store: choices from the cache, one selector per call, retry of the shown batch', async () => {
  const f = fakeApi({
    inventoryCredentials: async () => ({
      ok: true,
      value: {
        credentials: [
          cred({ clientId: 'zap', name: 'Zapier', type: 'app' }),
          cred({ clientId: 'zap', name: 'Zapier', type: 'app' }),
          cred({ clientId: 'zap', name: 'Zapier', type: 'app', revocable: false }),
          cred({ clientId: 'grantdesk-desktop', name: 'Grantdesk', type: 'app', isGrantdesk: true }),
          cred({ clientId: 'mcc_1', name: 'ETL', type: 'machine_client' }),
          cred({ clientId: null, name: 'CI key', type: 'api_key' }),
        ],
        workspaces: [],
        counts: {},
      } as unknown as Output<'inventory.credentials'>,
    }),
    workspacesList: async () => ({
      ok: true,
      value: [ws('a', { name: 'Rita Ops', email: 'rita@x.test', source: 'id_token' }), ws('b', { name: 'Rita Ops', email: 'RITA@x.test', source: 'id_token' }), ws('c', { name: 'Sam', email: 'sam@x.test', source: 'id_token' }, 'disconnected'), ws('d', null)],
    }),
    offboardPreview: async () => ({ ok: true, value: preview }),
    offboardRun: async () => ({ ok: true, value: result(1) }),
    offboardRetry: async () => ({ ok: true, value: result(0) }),
  });
  const s = createOffboardingStore(f.api);
  await s.getState().load();
  assert.deepEqual(s.getState().integrations, [{ clientId: 'zap', name: 'Zapier', count: 2 }, { clientId: 'mcc_1', name: 'ETL', count: 1 }]);
  assert.deepEqual(s.getState().staff, [{ email: 'rita@x.test', name: 'Rita Ops', workspaces: 2 }]);

  s.getState().choose('clientId', ' zap ');
  await s.getState().runPreview();
  assert.equal(s.getState().preview, preview);
  await s.getState().run('2');
  assert.equal(s.getState().result?.failed, 1);
  assert.equal(s.getState().preview, null, 'the preview gives way to the results');
  await s.getState().retry();
  assert.equal(s.getState().result?.failed, 0);
  const sent = f.calls.filter(([m]) => m.startsWith('offboard')).map(([m, i]) => [m, i]);
  assert.deepEqual(sent, [
    ['offboardPreview', { clientId: 'zap' }],
    ['offboardRun', { clientId: 'zap', confirm: '2' }],
    ['offboardRetry', { batch: 'ofb_00000000-0000-0000-0000-000000000000' }],
  ]);
});

test('offboarding store: a refused preview is the error sentence, nothing else', async () => {
  const f = fakeApi({ offboardPreview: async () => ({ ok: false, error: errorData('invalid_input', "clientId: grantdesk-desktop is Grantdesk's own OAuth client") }) });
  const s = createOffboardingStore(f.api);
  s.getState().choose('clientId', 'grantdesk-desktop');
  await s.getState().runPreview();
  assert.equal(s.getState().preview, null);
  assert.match(s.getState().error!.message, /Grantdesk's own OAuth client/);
  s.getState().choose('staff', '');
  await s.getState().runPreview();
  f.assertCalls(['offboardPreview']);
});
