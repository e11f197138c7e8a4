// The shapes of a revocation: its preview (blast radius), its per-row results, and the durable record with the
// access-token tail. Used by the inventory commands in inventory.ts and by the renderer.
import { z } from 'zod';
import { appErrorSchema } from './errors.ts';
import { credentialIdSchema, workspaceRefSchema } from './ids.ts';
import { credentialTypeSchema } from './credential-type.ts';

/** where a revocation tail's end comes from: the platform's answer, or its documented default access-token lifetime */
export const TAIL_BASES = ['platform', 'documented_default'] as const;
export const tailBasisSchema = z.enum(TAIL_BASES);
export type TailBasis = z.infer<typeof tailBasisSchema>;

/**
 * OAuth access tokens issued before a revocation keep working until they expire (refresh tokens stop at once): until
 * `until`. `note` says why the platform's own answer (access_tokens_valid_until) was not used — missing, not a time, before
 * the revocation, or later than any access token lives — and is null when it was.
 */
export const revocationTailSchema = z.object({ until: z.string(), basis: tailBasisSchema, note: z.string().nullable() });
export type RevocationTail = z.infer<typeof revocationTailSchema>;

/**
 * Whether a revocation has become fully effective: `tail` until the outstanding access tokens expire; then
 * `fully_effective` (with `callsAfter` 0, or null while the cached audit log does not reach past `since` yet), or
 * `calls_after` when the audit log shows calls by the credential after the moment it should have stopped.
 */
export const revocationEffectSchema = z.object({
  state: z.enum(['tail', 'fully_effective', 'calls_after']),
  /** when it became (or becomes) fully effective */
  since: z.string(),
  callsAfter: z.number().int().nullable(),
  lastCallAfter: z.string().nullable(),
  /** how far the cached audit log reaches (null: not synced) */
  auditCheckedUntil: z.string().nullable(),
  /** the whole answer in words, e.g. "Fully effective since 14:32. No calls by it after that in the audit log (checked up to 15:10)." */
  sentence: z.string(),
});
export type RevocationEffect = z.infer<typeof revocationEffectSchema>;

export const revocationRecordSchema = z.object({
  id: z.number().int(),
  batchId: z.string(),
  actor: z.string(),
  transport: z.string(),
  requestedAt: z.string(),
  finishedAt: z.string().nullable(),
  workspaceId: z.string(),
  workspaceName: z.string(),
  credentialId: z.string(),
  credentialName: z.string(),
  type: z.string().nullable(),
  scopes: z.array(z.string()),
  outcome: z.enum(['pending', 'revoked', 'already_revoked', 'failed']),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  /** the recorded tail (null: nothing outlived it, or it did not succeed) */
  tailUntil: z.string().nullable(),
  tailBasis: tailBasisSchema.nullable(),
  tailNote: z.string().nullable(),
  /** whether it is fully effective yet, checked against the cached audit log (null: it did not succeed) */
  effect: revocationEffectSchema.nullable(),
  /** the effect in a few words for a list ("tail until 14:32", "fully effective since 14:32", "3 calls after 14:32") */
  effectShort: z.string(),
});
export type RevocationRecord = z.infer<typeof revocationRecordSchema>;

export const revokeTargetSchema = z.object({ workspace: workspaceRefSchema, credentialId: credentialIdSchema }).strict();
export type RevokeTarget = z.infer<typeof revokeTargetSchema>;

export const blastRadiusSchema = z.object({
  workspaceId: z.string(),
  workspaceName: z.string(),
  credentialId: z.string(),
  credentialName: z.string(),
  type: credentialTypeSchema,
  label: z.string().nullable(),
  scopes: z.array(z.string()),
  /** what the platform call does: revoke (keys, apps) or disable (machine clients) */
  action: z.enum(['revoke', 'disable']),
  revocable: z.boolean(),
  reason: z.string().nullable(),
  isGrantdesk: z.boolean(),
  lastUsedAt: z.string().nullable(),
  auditState: z.enum(['synced', 'not_synced']),
  /** newest cached audit event for the workspace (how far the evidence reaches) */
  auditCoverageUntil: z.string().nullable(),
  endpoints: z.array(z.object({ method: z.string(), endpoint: z.string(), calls: z.number().int(), lastAt: z.string() })),
  callerIps: z.array(z.object({ ip: z.string(), calls: z.number().int(), lastAt: z.string() })),
  /** the same app (by client id) stays installed in these other workspaces (not among this revocation's targets) */
  sameAppElsewhere: z.array(z.object({ workspaceId: z.string(), workspaceName: z.string() })),
  /** calls in the window (sum over endpoints) and distinct caller IPs, from the cached audit log (0 when not synced) */
  callsInWindow: z.number().int(),
  callers: z.number().int(),
  /**
   * OAuth access tokens already issued keep working after the revocation until they expire: until about `until`
   * (revocation time + `ttlSeconds`). `basis` says where the lifetime comes from. null: stops at once (API keys).
   */
  tokenTail: z.object({ until: z.string(), ttlSeconds: z.number().int(), basis: z.enum(['platform', 'documented_default']) }).nullable(),
});
export type BlastRadius = z.infer<typeof blastRadiusSchema>;

export const revokePreviewSchema = z.object({
  targets: z.array(blastRadiusSchema),
  /** every connected workspace that this revocation does not touch, by name */
  untouchedWorkspaces: z.array(z.object({ id: z.string(), name: z.string() })),
  /** what the operator must type to confirm: the workspace name, or for bulk the number of targets */
  confirmText: z.string(),
  statement: z.string(),
  windowDays: z.number().int(),
  /** distinct workspaces among the targets */
  workspaces: z.number().int(),
  /** per app (client id) among the targets: the workspaces that keep it installed after this revocation */
  keptElsewhere: z.array(z.object({ clientId: z.string(), appName: z.string(), workspaces: z.array(z.object({ id: z.string(), name: z.string() })) })),
  /** the latest token tail among the targets (null when every target stops at once) */
  tokenTailUntil: z.string().nullable(),
  /** the tail in words ("Outstanding access tokens work until about 14:32 …", or that nothing outlives it); null when nothing is revocable */
  tailSentence: z.string().nullable(),
});
export type RevokePreview = z.infer<typeof revokePreviewSchema>;

export const revokeRowSchema = z.object({
  revocationId: z.number().int(),
  workspaceId: z.string(),
  workspaceName: z.string(),
  credentialId: z.string(),
  credentialName: z.string(),
  type: credentialTypeSchema.nullable(),
  outcome: z.enum(['revoked', 'already_revoked', 'failed']),
  error: appErrorSchema.nullable(),
  finishedAt: z.string(),
  /** until when this revocation's outstanding access tokens work (null: it stopped at once, or failed) */
  tail: revocationTailSchema.nullable(),
  /** this row's effect in words: "Outstanding access tokens work until 14:32", "Stopped at once", … */
  effect: z.string(),
});
export type RevokeRow = z.infer<typeof revokeRowSchema>;

export const revokeResultSchema = z.object({
  batchId: z.string(),
  results: z.array(revokeRowSchema),
  succeeded: z.number().int(),
  failed: z.number().int(),
  untouchedWorkspaces: z.number().int(),
  /** OAuth access tokens issued before the revocation keep working until about then (null: nothing outlives it) */
  tokenTailUntil: z.string().nullable(),
  /** the tail in words, with where its end comes from (or "Stopped at once …"); null when nothing was revoked */
  tailSentence: z.string().nullable(),
});
export type RevokeResult = z.infer<typeof revokeResultSchema>;
