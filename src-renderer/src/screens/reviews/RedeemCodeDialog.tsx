// The one-time redeem code of a new review, shown exactly once: copy it, tick "I have handed it over", done. The code
// lives only in the caller's component state and is dropped when this dialog closes; it never enters a store.
import { useState } from 'react';
import type { Output } from '../../../../src-common/contract/index.ts';
import { Dialog } from '../../components/Dialog.tsx';

type Created = Output<'review.create'>;

export function RedeemCodeDialog({ created, onDone }: { created: Created | null; onDone(): void }) {
  const [handed, setHanded] = useState(false);
  const [copied, setCopied] = useState(false);
  const close = () => {
    if (!handed) return;
    setHanded(false);
    setCopied(false);
    onDone();
  };
  return (
    <Dialog
      open={created !== null}
      onOpenChange={(o) => !o && close()}
      title="Hand this code to the auditor"
      description="This is the only time Grantdesk shows the review code. Whoever holds it can redeem the review once."
      testId="review-code-dialog"
      footer={
        <button type="button" className="button button-primary" disabled={!handed} onClick={close} data-testid="review-code-done">
          Done
        </button>
      }
    >
      {created && (
        <>
          <p className="muted">
            {created.reviews.length} workspace{created.reviews.length === 1 ? '' : 's'} · ends {created.expiresAt.slice(0, 16).replace('T', ' ')} UTC · also saved as <span className="mono">{created.path}</span>
          </p>
          <div className="rv-code">
            <code data-testid="review-code">{created.redeemText}</code>
            <button
              type="button"
              className="button"
              onClick={() =>
                void navigator.clipboard
                  .writeText(created.redeemText)
                  .then(() => setCopied(true))
                  .catch(() => setCopied(false))
              }
              data-testid="review-code-copy"
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
          <label className="check">
            <input type="checkbox" checked={handed} onChange={(e) => setHanded(e.target.checked)} data-testid="review-code-handed" />I have handed it over
          </label>
        </>
      )}
    </Dialog>
  );
}
