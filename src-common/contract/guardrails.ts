// Guardrails after creation: the proposal an edit makes (scopes, IP allowlist, expiry, rate limit) and the dry run that
// replays a credential's cached calls of the last N days against it. Shared by keys.ts (keys.edit*) and clients.ts
// (clients.edit*). A dry run never calls the platform: it reads the audit and inventory caches only.
import { z } from 'zod';
import { ipAllowlistSchema, scopeListSchema } from './ids.ts';

/** what an edit may change on an API key; an omitted field keeps its current value */
export const keyGuardrailsInputFields = {
  scopes: scopeListSchema.optional(),
  /** the whole new allowlist ([] lets every address in) */
  ipAllowlist: ipAllowlistSchema.optional(),
  /** the key expires this many days from now (the platform's cap is 3650) */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
  /** the key no longer expires */
  removeExpiry: z.boolean().optional(),
  rateLimitPerMinute: z.number().int().min(1).max(100_000).optional(),
  /** the key is no longer rate limited */
  removeRateLimit: z.boolean().optional(),
};

/** a credential's guardrails as a dry run compares them */
export const guardrailSetSchema = z.object({
  scopes: z.array(z.string()),
  ipAllowlist: z.array(z.string()),
  expiresAt: z.string().nullable(),
  rateLimitPerMinute: z.number().nullable(),
});
export type GuardrailSet = z.infer<typeof guardrailSetSchema>;

export const REFUSAL_REASONS = ['scope', 'ip', 'rate'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** one cached call the proposed guardrails would have refused */
export const refusedCallSchema = z.object({
  at: z.string(),
  method: z.string(),
  endpoint: z.string(),
  callerIp: z.string().nullable(),
  /** scope: 403 insufficient_scope; ip: 401 ip_not_allowed; rate: 429 rate_limited */
  reason: z.enum(REFUSAL_REASONS),
  /** the status the platform would answer */
  wouldAnswer: z.number(),
  /** the scope the call needed (reason scope) */
  requiredScope: z.string().nullable(),
  /** the status the platform answered at the time */
  answered: z.number().nullable(),
  /** answered then (status < 400), refused under the proposal */
  newlyRefused: z.boolean(),
  /** why, in words */
  why: z.string(),
  seq: z.number().int(),
  eventId: z.string(),
});
export type RefusedCall = z.infer<typeof refusedCallSchema>;

export const refusalCountsSchema = z.object({ scope: z.number().int(), ip: z.number().int(), rate: z.number().int(), total: z.number().int() });

/** one credential's replay: exact counts, and at most 50 of the refused calls (newly refused first, newest first) */
export const credentialReplaySchema = z.object({
  credentialId: z.string(),
  credentialName: z.string(),
  /** 'this': the credential edited; 'predecessor': a key it was rotated from, whose callers moved to it */
  relation: z.enum(['this', 'predecessor']),
  calls: z.number().int(),
  refused: refusalCountsSchema,
  /** refused under the proposal although the platform answered them at the time */
  newlyRefused: z.number().int(),
  refusedCalls: z.array(refusedCallSchema).max(50),
});
export type CredentialReplay = z.infer<typeof credentialReplaySchema>;

export const guardrailsDryRunSchema = z.object({
  workspaceId: z.string(),
  workspaceName: z.string(),
  credentialId: z.string(),
  credentialName: z.string(),
  credentialType: z.enum(['api_key', 'machine_client']),
  current: guardrailSetSchema,
  proposed: guardrailSetSchema,
  /** what the edit changes, in words ("Scopes: drop deals:write") */
  changes: z.array(z.string()),
  sinceDays: z.number().int(),
  since: z.string(),
  /** the last cached call of the workspace: calls after the last audit sync are not judged */
  cacheUntil: z.string().nullable(),
  /** a sentence when the judgement is partial (audit cache empty or shorter than asked, no route → scope table) */
  warnings: z.array(z.string()),
  /** false: the platform publishes no route → scope table yet (sync the inventory), so scope refusals were not judged */
  scopesJudged: z.boolean(),
  credentials: z.array(credentialReplaySchema),
  totals: z.object({ calls: z.number().int(), refused: refusalCountsSchema, newlyRefused: z.number().int() }),
  /** the synced scope catalogue, for an editor offering scopes to add (empty: never synced) */
  catalogue: z.array(z.object({ name: z.string(), description: z.string() })),
});
export type GuardrailsDryRun = z.infer<typeof guardrailsDryRunSchema>;

/** the dry run's look-back, in days (default 30) */
export const sinceDaysSchema = z.number().int().min(1).max(365);

const n = (x: number) => x.toLocaleString('en-US');
const plural = (x: number, one: string, many = `${one}s`) => `${n(x)} ${x === 1 ? one : many}`;
const REASON_WORDS: Record<RefusalReason, string> = { scope: 'scope (403)', ip: 'IP allowlist (401)', rate: 'rate limit (429)' };
const countsText = (c: { scope: number; ip: number; rate: number }) =>
  REFUSAL_REASONS.filter((r) => c[r] > 0)
    .map((r) => `${n(c[r])} ${REASON_WORDS[r]}`)
    .join(', ') || 'none';
const setText = (g: GuardrailSet) =>
  `scopes ${g.scopes.join(', ') || '(none)'}; IP allowlist ${g.ipAllowlist.join(', ') || 'any address'}; expiry ${g.expiresAt ?? 'none'}; rate limit ${g.rateLimitPerMinute === null ? 'none' : `${n(g.rateLimitPerMinute)} per minute`}`;

/** The CLI's text for a dry run (`keys edit --dry-run`, `clients edit --dry-run`): totals first, then each credential's refused calls. */
export function renderDryRun(output: unknown): string {
  const d = output as GuardrailsDryRun;
  const lines: string[] = [];
  lines.push(`Dry run for ${d.credentialName} (${d.credentialId}) in ${d.workspaceName}: the cached calls of the last ${plural(d.sinceDays, 'day')}${d.cacheUntil ? `, up to the newest cached call (${d.cacheUntil}; sync the audit log for later ones)` : ''}.`);
  lines.push(d.changes.length ? `Changes: ${d.changes.join('; ')}.` : 'Changes: none (the current guardrails, replayed).');
  lines.push(`Proposed: ${setText(d.proposed)}.`);
  for (const w of d.warnings) lines.push(`Warning: ${w}`);
  lines.push(
    `Would have refused ${n(d.totals.refused.total)} of ${plural(d.totals.calls, 'call')}: ${countsText(d.totals.refused)}${d.totals.refused.total ? `; ${n(d.totals.newlyRefused)} of them were answered at the time` : ''}.`,
  );
  for (const c of d.credentials) {
    lines.push('');
    lines.push(`${c.credentialName} (${c.relation === 'this' ? 'this credential' : 'rotated from it; its callers moved over'}, ${c.credentialId}): ${plural(c.calls, 'call')}, refused ${n(c.refused.total)} — ${countsText(c.refused)}.`);
    for (const r of c.refusedCalls) lines.push(`  ${r.at}  ${r.method} ${r.endpoint}  from ${r.callerIp ?? '-'}  → ${r.wouldAnswer}${r.newlyRefused ? ' (answered then)' : ''}: ${r.why}`);
    if (c.refused.total > c.refusedCalls.length) lines.push(`  … and ${n(c.refused.total - c.refusedCalls.length)} more (the totals above are exact).`);
  }
  return lines.join('\n');
}
