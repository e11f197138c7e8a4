// The Calendar's policy items: the dated rules a credential will break within the window (a secret reaching the policy's
// maximum age) stand in the dated list with the other deadlines (PolicyRow, in their month, each linking to its fix);
// above the list, how many policy deadlines it holds and the violations open today (a link to the Policy screen, which
// shows the same group).
import { useMemo } from 'react';
import { credentialTypeWords, POLICY_RULE_WORDS, type PolicyDeadline } from '../../../../src-common/contract/index.ts';
import type { PolicyGroups } from '../../components/GroupFilter.tsx';
import { selectPolicyResult } from '../../stores/policy-store.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { when } from '../rotation/dates.ts';
import { fixHref } from '../policy/fix-links.ts';

/** the policy deadlines the calendar shows: in the chosen group and workspace, within the window */
export function usePolicyDeadlines(groups: PolicyGroups, workspace: string, withinDays: number, now: number): { items: PolicyDeadline[]; open: number; followed: boolean } {
  const { policy } = useStores();
  const result = useSelect(policy, selectPolicyResult);
  const members = groups.members;
  return useMemo(() => {
    const keep = (id: string) => (!members || members.has(id)) && (!workspace || id === workspace);
    return {
      items: (result?.upcoming ?? []).filter((d) => keep(d.workspaceId) && Date.parse(d.at) - now <= withinDays * 86_400_000),
      open: (result?.violations ?? []).filter((v) => keep(v.workspaceId)).length,
      followed: result !== null,
    };
  }, [result, members, workspace, withinDays, now]);
}

export function PolicySummary({ count, open, groups, workspace, withinDays }: { count: number; open: number; groups: PolicyGroups; workspace: string; withinDays: number }) {
  // the Policy screen shows the same group; the calendar's workspace filter goes along, so the count there is this one
  const href = workspace ? `#/policy?${new URLSearchParams({ workspace }).toString()}` : '#/policy';
  return (
    <p className="muted" data-testid="calendar-policy" data-count={count} data-open={open}>
      {count === 0 ? `No credential breaks a dated policy rule in the next ${withinDays} days` : `${count} policy deadline${count === 1 ? '' : 's'} in the list below`}
      {groups.selected ? ` in ${groups.selected.name}` : ''}
      {' · '}
      <span data-testid="calendar-policy-open">
        {open === 0 ? 'no policy violation is open today' : <a href={href} data-testid="calendar-policy-open-link">{`${open} policy violation${open === 1 ? ' is' : 's are'} open today`}</a>}
      </span>
      .
    </p>
  );
}

export function PolicyRow({ d, now }: { d: PolicyDeadline; now: number }) {
  const w = when(d.at, now);
  const href = fixHref(d);
  return (
    <div className="cal-item cal-item-policy" data-testid="calendar-policy-item" data-rule={d.rule} data-workspace={d.workspaceId} data-credential={d.credentialId}>
      <span className="cal-when warning" title={w?.title}>
        {w?.text ?? 'date unknown'}
      </span>
      <span className="cal-what" title={`${d.message} (${d.workspaceName}, rule of ${d.group})`}>
        <strong>
          {credentialTypeWords(d.credentialType)} “{d.credentialName}” breaks {POLICY_RULE_WORDS[d.rule]}
        </strong>
        <span className="muted">
          {' '}
          · {d.workspaceName} · Policy deadline
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
}
