// The dialog after a machine client's secret was issued (create or rotate): the secret shown once, or where it was
// delivered, or a failed delivery with the explicit choice to show it once or deliver it again; then the quota check
// made with the new secret. The secret lives in the panel's state (IssuedSecret) and this dialog's, never in a store;
// closing with a held, unshown secret tells main to forget it.
import { useEffect, useState } from 'react';
import type { QuotaCheck } from '../../../../src-common/contract/index.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import type { IssuedSecret } from '../../stores/clients-store.ts';
import { useStores } from '../../stores/use-store.ts';
import { DeliveryOutcome, viewOfCall, type DeliveryView } from './DeliveryOutcome.tsx';

function QuotaCheckView({ check }: { check: QuotaCheck }) {
  return (
    <div data-testid="quota-check" data-ok={check.ok}>
      <p className={check.ok ? 'rot-ok' : 'rot-bad'}>
        {check.ok ? 'A token request with the new secret succeeded.' : `The token request with the new secret failed${check.status ? ` (${check.status})` : ''}.`}
        {check.limit !== null && ` Quota: ${check.remaining ?? '?'} of ${check.limit} left today.`}
        {check.retryAfterSeconds !== null && ` Retry after ${check.retryAfterSeconds} s.`}
      </p>
      {check.warning && (
        <p className="rot-warn" data-testid="quota-warning">
          Platform warning: {check.warning}
        </p>
      )}
      {check.error && <ErrorBanner error={check.error} testId="quota-error" />}
      {check.remedy && (
        <p className="banner-remedy" data-testid="quota-remedy">
          {check.remedy}
        </p>
      )}
    </div>
  );
}

export function ClientSecretDialog({ shown, onClose }: { shown: IssuedSecret | null; onClose(): void }) {
  const { delivery } = useStores();
  const [secret, setSecret] = useState<string | null>(null);
  const [view, setView] = useState<DeliveryView | null>(null);
  const [stored, setStored] = useState(false);
  useEffect(() => {
    setSecret(shown?.secret ?? null);
    setView(shown ? viewOfCall(shown.delivered, shown.deliveryFailed) : null);
    setStored(false);
  }, [shown]);
  const heldUnshown = secret === null && view !== null && !view.ok && view.held && view.pendingId !== null;
  const close = () => {
    // an undelivered secret nobody asked to see is forgotten now, not 15 minutes from now
    if (heldUnshown) void delivery.getState().discard(view.pendingId!);
    setSecret(null);
    setView(null);
    onClose();
  };
  const delivered = secret === null && view?.ok === true;
  return (
    <Dialog
      open={shown !== null}
      onOpenChange={(o) => !o && close()}
      title={shown?.title ?? ''}
      description={delivered ? 'Delivered to the target you chose; not shown here.' : secret !== null ? 'Shown this one time. Grantdesk does not keep it.' : 'The secret was not delivered and not shown.'}
      testId="client-secret-dialog"
      footer={
        <button
          type="button"
          className="button button-primary"
          disabled={secret !== null && !stored}
          title={secret !== null && !stored ? 'Tick "I have stored it" once the secret is stored' : heldUnshown ? 'Closing forgets the secret without showing it' : undefined}
          onClick={close}
          data-testid="client-secret-done"
        >
          {secret !== null ? 'I have stored it' : heldUnshown ? 'Close without showing it' : 'Done'}
        </button>
      }
    >
      {shown && (
        <>
          {secret === null && view && (
            <DeliveryOutcome
              view={view}
              lostHint="Rotate the client's secret again to issue a new one."
              onRevealed={(s) => {
                setSecret(s);
                setStored(false);
              }}
              onRetried={setView}
              testId="client-delivery-outcome"
            />
          )}
          {secret !== null && (
            <>
              {view && !view.ok && <p className="rot-warn">{view.message.replace(/ The new secret (was not shown|is shown once instead, as asked)\.$/, '')} It is shown once here instead.</p>}
              <div className="rot-secret">
                <code data-testid="client-secret">{secret}</code>
                <button type="button" className="button" onClick={() => void navigator.clipboard.writeText(secret).catch(() => {})}>
                  Copy
                </button>
              </div>
              <label className="field">
                <input type="checkbox" checked={stored} onChange={(e) => setStored(e.target.checked)} data-testid="client-secret-stored" /> I have stored it
              </label>
            </>
          )}
          <QuotaCheckView check={shown.check} />
        </>
      )}
    </Dialog>
  );
}
