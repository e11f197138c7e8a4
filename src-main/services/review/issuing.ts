// Operator side of auditor reviews: issue one platform review per workspace (POST /v1/reviews) and bundle the one-time
// codes into one redeem file (0600, never over an existing file; all or nothing). What comes after (list, revoke, extend,
// withdraw) is lifecycle.ts. Every call goes through the operator's own platform client.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { contract, Output } from '../../../src-common/contract/index.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Db } from '../../ports/db.ts';
import type { EventBus } from '../../ports/events.ts';
import type { WorkspaceDirectory } from '../../ports/platform.ts';
import type { PlatformClient } from '../../platform/index.ts';
import type { Capabilities } from '../../rpc/handlers.ts';
import { AppError } from '../../rpc/app-error.ts';
import type { WorkspacePlatform } from '../connections/index.ts';
import { resolveOutputPath } from '../output-path.ts';
import { encodeBundle, type ReviewBundle } from './bundle.ts';
import type { ReviewStore } from './review-store.ts';

export interface IssuingDeps {
  db: Db;
  dataDir: string;
  clock: Clock;
  bus: EventBus;
  store: ReviewStore;
  /** the operator's own platform access (connections), never the review's */
  basePlatform: () => PlatformClient | null;
  baseDirectory: () => WorkspaceDirectory | null;
  /** where a connected workspace's platform lives (the connections domain's read model) */
  platformOf: (workspaceId: string) => WorkspacePlatform | null;
}

/** Creates a new file 0600 with O_EXCL: an existing file is never overwritten. */
function createExclusive(path: string): number {
  try {
    return openSync(path, 'wx', 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new AppError('conflict', `${path} already exists; Grantdesk never overwrites a file. Choose another name or move that file away, then issue the review again.`);
    throw new AppError('io_error', `Cannot create ${path} (${code ?? 'error'})`);
  }
}

export function createReviewIssuing(d: IssuingDeps) {
  const { q } = d.store;
  const iso = (ms = d.clock.now()) => new Date(ms).toISOString();

  function platformOf(ws: string) {
    const p = d.platformOf(ws);
    return p ? { name: p.workspaceName, issuer: p.issuer, api_base: p.apiBase, client_id: p.clientId, metadata: p.metadata } : undefined;
  }

  return {
    async create(input: z.output<(typeof contract)['review.create']['input']>, caps: Capabilities): Promise<Output<'review.create'>> {
      const platform = d.basePlatform();
      if (!platform) throw new AppError('not_found', 'No platform access: connect the workspaces first');
      const bundleId = `rvb_${randomBytes(8).toString('hex')}`;
      // The file is created first (0600, O_EXCL: never over an existing file), so a refusal comes before any review exists.
      const path = resolveOutputPath(caps, { out: input.out, folder: join(d.dataDir, 'reviews'), defaultName: `${bundleId}.gdreview`, kind: 'file' });
      const fd = createExclusive(path);
      const created: ReviewBundle['items'] = [];
      let text: string;
      try {
        for (const ws of [...new Set(input.workspaces)]) {
          const p = platformOf(ws);
          if (!p) throw new AppError('not_found', `Workspace ${ws} is not connected here`);
          const meta = z.object({ token_endpoint: z.string().url() }).passthrough().safeParse(JSON.parse(p.metadata || '{}'));
          const r = await platform.reviews.create(ws, { scopes: input.scopes, duration_days: input.durationDays, reviewer_name: input.reviewerName, reviewer_email: input.reviewerEmail, data_policy: input.policy });
          created.push({ reviewId: r.id, workspaceId: ws, workspaceName: p.name, issuer: p.issuer, apiBase: p.api_base, tokenEndpoint: meta.success ? meta.data.token_endpoint : `${p.issuer.replace(/\/$/, '')}/token`, clientId: p.client_id, scopes: r.scopes, expiresAt: r.expires_at, code: r.redeem_code });
        }
        const expiresAt = created.map((c) => c.expiresAt).sort()[0]!;
        const bundle: ReviewBundle = { format: 'grantdesk-review', version: 1, bundleId, reviewer: { name: input.reviewerName, email: input.reviewerEmail }, policy: input.policy, expiresAt, items: created };
        text = encodeBundle(bundle);
        writeSync(fd, text + '\n');
        closeSync(fd);
      } catch (err) {
        // all or nothing: reviews already issued in this batch are revoked again (best effort), the unfinished file removed
        for (const c of created) await platform.reviews.revoke(c.workspaceId, c.reviewId).catch(() => undefined);
        try {
          closeSync(fd);
        } catch {
          // already closed
        }
        rmSync(path, { force: true });
        throw err;
      }
      const expiresAt = created.map((c) => c.expiresAt).sort()[0]!;
      d.db.transaction(() => {
        for (const c of created) q.insIssued.run(c.reviewId, bundleId, c.workspaceId, input.reviewerName, input.reviewerEmail, JSON.stringify(c.scopes), iso(), c.expiresAt);
      })();
      d.bus.emit('state.changed', { topic: 'review', workspaceId: null });
      return { bundleId, expiresAt, reviews: created.map((c) => ({ reviewId: c.reviewId, workspaceId: c.workspaceId, workspaceName: c.workspaceName, scopes: c.scopes, expiresAt: c.expiresAt })), path, redeemText: text };
    },
  };
}
