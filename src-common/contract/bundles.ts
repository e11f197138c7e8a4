// Contract commands `bundles.*`: a workspace's reusable scope bundles (live from the platform), and pushing one agency
// bundle to many workspaces with a result per workspace. The matrix baseline picks from the synced bundles
// (inventory.setBaseline). Merged in index.ts.
import { z } from 'zod';
import { appErrorSchema } from './errors.ts';
import { command } from './define.ts';
import { bundleRefSchema, scopeListSchema, workspaceRefSchema } from './ids.ts';

export const scopeBundleSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  scopes: z.array(z.string()),
  createdAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export type ScopeBundle = z.infer<typeof scopeBundleSchema>;

const bundleName = z.string().trim().min(1).max(200);
const bundleDescription = z.string().max(2000);

export const BUNDLE_PUSH_OUTCOMES = ['created', 'updated', 'unchanged', 'failed'] as const;
export const bundlePushResultSchema = z.object({
  workspaceId: z.string(),
  workspaceName: z.string(),
  outcome: z.enum(BUNDLE_PUSH_OUTCOMES),
  /** the bundle in that workspace (null when the push failed before it existed there) */
  bundleId: z.string().nullable(),
  /** the failure as a sentence with its remedy */
  error: appErrorSchema.nullable(),
});
export type BundlePushResult = z.infer<typeof bundlePushResultSchema>;
export const bundlePushSchema = z.object({
  name: z.string(),
  scopes: z.array(z.string()),
  description: z.string().nullable(),
  /** where the definition came from, in words ("Northwind Dental's bundle", "the scopes given") */
  source: z.string(),
  results: z.array(bundlePushResultSchema),
  counts: z.object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), failed: z.number().int() }),
  /** a sentence when some workspaces' local inventory could not be re-read after the push */
  note: z.string().nullable(),
});
export type BundlePush = z.infer<typeof bundlePushSchema>;

const OUTCOME_WORDS: Record<(typeof BUNDLE_PUSH_OUTCOMES)[number], string> = { created: 'created', updated: 'updated', unchanged: 'already the same', failed: 'FAILED' };

/** The CLI's text for a push: the definition, then one line per workspace (a failure with its sentence and remedy). */
export function renderPush(output: unknown): string {
  const o = output as BundlePush;
  const c = o.counts;
  const lines = [
    `Pushed “${o.name}” (${o.scopes.join(', ')}) from ${o.source}: ${c.created} created, ${c.updated} updated, ${c.unchanged} already the same, ${c.failed} failed.`,
    ...o.results.map((r) => `  ${r.workspaceName}: ${OUTCOME_WORDS[r.outcome]}${r.error ? ` — ${r.error.message} ${r.error.remedy}` : ''}`),
  ];
  if (o.note) lines.push(o.note);
  return lines.join('\n');
}

export const bundlesCommands = {
  'bundles.list': command({
    input: z.object({ workspace: workspaceRefSchema }).strict(),
    output: z.object({ workspaceId: z.string(), workspaceName: z.string(), bundles: z.array(scopeBundleSchema) }),
    mutates: false,
    cli: { words: ['bundles', 'list'], positionals: ['workspace'], summary: "A workspace's scope bundles (live from the platform)" },
  }),
  'bundles.create': command({
    input: z.object({ workspace: workspaceRefSchema, name: bundleName, scopes: scopeListSchema, description: bundleDescription.optional() }).strict(),
    output: z.object({ workspaceId: z.string(), bundle: scopeBundleSchema }),
    mutates: true,
    cli: { words: ['bundles', 'create'], positionals: ['workspace'], summary: 'Create a scope bundle (--name, --scopes a,b, --description)' },
  }),
  'bundles.edit': command({
    input: z
      .object({ workspace: workspaceRefSchema, bundle: bundleRefSchema, name: bundleName.optional(), scopes: scopeListSchema.optional(), description: bundleDescription.optional() })
      .strict(),
    output: z.object({ workspaceId: z.string(), bundle: scopeBundleSchema, changes: z.array(z.string()) }),
    mutates: true,
    cli: { words: ['bundles', 'edit'], positionals: ['workspace', 'bundle'], summary: 'Change a scope bundle (--name, --scopes a,b, --description)' },
  }),
  'bundles.delete': command({
    input: z.object({ workspace: workspaceRefSchema, bundle: bundleRefSchema }).strict(),
    output: z.object({ workspaceId: z.string(), deleted: z.object({ id: z.string(), name: z.string() }) }),
    mutates: true,
    cli: { words: ['bundles', 'delete'], positionals: ['workspace', 'bundle'], summary: 'Delete a scope bundle' },
  }),
  'bundles.push': command({
    input: z
      .object({
        name: bundleName,
        workspaces: z.array(workspaceRefSchema).min(1).max(1000),
        /** the workspace whose bundle of that name is the definition (default: the synced bundles of that name, if they agree) */
        from: workspaceRefSchema.optional(),
        /** the definition itself, instead of an existing bundle */
        scopes: scopeListSchema.optional(),
        description: bundleDescription.optional(),
      })
      .strict(),
    output: bundlePushSchema,
    mutates: true,
    cli: {
      words: ['bundles', 'push'],
      positionals: ['name', 'workspaces'],
      variadic: 'workspaces',
      summary: 'Push one agency bundle to many workspaces (updates a same-name bundle, never duplicates); a result per workspace; exit 1 if any failed',
      exitCode: (o) => ((o as BundlePush).counts?.failed ? 1 : 0),
      render: renderPush,
    },
  }),
} as const;
