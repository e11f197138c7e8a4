// The redeem code of a new review: copy it, tick "I have handed it over", done. One statement about where the code lives:
// here and in the review file Grantdesk saved on this computer (the platform keeps only a hash). Closing without the tick
// (×, Escape, Done) asks first. The code lives only in the caller's component state and is dropped when this dialog
// closes; it never enters a store.
import { useState } from 'react';
import type { Output } from '../../../../src-common/contract/index.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { exact, shortDate } from '../rotation/dates.ts';

type Created = Output<'review.create'>;

export function RedeemCodeDialog({ created, onDone }: { created: Created | null; onDone(): void }) {
  const [handed, setHanded] = useState(false);
  const [copied, setCopied] = useState(false);
  const [asking, setAsking] = useState(false);
  const finish = () => {
    setHanded(false);
    setCopied(false);
    setAsking(false);
    onDone();
  };
  const requestClose = () => (handed ? finish() : setAsking(true));
  const n = created?.reviews.length ?? 0;
  const ends = created ? Date.parse(created.expiresAt) : 0;
  return (
    <Dialog
      open={created !== null}
      onOpenChange={(o) => !o && requestClose()}
      title="Hand this code to the auditor"
      description="Whoever holds this code can redeem the review once. Grantdesk keeps it in one place: the review file named below, on this computer (the platform stores only a fingerprint of it). Hand over the code or the file, then delete the file."
      testId="review-code-dialog"
      footer={
        asking ? (
          <div className="rv-close-ask" role="alertdialog" aria-label="Close without confirming" data-testid="review-code-ask">
            <span>You have not confirmed you handed the code over — close anyway?</span>
            <button type="button" className="button" onClick={() => setAsking(false)} data-testid="review-code-keep">
              Keep open
            </button>
            <button type="button" className="button button-danger-outline" onClick={finish} data-testid="review-code-close-anyway">
              Close anyway
            </button>
          </div>
        ) : (
          <button type="button" className="button button-primary" onClick={requestClose} data-testid="review-code-done">
            Done
          </button>
        )
      }
    >
      {created && (
        <>
          <p className="muted" data-testid="review-code-summary">
            {n} workspace{n === 1 ? '' : 's'} · ends <span title={exact(ends)}>{shortDate(ends, Date.now())}</span>
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
          <p className="field-hint">
            Review file: <span className="mono rv-path" data-testid="review-code-path">{created.path}</span>
          </p>
          <label className="check">
            <input
              type="checkbox"
              checked={handed}
              onChange={(e) => {
                setHanded(e.target.checked);
                if (e.target.checked) setAsking(false);
              }}
              data-testid="review-code-handed"
            />
            I have handed it over
          </label>
        </>
      )}
    </Dialog>
  );
}
