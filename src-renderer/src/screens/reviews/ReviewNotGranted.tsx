// In review mode, what the review does not grant, said where the screen would otherwise look empty or "not synced"
// ("This review does not include credentials:read, so credentials cannot be listed."). Nothing outside review mode.
import { useReviewMode, useReviewStatus } from '../../app/use-review-mode.ts';
import { notGrantedSentence } from '../../stores/review-store.ts';

const SCOPE_OF = { credentials: 'credentials:read' } as const;

export function useNotGranted(what: keyof typeof SCOPE_OF): string | null {
  const { active } = useReviewMode();
  const status = useReviewStatus();
  return active ? notGrantedSentence(status, SCOPE_OF[what], what) : null;
}

export function ReviewNotGranted({ what }: { what: keyof typeof SCOPE_OF }) {
  const sentence = useNotGranted(what);
  if (!sentence) return null;
  return (
    <div className="banner banner-info" role="status" data-testid="review-not-granted">
      <p>{sentence}</p>
    </div>
  );
}
