// The review domain's facade: auditor reviews (review-service.ts), the evidence package (evidence.ts) and least-privilege
// insights (insights.ts), wired to the audit service for exports and chain status.
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { DEFAULT_CLIENT_ID, type InsightsReport } from '../../../src-common/contract/index.ts';
import { INTERNAL_CAPABILITIES, type Capabilities } from '../../rpc/handlers.ts';
import { claimOutputPath } from '../output-path.ts';
import { AppError } from '../../rpc/app-error.ts';
import type { AuditService } from '../audit/index.ts';
import { buildEvidencePackage } from './evidence.ts';
import { computeInsights, type InsightsPorts } from './insights.ts';
import type { Clock } from '../../ports/clock.ts';
import type { ReviewService } from './review-service.ts';

/**
 * What the review domain's operations add on top of the review session (review-service.ts): the evidence package over
 * the audit service, and least-privilege insights over the audit and inventory read models. Built after the audit
 * service, which itself is built over the session's routed platform access (composition.ts reads top to bottom).
 */
export interface ReviewFacadeDeps {
  clock: Clock;
  dataDir: string;
  appVersion: string;
  audit: AuditService;
  insightsWindowDays: () => number;
  /** the audit and inventory read models insights read (ports; wired in composition.ts) */
  insightsPorts: InsightsPorts;
}

export { createReviewService, type ReviewDeps, type ReviewService } from './review-service.ts';

export { createReviewReadModel, type ReviewGrantEnd, type ReviewReadModel } from './read-model.ts';
export { isEvidencePackage, verifyEvidencePackage } from './evidence.ts';

export function createReviewFacade(svc: ReviewService, d: ReviewFacadeDeps) {
  return {
    ...svc,
    async evidence(out: string | undefined, caps: Capabilities) {
      const st = await svc.status();
      if (st.state === 'none') throw new AppError('not_found', 'No review here: an evidence package belongs to a redeemed review');
      const stamp = new Date(d.clock.now()).toISOString().replace(/[:.]/g, '-');
      const dir = claimOutputPath(caps, { out, folder: join(d.dataDir, 'exports'), defaultName: `evidence-${stamp}`, kind: 'folder' }).path; // created here, never an existing folder
      const ws = st.workspaces.map((w) => w.workspaceId);
      const earlier = svc
        .logEntries()
        .filter((e) => e.command === 'audit.export' && e.ok === 1 && e.manifest_path)
        .map((e) => e.manifest_path!)
        .reverse();
      const r = await buildEvidencePackage({
        dir,
        packageId: `evp_${randomBytes(8).toString('hex')}`,
        createdAt: new Date(d.clock.now()).toISOString(),
        appVersion: d.appVersion,
        review: { bundleId: st.bundleId!, reviewer: st.reviewer!, expiresAt: st.expiresAt!, workspaces: st.workspaces.map((w) => ({ workspaceId: w.workspaceId, reviewId: w.reviewId })) },
        freshExport: async (file) => (await d.audit.export({ workspaces: ws, out: file, format: 'jsonl', bom: false }, INTERNAL_CAPABILITIES)).manifestPath,
        earlierExports: earlier,
        chainStatus: d.audit.status(ws),
        reviewLog: svc.log(100_000).entries.reverse(),
      });
      return { path: dir, manifestPath: r.manifestPath, files: r.files, exports: r.exports };
    },
    insights(i: { windowDays?: number; workspace?: string; offset?: number; limit?: number }): InsightsReport {
      return computeInsights(d.insightsPorts, { nowMs: d.clock.now(), windowDays: i.windowDays ?? d.insightsWindowDays(), workspace: i.workspace, grantdeskClientId: DEFAULT_CLIENT_ID, offset: i.offset, limit: i.limit });
    },
  };
}
export type ReviewFacade = ReturnType<typeof createReviewFacade>;
