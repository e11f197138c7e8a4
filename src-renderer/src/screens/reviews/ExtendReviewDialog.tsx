// Extend an issued review by a number of days, never past its 30-day limit from issue (the platform's rule, checked by
// main before any call): the dialog names the review by workspace and reviewer, shows the new end before it is asked
// for, and keeps a refusal as a sentence inside the dialog.
import { useEffect, useId, useState, type FormEvent } from 'react';
import * as RadixDialog from '@radix-ui/react-dialog';
import { MAX_REVIEW_DAYS, type IssuedReview } from '../../../../src-common/contract/index.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { WriteButton } from '../../components/WriteButton.tsx';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { selectRevokeError } from '../../stores/review-store.ts';
import { exact, shortDate } from '../rotation/dates.ts';

const DAY = 86_400_000;

export function ExtendReviewDialog({ review, onDone }: { review: IssuedReview | null; onDone(): void }) {
  const { review: store } = useStores();
  const error = useSelect(store, selectRevokeError);
  const [days, setDays] = useState(1);
  const [busy, setBusy] = useState(false);
  const id = useId();
  useEffect(() => {
    if (review) {
      setDays(Math.min(7, Math.max(1, review.extendableDays)));
      store.getState().dismissRevokeError();
    }
  }, [review, store]);
  if (!review) return null;
  const now = Date.now();
  const max = review.extendableDays;
  const valid = Number.isInteger(days) && days >= 1 && days <= max;
  const newEnd = Date.parse(review.expiresAt) + (valid ? days : 0) * DAY;
  const reason = !valid ? (max === 0 ? `This review already ends at its ${MAX_REVIEW_DAYS}-day limit.` : `Choose 1 to ${max} day${max === 1 ? '' : 's'}: a review lasts at most ${MAX_REVIEW_DAYS} days from its issue.`) : null;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!valid || busy) return;
    setBusy(true);
    const ok = await store.getState().extend(review.workspaceId, review.reviewId, days);
    setBusy(false);
    if (ok) onDone();
  };
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && !busy && onDone()}
      title={`Extend the review of ${review.workspaceName}`}
      description={`${review.reviewerName} keeps read access to ${review.workspaceName} for longer. It now ends ${shortDate(Date.parse(review.expiresAt), now)}; it can be extended by at most ${max} more day${max === 1 ? '' : 's'} (until ${shortDate(Date.parse(review.maxExpiresAt), now)}).`}
      testId="review-extend-dialog"
      size="small"
    >
      <form onSubmit={(e) => void submit(e)} noValidate>
        {error && <ErrorBanner error={error} testId="review-extend-error" />}
        <label className="field-label" htmlFor={id}>
          More days (1 to {max})
        </label>
        <input id={id} className="input" type="number" min={1} max={max} value={days} onChange={(e) => setDays(Number(e.target.value))} aria-invalid={!valid} data-testid="review-extend-days" />
        <p className="field-hint" data-testid="review-extend-new-end" title={valid ? exact(newEnd) : undefined}>
          {reason ?? `New end: ${shortDate(newEnd, now)}.`}
        </p>
        <div className="dialog-footer">
          <RadixDialog.Close className="button" type="button" disabled={busy}>
            Cancel
          </RadixDialog.Close>
          <WriteButton command="review.extend" type="submit" className="button button-primary" disabled={!valid || busy} title={reason ?? undefined} data-testid="review-extend-confirm">
            {busy ? 'Extending…' : `Extend by ${valid ? days : '…'} day${days === 1 ? '' : 's'}`}
          </WriteButton>
        </div>
      </form>
    </Dialog>
  );
}
