// Mint a short-lived service token (5–60 min) with chosen scopes for a one-off job. Shown once; closing forgets it.
import { useState } from 'react';
import type { AppErrorData } from '../../../../src-common/contract/index.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { useStores } from '../../stores/use-store.ts';
import { useReviewMode } from '../../app/use-review-mode.ts';

const TTLS = [5, 10, 15, 30, 45, 60];

export function ServiceTokenDialog({ workspace, open, onClose }: { workspace: string; open: boolean; onClose(): void }) {
  const { api } = useStores();
  const review = useReviewMode();
  const [scopes, setScopes] = useState('contacts:read');
  const [ttl, setTtl] = useState(15);
  const [minted, setMinted] = useState<{ token: string; expiresAt: string; scopes: string[] } | null>(null);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setMinted(null);
    setError(null);
    onClose();
  };
  const mint = async () => {
    setBusy(true);
    setError(null);
    const r = await api.serviceTokensMint({ workspace, scopes: scopes.split(/[\s,]+/).filter(Boolean), ttl });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setMinted({ token: r.value.token, expiresAt: r.value.expiresAt, scopes: r.value.scopes });
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
          <button type="button" className="button button-primary" disabled={busy || review.blocked('serviceTokens.mint')} title={review.title} onClick={() => void mint()} data-testid="service-token-mint">
            Mint
          </button>
        )
      }
    >
      {error && <ErrorBanner error={error} onDismiss={() => setError(null)} testId="service-token-error" />}
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
