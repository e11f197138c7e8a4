// Contract commands `workspaces.*`: workspace grants and their token lifecycle. No output carries a token. Merged in index.ts.
import { z } from 'zod';
import { command } from './define.ts';
import { grantScopeSchema, platformRefSchema, workspaceIdSchema } from './ids.ts';

/** Roles the user picks when connecting; each asks the platform for the minimum scopes it needs (plus offline_access). */
export const ROLE_SCOPES = {
  auditor: ['audit:read', 'credentials:read', 'users:read'],
  operator: ['audit:read', 'credentials:read', 'credentials:write', 'users:read'],
  admin: ['audit:read', 'credentials:read', 'credentials:write', 'credentials:delete', 'users:read'],
} as const;
export const ROLES = ['auditor', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);
export const DEFAULT_CLIENT_ID = 'grantdesk-desktop';
/**
 * The API scopes the platform registers for the default client (docs/platform-api.md, "Registered client"), which a
 * re-consent may choose from; the identity scopes (`profile email`, services/connections/staff-identity.ts) are added by
 * the connection itself, never chosen.
 */
export const DEFAULT_CLIENT_SCOPES = ['openid', 'offline_access', ...ROLE_SCOPES.admin] as const;

/** The scopes requested for a role (what the connect dialog shows before the browser opens). */
export function scopesForRole(role: Role): string[] {
  return [...ROLE_SCOPES[role], 'offline_access'];
}

export const workspaceStatusSchema = z.enum(['connected', 'needs_reconsent', 'disconnected']);
export const revocationStateSchema = z.enum(['none', 'pending', 'confirmed']);

export const workspaceSchema = z.object({
  id: z.string(),
  name: z.string(),
  platformId: z.string(),
  platformName: z.string(),
  status: workspaceStatusSchema,
  /** why a workspace needs re-consent (invalid_grant, reuse detected, interrupted refresh…) */
  reason: z.string().nullable(),
  role: roleSchema,
  scopes: z.array(z.string()),
  accessExpiresAt: z.string().nullable(),
  lastRefreshAt: z.string().nullable(),
  lastRefreshError: z.string().nullable(),
  /** when the token endpoint is in cooldown after 5xx/timeouts for this workspace */
  cooldownUntil: z.string().nullable(),
  connectedAt: z.string().nullable(),
  generation: z.number().int(),
  revocation: revocationStateSchema,
  revocationAttempts: z.number().int(),
  revocationError: z.string().nullable(),
  /**
   * the agency staff member who connected it: name/email from the platform's ID token (`openid profile email`), or from
   * Settings ("Your name" / "Your email") when the platform issued none; null when neither was known
   */
  connectedBy: z.object({ name: z.string().nullable(), email: z.string().nullable(), source: z.enum(['id_token', 'settings']) }).nullable(),
});
export type Workspace = z.infer<typeof workspaceSchema>;

export const bulkResultSchema = z.object({
  workspaceId: z.string(),
  ok: z.boolean(),
  status: workspaceStatusSchema.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

export const workspacesCommands = {
  'workspaces.list': command({
    input: z.object({}).strict(),
    output: z.array(workspaceSchema),
    mutates: false,
    cli: { words: ['workspaces'], summary: 'List workspaces with status, scopes, expiry and revocation state' },
  }),
  'workspaces.status': command({
    input: z.object({ workspace: workspaceIdSchema }).strict(),
    output: workspaceSchema,
    mutates: false,
    cli: { words: ['workspace', 'status'], positionals: ['workspace'], summary: 'Show one workspace grant (never the token)' },
  }),
  'workspaces.connect': command({
    input: z
      .object({
        workspace: workspaceIdSchema,
        platform: platformRefSchema.optional(),
        /** default operator; with `scopes` and no role, a reconnect keeps the workspace's current role */
        role: roleSchema.optional(),
        /**
         * re-consent with exactly these scopes instead of the role's (narrower or changed); checked against the scopes the
         * platform offers; offline_access is always added
         */
        scopes: z.array(grantScopeSchema).min(1).max(64).optional(),
        /** the opener prints the authorization URL instead of launching a browser */
        printUrl: z.boolean().optional(),
      })
      .strict(),
    output: workspaceSchema,
    mutates: true,
    cli: {
      words: ['connect'],
      positionals: ['workspace'],
      summary: 'Connect a workspace in the system browser (PKCE, loopback), e.g. --platform EU --role auditor --print-url, or --scopes audit:read,users:read to re-consent with chosen scopes',
    },
  }),
  'workspaces.connectDevice': command({
    input: z.object({ workspace: workspaceIdSchema, platform: platformRefSchema.optional(), role: roleSchema.default('operator') }).strict(),
    output: workspaceSchema,
    mutates: true,
    cli: { words: ['connect-device'], positionals: ['workspace'], summary: 'Connect a workspace with the device flow (headless hosts): prints a code to enter elsewhere' },
  }),
  'workspaces.bulkConnect': command({
    input: z
      .object({ workspaces: z.array(workspaceIdSchema).min(1).max(500), platform: platformRefSchema.optional(), role: roleSchema.default('operator') })
      .strict(),
    output: z.object({ results: z.array(bulkResultSchema), connected: z.number().int(), failed: z.number().int() }),
    mutates: true,
    cli: { words: ['connect-bulk'], positionals: ['workspaces'], variadic: 'workspaces', summary: 'Connect many workspaces one after another' },
  }),
  'workspaces.disconnect': command({
    input: z.object({ workspace: workspaceIdSchema }).strict(),
    output: workspaceSchema,
    mutates: true,
    cli: { words: ['disconnect'], positionals: ['workspace'], summary: 'Revoke the grant (RFC 7009) and delete it from the keychain' },
  }),
  'workspaces.refresh': command({
    input: z.object({ workspace: workspaceIdSchema, force: z.boolean().optional() }).strict(),
    output: workspaceSchema,
    mutates: true,
    cli: { words: ['refresh'], positionals: ['workspace'], summary: 'Refresh a workspace token now (--force even when not due)' },
  }),
  'workspaces.retryRevocations': command({
    input: z.object({}).strict(),
    output: z.object({ confirmed: z.number().int(), pending: z.number().int() }),
    mutates: true,
    cli: { words: ['revocations', 'retry'], summary: 'Retry pending revocations of disconnected workspaces' },
  }),
} as const;
