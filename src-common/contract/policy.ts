// Contract commands `policy.*`: the agency's policy file (groups of workspaces, per-group rules) checked against the cache.
// `grantdesk check` is `policy.check`. The policy file's own schema lives with the policy domain (services/policy): the
// contract carries what a check found, never the file's text.
import { z } from 'zod';
import { command } from './define.ts';
import { workspaceIdSchema } from './ids.ts';

export const POLICY_RULES = [
  'allowed_scopes',
  'forbidden_scopes',
  'baseline_bundle',
  'require_expiry',
  'max_key_lifetime_days',
  'ip_allowlist_required_for',
  'max_secret_age_days',
  'max_review_days',
  'max_rate_limit_per_minute',
  'required_plan',
] as const;
export const policyRuleSchema = z.enum(POLICY_RULES);
export type PolicyRule = z.infer<typeof policyRuleSchema>;

/** Each rule in words (reports, the Policy screen). */
export const POLICY_RULE_WORDS: Record<PolicyRule, string> = {
  allowed_scopes: 'Only allowed scopes',
  forbidden_scopes: 'No forbidden scopes',
  baseline_bundle: 'Within the baseline bundle',
  require_expiry: 'API keys expire',
  max_key_lifetime_days: 'Maximum API key lifetime',
  ip_allowlist_required_for: 'IP allowlist for write/delete scopes',
  max_secret_age_days: 'Maximum secret age',
  max_review_days: 'Maximum review duration',
  max_rate_limit_per_minute: 'Rate-limit ceiling',
  required_plan: 'Required plan (MFA)',
};

/** What fixes a violation, as the app offers it: the command a link runs and its words. */
export const policyFixSchema = z.object({
  kind: z.enum(['edit_guardrails', 'rotate', 'revoke', 'reconsent', 'push_bundle', 'end_review', 'upgrade_plan', 'let_expire']),
  /** the button's words, e.g. "Edit guardrails" */
  label: z.string(),
  /** the CLI command that fixes it, for CI logs */
  cli: z.string(),
});
export type PolicyFix = z.infer<typeof policyFixSchema>;

export const policyViolationSchema = z.object({
  /** stable across checks while the cause is the same (rule, group, workspace, credential, detail) */
  id: z.string(),
  rule: policyRuleSchema,
  group: z.string(),
  workspaceId: z.string(),
  workspaceName: z.string(),
  credentialId: z.string().nullable(),
  credentialName: z.string().nullable(),
  credentialType: z.string().nullable(),
  /** a sentence: what breaks the rule, with the numbers */
  message: z.string(),
  fix: policyFixSchema,
  /** where the rule is written in the policy file (1-based) */
  line: z.number().int().nullable(),
  /** the scopes that break the rule (the matrix marks these cells); empty for rules not about scopes */
  scopes: z.array(z.string()),
});
export type PolicyViolation = z.infer<typeof policyViolationSchema>;

/** When a credential that keeps the policy today will break a dated rule, unless it is fixed first. */
export const policyDeadlineSchema = z.object({
  id: z.string(),
  rule: policyRuleSchema,
  group: z.string(),
  workspaceId: z.string(),
  workspaceName: z.string(),
  credentialId: z.string(),
  credentialName: z.string(),
  credentialType: z.string(),
  /** when it breaks the rule */
  at: z.string(),
  /** a sentence: what happens then */
  message: z.string(),
  fix: policyFixSchema,
});
export type PolicyDeadline = z.infer<typeof policyDeadlineSchema>;

export const policyCheckResultSchema = z.object({
  policyFile: z.string(),
  /** SHA-256 of the policy file's bytes: which version of the policy this result is for */
  policySha256: z.string(),
  checkedAt: z.string(),
  groups: z.array(
    z.object({
      name: z.string(),
      workspaces: z.number().int(),
      members: z.array(z.object({ id: z.string(), name: z.string() })),
      /** the group's `baseline_bundle` rule: the bundle its workspaces' credentials stay within (null: none) */
      baselineBundle: z.string().nullable(),
    }),
  ),
  workspacesChecked: z.number().int(),
  credentialsChecked: z.number().int(),
  violations: z.array(policyViolationSchema),
  /** rules that could not be evaluated for a workspace, each with the reason (never silently skipped) */
  unchecked: z.array(z.object({ rule: policyRuleSchema, group: z.string(), workspaceId: z.string(), workspaceName: z.string(), reason: z.string() })),
  /** dated rules that a credential will break (a secret reaching its maximum age): the Calendar lists them */
  upcoming: z.array(policyDeadlineSchema),
  /** workspaces whose cached inventory is older than the allowed age (or never synced) */
  stale: z.array(z.object({ workspaceId: z.string(), workspaceName: z.string(), syncedAt: z.string().nullable() })),
  /** 0 clean, 1 violations, 2 stale cache beyond --max-age */
  exitCode: z.union([z.literal(0), z.literal(1), z.literal(2)]),
});
export type PolicyCheckResult = z.infer<typeof policyCheckResultSchema>;

const durationSchema = z
  .string()
  .max(12)
  .regex(/^[1-9][0-9]{0,5}(m|h|d)$/, 'write a duration like 30m, 24h or 7d');

export const policyCommands = {
  'policy.check': command({
    input: z
      .object({
        /** the policy file (the CLI's own path; other callers check the file set with `grantdesk policy use`) */
        policy: z.string().min(1).max(4096).optional(),
        /** fail (exit 2) when a workspace's cached inventory is older than this */
        maxAge: durationSchema.optional(),
        /** sync every connected workspace first */
        sync: z.boolean().optional(),
        format: z.enum(['text', 'json', 'junit', 'sarif']).optional(),
      })
      .strict(),
    output: policyCheckResultSchema.extend({ format: z.enum(['text', 'json', 'junit', 'sarif']), report: z.string() }),
    mutates: false,
    cli: {
      words: ['check'],
      summary:
        'Check the cached state against a policy file, e.g. --policy grantdesk.policy.yaml --max-age 24h --format junit > policy.xml; exit 0 clean, 1 violations, 2 usage or a stale cache',
      render: (o) => (o as { report: string }).report,
      exitCode: (o) => (o as { exitCode: number }).exitCode,
    },
  }),
  'policy.violations': command({
    input: z.object({}).strict(),
    output: z.object({
      /** null: no policy file is set on this machine */
      result: policyCheckResultSchema.nullable(),
      /** the policy file set on this machine, and why it cannot be read when it cannot */
      file: z.string().nullable(),
      problem: z.string().nullable(),
    }),
    mutates: false,
    cli: { words: ['policy', 'violations'], summary: 'The violations of the policy file set with `grantdesk policy use`, against the cache' },
  }),
  'policy.use': command({
    input: z
      .object({ file: z.string().min(1).max(4096).optional(), clear: z.boolean().optional() })
      .strict()
      .refine((i) => (i.file === undefined) !== (i.clear === undefined), { message: 'name a policy file, or pass --clear to stop using one' }),
    output: z.object({ file: z.string().nullable() }),
    mutates: true,
    cli: { words: ['policy', 'use'], positionals: ['file'], summary: 'Point this Grantdesk at a policy file (checked first; the app re-reads it when it changes), or --clear' },
  }),
  'policy.tags': command({
    input: z.object({}).strict(),
    output: z.object({ tags: z.array(z.object({ workspaceId: z.string(), workspaceName: z.string(), tag: z.string() })) }),
    mutates: false,
    cli: { words: ['tags', 'list'], summary: 'Local workspace tags (policy groups can match them)' },
  }),
  'policy.tag': command({
    input: z
      .object({
        workspace: workspaceIdSchema,
        tag: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a tag is lowercase letters, digits, - and _ (at most 40)'),
        remove: z.boolean().optional(),
      })
      .strict(),
    output: z.object({ tags: z.array(z.object({ workspaceId: z.string(), workspaceName: z.string(), tag: z.string() })) }),
    mutates: true,
    cli: { words: ['tags', 'set'], positionals: ['workspace', 'tag'], summary: 'Tag a workspace on this machine (--remove to untag), e.g. ws_a retail' },
  }),
} as const;
