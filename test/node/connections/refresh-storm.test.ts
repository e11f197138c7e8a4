// Refresh storm: 200 workspaces × 10 concurrent calls with expired access tokens → exactly one refresh per workspace and no
// invalid_grant (a reuse detection would revoke the grant and answer invalid_grant). Real sandbox, real keychain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStorm } from '../../support/refresh-storm.ts';
import { NO_KEYRING_REASON } from './harness.ts';

test('200 workspaces × 10 concurrent calls: one refresh per workspace, 0 reuse', { skip: NO_KEYRING_REASON, timeout: 90_000 }, async () => {
  const r = await runStorm({ workspaces: 200, calls: 10, keychain: true });
  assert.equal(r.failedCalls, 0);
  assert.equal(r.invalidGrant, 0, 'no reuse detection');
  assert.equal(r.refreshPosts, 200, 'exactly one refresh POST per workspace');
  assert.equal(r.sandboxRefreshes, 200, 'the platform itself spent exactly one refresh token per workspace');
  assert.ok([...r.refreshesPerWorkspace.values()].every((n) => n === 1), 'every workspace went from generation 1 to 2');
  console.log(`storm: ${r.workspaces}×${r.callsPerWorkspace} in ${Math.round(r.stormMs)} ms, ${r.refreshPosts} refreshes (connect ${Math.round(r.connectMs)} ms, ${r.backend})`);
});
