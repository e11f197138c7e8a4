// Auditor side of a review: redeem the file (RFC 8693 token exchange per workspace), verify every field of the file
// against the platform's own record of the review (read with the token just issued, through the platform client), store
// the tokens in the SecretStore and the session in the review tables. Any difference refuses the whole file.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Clock } from '../../ports/clock.ts';
import type { Db } from '../../ports/db.ts';
import type { HttpClient } from '../../ports/http.ts';
import type { Logger } from '../../ports/logger.ts';
import { createPlatformClient, createWorkspaceApi, singleTokenSource } from '../../platform/index.ts';
import { AppError } from '../../rpc/app-error.ts';
import type { CallContext } from '../../rpc/handlers.ts';
import { checkAgainstPlatform, checkBundleConsistent, checkTokenResponse, decodeBundle, type BundleItem, type PlatformReview } from './bundle.ts';
import type { ReviewStore } from './review-store.ts';
import { REVIEW_CODE_TYPE, TOKEN_EXCHANGE, TOKEN_LIMITS, tokenRequest, type ReviewTokens, type StoredTokens, type TokenResponse } from './review-tokens.ts';

export interface RedeemDeps {
  db: Db;
  http: HttpClient;
  clock: Clock;
  logger: Logger;
  store: ReviewStore;
  tokens: ReviewTokens;
  /** a review is redeemed (until review.exit) */
  active: () => boolean;
}

export function createReviewRedeeming(d: RedeemDeps) {
  const { q, journal } = d.store;
  const iso = (ms = d.clock.now()) => new Date(ms).toISOString();

  /** The platform's record of a review and its workspace, read with the review's own token right after redeeming. */
  async function platformRecord(item: BundleItem, accessToken: string): Promise<PlatformReview> {
    const platform = createPlatformClient(createWorkspaceApi({ http: d.http, tokens: singleTokenSource({ workspaceId: item.workspaceId, apiBase: item.apiBase, accessToken }) }));
    const review = await platform.reviews.get(item.workspaceId, item.reviewId, TOKEN_LIMITS).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'not_found') throw new AppError('tamper_detected', `The platform has no review ${item.reviewId} in ${item.workspaceId}: the review id in the file is not the platform's. Nothing was redeemed; ask the operator for a new review file.`);
      throw err;
    });
    const ws = await platform.workspace.get(item.workspaceId, TOKEN_LIMITS);
    if (ws.id !== review.workspace_id) throw new AppError('invalid_response', `The platform answered for workspace ${ws.id.slice(0, 80)} and review workspace ${review.workspace_id.slice(0, 80)}; the review was not redeemed`);
    return { review, workspaceName: ws.name };
  }

  /** Redeems the file or code; returns the redeemed workspaces and those that failed (the caller reports the status). */
  async function redeem(input: { file?: string; code?: string }, ctx: CallContext): Promise<void> {
    // A caller without file access anywhere (the app window, a serve tab) hands over the code itself. Its `file` is
    // refused before any filesystem access, with one answer whatever the path (no probing for which files exist).
    if (input.file !== undefined && ctx.capabilities.fileAccess !== 'anywhere') {
      throw new AppError('invalid_input', 'Here a review is redeemed from its code: paste the code (the content of the review file), not a file path');
    }
    if (d.active()) throw new AppError('conflict', 'A review is already active here; end it with `grantdesk review exit` first');
    let text = input.code;
    if (!text && input.file) {
      try {
        text = readFileSync(resolve(input.file), 'utf8');
      } catch (err) {
        throw new AppError('io_error', `Cannot read ${input.file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
    if (!text) throw new AppError('invalid_input', 'file or code is required');
    const bundle = decodeBundle(text);
    checkBundleConsistent(bundle);
    const ok: Array<{ item: BundleItem; record: PlatformReview; tokens: StoredTokens; expiresMs: number }> = [];
    const failed: string[] = [];
    for (const item of bundle.items) {
      let t: TokenResponse;
      try {
        t = await tokenRequest(d.http, { token_endpoint: item.tokenEndpoint, client_id: item.clientId }, { grant_type: TOKEN_EXCHANGE, subject_token: item.code, subject_token_type: REVIEW_CODE_TYPE });
      } catch (err) {
        // invalid_grant: the platform answers the same for unknown, used, withdrawn, revoked and ended codes (by design)
        failed.push(
          err instanceof AppError && err.code === 'needs_reconsent'
            ? `The review code for ${item.workspaceName} was not accepted: it was withdrawn, already used, revoked or has ended.`
            : `The review code for ${item.workspaceName} could not be redeemed (${err instanceof AppError ? err.message.slice(0, 200) : 'failed'}).`,
        );
        continue;
      }
      // Tamper evidence: the file is only a carrier of codes. Everything shown or recorded comes from the platform's own
      // record of the review (read with the token just issued), and any difference refuses the whole file.
      checkTokenResponse(item, t);
      const record = await platformRecord(item, t.access_token);
      checkAgainstPlatform(bundle, item, t, record);
      const expiresMs = Date.parse(record.review.expires_at);
      const ttl = (t.expires_in ?? 300) * 1000;
      ok.push({ item, record, tokens: { access_token: t.access_token, refresh_token: t.refresh_token ?? null, access_expires_ms: Math.min(d.clock.now() + ttl, expiresMs), ttl_ms: ttl, generation: 0 }, expiresMs });
    }
    if (!ok.length) throw new AppError('not_found', `${failed.join(' ').slice(0, 600)} Ask the operator for a new review. Nothing was stored.`);
    for (const o of ok) await d.tokens.store(o.item.workspaceId, o.tokens);
    const expiresMs = Math.min(...ok.map((o) => o.expiresMs));
    const rec = ok[0]!.record.review;
    d.db.transaction(() => {
      q.clearLog.run();
      q.delGrants.run();
      journal.clear.run();
      // the platform's reviewer and policy (checked equal on every workspace), never the file's
      q.insSession.run(bundle.bundleId, rec.reviewer_name, rec.reviewer_email, rec.data_policy, iso(), iso(expiresMs), expiresMs);
      for (const o of ok) {
        const r = o.record;
        q.insGrant.run(r.review.workspace_id, r.workspaceName, r.review.id, o.item.issuer, o.item.apiBase, o.item.tokenEndpoint, o.item.clientId, JSON.stringify([...r.review.scopes].sort()), r.review.expires_at, o.expiresMs);
      }
      q.insLog.run(iso(), 'review.redeem', ctx.transport, 1, JSON.stringify({ bundleId: bundle.bundleId, workspaces: ok.map((o) => o.item.workspaceId), failed }), null);
    })();
    if (failed.length) d.logger.warn('review_partial_redeem', { failed: failed.length });
  }

  return { redeem };
}
