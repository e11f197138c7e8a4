// Auditor side of an extension: while a review runs, its end is re-read from the platform's own record of each reviewed
// workspace (GET /v1/reviews/{id} with the review's token) at most every few minutes, so an operator's extension moves
// the end here too instead of the tokens being wiped at the old one. The platform is hostile input: an end is only ever
// moved later, never past MAX_REVIEW_DAYS after the redeem (a review cannot last longer than that from its issue), and
// an earlier end is left to the platform to enforce (its 401s end the access anyway).
import { MAX_REVIEW_DAYS } from '../../../src-common/contract/index.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Db } from '../../ports/db.ts';
import type { Logger } from '../../ports/logger.ts';
import type { WorkspaceApi } from '../../ports/platform.ts';
import { createPlatformClient } from '../../platform/index.ts';
import type { GrantRow, SessionRow } from './review-store.ts';

/** how often a running review's end is read again */
export const END_RECHECK_MS = 5 * 60_000;
const DAY = 86_400_000;

export function createEndRecheck(d: { db: Db; clock: Clock; logger: Logger; api: WorkspaceApi; session: () => SessionRow | null; grants: () => GrantRow[]; changed: () => void }) {
  const setGrantEnd = d.db.prepare('UPDATE review_grants SET expires_at = ?, expires_ms = ? WHERE workspace_id = ? AND review_id = ?');
  const setSessionEnd = d.db.prepare("UPDATE review_session SET expires_at = ?, expires_ms = ? WHERE key = 'current' AND state = 'active'");
  const platform = createPlatformClient(d.api);
  let last = 0;
  let running: Promise<void> | null = null;

  async function once(): Promise<void> {
    const s = d.session();
    if (!s || s.state !== 'active') return;
    const cap = Date.parse(s.redeemed_at) + MAX_REVIEW_DAYS * DAY;
    let moved = false;
    for (const g of d.grants()) {
      try {
        const r = await platform.reviews.get(g.workspace_id, g.review_id, { deadlineMs: 15_000, maxBytes: 64 * 1024 });
        const end = Date.parse(r.expires_at);
        if (r.id !== g.review_id || !Number.isFinite(end) || end <= g.expires_ms) continue;
        const next = Math.min(end, cap);
        setGrantEnd.run(new Date(next).toISOString(), next, g.workspace_id, g.review_id);
        moved = true;
      } catch (err) {
        d.logger.warn('review_end_recheck_failed', { workspaceId: g.workspace_id, code: (err as { code?: string }).code ?? 'error' });
      }
    }
    if (!moved) return;
    // the session ends with its first-ending workspace, as at the redeem
    const ends = d.grants().map((g) => g.expires_ms);
    if (!ends.length) return; // the review was left meanwhile
    const first = Math.min(...ends);
    setSessionEnd.run(new Date(first).toISOString(), first);
    d.logger.info('review_end_extended', { bundle: s.bundle_id });
    d.changed();
  }

  return {
    /** re-read the end if the last read is older than END_RECHECK_MS (or `force`); one read at a time */
    async maybe(force = false): Promise<void> {
      const s = d.session();
      if (!s || s.state !== 'active' || d.clock.now() >= s.expires_ms) return;
      if (!force && d.clock.now() - last < END_RECHECK_MS) return;
      last = d.clock.now();
      running ??= once().finally(() => {
        running = null;
      });
      await running;
    },
  };
}
