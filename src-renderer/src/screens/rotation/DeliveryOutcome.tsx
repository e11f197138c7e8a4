// What became of a new secret that went to a delivery target: delivered (the secret is never shown), or failed with
// the command's exit code and its stderr tail (main redacted the secret), and then the explicit choice: "Show it once
// now?" or "Try again" with another target. The revealed secret goes back to the parent dialog, which shows it once
// the usual way; it never enters a store.
import { useState } from 'react';
import type { Delivered, DeliveryFailure, WizardDelivery } from '../../../../src-common/contract/index.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { WriteButton } from '../../components/WriteButton.tsx';
import { selectDeliveryBusy, selectDeliveryError, selectDeliveryTargets } from '../../stores/delivery-store.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { clockTime, exact } from './dates.ts';

/** one shape for the wizard's recorded delivery and a create/rotate call's outcome */
export interface DeliveryView {
  target: string;
  ok: boolean;
  message: string;
  stderrTail: string;
  pendingId: string | null;
  /** main still holds the undelivered secret */
  held: boolean;
  heldUntil: string | null;
}

export function viewOfWizard(d: WizardDelivery): DeliveryView {
  return { target: d.target, ok: d.ok, message: d.message, stderrTail: d.stderrTail, pendingId: d.pendingId, held: d.secretHeld, heldUntil: d.heldUntil };
}
export function viewOfCall(delivered: Delivered | null, failed: DeliveryFailure | null): DeliveryView | null {
  if (delivered) return { target: delivered.target, ok: true, message: `Delivered to ${delivered.target} (exit code ${delivered.exitCode}).`, stderrTail: '', pendingId: null, held: false, heldUntil: null };
  if (failed) return { target: failed.target, ok: false, message: failed.message, stderrTail: failed.stderrTail, pendingId: failed.pendingId, held: failed.pendingId !== null, heldUntil: failed.heldUntil };
  return null;
}

export function DeliveryOutcome({
  view,
  lostHint,
  onRevealed,
  onRetried,
  testId = 'delivery-outcome',
}: {
  view: DeliveryView;
  /** what to do when the secret is no longer held (rotate again, …) */
  lostHint: string;
  onRevealed(secret: string): void;
  onRetried(next: DeliveryView): void;
  testId?: string;
}) {
  const { delivery: store } = useStores();
  const targets = useSelect(store, selectDeliveryTargets);
  const busy = useSelect(store, selectDeliveryBusy);
  const error = useSelect(store, selectDeliveryError);
  const [retryTo, setRetryTo] = useState<string>(view.target);
  const retryTarget = targets.some((t) => t.name === retryTo) ? retryTo : (targets[0]?.name ?? '');

  if (view.ok) {
    return (
      <p className="rot-ok rot-delivery-result" data-testid={`${testId}-delivered`}>
        {view.message} The secret was not shown and Grantdesk does not keep it.
      </p>
    );
  }
  const reveal = async () => {
    if (!view.pendingId) return;
    const secret = await store.getState().reveal(view.pendingId);
    if (secret) onRevealed(secret);
  };
  const retry = async () => {
    if (!view.pendingId || !retryTarget) return;
    const r = await store.getState().retry(view.pendingId, retryTarget);
    const next = r ? viewOfCall(r.delivered, r.deliveryFailed) : null;
    if (next) onRetried(next);
  };
  const until = view.heldUntil ? Date.parse(view.heldUntil) : null;
  return (
    <div className="banner banner-error rot-delivery-failed" role="alert" data-testid={`${testId}-failed`}>
      <div className="banner-text">
        <p className="banner-title" data-testid={`${testId}-message`}>
          {view.message}
        </p>
        {view.stderrTail && (
          <pre className="rot-delivery-stderr" data-testid={`${testId}-stderr`} aria-label={`What ${view.target} wrote to its error output`}>
            {view.stderrTail}
          </pre>
        )}
        {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissError()} testId={`${testId}-error`} />}
        {view.held && view.pendingId ? (
          <>
            <p className="banner-remedy" data-testid={`${testId}-ask`}>
              Show it once now? Grantdesk holds it in memory only{until ? <span title={exact(until)}>{` until ${clockTime(until, Date.now())}`}</span> : ' for a few minutes'}; you can also deliver it again.
            </p>
            <div className="rot-row-actions rot-delivery-actions">
              <WriteButton command="delivery.reveal" className="button button-primary" disabled={busy} onClick={() => void reveal()} data-testid={`${testId}-reveal`}>
                Show it once
              </WriteButton>
              {targets.length > 0 && (
                <>
                  <select className="input" value={retryTarget} onChange={(e) => setRetryTo(e.target.value)} aria-label="Deliver to" data-testid={`${testId}-retry-target`}>
                    {targets.map((t) => (
                      <option key={t.name} value={t.name}>
                        {t.name}
                      </option>
                    ))}
                  </select>
                  <WriteButton command="delivery.retry" className="button" disabled={busy} onClick={() => void retry()} data-testid={`${testId}-retry`}>
                    Try delivery again
                  </WriteButton>
                </>
              )}
            </div>
          </>
        ) : (
          <p className="banner-remedy" data-testid={`${testId}-lost`}>
            The secret is no longer held (it was shown, forgotten, Grantdesk restarted, or 15 minutes passed). {lostHint}
          </p>
        )}
      </div>
    </div>
  );
}
