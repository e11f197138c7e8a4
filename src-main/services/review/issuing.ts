// Operator side of auditor reviews: issue one platform review per workspace (POST /v1/reviews) and bundle the one-time
// codes into one redeem file (0600, never over an existing file; all or nothing), list the reviews the platform records
// for the connected workspaces, and revoke one. Every call goes through the operator's own platform client.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { contract, IssuedReview, Output } from '../../../src-common/contract/index.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Db } from '../../ports/db.ts';
import type { EventBus } from '../../ports/events.ts';
import type { WorkspaceDirectory } from '../../ports/platform.ts';
import type { PlatformClient, PlatformReviewItem } from '../../platform/index.ts';
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

function issuedOf(r: PlatformReviewItem, workspaceName: string): IssuedReview {
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
  };
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

    /** Every review the platform records for the connected workspaces (GET /v1/reviews each, four at a time). */
    async issued(): Promise<Output<'review.issued'>> {
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
      return { reviews, unreadable };
    },

    /** POST /v1/reviews/{id}/revoke: the platform ends every token of that review's grant at once. */
    async revoke(i: { workspace: string; reviewId: string }): Promise<IssuedReview> {
      const platform = d.basePlatform();
      const w = d.baseDirectory()?.get(i.workspace) ?? null;
      if (!platform || !w) throw new AppError('not_found', `Workspace ${i.workspace} is not connected here, so its reviews cannot be revoked from this Grantdesk. Connect it first.`);
      const r = await platform.reviews.revoke(w.id, i.reviewId);
      d.bus.emit('state.changed', { topic: 'review', workspaceId: w.id });
      return issuedOf(r, w.name);
    },
  };
}
