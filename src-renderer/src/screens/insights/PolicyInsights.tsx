// Insights' policy panel: the followed policy file's violations (of the chosen workspace group) counted by rule in
// words, and each violation with the link to its fix. The full list, per group, is the Policy screen.
import { useMemo } from 'react';
import { POLICY_RULE_WORDS, POLICY_RULES, type PolicyViolation } from '../../../../src-common/contract/index.ts';
import type { PolicyGroups } from '../../components/GroupFilter.tsx';
import { selectPolicyResult } from '../../stores/policy-store.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { fixHref } from '../policy/fix-links.ts';

/** the first violations listed here; the rest are a click away on the Policy screen */
const SHOWN = 5;

export function PolicyInsights({ groups, workspace }: { groups: PolicyGroups; workspace: string }) {
  const { policy } = useStores();
  const result = useSelect(policy, selectPolicyResult);
  const vs = useMemo<PolicyViolation[]>(
    () => (result?.violations ?? []).filter((v) => (!groups.members || groups.members.has(v.workspaceId)) && (!workspace || v.workspaceId === workspace)),
    [result, groups.members, workspace],
  );
  if (!result) return null;
  const byRule = POLICY_RULES.map((r) => [r, vs.filter((v) => v.rule === r).length] as const).filter(([, n]) => n > 0);
  return (
    <section className="panel in-policy" aria-labelledby="in-policy-title" data-testid="insights-policy" data-count={vs.length}>
      <h2 id="in-policy-title" className="section-title">
        Policy: {vs.length === 0 ? 'no violations' : `${vs.length.toLocaleString()} violation${vs.length === 1 ? '' : 's'}`}
        {groups.selected ? ` in ${groups.selected.name}` : ''}
      </h2>
      {byRule.length > 0 && (
        <ul className="in-kinds policy-rule-counts" aria-label="Violations by rule">
          {byRule.map(([r, n]) => (
            <li key={r} className="chip" data-testid="insights-policy-rule" data-rule={r} data-count={n}>
              {POLICY_RULE_WORDS[r]} ({n})
            </li>
          ))}
        </ul>
      )}
      <ul className="policy-marks-list">
        {vs.slice(0, SHOWN).map((v) => {
          const href = fixHref(v);
          return (
            <li key={v.id} data-testid="insights-policy-item" data-rule={v.rule} data-workspace={v.workspaceId}>
              <strong>{POLICY_RULE_WORDS[v.rule]}</strong> <span className="muted">· {v.workspaceName} · group {v.group}</span>
              <div>{v.message}</div>
              {href ? (
                <a href={href} data-testid="insights-policy-fix">
                  {v.fix.label}
                </a>
              ) : (
                <span className="muted">Fix: {v.fix.label}</span>
              )}
            </li>
          );
        })}
      </ul>
      {vs.length > SHOWN && (
        <p className="muted">
          {vs.length - SHOWN} more on the <a href="#/policy">Policy screen</a>.
        </p>
      )}
    </section>
  );
}
