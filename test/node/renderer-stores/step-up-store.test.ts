// The step-up store: a notice per waiting sign-in (several at once in a bulk operation), gone when it ends either way;
// an unsubscribe that really unsubscribes; nothing but names and words in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStepUpStore } from '../../../src-renderer/src/stores/step-up-store.ts';
import { fakeApi } from './fake-api.ts';

const ev = (id: string, workspaceName: string, state: 'waiting' | 'done' | 'failed') => ({
  id,
  workspaceId: `ws_${id}`,
  workspaceName,
  action: 'creating an API key',
  state,
  message: `${workspaceName} requires a fresh MFA sign-in for creating an API key; finish it in your browser.`,
});

test('waiting sign-ins are listed oldest first; done and failed remove theirs; unsubscribe stops updates', () => {
  const f = fakeApi({});
  const s = createStepUpStore(f.api);
  const off = s.getState().connect();
  f.emit('stepUp.status', ev('a', 'Acme Retail', 'waiting'));
  f.emit('stepUp.status', ev('b', 'Blue Harbor', 'waiting'));
  assert.deepEqual(s.getState().waiting.map((w) => w.workspaceName), ['Acme Retail', 'Blue Harbor']);
  // a repeated waiting event for the same sign-in does not stack
  f.emit('stepUp.status', ev('a', 'Acme Retail', 'waiting'));
  assert.equal(s.getState().waiting.length, 2);
  f.emit('stepUp.status', ev('a', 'Acme Retail', 'done'));
  f.emit('stepUp.status', ev('b', 'Blue Harbor', 'failed'));
  assert.deepEqual(s.getState().waiting, []);
  off();
  assert.equal(f.listeners(), 0);
  f.emit('stepUp.status', ev('c', 'Cedar', 'waiting'));
  assert.deepEqual(s.getState().waiting, []);
  f.assertCalls([]);
});
