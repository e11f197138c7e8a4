// Auditor reviews (docs/platform-api.md §10a): create (one-time redeem code once), get one, revoke, extend, withdraw, list a
// workspace's.
import { z } from 'zod';
import { REVIEW_STATUSES, reviewPolicySchema } from '../../src-common/contract/index.ts';
import type { WorkspaceApi } from '../ports/platform.ts';
import { seg, send, type CallOptions } from './call.ts';

/** the collection; every path of this area is under it */
const REVIEWS = '/v1/reviews';

const API = { deadlineMs: 30_000, maxBytes: 16 * 1024 * 1024 };
/** one review's record: read by the auditor (the review's own token) and by the operator */
const oneReview = (id: string) => `${REVIEWS}/${seg(id)}`;
const reviewId = z.string().regex(/^rev_[A-Za-z0-9]+$/);

export const createdReviewSchema = z.object({ id: z.string(), workspace_id: z.string(), scopes: z.array(z.string()), expires_at: z.string(), redeem_code: z.string() }).passthrough();

/** One review as GET /v1/reviews lists it (and POST …/revoke, /extend, /withdraw answer). */
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
    status: z.enum(REVIEW_STATUSES),
    redeemed_at: z.string().max(40).nullable().optional(),
    /** the latest end an extension may give it (MAX_REVIEW_DAYS after created_at); older platforms leave it out */
    max_expires_at: z.string().max(40).nullable().optional(),
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
    get: (ws: string, id: string, o?: CallOptions) => send(api, ws, { method: 'GET', path: oneReview(id), schema: reviewRecordSchema }, API, o),
    revoke: (ws: string, id: string, o?: CallOptions) => send(api, ws, { method: 'POST', path: `${REVIEWS}/${seg(id)}/revoke`, schema: reviewItemSchema }, API, o),
    /** the operator's view of one review (status, created_at: what an extension is checked against first) */
    item: (ws: string, id: string, o?: CallOptions) => send(api, ws, { method: 'GET', path: oneReview(id), schema: reviewItemSchema }, API, o),
    extend: (ws: string, id: string, days: number, o?: CallOptions) => send(api, ws, { method: 'POST', path: `${REVIEWS}/${seg(id)}/extend`, body: { days }, schema: reviewItemSchema }, API, o),
    withdraw: (ws: string, id: string, o?: CallOptions) => send(api, ws, { method: 'POST', path: `${REVIEWS}/${seg(id)}/withdraw`, body: {}, schema: reviewItemSchema }, API, o),
    list: (ws: string, o?: CallOptions) => send(api, ws, { method: 'GET', path: REVIEWS, schema: reviewListSchema }, API, o),
  };
}
