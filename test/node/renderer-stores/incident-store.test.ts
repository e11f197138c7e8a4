// The Incident screen's store: the pasted secret goes to incident.identify and nowhere else (never into the store's
// state); nothing matched keeps the sentence and opens nothing; a rotation's replacement secret is returned to the dialog
// and never kept; the pack is verified right after it is written; errors are a sentence with a remedy.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Incident, IncidentActivity, RevokePreview, Wizard } from '../../../src-common/contract/index.ts';
import { createIncidentStore, selectIncident, selectIncidentActivity, selectIncidentError, selectIncidentMatched, selectIncidentPack, selectIncidentSentence } from '../../../src-renderer/src/stores/incident-store.ts';
import { assertErrorSentence, fail, fakeApi, ok } from './fake-api.ts';

const LEAKED = 'sk_live_LEAKEDCANARY00000000000000000000000000zz';
const NEW = 'sk_live_REPLACEMENTCANARY000000000000000000000yy';
const match = { workspaceId: 'ws_1', workspaceName: 'Riverbend Florist', credentialId: 'key_1', credentialName: 'billing sync', credentialType: 'api_key', display: 'sk_live_…00zz', status: 'active', confirmation: 'platform' as const, confirmationSentence: 'The platform accepted the secret.' };
const inc = (state: Incident['state'] = 'open'): Incident => ({ id: 'inc_0123456789abcdef', openedAt: '2026-12-02T10:00:00.000Z', match, lastRotationAt: '2026-01-01T00:00:00.000Z', state, actions: [] });
const activity = { incidentId: 'inc_0123456789abcdef', calls: 4 } as unknown as IncidentActivity;
const preview = { confirmText: 'Riverbend Florist', statement: 'It stops at once.' } as unknown as RevokePreview;
const noSecretIn = (state: unknown) => assert.ok(!JSON.stringify(state).includes(LEAKED) && !JSON.stringify(state).includes(NEW), 'a secret is in the store');

describe('incident store', () => {
  it('identify sends the secret once, keeps none of it, opens the incident with its activity', async () => {
    const f = fakeApi({
      incidentIdentify: (i) => {
        assert.deepEqual(i, { secret: LEAKED });
        return ok({ incident: inc(), candidates: 1, workspacesSearched: 2, sentence: 'The secret is billing sync (sk_live_…00zz) in workspace Riverbend Florist.' });
      },
      incidentActivity: () => ok(activity),
      incidentList: () => ok({ incidents: [inc()] }),
    });
    const store = createIncidentStore(f.api);
    assert.equal(await store.getState().identify(LEAKED), true);
    assert.equal(selectIncident(store.getState())?.match.credentialName, 'billing sync');
    assert.equal(selectIncidentMatched(store.getState()), true);
    assert.equal(selectIncidentActivity(store.getState())?.calls, 4);
    noSecretIn(store.getState());
    f.assertCalls(['incidentIdentify', 'incidentActivity', 'incidentList']);
  });

  it('a paste longer than any secret is said in words and never sent', async () => {
    const f = fakeApi({});
    const store = createIncidentStore(f.api);
    assert.equal(await store.getState().identify(`${LEAKED}\n${'log line '.repeat(1000)}`), false);
    assert.equal(selectIncidentMatched(store.getState()), false);
    assert.match(selectIncidentSentence(store.getState())!, /^This paste is 9,048 characters long; an API key secret is 48 .* Paste only the secret\.$/);
    assert.equal(selectIncidentError(store.getState()), null);
    noSecretIn(store.getState());
    f.assertCalls([]);
  });

  it('nothing matched: the sentence, no incident, no activity call', async () => {
    const f = fakeApi({ incidentIdentify: () => ok({ incident: null, candidates: 0, workspacesSearched: 2, sentence: 'No credential matches this secret: …' }) });
    const store = createIncidentStore(f.api);
    assert.equal(await store.getState().identify(LEAKED), false);
    assert.equal(selectIncidentMatched(store.getState()), false);
    assert.match(selectIncidentSentence(store.getState())!, /^No credential matches/);
    assert.equal(selectIncident(store.getState()), null);
    noSecretIn(store.getState());
    f.assertCalls(['incidentIdentify']);
  });

  it('rotate returns the replacement to the caller and keeps none of it; revoke errors are sentences', async () => {
    const f = fakeApi({
      incidentIdentify: () => ok({ incident: inc(), candidates: 1, workspacesSearched: 1, sentence: 'found' }),
      incidentActivity: () => ok(activity),
      incidentList: () => ok({ incidents: [inc('rotated')] }),
      incidentContainPreview: (i) => ok({ action: i.action, preview, sentence: 'Rotating stops the leaked secret at once.' }),
      incidentRotate: (i) => {
        assert.deepEqual(i, { incidentId: 'inc_0123456789abcdef', confirm: 'Riverbend Florist' });
        return ok({ incident: inc('rotated'), wizard: { graceDays: 0 } as unknown as Wizard, secret: NEW });
      },
      incidentRevoke: () => fail('platform_error', 'The platform refused the revocation.'),
    });
    const store = createIncidentStore(f.api);
    await store.getState().identify(LEAKED);
    await store.getState().previewContain('rotate');
    assert.deepEqual(await store.getState().contain('Riverbend Florist'), { ok: true, secret: NEW });
    assert.equal(selectIncident(store.getState())?.state, 'rotated');
    noSecretIn(store.getState());
    await store.getState().previewContain('revoke');
    assert.deepEqual(await store.getState().contain('Riverbend Florist'), { ok: false, secret: null });
    assertErrorSentence(selectIncidentError(store.getState()), 'platform_error', 'The platform refused the revocation.');
  });

  it('the pack is verified right after it is written', async () => {
    const f = fakeApi({
      incidentIdentify: () => ok({ incident: inc(), candidates: 1, workspacesSearched: 1, sentence: 'found' }),
      incidentActivity: () => ok(activity),
      incidentList: () => ok({ incidents: [inc()] }),
      incidentPack: () => ok({ path: '/x/incident-1', manifestPath: '/x/incident-1/incident-manifest.json', files: 6, sentence: 'The evidence pack holds 6 files.' }),
      auditVerify: (i) => {
        assert.deepEqual(i, { manifest: '/x/incident-1/incident-manifest.json' });
        return ok({ ok: true, manifestPath: '/x/incident-1/incident-manifest.json', exportId: 'inc_0123456789abcdef', checks: [{ name: 'files', ok: true, detail: '6 files' }] });
      },
    });
    const store = createIncidentStore(f.api);
    await store.getState().identify(LEAKED);
    await store.getState().writePack();
    assert.deepEqual(selectIncidentPack(store.getState())?.verified, { ok: true, checks: 1, failed: [] });
  });
});
