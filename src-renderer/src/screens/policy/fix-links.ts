// Where a policy violation is fixed in the app: the screen that holds the tool, deep-linked to the credential.
import type { PolicyViolation } from '../../../../src-common/contract/index.ts';

/** a violation's fix, or a dated rule's (the Calendar's policy deadlines) */
export function fixHref(v: Pick<PolicyViolation, 'workspaceId' | 'credentialId' | 'credentialType' | 'fix'>): string | null {
  const q = new URLSearchParams({ workspace: v.workspaceId });
  switch (v.fix.kind) {
    case 'edit_guardrails':
    case 'revoke':
    case 'let_expire':
      if (!v.credentialId) return null;
      q.set('credential', v.credentialId);
      return `#/credentials?${q.toString()}`;
    case 'rotate':
      if (!v.credentialId) return null;
      q.set(v.credentialType === 'machine_client' ? 'client' : 'key', v.credentialId);
      return `#/rotation?${q.toString()}`;
    case 'reconsent':
      q.set('reconsent', '1');
      return `#/rotation?${q.toString()}`;
    case 'end_review':
      return '#/reviews';
    case 'push_bundle':
      return '#/scope-matrix';
    case 'upgrade_plan':
      return null;
  }
}
