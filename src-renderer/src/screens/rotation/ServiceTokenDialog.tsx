// Mint a short-lived service token (5–60 min) with chosen scopes for a one-off job. Shown once; closing forgets it.
import { useState } from 'react';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { selectMintError, selectMinting, type MintedToken } from '../../stores/rotation-store.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { WriteButton } from '../../components/WriteButton.tsx';

const TTLS = [5, 10, 15, 30, 45, 60];

export function ServiceTokenDialog({ workspace, open, onClose }: { workspace: string; open: boolean; onClose(): void }) {
  const { rotation: store } = useStores();
  const error = useSelect(store, selectMintError);
  const busy = useSelect(store, selectMinting);
  const [scopes, setScopes] = useState('contacts:read');
  const [ttl, setTtl] = useState(15);
  // the token shown once lives here, in this dialog's state, until it closes (never in a store)
  const [minted, setMinted] = useState<MintedToken | null>(null);
  const close = () => {
    setMinted(null);
    store.getState().dismissMintError();
    onClose();
  };
  const mint = async () => {
    const t = await store.getState().mintServiceToken(workspace, scopes.split(/[\s,]+/).filter(Boolean), ttl);
    if (t) setMinted(t);
  };
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => !o && close()}
      title="Mint a service token"
      description="For a one-off job: it expires on its own, is shown once and never stored."
      testId="service-token-dialog"
      size="small"
      footer={
        minted ? (
          <button type="button" className="button button-primary" onClick={close} data-testid="service-token-done">
            Done
          </button>
        ) : (
          <WriteButton command="serviceTokens.mint" className="button button-primary" disabled={busy} onClick={() => void mint()} data-testid="service-token-mint">
            Mint
          </WriteButton>
        )
      }
    >
      {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissMintError()} testId="service-token-error" />}
      {!minted && (
        <>
          <label className="field-label">
            Scopes (comma-separated) <input className="input mono" value={scopes} onChange={(e) => setScopes(e.target.value)} data-testid="service-token-scopes" />
          </label>
          <label className="field-label">
            Lifetime{' '}
            <select className="input" value={ttl} onChange={(e) => setTtl(Number(e.target.value))} data-testid="service-token-ttl">
              {TTLS.map((t) => (
                <option key={t} value={t}>
                  {t} minutes
                </option>
              ))}
            </select>
          </label>
        </>
      )}
      {minted && (
        <>
          <div className="rot-secret">
            <code data-testid="service-token-value">{minted.token}</code>
            <button type="button" className="button" onClick={() => void navigator.clipboard.writeText(minted.token).catch(() => {})}>
              Copy
            </button>
          </div>
          <p className="muted" data-testid="service-token-expiry">
            Scopes {minted.scopes.join(', ')}; expires {minted.expiresAt}.
          </p>
        </>
      )}
    </Dialog>
  );
}
