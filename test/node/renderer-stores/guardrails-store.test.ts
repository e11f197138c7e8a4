// The guardrails store (Edit guardrails dialog) in plain Node over a fake api: a check runs the dry run for the target's
// type; Apply sends exactly the proposal the last dry run judged and nothing else (a changed proposal, or no check, sends
// nothing); a check answered after the dialog closed or after a newer check is dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuardrailsDryRun } from '../../../src-common/contract/index.ts';
import { createGuardrailsStore } from '../../../src-renderer/src/stores/guardrails-store.ts';
import { fakeApi } from './fake-api.ts';

const dry = (n: number): GuardrailsDryRun => ({
  workspaceId: 'ws_a', workspaceName: 'Acme', credentialId: 'key_1', credentialName: 'billing', credentialType: 'api_key',
  current: { scopes: ['contacts:read'], ipAllowlist: [], expiresAt: null, rateLimitPerMinute: null },
  proposed: { scopes: ['contacts:read'], ipAllowlist: ['198.51.100.0/24'], expiresAt: null, rateLimitPerMinute: null },
  changes: ['IP allowlist: 198.51.100.0/24 (was any address)'], sinceDays: 30, since: '2026-11-01T00:00:00.000Z', cacheUntil: null, warnings: [], scopesJudged: true,
  credentials: [], totals: { calls: n, refused: { scope: 0, ip: n, rate: 0, total: n }, newlyRefused: n }, catalogue: [],
});

test('Apply sends exactly the checked proposal; an unchecked or changed one sends nothing', async () => {
  const f = fakeApi({
    keysEditDryRun: async () => ({ ok: true, value: dry(2) }),
    keysEdit: async () => ({ ok: true, value: { workspaceId: 'ws_a', workspaceName: 'Acme', key: {} as never, before: dry(0).current, after: dry(0).proposed, changes: ['IP allowlist: 198.51.100.0/24 (was any address)'], note: null } }),
  });
  const s = createGuardrailsStore(f.api);
  s.getState().open({ workspaceId: 'ws_a', credentialId: 'key_1', type: 'api_key' });
  assert.equal(await s.getState().apply({ ipAllowlist: ['198.51.100.0/24'] }), false, 'not checked yet');
  f.assertCalls([]);
  await s.getState().check({ ipAllowlist: ['198.51.100.0/24'] });
  assert.equal(s.getState().dryRun?.totals.refused.ip, 2);
  assert.equal(await s.getState().apply({ ipAllowlist: ['198.51.100.0/25'] }), false, 'a different proposal than the one checked');
  assert.equal(await s.getState().apply({ ipAllowlist: ['198.51.100.0/24'] }), true);
  f.assertCalls(['keysEditDryRun', 'keysEdit']);
  assert.deepEqual(f.calls[1]![1], { workspace: 'ws_a', key: 'key_1', ipAllowlist: ['198.51.100.0/24'] });
  assert.deepEqual(s.getState().applied?.changes, ['IP allowlist: 198.51.100.0/24 (was any address)']);
});

test('a machine client checks and edits through clients.*; a late answer after close is dropped', async () => {
  let release: () => void = () => {};
  const f = fakeApi({
    clientsEditDryRun: () => new Promise((r) => (release = () => r({ ok: true, value: { ...dry(1), credentialType: 'machine_client' } }))),
  });
  const s = createGuardrailsStore(f.api);
  s.getState().open({ workspaceId: 'ws_a', credentialId: 'mc_1', type: 'machine_client' });
  const pending = s.getState().check({ ipAllowlist: ['203.0.113.0/24'] });
  s.getState().close();
  release();
  await pending;
  assert.equal(s.getState().dryRun, null, 'the closed dialog shows nothing late');
  assert.deepEqual(f.calls[0], ['clientsEditDryRun', { workspace: 'ws_a', clientId: 'mc_1', ipAllowlist: ['203.0.113.0/24'], sinceDays: 30 }]);
});
