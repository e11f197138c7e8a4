// Operator side of reviews: issue a time-boxed, read-only review for chosen workspaces (read scopes only, at most
// MAX_REVIEW_DAYS, reviewer name and email, keep/purge policy), show the redeem code once, list what was issued here;
// and, for the auditor's machine, redeem a pasted code (this Grantdesk then enters review mode).
import { useEffect, useId, useState, type FormEvent } from 'react';
import { MAX_REVIEW_DAYS, REVIEW_POLICIES, type AppErrorData, type Output, type ReviewPolicy, type Workspace } from '../../../../src-common/contract/index.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { useStores } from '../../stores/use-store.ts';
import { RedeemCodeDialog } from './RedeemCodeDialog.tsx';

type Created = Output<'review.create'>;
/** what the list keeps of an issued review: never the code */
type Issued = Omit<Created, 'redeemText'> & { reviewer: string; email: string; policy: ReviewPolicy; issuedAt: string };

const FALLBACK_READ_SCOPES = ['audit:read', 'contacts:read', 'credentials:read', 'deals:read', 'users:read'];
const POLICY_LABEL: Record<ReviewPolicy, string> = { keep_read_only: 'Keep the cached data read-only at expiry', purge: 'Purge the cached data at expiry' };

// issued reviews survive screen changes for this window's life (the platform holds the grants; no code is kept)
let issuedThisSession: Issued[] = [];

export function OperatorReviews() {
  const { api, health } = useStores();
  const [workspaces, setWorkspaces] = useState<Workspace[]>([]);
  const [readScopes, setReadScopes] = useState<string[]>(FALLBACK_READ_SCOPES);
  const [chosenWs, setChosenWs] = useState<string[]>([]);
  const [scopes, setScopes] = useState<string[]>(['audit:read']);
  const [days, setDays] = useState(14);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [policy, setPolicy] = useState<ReviewPolicy>('keep_read_only');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [created, setCreated] = useState<Created | null>(null);
  const [issued, setIssued] = useState<Issued[]>(issuedThisSession);
  const [code, setCode] = useState('');
  const [redeemError, setRedeemError] = useState<AppErrorData | null>(null);
  const [redeeming, setRedeeming] = useState(false);
  const ids = { days: useId(), name: useId(), email: useId(), code: useId() };

  useEffect(() => {
    void (async () => {
      const [w, m] = await Promise.all([api.workspacesList({}), api.inventoryMatrix({})]);
      if (w.ok) setWorkspaces(w.value.filter((x) => x.status === 'connected'));
      else setError(w.error);
      if (m.ok && typeof m.value !== 'string') {
        const fromCatalogue = m.value.columns.map((c) => c.scope).filter((s) => /^[a-z][a-z0-9_-]*:read$/.test(s));
        if (fromCatalogue.length) setReadScopes([...new Set([...fromCatalogue, 'audit:read'])].sort());
      }
    })();
  }, [api]);

  const toggle = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const valid = chosenWs.length > 0 && scopes.length > 0 && days >= 1 && days <= MAX_REVIEW_DAYS && name.trim() !== '' && /\S+@\S+\.\S+/.test(email);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!valid || busy) return;
    setBusy(true);
    setError(null);
    const r = await api.reviewCreate({ workspaces: chosenWs, scopes, durationDays: days, reviewerName: name.trim(), reviewerEmail: email.trim(), policy });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    const { redeemText: _secret, ...rest } = r.value;
    const entry: Issued = { ...rest, reviewer: name.trim(), email: email.trim(), policy, issuedAt: new Date().toISOString() };
    issuedThisSession = [entry, ...issuedThisSession];
    setIssued(issuedThisSession);
    setCreated(r.value);
  };

  const redeem = async (e: FormEvent) => {
    e.preventDefault();
    if (!code.trim() || redeeming) return;
    setRedeeming(true);
    setRedeemError(null);
    const r = await api.reviewRedeem({ code: code.trim() });
    setRedeeming(false);
    if (!r.ok) return setRedeemError(r.error);
    setCode('');
    await health.getState().refresh();
  };

  const now = Date.now();
  return (
    <>
      <div className="section">
        <h2 className="section-title">Issue a review</h2>
        {error && <ErrorBanner error={error} onDismiss={() => setError(null)} testId="review-create-error" />}
        <form className="panel" onSubmit={(e) => void submit(e)} noValidate data-testid="review-create-form">
          <div className="rv-grid">
            <fieldset className="field">
              <legend className="field-label">Workspaces</legend>
              <div className="rv-checks" data-testid="review-workspaces">
                {workspaces.length === 0 && <span className="muted">No connected workspaces.</span>}
                {workspaces.map((w) => (
                  <label key={w.id}>
                    <input type="checkbox" checked={chosenWs.includes(w.id)} onChange={() => setChosenWs((l) => toggle(l, w.id))} data-testid="review-ws" data-workspace={w.id} />
                    <span>
                      {w.name} <span className="mono muted">{w.id}</span>
                    </span>
                  </label>
                ))}
              </div>
              {workspaces.length > 1 && (
                <button type="button" className="link-button rv-select-all" onClick={() => setChosenWs(chosenWs.length === workspaces.length ? [] : workspaces.map((w) => w.id))}>
                  {chosenWs.length === workspaces.length ? 'Clear all' : 'Select all'}
                </button>
              )}
            </fieldset>
            <fieldset className="field">
              <legend className="field-label">Read scopes</legend>
              <div className="rv-checks" data-testid="review-scopes">
                {readScopes.map((s) => (
                  <label key={s}>
                    <input type="checkbox" checked={scopes.includes(s)} onChange={() => setScopes((l) => toggle(l, s))} data-testid="review-scope" data-scope={s} />
                    <span className="mono">{s}</span>
                  </label>
                ))}
              </div>
              <span className="field-hint">A review grants read scopes only.</span>
            </fieldset>
            <div className="field">
              <label className="field-label" htmlFor={ids.days}>
                Duration (days, at most {MAX_REVIEW_DAYS})
              </label>
              <input id={ids.days} className="input" type="number" min={1} max={MAX_REVIEW_DAYS} value={days} onChange={(e) => setDays(Number(e.target.value))} aria-invalid={days < 1 || days > MAX_REVIEW_DAYS} data-testid="review-days" />
              <label className="field-label" htmlFor={ids.name}>
                Reviewer name
              </label>
              <input id={ids.name} className="input" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" data-testid="review-name" />
              <label className="field-label" htmlFor={ids.email}>
                Reviewer email
              </label>
              <input id={ids.email} className="input" type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" data-testid="review-email" />
            </div>
            <fieldset className="field">
              <legend className="field-label">At expiry</legend>
              {REVIEW_POLICIES.map((p) => (
                <label key={p} className="check">
                  <input type="radio" name="review-policy" checked={policy === p} onChange={() => setPolicy(p)} data-testid={`review-policy-${p}`} />
                  {POLICY_LABEL[p]}
                </label>
              ))}
              <span className="field-hint">The platform ends the grant by itself; the auditor's Grantdesk wipes its tokens then.</span>
            </fieldset>
          </div>
          <div className="panel-actions">
            <button type="submit" className="button button-primary" disabled={!valid || busy} data-testid="review-create">
              {busy ? 'Issuing…' : `Issue ${days}-day review`}
            </button>
          </div>
        </form>
      </div>

      <div className="section">
        <h2 className="section-title">Issued from this window</h2>
        <div className="panel">
          {issued.length === 0 ? (
            <p className="muted">No reviews issued yet. Issued codes are shown once and never listed here.</p>
          ) : (
            <table className="rv-table" data-testid="review-issued">
              <thead>
                <tr>
                  <th>Reviewer</th>
                  <th>Workspaces</th>
                  <th>Scopes</th>
                  <th>Policy</th>
                  <th>Ends</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {issued.map((r) => {
                  const live = Date.parse(r.expiresAt) > now;
                  return (
                    <tr key={r.bundleId} data-testid="review-issued-row" data-bundle={r.bundleId}>
                      <td>
                        {r.reviewer}
                        <br />
                        <span className="muted">{r.email}</span>
                      </td>
                      <td>{r.reviews.map((x) => x.workspaceName).join(', ')}</td>
                      <td className="rv-scopes">{r.reviews[0]?.scopes.map((s) => <code key={s}>{s}</code>)}</td>
                      <td>{r.policy === 'purge' ? 'purge' : 'keep read-only'}</td>
                      <td className="mono">{r.expiresAt.slice(0, 16).replace('T', ' ')}</td>
                      <td>
                        <span className={`rv-state ${live ? 'active' : 'expired'}`}>{live ? 'issued' : 'ended'}</span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </div>
      </div>

      <div className="section">
        <h2 className="section-title">Redeem a review (auditor)</h2>
        {redeemError && <ErrorBanner error={redeemError} onDismiss={() => setRedeemError(null)} testId="review-redeem-error" />}
        <form className="panel" onSubmit={(e) => void redeem(e)} noValidate>
          <label className="field-label" htmlFor={ids.code}>
            Review code
          </label>
          <textarea id={ids.code} className="input rv-textarea" value={code} onChange={(e) => setCode(e.target.value)} placeholder="GDREVIEW1.…" spellCheck={false} autoComplete="off" data-testid="review-redeem-code" />
          <p className="field-hint">Redeeming turns this Grantdesk into a read-only review until the review ends or you leave it.</p>
          <div className="panel-actions">
            <button type="submit" className="button button-primary" disabled={!code.trim() || redeeming} data-testid="review-redeem">
              {redeeming ? 'Redeeming…' : 'Redeem'}
            </button>
          </div>
        </form>
      </div>

      <RedeemCodeDialog created={created} onDone={() => setCreated(null)} />
    </>
  );
}
