// Review mode in the renderer: whether this Grantdesk is in a read-only auditor review, the review's status (reviewer,
// expiry) for the banner and the Reviews screen, and `blocked(command)` for write actions (use <WriteButton>). The list
// of blocked commands comes from the contract (REVIEW_BLOCKED_COMMANDS), the same list main enforces; the UI only
// avoids inviting failures.
import { useEffect, useState } from 'react';
import type { CommandName, ReviewStatus } from '../../../src-common/contract/index.ts';
import { selectReviewMode } from '../stores/health-store.ts';
import { isReviewBlocked, selectReviewStatus, type ReviewMode } from '../stores/review-store.ts';
import { useSelect, useStores } from '../stores/use-store.ts';

export const READ_ONLY_TITLE = 'Read-only review: this Grantdesk cannot change anything until the review ends';

export type { ReviewMode };

export function useReviewMode(): ReviewMode {
  const { health } = useStores();
  const active = useSelect(health, selectReviewMode);
  return { active, blocked: (command: CommandName) => active && isReviewBlocked(command), title: active ? READ_ONLY_TITLE : undefined };
}

/** loads review.status and follows review/health events while mounted */
export function useReviewStatus(): ReviewStatus | null {
  const { review: store, health } = useStores();
  const status = useSelect(store, selectReviewStatus);
  const reviewMode = useSelect(health, selectReviewMode);
  useEffect(() => store.getState().connect(), [store]);
  useEffect(() => {
    void store.getState().load();
  }, [store, reviewMode]);
  return status;
}

/** "13 d 4 h", "5 h 12 min", "4 min 9 s" */
export function formatLeft(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  return `${m} min ${s % 60} s`;
}

/** seconds until `expiresAt`, re-rendering every second */
export function useCountdown(expiresAt: string | null): number | null {
  const [, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!expiresAt) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [expiresAt, setNow]);
  if (!expiresAt) return null;
  const ms = Date.parse(expiresAt);
  return Number.isFinite(ms) ? Math.max(0, Math.floor((ms - Date.now()) / 1000)) : null;
}
