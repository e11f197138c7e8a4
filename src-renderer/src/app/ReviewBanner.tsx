// The persistent review-mode banner in the app frame: "Read-only auditor review · <reviewer> · ends in 13 d 4 h",
// counting down every second, and "Review ended — access removed" once the review has expired.
import { useEffect } from 'react';
import { useStores } from '../stores/use-store.ts';
import { formatLeft, useCountdown, useReviewMode, useReviewStatus } from './use-review-mode.ts';
import './review-banner.css';

export function ReviewBanner() {
  const { active } = useReviewMode();
  const status = useReviewStatus();
  const inReview = active || (status !== null && status.state !== 'none');
  const left = useCountdown(inReview ? (status?.expiresAt ?? null) : null);
  const { review } = useStores();
  // at the end, ask main again: it wipes the tokens and applies the policy, and the banner shows what happened
  const dueNow = left === 0 && status?.state === 'active';
  useEffect(() => {
    if (dueNow) void review.getState().load();
  }, [dueNow, review]);
  if (!inReview || !status || status.state === 'none') return null;
  const ended = status.state === 'expired' || left === 0;
  const who = status.reviewer ? status.reviewer.name : 'unknown reviewer';
  return (
    <div className={`banner review-banner ${ended ? 'review-banner-ended' : ''}`} role="status" data-testid="review-banner" data-state={ended ? 'ended' : 'active'} data-seconds-left={left ?? ''}>
      <svg className="banner-icon" viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
        <circle cx="12" cy="12" r="9" />
        <path d="M12 7v5l3 2" />
      </svg>
      <div className="banner-text">
        {ended ? (
          <p className="banner-title" data-testid="review-banner-text">
            Review ended — access removed
          </p>
        ) : (
          <p className="banner-title" data-testid="review-banner-text">
            <span>
              Read-only auditor review · {who} · ends in <span className="review-countdown">{left === null ? '…' : formatLeft(left)}</span>
            </span>
          </p>
        )}
        <p className="banner-remedy">
          {ended
            ? status.dataState === 'purged'
              ? 'The review tokens were wiped and the reviewed data was purged. Open Reviews to leave review mode.'
              : 'The review tokens were wiped; the cached data stays readable. Open Reviews to build evidence or leave review mode.'
            : `${status.workspaces.length} workspace${status.workspaces.length === 1 ? '' : 's'}, read-only; write actions are disabled. `}
          {!ended && <a href="#/reviews">Review details</a>}
        </p>
      </div>
    </div>
  );
}
