// Operator side of a review after it is issued, always from the platform's own records (docs/platform-api.md §10a): list
// every review of the connected workspaces (GET /v1/reviews each, whoever issued them), end one early (revoke: every
// token of it dead at once), extend one within the 30-day cap from its issue, and withdraw a code nobody redeemed yet.
// Every change is checked here first against the platform's current record (a refusal is a sentence naming the review,
// its workspace and reviewer, before any write), then made by the platform, whose answer is what is shown and kept.
import { MAX_REVIEW_DAYS, type IssuedReview, type Output } from '../../../src-common/contract/index.ts';
import type { Clock } from '../../ports/clock.ts';
import type { EventBus } from '../../ports/events.ts';
import type { WorkspaceDirectory, WorkspaceRef } from '../../ports/platform.ts';
import type { PlatformClient, PlatformReviewItem } from '../../platform/index.ts';
import { AppError } from '../../rpc/app-error.ts';
import type { IssuedStore } from './issued-store.ts';

const DAY = 86_400_000;

export interface LifecycleDeps {
  clock: Clock;
  bus: EventBus;
  issued: IssuedStore;
  /** the operator's own platform access (connections), never the review's */
  basePlatform: () => PlatformClient | null;
  baseDirectory: () => WorkspaceDirectory | null;
}

/** "Dec 21, 14:32" (local time): a review's end in a sentence */
function when(ms: number): string {
  const d = new Date(ms);
  return `${d.toLocaleDateString('en-US', { month: 'short', day: 'numeric' })}, ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
const STATUS_WORDS: Record<IssuedReview['status'], string> = { pending: 'not redeemed yet', redeemed: 'redeemed', expired: 'over', revoked: 'revoked', withdrawn: 'withdrawn' };

export function issuedOf(r: PlatformReviewItem, workspaceName: string): IssuedReview {
  // the cap is the documented rule (MAX_REVIEW_DAYS from created_at); a platform's own max_expires_at may only lower it
  const created = Date.parse(r.created_at);
  const stated = r.max_expires_at ? Date.parse(r.max_expires_at) : NaN;
  const capMs = Number.isFinite(created) ? Math.min(created + MAX_REVIEW_DAYS * DAY, Number.isFinite(stated) ? stated : Infinity) : Date.parse(r.expires_at);
  const endMs = Date.parse(r.expires_at);
  const live = r.status === 'pending' || r.status === 'redeemed';
  const left = live && Number.isFinite(capMs) && Number.isFinite(endMs) ? Math.max(0, Math.floor((capMs - endMs) / DAY)) : 0;
  return {
    reviewId: r.id,
    workspaceId: r.workspace_id,
    workspaceName,
    scopes: [...r.scopes].sort(),
    reviewerName: r.reviewer_name,
    reviewerEmail: r.reviewer_email,
    policy: r.data_policy,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    status: r.status,
    redeemedAt: r.redeemed_at ?? null,
    maxExpiresAt: Number.isFinite(capMs) ? new Date(capMs).toISOString() : r.expires_at,
    extendableDays: Math.min(left, MAX_REVIEW_DAYS),
  };
}

export function createReviewLifecycle(d: LifecycleDeps) {
  const iso = () => new Date(d.clock.now()).toISOString();
  const access = () => {
    const platform = d.basePlatform();
    const dir = d.baseDirectory();
    if (!platform || !dir) throw new AppError('not_found', 'No platform access: connect the workspaces first');
    return { platform, dir };
  };

  async function listAll(): Promise<Output<'review.issued'>> {
    const platform = d.basePlatform();
    const dir = d.baseDirectory();
    if (!platform || !dir) return { reviews: [], unreadable: [] };
    const ws = dir.list().filter((w) => w.status === 'connected');
    const reviews: IssuedReview[] = [];
    const unreadable: Output<'review.issued'>['unreadable'] = [];
    let next = 0;
    const lane = async () => {
      while (next < ws.length) {
        const w = ws[next++]!;
        try {
          const r = await platform.reviews.list(w.id);
          for (const item of r.data) if (item.workspace_id === w.id) reviews.push(issuedOf(item, w.name));
        } catch (err) {
          const msg = err instanceof AppError ? err.message : 'the platform did not answer';
          unreadable.push({ workspaceId: w.id, workspaceName: w.name, message: `The reviews of ${w.name} could not be read (${msg.slice(0, 200)}).` });
        }
      }
    };
    await Promise.all([lane(), lane(), lane(), lane()]);
    reviews.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.reviewId < b.reviewId ? -1 : 1));
    d.issued.record(reviews, iso());
    return { reviews, unreadable };
  }

  /** the review's workspace (given, known here, or found in the platform's lists) and its current platform record */
  async function locate(i: { reviewId: string; workspace?: string }): Promise<{ platform: PlatformClient; w: WorkspaceRef; review: IssuedReview }> {
    const { platform, dir } = access();
    let wsId = i.workspace ?? d.issued.workspaceOf(i.reviewId);
    if (!wsId) wsId = (await listAll()).reviews.find((r) => r.reviewId === i.reviewId)?.workspaceId ?? null;
    if (!wsId) throw new AppError('not_found', `No review ${i.reviewId} in any connected workspace; list them with \`grantdesk review list\`.`);
    const w = dir.get(wsId);
    if (!w || w.status !== 'connected') throw new AppError('not_found', `Workspace ${wsId} is not connected here, so its reviews cannot be changed from this Grantdesk. Connect it first.`);
    const item = await platform.reviews.item(w.id, i.reviewId).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'not_found') throw new AppError('not_found', `${w.name} has no review ${i.reviewId}: check the review id (\`grantdesk review list\`).`);
      throw err;
    });
    return { platform, w, review: issuedOf(item, w.name) };
  }

  /** keep and announce the platform's answer */
  function done(r: IssuedReview): IssuedReview {
    d.issued.record([r], iso());
    d.bus.emit('state.changed', { topic: 'review', workspaceId: r.workspaceId });
    return r;
  }
  const named = (r: IssuedReview) => `the review of ${r.workspaceName} for ${r.reviewerName}`;

  return {
    issued: listAll,

    /** POST /v1/reviews/{id}/revoke: the platform ends every token of that review's grant at once. */
    async revoke(i: { reviewId: string; workspace?: string }): Promise<IssuedReview> {
      const { platform, w, review } = await locate(i);
      if (review.status === 'withdrawn') throw new AppError('conflict', `The code of ${named(review)} was withdrawn before anyone redeemed it; there is nothing left to revoke.`);
      return done(issuedOf(await platform.reviews.revoke(w.id, review.reviewId), w.name));
    },

    /** POST /v1/reviews/{id}/extend: N more days, never past MAX_REVIEW_DAYS from the review's issue (checked here first). */
    async extend(i: { reviewId: string; workspace?: string; days: number }): Promise<IssuedReview> {
      if (!Number.isInteger(i.days) || i.days < 1 || i.days > MAX_REVIEW_DAYS) throw new AppError('invalid_input', `Days: give a whole number of days from 1 to ${MAX_REVIEW_DAYS}.`);
      const { platform, w, review } = await locate(i);
      const Name = named(review).replace(/^t/, 'T');
      if (review.status !== 'pending' && review.status !== 'redeemed') throw new AppError('conflict', `${Name} is ${STATUS_WORDS[review.status]}: only a review that is not redeemed yet or still running can be extended. Issue a new review instead.`);
      if (i.days > review.extendableDays) {
        const cap = when(Date.parse(review.maxExpiresAt));
        throw new AppError(
          'invalid_input',
          review.extendableDays === 0
            ? `${Name} already ends at its ${MAX_REVIEW_DAYS}-day limit (${cap}); issue a new review for more time.`
            : `${Name} can be extended by at most ${review.extendableDays} more day${review.extendableDays === 1 ? '' : 's'} (to ${cap}): a review lasts at most ${MAX_REVIEW_DAYS} days from its issue.`,
        );
      }
      return done(issuedOf(await platform.reviews.extend(w.id, review.reviewId, i.days), w.name));
    },

    /** POST /v1/reviews/{id}/withdraw: the code of a review nobody redeemed yet stops redeeming. */
    async withdraw(i: { reviewId: string; workspace?: string }): Promise<IssuedReview> {
      const { platform, w, review } = await locate(i);
      const Name = named(review).replace(/^t/, 'T');
      if (review.status === 'redeemed') throw new AppError('conflict', `${review.reviewerName} already redeemed ${named(review)}${review.redeemedAt ? ` (${when(Date.parse(review.redeemedAt))})` : ''}: revoke it instead to end their access.`);
      if (review.status !== 'pending') throw new AppError('conflict', `${Name} is ${STATUS_WORDS[review.status]}: there is no unredeemed code left to withdraw.`);
      return done(issuedOf(await platform.reviews.withdraw(w.id, review.reviewId), w.name));
    },
  };
}
export type ReviewLifecycle = ReturnType<typeof createReviewLifecycle>;
