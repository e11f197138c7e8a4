// The review domain's read model for other domains (rotation's expiry calendar): when auditor review grants end, both the
// reviews the operator issued (the platform's records as last read here, review_platform, which also holds reviews issued
// from another Grantdesk and an extension's new end; else review_issued for ones issued here and never listed since) and
// the ones redeemed here (review_grants). Reviews revoked or withdrawn are left out: they have no end to come. The review
// tables are read and written only inside services/review.
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
  /** the platform's status of an issued review as last read here (null: not read since it was issued, or redeemed here) */
  status: 'pending' | 'redeemed' | 'expired' | null;
}

export function createReviewReadModel(db: Db) {
  const issued = db.prepare<[], { review_id: string; workspace_id: string; reviewer_name: string; expires_at: string; status: 'pending' | 'redeemed' | 'expired' | null }>(
    `SELECT review_id, workspace_id, reviewer_name, expires_at, status FROM review_platform WHERE status IN ('pending', 'redeemed', 'expired')
     UNION ALL
     SELECT i.review_id, i.workspace_id, i.reviewer_name, i.expires_at, NULL FROM review_issued i WHERE NOT EXISTS (SELECT 1 FROM review_platform p WHERE p.review_id = i.review_id)
     ORDER BY expires_at, review_id`,
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
        ...issued.all().map((r) => ({ reviewId: r.review_id, workspaceId: r.workspace_id, workspaceName: null, side: 'issued' as const, reviewerName: r.reviewer_name, expiresAt: r.expires_at, status: r.status })),
        ...redeemed.all().map((r) => ({ reviewId: r.review_id, workspaceId: r.workspace_id, workspaceName: r.workspace_name, side: 'redeemed' as const, reviewerName: r.reviewer_name, expiresAt: r.expires_at, status: null })),
      ];
    },
  };
}
export type ReviewReadModel = ReturnType<typeof createReviewReadModel>;
