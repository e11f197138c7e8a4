// CLI tables put names first and ids last, whatever order the contract's output lists them in (issue 13: names, not ids).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnOrder, formatHuman } from '../../src-main/cli/format.ts';

test('names first, ids last, the rest in the contract order', () => {
  assert.deepEqual(columnOrder(['id', 'name', 'platformId', 'status', 'workspaceName', 'workspaceId', 'scopes']), ['name', 'workspaceName', 'status', 'scopes', 'id', 'platformId', 'workspaceId']);
});

test('a workspaces table reads name first and the id at the end of the row', () => {
  const out = formatHuman([
    { id: 'ws_a1b2c3d4', name: 'Acme Corp', status: 'connected' },
    { id: 'ws_e5f6g7h8', name: 'Globex', status: 'needs_reconsent' },
  ]);
  const [header, first] = out.split('\n');
  assert.match(header!, /^name\s+status\s+id$/);
  assert.match(first!, /^Acme Corp\s+connected\s+ws_a1b2c3d4$/);
});
