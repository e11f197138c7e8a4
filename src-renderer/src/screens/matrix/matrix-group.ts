// The scope matrix of one workspace group (a policy group or a local tag), computed from the whole matrix in the tab:
// only the group's workspaces, column totals and counts over them, and — for a policy group with a `baseline_bundle`
// rule — that bundle as the baseline the cells are judged against (over-grants and ✓ columns), instead of the agency's.
import type { Matrix } from '../../../../src-common/contract/index.ts';

/** scopes every credential may hold whatever the bundle says (the policy domain does not count them either) */
const ALWAYS = new Set(['openid', 'offline_access']);

export interface GroupBaseline {
  group: string;
  bundle: string;
  /** null: no workspace of the group has a bundle of that name in the cache */
  scopes: readonly string[] | null;
}

/** the group's baseline bundle as the cache holds it: the version most of the group's workspaces share */
export function groupBaseline(matrix: Matrix, group: string, bundle: string | null): GroupBaseline | null {
  if (!bundle) return null;
  const best = matrix.bundles.filter((b) => b.name === bundle).sort((a, b) => b.workspaces - a.workspaces)[0];
  return { group, bundle, scopes: best?.scopes ?? null };
}

export function matrixForGroup(matrix: Matrix, members: ReadonlySet<string> | null, baseline: GroupBaseline | null): Matrix {
  if (!members && !baseline) return matrix;
  const workspaces0 = members ? matrix.workspaces.filter((w) => members.has(w.id)) : matrix.workspaces;
  const base = baseline?.scopes ? new Set(baseline.scopes) : null;
  const workspaces = base
    ? workspaces0.map((w) => ({ ...w, credentials: w.credentials.map((c) => ({ ...c, overGrants: c.scopes.filter((s) => !base.has(s) && !ALWAYS.has(s)) })) }))
    : workspaces0;
  const columns = matrix.columns.map((c, i) => ({
    ...c,
    total: workspaces.reduce((n, w) => n + (w.columnCounts[i] ?? 0), 0),
    inBaseline: base ? base.has(c.scope) : c.inBaseline,
  }));
  const creds = workspaces.flatMap((w) => w.credentials);
  const synced = workspaces.map((w) => w.sync.syncedAt).filter((s): s is string => s !== null).sort();
  return {
    ...matrix,
    columns,
    workspaces,
    baseline: base && baseline ? { name: baseline.bundle, scopes: [...base], setAt: matrix.generatedAt } : matrix.baseline,
    totals: {
      workspaces: workspaces.length,
      credentials: workspaces.reduce((n, w) => n + w.credentialCount, 0),
      grants: workspaces.reduce((n, w) => n + w.columnCounts.reduce((a, b) => a + b, 0), 0),
      overGrants: creds.reduce((n, c) => n + c.overGrants.length, 0),
      drift: creds.reduce((n, c) => n + c.drift.length, 0),
    },
    oldestSyncAt: synced[0] ?? null,
  };
}
