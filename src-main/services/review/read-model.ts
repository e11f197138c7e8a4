// The review domain's read model for other domains (rotation's expiry calendar): when auditor review grants end, both the
// reviews issued from this machine (review_issued: the auditor's access the operator granted) and the ones redeemed here
// (review_grants). The review tables are read and written only inside services/review.
import type { Db } from '../../ports/db.ts';

export interface ReviewGrantEnd {
  reviewId: string;
  workspaceId: string;
  /** null for an issued review (the name lives in the connections domain) */
  workspaceName: string | null;
  /** 'issued': created here for an auditor; 'redeemed': this machine is the auditor's */
  side: 'issued' | 'redeemed';
  reviewerName: string | null;
  expiresAt: string;
}

export function createReviewReadModel(db: Db) {
  const issued = db.prepare<[], { review_id: string; workspace_id: string; reviewer_name: string; expires_at: string }>(
    'SELECT review_id, workspace_id, reviewer_name, expires_at FROM review_issued ORDER BY expires_at, review_id',
  );
  const redeemed = db.prepare<[], { review_id: string; workspace_id: string; workspace_name: string; expires_at: string; reviewer_name: string | null }>(
    "SELECT g.review_id, g.workspace_id, g.workspace_name, g.expires_at, s.reviewer_name FROM review_grants g LEFT JOIN review_session s ON s.key = 'current' ORDER BY g.expires_at, g.review_id",
  );
  const issuedSpans = db.prepare<[], { review_id: string; workspace_id: string; reviewer_name: string; created_at: string; expires_at: string }>(
    'SELECT review_id, workspace_id, reviewer_name, created_at, expires_at FROM review_issued ORDER BY workspace_id, review_id',
  );
  return {
    /** Reviews issued from this machine with their span (policy: maximum review duration). */
    issuedSpans: () => issuedSpans.all().map((r) => ({ reviewId: r.review_id, workspaceId: r.workspace_id, reviewerName: r.reviewer_name, createdAt: r.created_at, expiresAt: r.expires_at })),
    grantEnds(): ReviewGrantEnd[] {
      return [
        ...issued.all().map((r) => ({ reviewId: r.review_id, workspaceId: r.workspace_id, workspaceName: null, side: 'issued' as const, reviewerName: r.reviewer_name, expiresAt: r.expires_at })),
        ...redeemed.all().map((r) => ({ reviewId: r.review_id, workspaceId: r.workspace_id, workspaceName: r.workspace_name, side: 'redeemed' as const, reviewerName: r.reviewer_name, expiresAt: r.expires_at })),
      ];
    },
  };
}
export type ReviewReadModel = ReturnType<typeof createReviewReadModel>;
