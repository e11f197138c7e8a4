// Workspace groups on the Workspaces screen: the policy file's groups (their members as the last check found them) and
// local tags, as one filter; and each workspace's policy violation count for its column.
import { useEffect, useMemo } from 'react';
import { selectPolicyResult, selectPolicyTags, violationCountsByWorkspace } from '../../stores/policy-store.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';

export interface GroupOption {
  /** 'g:<group>' for a policy group, 't:<tag>' for a local tag */
  key: string;
  label: string;
  members: ReadonlySet<string>;
}

export function usePolicyGroups() {
  const { policy } = useStores();
  const result = useSelect(policy, selectPolicyResult);
  const tags = useSelect(policy, selectPolicyTags);
  useEffect(() => {
    void policy.getState().load();
    return policy.getState().connect();
  }, [policy]);
  const options = useMemo<GroupOption[]>(() => {
    const groups = (result?.groups ?? []).map((g) => ({ key: `g:${g.name}`, label: `Group: ${g.name} (${g.workspaces})`, members: new Set(g.members.map((m) => m.id)) }));
    const byTag = new Map<string, Set<string>>();
    for (const t of tags) (byTag.get(t.tag) ?? byTag.set(t.tag, new Set()).get(t.tag)!).add(t.workspaceId);
    const tagOptions = [...byTag].sort(([a], [b]) => a.localeCompare(b)).map(([tag, members]) => ({ key: `t:${tag}`, label: `Tag: ${tag} (${members.size})`, members }));
    return [...groups, ...tagOptions];
  }, [result, tags]);
  const violations = useMemo(() => (result ? violationCountsByWorkspace(result.violations) : null), [result]);
  return { options, violations };
}

/** The toolbar's group filter (only when the policy file or a tag defines groups). */
export function GroupFilter({ options, value, onChange }: { options: readonly GroupOption[]; value: string; onChange(key: string): void }) {
  if (options.length === 0) return null;
  return (
    <select aria-label="Filter by group" className="input ws-filter" value={value} onChange={(e) => onChange(e.target.value)} data-testid="ws-group-filter">
      <option value="">All groups and tags</option>
      {options.map((o) => (
        <option key={o.key} value={o.key}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

/** One row's Policy cell: its violation count, linking to the Policy screen. */
export function PolicyCell({ count, workspaceName }: { count: number; workspaceName: string }) {
  return (
    <td className="nowrap" data-testid="ws-policy">
      {count > 0 ? (
        <a href="#/policy" title={`Violations of the policy file in ${workspaceName}`}>
          {count} violation{count === 1 ? '' : 's'}
        </a>
      ) : (
        <span className="muted">None</span>
      )}
    </td>
  );
}
