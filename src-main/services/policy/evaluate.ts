// Evaluates a policy against the cached state: every rule of every group a workspace belongs to, per credential. Pure: the
// caller passes the cache's facts and the clock; the same inputs give the same violations in the same order.
import { createHash } from 'node:crypto';
import type { PolicyDeadline, PolicyFix, PolicyRule, PolicyViolation } from '../../../src-common/contract/policy.ts';
import { credentialTypeWords } from '../../../src-common/contract/credential-words.ts';
import { ALL_WORKSPACES, PLANS, ruleLineKey, type ParsedPolicy, type Plan, type PolicyRules } from './policy-file.ts';

export interface PolicyWorkspace {
  id: string;
  name: string;
  tags: readonly string[];
  /** null: the plan is not known on this machine yet (the check's --sync fetches it) */
  plan: Plan | null;
}
export interface PolicyCredential {
  workspaceId: string;
  id: string;
  type: 'api_key' | 'app' | 'machine_client' | 'service_token';
  name: string;
  status: string;
  scopes: readonly string[];
  ipAllowlist: readonly string[];
  expiresAt: string | null;
  createdAt: string | null;
  secretCreatedAt: string | null;
  rateLimitPerMinute: number | null;
  clientId: string | null;
}
export interface PolicyReview {
  reviewId: string;
  workspaceId: string;
  reviewerName: string;
  createdAt: string;
  expiresAt: string;
}
export interface PolicyFacts {
  workspaces: readonly PolicyWorkspace[];
  credentials: readonly PolicyCredential[];
  /** bundle name → scopes, per workspace */
  bundles: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
  reviews: readonly PolicyReview[];
  nowMs: number;
}

export interface GroupMembership {
  name: string;
  rules: PolicyRules;
  workspaces: PolicyWorkspace[];
}

const DAY = 86_400_000;
/** how far ahead the Calendar is told of dated rules */
const DEADLINE_HORIZON_DAYS = 365;
/** The states that can call the platform: revoked, expired and disabled credentials hold nothing until re-enabled (a
 * disabled machine client that is enabled again is checked again). */
const LIVE = new Set(['active', 'rotating']);

export function globToRegExp(glob: string): RegExp {
  const body = [...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'iu');
}

/** Which workspaces each group holds ("All workspaces" first when the file has top-level rules). */
export function groupsOf(p: ParsedPolicy, workspaces: readonly PolicyWorkspace[]): GroupMembership[] {
  const out: GroupMembership[] = [];
  if (p.policy.rules) out.push({ name: ALL_WORKSPACES, rules: p.policy.rules, workspaces: [...workspaces] });
  for (const [name, g] of Object.entries(p.policy.groups ?? {})) {
    const ids = new Set(g.match.ids ?? []);
    const names = (g.match.names ?? []).map(globToRegExp);
    const tags = new Set(g.match.tags ?? []);
    out.push({ name, rules: g.rules, workspaces: workspaces.filter((w) => ids.has(w.id) || names.some((r) => r.test(w.name)) || w.tags.some((t) => tags.has(t))) });
  }
  return out;
}

const q = (s: string) => JSON.stringify(s);

function scopeFix(c: PolicyCredential, ws: PolicyWorkspace, wanted: readonly string[]): PolicyFix {
  if (c.type === 'api_key') return { kind: 'edit_guardrails', label: 'Edit guardrails', cli: `grantdesk keys edit ${ws.id} ${c.id} --scopes ${wanted.join(',') || '<scopes>'}` };
  if (c.type === 'app' && c.clientId === 'grantdesk-desktop') return { kind: 'reconsent', label: 'Re-consent with fewer scopes', cli: `grantdesk reconsent plan ${ws.id}` };
  // the platform has no revocation for service tokens: they end at their expiry (5–60 minutes)
  if (c.type === 'service_token') return { kind: 'let_expire', label: `Let it expire${c.expiresAt ? ` (${c.expiresAt.slice(11, 16)} UTC)` : ''} and mint narrower ones`, cli: `grantdesk service-token mint ${ws.id} --scopes ${wanted.join(',') || '<scopes>'}` };
  return { kind: 'revoke', label: `Revoke this ${credentialTypeWords(c.type, true)}`, cli: `grantdesk revoke ${ws.id} ${c.id} --yes` };
}
const guardrailFix = (c: PolicyCredential, ws: PolicyWorkspace, flag: string): PolicyFix => ({
  kind: 'edit_guardrails',
  label: 'Edit guardrails',
  cli: `grantdesk ${c.type === 'api_key' ? 'keys' : 'clients'} edit ${ws.id} ${c.id} ${flag}`,
});

export function evaluate(p: ParsedPolicy, facts: PolicyFacts) {
  const groups = groupsOf(p, facts.workspaces);
  const byWs = new Map<string, PolicyCredential[]>();
  for (const c of facts.credentials) if (LIVE.has(c.status)) (byWs.get(c.workspaceId) ?? byWs.set(c.workspaceId, []).get(c.workspaceId)!).push(c);
  const violations: PolicyViolation[] = [];
  const upcoming: PolicyDeadline[] = [];
  const unchecked: { rule: PolicyRule; group: string; workspaceId: string; workspaceName: string; reason: string }[] = [];
  let credentialsChecked = 0;
  const seenCreds = new Set<string>();

  for (const g of groups) {
    for (const ws of g.workspaces) {
      const creds = byWs.get(ws.id) ?? [];
      for (const c of creds) seenCreds.add(`${c.workspaceId}/${c.id}`);
      const add = (rule: PolicyRule, c: PolicyCredential | null, message: string, fix: PolicyFix, detail = '', scopes: readonly string[] = []) => {
        const id = createHash('sha256').update([rule, g.name, ws.id, c?.id ?? '', detail].join('\u0000')).digest('hex').slice(0, 24);
        violations.push({
          id,
          rule,
          group: g.name,
          workspaceId: ws.id,
          workspaceName: ws.name,
          credentialId: c?.id ?? null,
          credentialName: c?.name ?? null,
          credentialType: c?.type ?? null,
          message,
          fix,
          line: p.ruleLines.get(ruleLineKey(g.name, rule)) ?? null,
          scopes: [...scopes],
        });
      };
      const r = g.rules;
      const who = (c: PolicyCredential) => `${credentialTypeWords(c.type)} ${q(c.name)} in ${ws.name}`;

      if (r.allowed_scopes) {
        const allowed = new Set(r.allowed_scopes);
        for (const c of creds) {
          const extra = c.scopes.filter((s) => !allowed.has(s));
          if (extra.length) add('allowed_scopes', c, `${who(c)} holds ${extra.length} scope${extra.length === 1 ? '' : 's'} the ${g.name} policy does not allow: ${extra.join(', ')}.`, scopeFix(c, ws, c.scopes.filter((s) => allowed.has(s))), extra.join(','), extra);
        }
      }
      if (r.forbidden_scopes) {
        const forbidden = new Set(r.forbidden_scopes);
        for (const c of creds) {
          const bad = c.scopes.filter((s) => forbidden.has(s));
          if (bad.length) add('forbidden_scopes', c, `${who(c)} holds ${bad.join(', ')}, which the ${g.name} policy forbids.`, scopeFix(c, ws, c.scopes.filter((s) => !forbidden.has(s))), bad.join(','), bad);
        }
      }
      if (r.baseline_bundle) {
        const bundle = facts.bundles.get(ws.id)?.get(r.baseline_bundle);
        if (!bundle) {
          add('baseline_bundle', null, `${ws.name} has no scope bundle named ${q(r.baseline_bundle)}, the ${g.name} baseline.`, { kind: 'push_bundle', label: 'Push the bundle', cli: `grantdesk bundles push ${q(r.baseline_bundle)} ${ws.id}` });
        } else {
          const base = new Set(bundle);
          for (const c of creds) {
            const extra = c.scopes.filter((s) => !base.has(s) && s !== 'openid' && s !== 'offline_access');
            if (extra.length) add('baseline_bundle', c, `${who(c)} holds ${extra.join(', ')} beyond the ${q(r.baseline_bundle)} baseline.`, scopeFix(c, ws, c.scopes.filter((s) => base.has(s))), extra.join(','), extra);
          }
        }
      }
      const keys = creds.filter((c) => c.type === 'api_key');
      if (r.require_expiry) for (const c of keys) if (!c.expiresAt) add('require_expiry', c, `${who(c)} never expires; the ${g.name} policy requires an expiry.`, guardrailFix(c, ws, `--expires-in-days ${r.max_key_lifetime_days ?? 90}`));
      if (r.max_key_lifetime_days) {
        for (const c of keys) {
          if (!c.expiresAt || !c.createdAt) continue;
          const life = Math.ceil((Date.parse(c.expiresAt) - Date.parse(c.createdAt)) / DAY);
          if (life > r.max_key_lifetime_days) add('max_key_lifetime_days', c, `${who(c)} lives ${life} days (created to expiry); the ${g.name} maximum is ${r.max_key_lifetime_days}.`, guardrailFix(c, ws, `--expires-in-days ${r.max_key_lifetime_days}`));
        }
      }
      if (r.ip_allowlist_required_for) {
        const actions = new Set(r.ip_allowlist_required_for);
        for (const c of creds) {
          if (c.type !== 'api_key' && c.type !== 'machine_client') continue;
          const needing = c.scopes.filter((s) => actions.has(s.split(':')[1] as 'read'));
          if (needing.length && c.ipAllowlist.length === 0) add('ip_allowlist_required_for', c, `${who(c)} holds ${needing.join(', ')} without an IP allowlist; the ${g.name} policy requires one for ${[...actions].join('/')} scopes.`, guardrailFix(c, ws, '--ip-allowlist <cidr,…>'), '', needing);
        }
      }
      if (r.max_secret_age_days) {
        for (const c of creds) {
          const born = c.type === 'machine_client' ? (c.secretCreatedAt ?? c.createdAt) : c.type === 'api_key' ? c.createdAt : null;
          if (!born || c.status === 'rotating') continue;
          const age = Math.floor((facts.nowMs - Date.parse(born)) / DAY);
          const fix: PolicyFix = { kind: 'rotate', label: 'Rotate', cli: c.type === 'api_key' ? `grantdesk rotation start ${ws.id} ${c.id}` : `grantdesk clients rotate ${ws.id} ${c.id}` };
          if (age > r.max_secret_age_days) add('max_secret_age_days', c, `${who(c)} has a ${age}-day-old secret; the ${g.name} maximum is ${r.max_secret_age_days} days.`, fix);
          else {
            // the day it breaks the rule: the first whole day past the maximum (the Calendar's policy deadlines)
            const atMs = Date.parse(born) + (r.max_secret_age_days + 1) * DAY;
            if (atMs - facts.nowMs <= DEADLINE_HORIZON_DAYS * DAY)
              upcoming.push({ id: createHash('sha256').update(['deadline', 'max_secret_age_days', g.name, ws.id, c.id].join('\u0000')).digest('hex').slice(0, 24), rule: 'max_secret_age_days', group: g.name, workspaceId: ws.id, workspaceName: ws.name, credentialId: c.id, credentialName: c.name, credentialType: c.type, at: new Date(atMs).toISOString(), message: `${who(c)}: its secret passes the ${g.name} maximum of ${r.max_secret_age_days} days; rotate it before then.`, fix });
          }
        }
      }
      if (r.max_rate_limit_per_minute) {
        for (const c of keys)
          if (c.rateLimitPerMinute !== null && c.rateLimitPerMinute > r.max_rate_limit_per_minute)
            add('max_rate_limit_per_minute', c, `${who(c)} may call ${c.rateLimitPerMinute} times a minute; the ${g.name} ceiling is ${r.max_rate_limit_per_minute}.`, guardrailFix(c, ws, `--rate-limit-per-minute ${r.max_rate_limit_per_minute}`));
      }
      if (r.max_review_days) {
        for (const rv of facts.reviews.filter((x) => x.workspaceId === ws.id && Date.parse(x.expiresAt) > facts.nowMs)) {
          const len = Math.ceil((Date.parse(rv.expiresAt) - Date.parse(rv.createdAt)) / DAY);
          if (len > r.max_review_days)
            add('max_review_days', null, `The review for ${rv.reviewerName} in ${ws.name} lasts ${len} days; the ${g.name} maximum is ${r.max_review_days}.`, { kind: 'end_review', label: 'End the review', cli: `grantdesk review revoke ${ws.id} ${rv.reviewId}` }, rv.reviewId);
        }
      }
      if (r.required_plan) {
        if (ws.plan === null) unchecked.push({ rule: 'required_plan', group: g.name, workspaceId: ws.id, workspaceName: ws.name, reason: `the plan of ${ws.name} is not known on this machine yet; run grantdesk check --sync` });
        else if (PLANS.indexOf(ws.plan) < PLANS.indexOf(r.required_plan))
          add('required_plan', null, `${ws.name} is on the ${ws.plan} plan; the ${g.name} policy requires ${r.required_plan} or above (MFA on sensitive actions).`, { kind: 'upgrade_plan', label: 'Upgrade the plan', cli: `(upgrade ${ws.name} to ${r.required_plan} in the platform's billing settings)` });
      }
    }
  }
  credentialsChecked = seenCreds.size;
  violations.sort((a, b) => a.workspaceName.localeCompare(b.workspaceName) || a.group.localeCompare(b.group) || a.rule.localeCompare(b.rule) || (a.credentialName ?? '').localeCompare(b.credentialName ?? '') || a.id.localeCompare(b.id));
  upcoming.sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
  return { groups, violations, unchecked, credentialsChecked, upcoming };
}
