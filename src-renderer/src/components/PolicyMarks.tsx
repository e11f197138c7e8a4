// Policy violations where the credential is shown: an index of the followed policy file's violations by workspace, by
// credential and by (credential, scope), and the mark itself — the failing rule in words (POLICY_RULE_WORDS), linking to
// the screen that fixes it. The matrix, Credentials and the credential drawer share these.
import { POLICY_RULE_WORDS, type PolicyViolation } from '../../../src-common/contract/index.ts';
import { fixHref } from '../screens/policy/fix-links.ts';
import './policy-marks.css';

export interface PolicyMarks {
  /** violations of a credential: key `${workspaceId}|${credentialId}` */
  byCredential: ReadonlyMap<string, PolicyViolation[]>;
  /** violations that name a scope of a credential: key `${workspaceId}|${credentialId}|${scope}` */
  byCell: ReadonlyMap<string, PolicyViolation[]>;
  /** every violation of a workspace (its credentials' and its own, e.g. the plan) */
  byWorkspace: ReadonlyMap<string, PolicyViolation[]>;
}

const push = <K,>(m: Map<K, PolicyViolation[]>, k: K, v: PolicyViolation) => (m.get(k) ?? m.set(k, []).get(k)!).push(v);

export function indexViolations(violations: readonly PolicyViolation[]): PolicyMarks {
  const byCredential = new Map<string, PolicyViolation[]>();
  const byCell = new Map<string, PolicyViolation[]>();
  const byWorkspace = new Map<string, PolicyViolation[]>();
  for (const v of violations) {
    push(byWorkspace, v.workspaceId, v);
    if (!v.credentialId) continue;
    push(byCredential, `${v.workspaceId}|${v.credentialId}`, v);
    for (const s of v.scopes) push(byCell, `${v.workspaceId}|${v.credentialId}|${s}`, v);
  }
  return { byCredential, byCell, byWorkspace };
}

/** the failing rules in words, each once: "No forbidden scopes; API keys expire" */
export function ruleWords(vs: readonly PolicyViolation[]): string {
  return [...new Set(vs.map((v) => POLICY_RULE_WORDS[v.rule]))].join('; ');
}

/** A row's mark: the rules it breaks, linking to the first violation's fix (the Policy screen when it has none here).
 * `compact` (the matrix's name column, where the credential's name comes first): "Policy" and the number of rules, the
 * rules' words in its accessible name and tooltip. */
export function PolicyMark({ violations, testId, compact = false }: { violations: readonly PolicyViolation[]; testId: string; compact?: boolean }) {
  const first = violations[0];
  if (!first) return null;
  const words = ruleWords(violations);
  const href = fixHref(first) ?? '#/policy';
  const title = `Breaks the policy: ${violations.map((v) => `${POLICY_RULE_WORDS[v.rule]} (group ${v.group}): ${v.message}`).join(' ')} Fix: ${first.fix.label}.`;
  return (
    <a
      className={`tag tag-policy${compact ? ' tag-policy-compact' : ''}`}
      href={href}
      title={title}
      aria-label={`Breaks the policy: ${words}. Fix: ${first.fix.label}`}
      onClick={(e) => e.stopPropagation()}
      data-testid={testId}
      data-rules={violations.map((v) => v.rule).join(' ')}
    >
      {compact ? `Policy${new Set(violations.map((v) => v.rule)).size > 1 ? ` ×${new Set(violations.map((v) => v.rule)).size}` : ''}` : `Policy: ${words}`}
    </a>
  );
}
