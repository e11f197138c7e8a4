// The operator's copy of the platform's review records (review_platform, migration 052): written whenever the list is read
// or a review is extended, withdrawn or revoked from here, so the expiry calendar (read-model.ts) shows each review's
// current end and leaves out the ones that ended early. Reviews issued from this machine also keep their span in
// review_issued (the policy's maximum review duration): an extension moves its end there too.
import type { IssuedReview } from '../../../src-common/contract/index.ts';
import type { Db } from '../../ports/db.ts';

export function createIssuedStore(db: Db) {
  const st = {
    upsert: db.prepare(`INSERT INTO review_platform (review_id, workspace_id, reviewer_name, reviewer_email, scopes_json, created_at, expires_at, status, seen_at)
      VALUES (@id, @ws, @name, @email, @scopes, @created, @expires, @status, @seen)
      ON CONFLICT(review_id) DO UPDATE SET workspace_id = excluded.workspace_id, reviewer_name = excluded.reviewer_name, reviewer_email = excluded.reviewer_email,
      scopes_json = excluded.scopes_json, created_at = excluded.created_at, expires_at = excluded.expires_at, status = excluded.status, seen_at = excluded.seen_at`),
    issuedEnd: db.prepare('UPDATE review_issued SET expires_at = ? WHERE review_id = ?'),
    workspaceOf: db.prepare<[string, string], { workspace_id: string }>(
      'SELECT workspace_id FROM review_platform WHERE review_id = ? UNION ALL SELECT workspace_id FROM review_issued WHERE review_id = ? LIMIT 1',
    ),
  };
  return {
    /** the platform's word on these reviews, as of `seenAt` */
    record(reviews: readonly IssuedReview[], seenAt: string): void {
      db.transaction(() => {
        for (const r of reviews) {
          st.upsert.run({ id: r.reviewId, ws: r.workspaceId, name: r.reviewerName, email: r.reviewerEmail, scopes: JSON.stringify(r.scopes), created: r.createdAt, expires: r.expiresAt, status: r.status, seen: seenAt });
          st.issuedEnd.run(r.expiresAt, r.reviewId);
        }
      })();
    },
    /** the workspace a review belongs to, as far as this machine knows (listed or issued here) */
    workspaceOf(reviewId: string): string | null {
      return st.workspaceOf.get(reviewId, reviewId)?.workspace_id ?? null;
    },
  };
}
export type IssuedStore = ReturnType<typeof createIssuedStore>;
