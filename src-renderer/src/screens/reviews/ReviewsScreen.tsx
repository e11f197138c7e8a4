// Reviews: time-boxed read-only auditor reviews. Outside review mode: issue a review (operator) or redeem a code
// (auditor). In review mode: the review's status, countdown, log, evidence package and leaving review mode.
import { useReviewMode, useReviewStatus } from '../../app/use-review-mode.ts';
import { AuditorReview } from './AuditorReview.tsx';
import { OperatorReviews } from './OperatorReviews.tsx';
import './review.css';

export function ReviewsScreen() {
  const { active } = useReviewMode();
  const status = useReviewStatus();
  const inReview = active && status !== null && status.state !== 'none';
  return (
    <section className="screen" aria-labelledby="screen-title" data-testid="reviews-screen" data-mode={inReview ? 'auditor' : 'operator'}>
      <header className="screen-header">
        <h1 id="screen-title" tabIndex={-1}>
          Reviews
        </h1>
        <p className="screen-subtitle">{inReview ? 'This Grantdesk is a read-only auditor review. It ends by itself.' : 'Give an auditor read-only access that ends by itself, or redeem a review code you were given.'}</p>
      </header>
      {inReview ? <AuditorReview status={status} /> : <OperatorReviews />}
    </section>
  );
}
