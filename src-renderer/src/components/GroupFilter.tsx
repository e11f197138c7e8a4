// Workspace groups as one filter for every screen: the policy file's groups (their members as the last check found them)
// and local tags. The choice lives in the policy store, so picking a group on Workspaces keeps it on the matrix,
// Credentials, Insights and the Calendar (each says which group it shows).
import { useEffect, useMemo } from 'react';
import { groupOptions, selectGroupFilter, selectPolicyResult, selectPolicyTags, violationCountsByWorkspace, type GroupOption } from '../stores/policy-store.ts';
import { useSelect, useStores } from '../stores/use-store.ts';
import { indexViolations, type PolicyMarks } from './PolicyMarks.tsx';

export interface PolicyGroups {
  options: GroupOption[];
  /** the chosen option's key ('' = all workspaces) */
  value: string;
  /** the chosen group or tag (null = all workspaces, or the group is gone from the file) */
  selected: GroupOption | null;
  /** the chosen group's workspace ids (null = no filter) */
  members: ReadonlySet<string> | null;
  /** policy violations per workspace id (null = no policy file followed) */
  violations: Map<string, number> | null;
  /** where each violation is shown (null = no policy file followed) */
  marks: PolicyMarks | null;
  setValue(key: string): void;
}

export function usePolicyGroups(): PolicyGroups {
  const { policy } = useStores();
  const result = useSelect(policy, selectPolicyResult);
  const tags = useSelect(policy, selectPolicyTags);
  const value = useSelect(policy, selectGroupFilter);
  useEffect(() => {
    void policy.getState().load();
    return policy.getState().connect();
  }, [policy]);
  const options = useMemo(() => groupOptions(result, tags), [result, tags]);
  const selected = options.find((o) => o.key === value) ?? null;
  const violations = useMemo(() => (result ? violationCountsByWorkspace(result.violations) : null), [result]);
  const marks = useMemo(() => (result ? indexViolations(result.violations) : null), [result]);
  return { options, value, selected, members: selected?.members ?? null, violations, marks, setValue: (k) => policy.getState().setGroupFilter(k) };
}

/** The violation marks alone, for parts of a screen whose screen already follows the policy (the credential drawer):
 * no second load or subscription. */
export function usePolicyMarks(): PolicyMarks | null {
  const { policy } = useStores();
  const result = useSelect(policy, selectPolicyResult);
  return useMemo(() => (result ? indexViolations(result.violations) : null), [result]);
}

/** The toolbar's group filter (only when the policy file or a tag defines groups); `label` wraps it in a visible label
 * (`labelClass` its class), so no label stands alone when there are no groups. */
export function GroupFilter({ groups, testId = 'group-filter', className = 'input', label, labelClass }: { groups: PolicyGroups; testId?: string; className?: string; label?: string; labelClass?: string }) {
  if (groups.options.length === 0) return null;
  const select = (
    <select aria-label="Filter by group" className={className} value={groups.selected ? groups.value : ''} onChange={(e) => groups.setValue(e.target.value)} data-testid={testId}>
      <option value="">All groups and tags</option>
      {groups.options.map((o) => (
        <option key={o.key} value={o.key}>
          {o.label}
        </option>
      ))}
    </select>
  );
  if (!label) return select;
  return (
    <label className={labelClass}>
      {labelClass === 'filter-field' ? <span className="field-label">{label}</span> : label}
      {select}
    </label>
  );
}
