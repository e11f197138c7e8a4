// The Calendar's policy items: the dated rules a credential will break within the window (a secret reaching the policy's
// maximum age), soonest first, each linking to its fix; and the violations open today, a link to the Policy screen.
import { useMemo } from 'react';
import { credentialTypeWords, POLICY_RULE_WORDS } from '../../../../src-common/contract/index.ts';
import type { PolicyGroups } from '../../components/GroupFilter.tsx';
import { selectPolicyResult } from '../../stores/policy-store.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { when } from '../rotation/dates.ts';
import { fixHref } from '../policy/fix-links.ts';

export function PolicyDeadlines({ groups, workspace, withinDays, now }: { groups: PolicyGroups; workspace: string; withinDays: number; now: number }) {
  const { policy } = useStores();
  const result = useSelect(policy, selectPolicyResult);
  const members = groups.members;
  const { items, open } = useMemo(() => {
    const keep = (id: string) => (!members || members.has(id)) && (!workspace || id === workspace);
    return {
      items: (result?.upcoming ?? []).filter((d) => keep(d.workspaceId) && Date.parse(d.at) - now <= withinDays * 86_400_000),
      open: (result?.violations ?? []).filter((v) => keep(v.workspaceId)).length,
    };
  }, [result, members, workspace, withinDays, now]);
  if (!result) return null;
  return (
    <div className="section" data-testid="calendar-policy" data-count={items.length} data-open={open}>
      <h2 className="section-title">
        Policy deadlines ({items.length}){groups.selected ? ` in ${groups.selected.name}` : ''}
      </h2>
      <p className="muted" data-testid="calendar-policy-open">
        {open === 0 ? 'No policy violation is open today.' : <a href="#/policy">{`${open} policy violation${open === 1 ? ' is' : 's are'} open today`}</a>}
        {' · '}dated rules of the policy file: when a credential will break them unless it is fixed first.
      </p>
      {items.length === 0 ? (
        <p className="muted panel">No credential breaks a dated rule in the next {withinDays} days.</p>
      ) : (
        <div className="panel">
          {items.map((d) => {
            const w = when(d.at, now);
            const href = fixHref(d);
            return (
              <div key={d.id} className="cal-item" data-testid="calendar-policy-item" data-rule={d.rule} data-workspace={d.workspaceId} data-credential={d.credentialId}>
                <span className="cal-when warning" title={w?.title}>
                  {w?.text ?? 'date unknown'}
                </span>
                <span className="cal-what" title={d.message}>
                  <strong>
                    {credentialTypeWords(d.credentialType)} “{d.credentialName}” breaks {POLICY_RULE_WORDS[d.rule]}
                  </strong>
                  <span className="muted">
                    {' '}
                    · {d.workspaceName} · group {d.group}
                  </span>
                </span>
                {href ? (
                  <a className="button cal-action" href={href} data-testid="calendar-policy-fix">
                    {d.fix.label}
                  </a>
                ) : (
                  <span className="muted cal-action">{d.fix.label}</span>
                )}
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}
