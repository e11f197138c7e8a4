// Contract commands `insights.*`: least-privilege insights from the audit cache (drafts, never applied). Merged in index.ts.
import { z } from 'zod';
import { command } from './define.ts';
import { workspaceFilterSchema } from './ids.ts';

export const INSIGHT_KINDS = ['unused_scopes', 'stable_ips', 'no_expiry', 'old_key', 'contact_share', 'never_used'] as const;
export const insightSchema = z.object({
  id: z.string(),
  kind: z.enum(INSIGHT_KINDS),
  risk: z.number().int().min(0).max(100),
  severity: z.enum(['high', 'medium', 'low']),
  workspaceId: z.string(),
  workspaceName: z.string(),
  credentialId: z.string(),
  credentialName: z.string(),
  credentialType: z.string(),
  title: z.string(),
  detail: z.string(),
  /** a draft, never applied automatically */
  suggestion: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('narrow_scopes'), keep: z.array(z.string()), remove: z.array(z.string()) }),
    z.object({ kind: z.literal('ip_allowlist'), cidrs: z.array(z.string()), ips: z.array(z.string()) }),
    z.object({ kind: z.literal('set_expiry'), days: z.number().int() }),
    z.object({ kind: z.literal('rotate') }),
    z.object({ kind: z.literal('investigate'), contacts: z.number().int(), share: z.number() }),
    z.object({ kind: z.literal('revoke') }),
  ]),
  /** where the fix lives: a screen route and the contract command that would apply it */
  fix: z.object({ label: z.string(), route: z.string(), command: z.string() }),
  /** the audit explorer filters that show the events behind this finding (ISO instants; endpoint may end with `*`) */
  investigate: z.object({ endpoint: z.string().nullable(), from: z.string(), to: z.string() }),
});
export type Insight = z.infer<typeof insightSchema>;

export const insightsReportSchema = z.object({
  generatedAt: z.string(),
  windowDays: z.number().int(),
  coverage: z.object({ from: z.string().nullable(), to: z.string().nullable(), days: z.number(), warning: z.string().nullable() }),
  items: z.array(insightSchema),
  /** draft scope bundles per credential (the narrower grant), for the re-consent wizard or the key editor */
  drafts: z.array(z.object({ workspaceId: z.string(), credentialId: z.string(), credentialType: z.string(), scopes: z.array(z.string()) })),
  /** the slice of credentials this report covers (ordered by workspace name, credential name, id): ask again from nextOffset for the rest */
  page: z.object({ offset: z.number().int(), nextOffset: z.number().int().nullable(), credentials: z.number().int() }),
});
export type InsightsReport = z.infer<typeof insightsReportSchema>;

export const insightsCommands = {
  'insights.list': command({
    input: z
      .object({
        windowDays: z.number().int().min(1).max(365).optional(),
        workspace: workspaceFilterSchema.optional(),
        /** page through the credentials (first content fast): the first credential of this page, and how many */
        offset: z.number().int().min(0).optional(),
        limit: z.number().int().min(1).max(100_000).optional(),
      })
      .strict(),
    output: insightsReportSchema,
    mutates: false,
    cli: { words: ['insights'], summary: 'Least-privilege insights from the audit cache: unused scopes, stable caller IPs, keys without expiry or old, unusual contact access' },
  }),
} as const;
