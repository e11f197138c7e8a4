// Workspace groups in the renderer, in plain Node: the shared group choice (policy store), the options it offers (the
// policy file's groups with their baseline bundle, then local tags), and the matrix of one group (only its workspaces,
// column totals over them, judged against the group's baseline bundle instead of the agency's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Matrix, PolicyCheckResult } from '../../../src-common/contract/index.ts';
import { createPolicyStore, groupOptions } from '../../../src-renderer/src/stores/policy-store.ts';
import { groupBaseline, matrixForGroup } from '../../../src-renderer/src/screens/matrix/matrix-group.ts';
import { fakeApi } from './fake-api.ts';

const result = {
  policyFile: 'p.yaml', policySha256: 'x', checkedAt: '2026-12-01T00:00:00.000Z', workspacesChecked: 3, credentialsChecked: 0, violations: [], unchecked: [], upcoming: [], stale: [], exitCode: 0,
  groups: [{ name: 'Analytics', workspaces: 2, members: [{ id: 'ws_a', name: 'A' }, { id: 'ws_b', name: 'B' }], baselineBundle: 'Read only' }],
} satisfies PolicyCheckResult;

test('group options: policy groups (with their baseline) then tags; the choice is one store value for every screen', async () => {
  const opts = groupOptions(result, [{ workspaceId: 'ws_c', workspaceName: 'C', tag: 'retail' }, { workspaceId: 'ws_a', workspaceName: 'A', tag: 'retail' }]);
  assert.deepEqual(opts.map((o) => [o.key, o.label, [...o.members].sort(), o.baselineBundle]), [
    ['g:Analytics', 'Group: Analytics (2)', ['ws_a', 'ws_b'], 'Read only'],
    ['t:retail', 'Tag: retail (2)', ['ws_a', 'ws_c'], null],
  ]);
  const store = createPolicyStore(fakeApi({}).api);
  assert.equal(store.getState().groupFilter, '');
  store.getState().setGroupFilter('g:Analytics');
  assert.equal(store.getState().groupFilter, 'g:Analytics');
});

const cred = (id: string, scopes: string[]) => ({ id, scopes, overGrants: [], drift: [] }) as unknown as Matrix['workspaces'][number]['credentials'][number];
const ws = (id: string, counts: number[], creds: ReturnType<typeof cred>[], syncedAt: string) =>
  ({ id, name: id, connection: 'connected', sync: { syncedAt, ageSeconds: 1, state: 'ok' }, reviewedAt: null, columnCounts: counts, total: counts.filter(Boolean).length, credentialCount: creds.length, hasDrift: false, credentials: creds }) as unknown as Matrix['workspaces'][number];
const col = (scope: string, total: number) => ({ scope, resource: scope.split(':')[0]!, action: scope.split(':')[1]!, description: scope, total, inBaseline: false });

test('the matrix of one group: its workspaces, totals over them, its baseline bundle judges the cells', () => {
  const m = {
    generatedAt: '2026-12-01T00:00:00.000Z', depth: 'credentials', baseline: null, counts: {} as Matrix['counts'],
    columns: [col('contacts:read', 3), col('contacts:delete', 2)],
    bundles: [{ name: 'Read only', scopes: ['contacts:read'], workspaces: 2 }, { name: 'Read only', scopes: ['contacts:read', 'contacts:delete'], workspaces: 1 }],
    workspaces: [
      ws('ws_a', [1, 1], [cred('k1', ['contacts:read', 'contacts:delete', 'openid'])], '2026-11-30T00:00:00.000Z'),
      ws('ws_b', [1, 0], [cred('k2', ['contacts:read'])], '2026-11-29T00:00:00.000Z'),
      ws('ws_c', [1, 1], [cred('k3', ['contacts:read', 'contacts:delete'])], '2026-11-01T00:00:00.000Z'),
    ],
    totals: { workspaces: 3, credentials: 3, grants: 5, overGrants: 0, drift: 0 },
    oldestSyncAt: '2026-11-01T00:00:00.000Z',
  } as Matrix;
  assert.equal(matrixForGroup(m, null, null), m, 'no group: the matrix as it is');
  const base = groupBaseline(m, 'Analytics', 'Read only');
  assert.deepEqual(base, { group: 'Analytics', bundle: 'Read only', scopes: ['contacts:read'] }, 'the version most workspaces hold');
  const g = matrixForGroup(m, new Set(['ws_a', 'ws_b']), base);
  assert.deepEqual(g.workspaces.map((w) => w.id), ['ws_a', 'ws_b']);
  assert.deepEqual(g.columns.map((c) => [c.scope, c.total, c.inBaseline]), [['contacts:read', 2, true], ['contacts:delete', 1, false]]);
  assert.deepEqual(g.workspaces[0]!.credentials[0]!.overGrants, ['contacts:delete'], 'beyond the bundle (openid is never counted)');
  assert.deepEqual(g.totals, { workspaces: 2, credentials: 2, grants: 3, overGrants: 1, drift: 0 });
  assert.equal(g.oldestSyncAt, '2026-11-29T00:00:00.000Z');
  assert.deepEqual(g.baseline?.scopes, ['contacts:read']);
  assert.equal(groupBaseline(m, 'Analytics', 'Missing')?.scopes, null, 'a bundle no workspace holds yet');
});
