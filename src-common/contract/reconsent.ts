// Contract commands `reconsent.*`: the before/after plan for re-consenting a workspace grant. Merged in index.ts.
import { z } from 'zod';
import { command } from './define.ts';
import { scopeNameSchema, workspaceRefSchema } from './ids.ts';

export const reconsentCommands = {
  'reconsent.plan': command({
    input: z.object({ workspace: workspaceRefSchema, scopes: z.array(scopeNameSchema).max(100).optional(), drop: z.array(scopeNameSchema).max(100).optional() }).strict(),
    output: z.object({
      workspaceId: z.string(),
      workspaceName: z.string(),
      before: z.array(z.string()),
      after: z.array(z.string()),
      added: z.array(z.string()),
      removed: z.array(z.string()),
      /** scopes Grantdesk itself needs for its features (removing them disables that feature) */
      requiredByGrantdesk: z.array(z.object({ scope: z.string(), feature: z.string() })),
      warnings: z.array(z.string()),
      /** the command that runs the PKCE flow again with `after` */
      handoff: z.object({ command: z.string(), available: z.boolean(), input: z.object({ workspace: z.string(), scopes: z.array(z.string()) }) }),
    }),
    mutates: false,
    cli: { words: ['reconsent', 'plan'], positionals: ['workspace'], summary: 'Before/after scopes for re-consenting a workspace grant (--drop a,b or --scopes a,b)' },
  }),
} as const;
