// Auditor reviews (docs/platform-api.md §10a): create (one-time redeem code once), get one, revoke, list a workspace's.
import { z } from 'zod';
import { reviewPolicySchema } from '../../src-common/contract/index.ts';
import type { WorkspaceApi } from '../ports/platform.ts';
import { seg, send, type CallOptions } from './call.ts';

/** the collection; every path of this area is under it */
const REVIEWS = '/v1/reviews';

const API = { deadlineMs: 30_000, maxBytes: 16 * 1024 * 1024 };
const reviewId = z.string().regex(/^rev_[A-Za-z0-9]+$/);

export const createdReviewSchema = z.object({ id: z.string(), workspace_id: z.string(), scopes: z.array(z.string()), expires_at: z.string(), redeem_code: z.string() }).passthrough();

/** One review as GET /v1/reviews lists it (and POST …/revoke answers). */
export const reviewItemSchema = z
  .object({
    id: reviewId,
    workspace_id: z.string().max(200),
    scopes: z.array(z.string().max(100)).max(100),
    reviewer_name: z.string().max(200),
    reviewer_email: z.string().max(200),
    data_policy: reviewPolicySchema.catch('keep_read_only'),
    created_at: z.string().max(40),
    expires_at: z.string().max(40),
    status: z.enum(['pending', 'redeemed', 'expired', 'revoked']),
    redeemed_at: z.string().max(40).nullable().optional(),
  })
  .passthrough();
export type PlatformReviewItem = z.infer<typeof reviewItemSchema>;
export const reviewListSchema = z.object({ data: z.array(reviewItemSchema).max(10_000) });

/** The platform's record of one review (GET /v1/reviews/{id}): what a redeemed file is checked against. */
export const reviewRecordSchema = z
  .object({
    id: reviewId,
    workspace_id: z.string().min(1).max(200).regex(/^[A-Za-z0-9_.:-]+$/),
    scopes: z.array(z.string().max(100)).max(100),
    reviewer_name: z.string().max(200),
    reviewer_email: z.string().max(200),
    data_policy: reviewPolicySchema,
    expires_at: z.string().refine((v) => Number.isFinite(Date.parse(v)), 'a date'),
  })
  .passthrough();
export type PlatformReviewRecord = z.infer<typeof reviewRecordSchema>;

export interface ReviewCreate {
  scopes: string[];
  duration_days: number;
  reviewer_name: string;
  reviewer_email: string;
  data_policy: string;
}

export function reviewsApi(api: WorkspaceApi) {
  return {
    create: (ws: string, body: ReviewCreate, o?: CallOptions) => send(api, ws, { method: 'POST', path: REVIEWS, body, schema: createdReviewSchema }, API, o),
    get: (ws: string, id: string, o?: CallOptions) => send(api, ws, { method: 'GET', path: `${REVIEWS}/${seg(id)}`, schema: reviewRecordSchema }, API, o),
    revoke: (ws: string, id: string, o?: CallOptions) => send(api, ws, { method: 'POST', path: `${REVIEWS}/${seg(id)}/revoke`, schema: reviewItemSchema }, API, o),
    list: (ws: string, o?: CallOptions) => send(api, ws, { method: 'GET', path: REVIEWS, schema: reviewListSchema }, API, o),
  };
}
