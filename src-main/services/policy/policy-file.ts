// The agency policy file (grantdesk.policy.yaml, or JSON: YAML 1.2 reads both): versioned schema, validated with the line
// and column of every problem so a reviewer finds it in the pull request. Parsing never evaluates anything: no custom
// tags, aliases capped, 1 MiB at most.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { grantScopeSchema } from '../../../src-common/contract/ids.ts';
import type { PolicyRule } from '../../../src-common/contract/policy.ts';
import { AppError } from '../../rpc/app-error.ts';

export const MAX_POLICY_BYTES = 1024 * 1024;
export const PLANS = ['free', 'starter', 'pro', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

const days = (max: number) => z.number().int().min(1).max(max);
const nameish = z.string().min(1).max(200);

export const rulesSchema = z
  .object({
    allowed_scopes: z.array(grantScopeSchema).min(1).max(100).optional(),
    forbidden_scopes: z.array(grantScopeSchema).min(1).max(100).optional(),
    baseline_bundle: nameish.optional(),
    require_expiry: z.boolean().optional(),
    max_key_lifetime_days: days(3650).optional(),
    ip_allowlist_required_for: z.array(z.enum(['read', 'write', 'delete'])).min(1).max(3).optional(),
    max_secret_age_days: days(3650).optional(),
    max_review_days: days(30).optional(),
    max_rate_limit_per_minute: z.number().int().min(1).max(1_000_000).optional(),
    required_plan: z.enum(PLANS).optional(),
  })
  .strict();
export type PolicyRules = z.infer<typeof rulesSchema>;

const matchSchema = z
  .object({
    ids: z.array(z.string().regex(/^ws_[A-Za-z0-9_-]{1,100}$/, 'a workspace id looks like ws_…')).max(1000).optional(),
    /** glob patterns on the workspace name: `*` any run, `?` one character; case-insensitive */
    names: z.array(z.string().min(1).max(200)).max(100).optional(),
    /** local tags (grantdesk tags add <workspace> <tag>) */
    tags: z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a tag is lowercase letters, digits, - and _')).max(100).optional(),
  })
  .strict()
  .refine((m) => (m.ids?.length ?? 0) + (m.names?.length ?? 0) + (m.tags?.length ?? 0) > 0, { message: 'a group matches by ids, names or tags: give at least one' });

const groupNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,59}$/, 'a group name is letters, digits, spaces, . _ -');

export const policyFileSchema = z
  .object({
    version: z.literal(1, { message: 'this Grantdesk reads policy version 1' }),
    description: z.string().max(2000).optional(),
    /** rules every connected workspace follows (group "All workspaces") */
    rules: rulesSchema.optional(),
    groups: z
      .record(groupNameSchema, z.object({ description: z.string().max(2000).optional(), match: matchSchema, rules: rulesSchema }).strict())
      .optional(),
  })
  .strict();
export type PolicyFile = z.infer<typeof policyFileSchema>;

export const ALL_WORKSPACES = 'All workspaces';

export interface ParsedPolicy {
  policy: PolicyFile;
  sha256: string;
  /** 1-based line of each rule in the file: `${group}\u0000${rule}` (group ALL_WORKSPACES for top-level rules) */
  ruleLines: Map<string, number>;
}

export const ruleLineKey = (group: string, rule: PolicyRule) => `${group}\u0000${rule}`;

function where(doc: Document, lc: LineCounter, path: readonly PropertyKey[], key?: string): string {
  // walk to the deepest node the path reaches; for an unknown key, to that key itself
  let node: unknown = doc.contents;
  let offset: number | null = null;
  const rangeOf = (n: unknown) => (n && typeof n === 'object' && 'range' in n ? ((n as { range?: [number, number, number] }).range ?? null) : null);
  offset = rangeOf(node)?.[0] ?? null;
  for (const seg of [...path, ...(key !== undefined ? [key] : [])]) {
    if (!node || typeof node !== 'object' || !('items' in node)) break;
    const items = (node as { items: unknown[] }).items;
    let next: unknown = undefined;
    if (isMap(node)) {
      const pair = items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (pair && isPair(pair)) {
        offset = rangeOf(seg === key ? pair.key : (pair.value ?? pair.key))?.[0] ?? rangeOf(pair.key)?.[0] ?? offset;
        next = pair.value;
      }
    } else if (typeof seg === 'number') {
      next = items[seg];
      offset = rangeOf(next)?.[0] ?? offset;
    }
    if (next === undefined) break;
    node = next;
  }
  if (offset === null) return 'line 1';
  const { line, col } = lc.linePos(offset);
  return `line ${line}, column ${col}`;
}

const pathWords = (path: readonly PropertyKey[]) => (path.length ? path.map(String).join('.') : '(top level)');

/** Parses and validates a policy file's bytes; throws invalid_input naming the file, line and column of each problem. */
export function parsePolicy(bytes: Buffer, fileLabel: string): ParsedPolicy {
  if (bytes.length > MAX_POLICY_BYTES) throw new AppError('invalid_input', `${fileLabel} is ${bytes.length} bytes; a policy file is at most 1 MiB.`);
  const text = bytes.toString('utf8');
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, customTags: [], version: '1.2' });
  if (doc.errors.length) {
    const lines = doc.errors.slice(0, 10).map((e) => {
      const pos = lc.linePos(e.pos[0]);
      // the parser's own message can quote the file; keep its first clause only
      return `${fileLabel} line ${pos.line}, column ${pos.col}: ${e.code === 'DUPLICATE_KEY' ? 'a key appears twice' : 'not valid YAML or JSON'}`;
    });
    throw new AppError('invalid_input', lines.join('\n'));
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch {
    throw new AppError('invalid_input', `${fileLabel}: the file expands too far (aliases); write the values out.`);
  }
  const parsed = policyFileSchema.safeParse(data);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 20).map((i) => {
      const keys = i.code === 'unrecognized_keys' ? (i as { keys: string[] }).keys : [];
      if (keys.length) return keys.map((k) => `${fileLabel} ${where(doc, lc, i.path, k)}: ${pathWords([...i.path, k])}: not a setting this policy version knows`).join('\n');
      return `${fileLabel} ${where(doc, lc, i.path)}: ${pathWords(i.path)}: ${i.message}`;
    });
    throw new AppError('invalid_input', lines.join('\n'));
  }
  const ruleLines = new Map<string, number>();
  const note = (group: string, path: string[], rules: object | undefined) => {
    for (const rule of Object.keys(rules ?? {}) as PolicyRule[]) {
      const w = where(doc, lc, path, rule);
      const line = Number(/line (\d+)/.exec(w)?.[1] ?? 1);
      ruleLines.set(ruleLineKey(group, rule), line);
    }
  };
  note(ALL_WORKSPACES, ['rules'], parsed.data.rules);
  for (const [name, g] of Object.entries(parsed.data.groups ?? {})) note(name, ['groups', name, 'rules'], g.rules);
  return { policy: parsed.data, sha256: createHash('sha256').update(bytes).digest('hex'), ruleLines };
}
