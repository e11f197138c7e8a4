// The draft narrower grant of an unused-scopes insight for Grantdesk's own workspace grant: before/after, then sign in
// again (workspaces.connect with exactly the kept scopes). A draft: nothing changes until the user confirms.
import { useEffect } from 'react';
import type { Insight } from '../../../../src-common/contract/index.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { WriteButton } from '../../components/WriteButton.tsx';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { selectReconsentError, selectReconsenting } from '../../stores/workspaces-store.ts';

export function NarrowGrantDialog({ item, onClose }: { item: Insight | null; onClose(done: boolean): void }) {
  const { workspaces: store } = useStores();
  const busy = useSelect(store, selectReconsenting);
  const error = useSelect(store, selectReconsentError);
  const s = item?.suggestion.kind === 'narrow_scopes' ? item.suggestion : null;
  // a previous re-consent's error does not greet the next one
  useEffect(() => {
    if (item) store.getState().dismissReconsentError();
  }, [store, item]);
  const go = async () => {
    if (!item || !s) return;
    if (await store.getState().reconsent(item.workspaceId, s.keep)) onClose(true);
  };
  return (
    <Dialog
      open={item !== null}
      onOpenChange={(o) => !o && !busy && onClose(false)}
      title="Re-consent with the narrower scopes"
      description={item ? `${item.workspaceName}: sign in again so the platform replaces Grantdesk's grant with only the scopes it used.` : ''}
      testId="narrow-grant-dialog"
      footer={
        <>
          <button type="button" className="button" disabled={busy} onClick={() => onClose(false)}>
            Cancel
          </button>
          <WriteButton command="workspaces.connect" className="button button-primary" disabled={busy || !s || s.keep.length === 0} onClick={() => void go()} data-testid="narrow-grant-go">
            {busy ? 'Waiting for the browser…' : 'Sign in again with these scopes'}
          </WriteButton>
        </>
      }
    >
      {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissReconsentError()} testId="narrow-grant-error" />}
      {s && (
        <>
          <p className="field-label">Keep</p>
          <p className="rv-scopes" data-testid="narrow-keep">
            {s.keep.length ? s.keep.map((x) => <code key={x} className="keep">{x}</code>) : <span className="muted">nothing was used: revoke instead</span>}
          </p>
          <p className="field-label">Drop</p>
          <p className="rv-scopes" data-testid="narrow-remove">
            {s.remove.map((x) => (
              <code key={x} className="remove">
                {x}
              </code>
            ))}
          </p>
          <p className="field-hint">offline_access is always kept so the grant can refresh.</p>
        </>
      )}
    </Dialog>
  );
}
