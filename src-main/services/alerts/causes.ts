// What is wrong right now, as alert causes. Pure: facts in, causes out. A cause's `id` is stable while the same thing is
// wrong; its `fingerprint` changes when the cause changes (a new expiry, more tamper alarms, a higher quota band), which
// is when it is sent again.
import { createHash } from 'node:crypto';
import type { Alert } from '../../../src-common/contract/alerts.ts';
import { credentialTypeWords } from '../../../src-common/contract/credential-words.ts';

export interface AlertFacts {
  nowMs: number;
  withinDays: number;
  workspaces: { id: string; name: string; status: string }[];
  credentials: { workspaceId: string; id: string; type: string; name: string; status: string; expiresAt: string | null; graceEndsAt: string | null }[];
  reviews: { reviewId: string; workspaceId: string; workspaceName: string | null; side: 'issued' | 'redeemed'; reviewerName: string | null; expiresAt: string }[];
  audit: { workspaceId: string; gaps: number; tamper: number }[];
  quotas: { workspaceId: string; id: string; name: string; used: number; quota: number }[];
  violations: { id: string; workspaceId: string; workspaceName: string; message: string; fix: { label: string } ; group: string }[];
}

export type Cause = Omit<Alert, 'firstSeenAt' | 'snoozedUntil'> & { fingerprint: string };

const DAY = 86_400_000;
const hash = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24);
const inDays = (ms: number, now: number) => {
  const d = Math.ceil((ms - now) / DAY);
  return d <= 0 ? 'today' : d === 1 ? 'in 1 day' : `in ${d} days`;
};
const day = (iso: string) => iso.slice(0, 10);

export function currentCauses(f: AlertFacts): Cause[] {
  const names = new Map(f.workspaces.map((w) => [w.id, w.name]));
  const wsName = (id: string) => names.get(id) ?? id;
  const horizon = f.nowMs + f.withinDays * DAY;
  const out: Cause[] = [];
  const add = (c: Omit<Cause, 'id'> & { key: string[] }) => {
    const { key, ...rest } = c;
    out.push({ id: `al_${hash(c.kind, ...key)}`, ...rest });
  };

  for (const c of f.credentials) {
    if (c.type === 'service_token') continue; // minutes-long by design: their end is not news
    if ((c.status === 'active' || c.status === 'disabled') && c.expiresAt) {
      const at = Date.parse(c.expiresAt);
      if (at > f.nowMs && at <= horizon)
        add({ key: [c.workspaceId, c.id], kind: 'credential_expiring', severity: at - f.nowMs <= 3 * DAY ? 'critical' : 'warning', workspaceId: c.workspaceId, workspaceName: wsName(c.workspaceId), title: `${credentialTypeWords(c.type)} “${c.name}” in ${wsName(c.workspaceId)} expires ${inDays(at, f.nowMs)} (${day(c.expiresAt)})`, detail: 'Rotate it before it expires, or extend its expiry with Edit guardrails.', dueAt: c.expiresAt, screen: 'rotation', fingerprint: c.expiresAt });
    }
    if (c.status === 'rotating' && c.graceEndsAt) {
      const at = Date.parse(c.graceEndsAt);
      if (at > f.nowMs && at <= horizon)
        add({ key: [c.workspaceId, c.id], kind: 'grace_ending', severity: 'warning', workspaceId: c.workspaceId, workspaceName: wsName(c.workspaceId), title: `The old secret of “${c.name}” in ${wsName(c.workspaceId)} stops working ${inDays(at, f.nowMs)} (${day(c.graceEndsAt)})`, detail: 'Check in the rotation wizard that every caller moved to the new secret.', dueAt: c.graceEndsAt, screen: 'rotation', fingerprint: c.graceEndsAt });
    }
  }
  for (const r of f.reviews) {
    const at = Date.parse(r.expiresAt);
    if (at <= f.nowMs || at > horizon) continue;
    const who = r.side === 'issued' ? `The review by ${r.reviewerName ?? 'an auditor'}` : 'Your review access';
    add({ key: [r.workspaceId, r.reviewId], kind: 'review_ending', severity: 'warning', workspaceId: r.workspaceId, workspaceName: r.workspaceName ?? wsName(r.workspaceId), title: `${who} in ${r.workspaceName ?? wsName(r.workspaceId)} ends ${inDays(at, f.nowMs)} (${day(r.expiresAt)})`, detail: r.side === 'issued' ? 'Extend it or issue a new review if the auditor needs more time.' : 'Finish and export evidence before it ends.', dueAt: r.expiresAt, screen: 'reviews', fingerprint: r.expiresAt });
  }
  for (const w of f.workspaces) {
    if (w.status === 'needs_reconsent')
      add({ key: [w.id], kind: 'grant_needs_reconsent', severity: 'critical', workspaceId: w.id, workspaceName: w.name, title: `Grantdesk lost access to ${w.name}: the workspace grant needs re-consent`, detail: 'Reconnect the workspace (Workspaces → Reconnect) to grant access again.', dueAt: null, screen: 'workspaces', fingerprint: 'needs_reconsent' });
  }
  for (const a of f.audit) {
    if (a.tamper > 0)
      add({ key: [a.workspaceId], kind: 'chain_tamper', severity: 'critical', workspaceId: a.workspaceId, workspaceName: wsName(a.workspaceId), title: `The audit log of ${wsName(a.workspaceId)} failed its tamper check (${a.tamper} alarm${a.tamper === 1 ? '' : 's'})`, detail: 'Keep the cache as evidence and contact the platform; the audit explorer shows where the chain broke.', dueAt: null, screen: 'audit', fingerprint: String(a.tamper) });
    if (a.gaps > 0)
      add({ key: [a.workspaceId], kind: 'chain_gap', severity: 'warning', workspaceId: a.workspaceId, workspaceName: wsName(a.workspaceId), title: `The audit log of ${wsName(a.workspaceId)} has ${a.gaps} gap${a.gaps === 1 ? '' : 's'}`, detail: 'Sync again; if the gap stays, the platform lost events — the audit explorer lists the missing ranges.', dueAt: null, screen: 'audit', fingerprint: String(a.gaps) });
  }
  for (const q of f.quotas) {
    if (q.quota <= 0) continue;
    const pct = Math.floor((q.used / q.quota) * 100);
    if (pct < 80) continue;
    const band = pct >= 100 ? '100' : pct >= 90 ? '90' : '80';
    const today = new Date(f.nowMs).toISOString().slice(0, 10);
    add({ key: [q.workspaceId, q.id], kind: 'quota_high', severity: pct >= 100 ? 'critical' : 'warning', workspaceId: q.workspaceId, workspaceName: wsName(q.workspaceId), title: `Machine client “${q.name}” in ${wsName(q.workspaceId)} used ${pct} % of its daily quota (${q.used} of ${q.quota})`, detail: pct >= 100 ? 'Its token requests are refused until midnight UTC; raise the quota or spread the calls.' : 'It will be refused at 100 % until midnight UTC.', dueAt: null, screen: 'clients', fingerprint: `${today}/${band}` });
  }
  for (const v of f.violations)
    add({ key: [v.id], kind: 'policy_violation', severity: 'warning', workspaceId: v.workspaceId, workspaceName: v.workspaceName, title: `Policy (${v.group}): ${v.message}`, detail: `Fix: ${v.fix.label}.`, dueAt: null, screen: 'credentials', fingerprint: v.id });
  return out.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1) || a.workspaceName.localeCompare(b.workspaceName) || a.title.localeCompare(b.title));
}
