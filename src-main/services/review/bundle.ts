// The review file (a redeem bundle): its format, encoding and the tamper checks that hold it against the platform's own
// record of each review. The file only carries one-time codes; everything shown or recorded comes from the platform.
import { z } from 'zod';
import type { PlatformReviewRecord } from '../../platform/index.ts';
import { AppError } from '../../rpc/app-error.ts';

export const REDEEM_PREFIX = 'GDREVIEW1.';

const bundleItemSchema = z.object({
  reviewId: z.string().regex(/^rev_[A-Za-z0-9]+$/),
  workspaceId: z.string().min(1).max(200).regex(/^[A-Za-z0-9_.:-]+$/),
  workspaceName: z.string().max(200),
  issuer: z.string().url(),
  apiBase: z.string().url(),
  tokenEndpoint: z.string().url(),
  clientId: z.string().min(1).max(200),
  scopes: z.array(z.string()),
  expiresAt: z.string(),
  code: z.string().min(10).max(500),
});
const bundleSchema = z.object({
  format: z.literal('grantdesk-review'),
  version: z.literal(1),
  bundleId: z.string().min(1).max(100),
  reviewer: z.object({ name: z.string(), email: z.string() }),
  policy: z.enum(['keep_read_only', 'purge']),
  expiresAt: z.string(),
  items: z.array(bundleItemSchema).min(1).max(100),
});
export type ReviewBundle = z.infer<typeof bundleSchema>;

export type BundleItem = ReviewBundle['items'][number];

export function encodeBundle(b: ReviewBundle): string {
  return REDEEM_PREFIX + Buffer.from(JSON.stringify(b), 'utf8').toString('base64url');
}
export function decodeBundle(text: string): ReviewBundle {
  const t = text.trim();
  if (!t.startsWith(REDEEM_PREFIX)) throw new AppError('invalid_input', `Not a Grantdesk review file or code (it starts with ${REDEEM_PREFIX})`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(t.slice(REDEEM_PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    throw new AppError('invalid_input', 'The review code is damaged (not base64url JSON)');
  }
  const r = bundleSchema.safeParse(parsed);
  if (!r.success) throw new AppError('invalid_input', `The review code is damaged (${r.error.issues[0]?.path.join('.') ?? 'schema'})`);
  for (const it of r.data.items) {
    const o = new URL(it.issuer).origin;
    if (new URL(it.tokenEndpoint).origin !== o || new URL(it.apiBase).origin !== o) throw new AppError('invalid_input', `Review ${it.reviewId}: its endpoints are not on its issuer's origin`);
  }
  return r.data;
}

/** The platform's record of a review and the name of its workspace, read with the review's first token. */
export interface PlatformReview {
  review: PlatformReviewRecord;
  workspaceName: string;
}

const show = (v: string) => JSON.stringify(v.slice(0, 120));
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
export function tampered(field: string, fileValue: string, platformValue: string, where: string): AppError {
  return new AppError(
    'tamper_detected',
    `The review file does not match the platform's record (${where}): its ${field} says ${show(fileValue)}, the platform says ${show(platformValue)}. Nothing was redeemed; ask the operator for a new review file.`,
  );
}

/** The file's own fields must agree with each other before any code is spent. */
export function checkBundleConsistent(b: ReviewBundle): void {
  const first = b.items.map((i) => i.expiresAt).sort()[0]!;
  if (b.expiresAt !== first) throw tampered('expiry', b.expiresAt, first, 'the earliest expiry of its reviews');
}

/** The token exchange names the review and workspace its code belongs to: they must be the file's. */
export function checkTokenResponse(item: BundleItem, t: Record<string, unknown>): void {
  const where = `the review its code belongs to`;
  if (typeof t.review_id === 'string' && t.review_id !== item.reviewId) throw tampered('review id', item.reviewId, t.review_id, where);
  if (typeof t.workspace_id === 'string' && t.workspace_id !== item.workspaceId) throw tampered('workspace', item.workspaceId, t.workspace_id, where);
}

/** Every field that matters, file against platform; the first difference refuses the whole file, naming the field. */
export function checkAgainstPlatform(b: ReviewBundle, item: BundleItem, t: { review_expires_at?: string }, p: PlatformReview): void {
  const r = p.review;
  const where = `review ${r.id} of workspace ${r.workspace_id}`;
  if (r.id !== item.reviewId) throw tampered('review id', item.reviewId, r.id, where);
  if (r.workspace_id !== item.workspaceId) throw tampered('workspace', item.workspaceId, r.workspace_id, where);
  if (p.workspaceName !== item.workspaceName) throw tampered('workspace name', item.workspaceName, p.workspaceName, where);
  if (!sameSet(item.scopes, r.scopes)) throw tampered('scopes', [...item.scopes].sort().join(' '), [...r.scopes].sort().join(' '), where);
  if (r.expires_at !== item.expiresAt) throw tampered('expiry', item.expiresAt, r.expires_at, where);
  if (t.review_expires_at !== undefined && t.review_expires_at !== r.expires_at) throw tampered('expiry', item.expiresAt, t.review_expires_at, `the token response of ${where}`);
  if (r.reviewer_name !== b.reviewer.name) throw tampered('reviewer name', b.reviewer.name, r.reviewer_name, where);
  if (r.reviewer_email !== b.reviewer.email) throw tampered('reviewer e-mail', b.reviewer.email, r.reviewer_email, where);
  if (r.data_policy !== b.policy) throw tampered('data policy', b.policy, r.data_policy, where);
}
