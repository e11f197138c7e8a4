// Contract commands `review.*`: time-boxed read-only auditor reviews. Merged in index.ts.
import { z } from 'zod';
import { command } from './define.ts';
import { readScopeSchema, reviewIdSchema, workspaceIdSchema } from './ids.ts';

export const MAX_REVIEW_DAYS = 30;
export const REVIEW_STATUSES = ['pending', 'redeemed', 'expired', 'revoked', 'withdrawn'] as const;
export type ReviewPlatformStatus = (typeof REVIEW_STATUSES)[number];
export const REVIEW_POLICIES = ['keep_read_only', 'purge'] as const;
export const reviewPolicySchema = z.enum(REVIEW_POLICIES);
export type ReviewPolicy = z.infer<typeof reviewPolicySchema>;

export const createdReviewSchema = z.object({
  reviewId: z.string(),
  workspaceId: z.string(),
  workspaceName: z.string(),
  scopes: z.array(z.string()),
  expiresAt: z.string(),
});

export const reviewWorkspaceSchema = z.object({
  workspaceId: z.string(),
  workspaceName: z.string(),
  reviewId: z.string(),
  scopes: z.array(z.string()),
  expiresAt: z.string(),
  /** whether a token for it is still in the keychain */
  hasToken: z.boolean(),
});

export const reviewStatusSchema = z.object({
  /** none: normal Grantdesk; active: review mode, access live; expired: review mode, access ended (tokens wiped) */
  state: z.enum(['none', 'active', 'expired']),
  readOnly: z.boolean(),
  bundleId: z.string().nullable(),
  reviewer: z.object({ name: z.string(), email: z.string() }).nullable(),
  policy: reviewPolicySchema.nullable(),
  redeemedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  secondsLeft: z.number().int().nullable(),
  workspaces: z.array(reviewWorkspaceSchema),
  /** what happened to the cached data at expiry */
  dataState: z.enum(['live', 'kept_read_only', 'purged']).nullable(),
  /** commands still allowed in review mode besides reads (the contract's localOnly mutating commands) */
  allowedMutations: z.array(z.string()),
});
export type ReviewStatus = z.infer<typeof reviewStatusSchema>;

export const reviewLogEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  command: z.string(),
  /** what the auditor did, in words (the command's reviewLog text in the contract) */
  action: z.string(),
  transport: z.string(),
  ok: z.boolean(),
  /** the command's input (never secrets: inputs carry none) and, for exports, the manifest path */
  detail: z.string(),
});
export type ReviewLogEntry = z.infer<typeof reviewLogEntrySchema>;

/** A review as the platform records it (GET /v1/reviews of each connected workspace): never its code. */
export const issuedReviewSchema = z.object({
  reviewId: z.string(),
  workspaceId: z.string(),
  workspaceName: z.string(),
  scopes: z.array(z.string()),
  reviewerName: z.string(),
  reviewerEmail: z.string(),
  policy: reviewPolicySchema,
  createdAt: z.string(),
  expiresAt: z.string(),
  /** the platform's status: pending (not redeemed yet), redeemed, expired, revoked, withdrawn (the code, before anyone redeemed it) */
  status: z.enum(REVIEW_STATUSES),
  redeemedAt: z.string().nullable(),
  /** the latest end an extension may give it: MAX_REVIEW_DAYS after it was issued */
  maxExpiresAt: z.string(),
  /** how many more days it can be extended by (0: at the cap, or no longer pending or redeemed) */
  extendableDays: z.number().int().min(0),
});
export type IssuedReview = z.infer<typeof issuedReviewSchema>;
/** one review, by id; the workspace is found among the connected ones when not given */
const reviewRefShape = { reviewId: reviewIdSchema, workspace: workspaceIdSchema.optional() };

export const evidenceResultSchema = z.object({
  path: z.string(),
  manifestPath: z.string(),
  files: z.number().int(),
  exports: z.number().int(),
});

export const reviewCommands = {
  'review.create': command({
    input: z
      .object({
        workspaces: z.array(workspaceIdSchema).min(1).max(100),
        scopes: z.array(readScopeSchema).min(1).max(40),
        durationDays: z.number().int().min(1).max(MAX_REVIEW_DAYS),
        reviewerName: z.string().trim().min(1).max(200),
        reviewerEmail: z.string().email().max(200),
        policy: reviewPolicySchema.default('keep_read_only'),
        /** CLI: any path. UI/serve: a plain file name inside the data dir's reviews folder (default: generated) */
        out: z.string().min(1).max(4096).optional(),
      })
      .strict(),
    output: z.object({
      bundleId: z.string(),
      expiresAt: z.string(),
      reviews: z.array(createdReviewSchema),
      /** the one-time redeem file's path and its text (a secret, shown once: hand it to the auditor) */
      path: z.string(),
      redeemText: z.string(),
    }),
    mutates: true,
    cli: { words: ['review', 'create'], positionals: ['workspaces'], variadic: 'workspaces', summary: 'Issue a read-only auditor review, e.g. ws_a ws_b --scopes audit:read,contacts:read --duration-days 14 --reviewer-name "Ada" --reviewer-email ada@audit.example --out review.gdreview' },
  }),
  'review.redeem': command({
    input: z
      .object({
        /** the review code (the review file's content): what the app and a serve tab send */
        code: z.string().min(1).max(200_000).optional(),
        /** a path: only from a caller with file access anywhere (the CLI); refused from anyone else before any file access */
        file: z.string().min(1).max(4096).optional(),
      })
      .strict(),
    output: reviewStatusSchema,
    mutates: true,
    reviewLog: 'Redeemed the review',
    cli: { words: ['review', 'redeem'], positionals: ['file'], summary: 'Redeem a review file, or the code piped in with --code - (never the code itself in argv): this Grantdesk enters read-only review mode until the review ends' },
  }),
  'review.status': command({
    input: z.object({}).strict(),
    output: reviewStatusSchema,
    mutates: false,
    cli: { words: ['review', 'status'], summary: 'The active review: reviewer, workspaces, expiry and time left, data policy' },
  }),
  'review.exit': command({
    input: z.object({}).strict(),
    output: reviewStatusSchema,
    mutates: true,
    localOnly: true,
    cli: { words: ['review', 'exit'], summary: 'End review mode here: wipe the review tokens and purge the reviewed workspaces from the cache' },
  }),
  'review.log': command({
    input: z.object({ limit: z.number().int().min(1).max(5000).default(500) }).strict(),
    output: z.object({ entries: z.array(reviewLogEntrySchema) }),
    mutates: false,
    cli: { words: ['review', 'log'], summary: "The auditor's own queries and exports during the review (local log)" },
  }),
  'review.evidence': command({
    input: z.object({ out: z.string().min(1).max(4096).optional() }).strict(),
    output: evidenceResultSchema,
    mutates: false,
    reviewLog: 'Built the evidence package',
    cli: { words: ['review', 'evidence'], summary: 'Build an evidence package folder (exports + manifests, chain status, review log, SHA-256 package manifest); check it with `grantdesk verify`' },
  }),
  'review.issued': command({
    input: z.object({}).strict(),
    output: z.object({
      reviews: z.array(issuedReviewSchema),
      /** connected workspaces whose reviews could not be read, each with a sentence */
      unreadable: z.array(z.object({ workspaceId: z.string(), workspaceName: z.string(), message: z.string() })),
    }),
    mutates: false,
    cli: { words: ['review', 'list'], summary: 'Every review issued for the connected workspaces, as the platform records it (status, reviewer, workspace, scopes, end); never a code' },
  }),
  'review.revoke': command({
    input: z.object(reviewRefShape).strict(),
    output: issuedReviewSchema,
    mutates: true,
    cli: { words: ['review', 'revoke'], positionals: ['reviewId'], summary: "Revoke a review at the platform: the auditor's access to that workspace ends at once, every token of it dead" },
  }),
  'review.extend': command({
    input: z.object({ ...reviewRefShape, days: z.number().int().min(1).max(MAX_REVIEW_DAYS) }).strict(),
    output: issuedReviewSchema,
    mutates: true,
    cli: { words: ['review', 'extend'], positionals: ['reviewId'], summary: `Give a pending or redeemed review N more days (--days N), never past ${MAX_REVIEW_DAYS} days from its issue` },
  }),
  'review.withdraw': command({
    input: z.object(reviewRefShape).strict(),
    output: issuedReviewSchema,
    mutates: true,
    cli: { words: ['review', 'withdraw'], positionals: ['reviewId'], summary: 'Withdraw the code of a review nobody redeemed yet: it can no longer be redeemed (a redeemed review is revoked instead)' },
  }),
} as const;
