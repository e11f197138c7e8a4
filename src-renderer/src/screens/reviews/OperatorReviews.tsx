// Operator side of reviews: issue a time-boxed, read-only review for chosen workspaces (a searchable picker for dozens,
// read scopes only, at most MAX_REVIEW_DAYS, reviewer name and e-mail, keep/purge policy), hand the code over once, see
// every review the platform records for the connected workspaces with its status, and change one — extend it (up to 30
// days from its issue), withdraw a code nobody redeemed yet, revoke it — each with a confirmation naming the workspace
// and reviewer; and, for the auditor's machine, redeem a pasted code. Everything goes through the stores' actions.
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { MAX_REVIEW_DAYS, REVIEW_POLICIES, type IssuedReview, type ReviewPolicy } from '../../../../src-common/contract/index.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { ConfirmDialog } from '../../components/Dialog.tsx';
import { WriteButton } from '../../components/WriteButton.tsx';
import { useSelect, useStores } from '../../stores/use-store.ts';
import {
  selectCreateError,
  selectCreating,
  selectIssued,
  selectIssuedError,
  selectIssuedLoaded,
  selectIssuedUnreadable,
  selectReadScopes,
  selectRedeemError,
  selectRedeeming,
  selectRevokeError,
  selectRevoking,
  type CreatedReview,
} from '../../stores/review-store.ts';
import { selectLoaded, selectWorkspaces } from '../../stores/workspaces-store.ts';
import { exact, relative, shortDate } from '../rotation/dates.ts';
import { RedeemCodeDialog } from './RedeemCodeDialog.tsx';
import { ExtendReviewDialog } from './ExtendReviewDialog.tsx';

const POLICY_LABEL: Record<ReviewPolicy, string> = { keep_read_only: 'Keep the cached data read-only at the end', purge: 'Purge the cached data at the end' };
const STATUS_LABEL: Record<IssuedReview['status'], string> = { pending: 'Not redeemed yet', redeemed: 'Redeemed', expired: 'Ended', revoked: 'Revoked', withdrawn: 'Code withdrawn' };
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** why Issue is disabled, as one sentence (null: it is not) */
function missingReason(chosen: number, scopes: number, days: number, name: string, email: string, noWorkspaces: boolean): string | null {
  const missing: string[] = [];
  if (noWorkspaces) return 'No workspace is connected: connect one on Workspaces first.';
  if (chosen === 0) missing.push('choose at least one workspace');
  if (scopes === 0) missing.push('choose at least one read scope');
  if (!(days >= 1 && days <= MAX_REVIEW_DAYS)) missing.push(`set a duration of 1 to ${MAX_REVIEW_DAYS} days`);
  if (name.trim() === '') missing.push("enter the reviewer's name");
  if (!EMAIL.test(email.trim())) missing.push("enter the reviewer's e-mail address");
  if (!missing.length) return null;
  const text = missing.length === 1 ? missing[0]! : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}`;
  return `To issue the review, ${text}.`;
}

export function OperatorReviews() {
  const { review, workspaces: wsStore, health } = useStores();
  const allWorkspaces = useSelect(wsStore, selectWorkspaces);
  const wsLoaded = useSelect(wsStore, selectLoaded);
  const catalogueScopes = useSelect(review, selectReadScopes);
  const issued = useSelect(review, selectIssued);
  const issuedLoaded = useSelect(review, selectIssuedLoaded);
  const issuedError = useSelect(review, selectIssuedError);
  const unreadable = useSelect(review, selectIssuedUnreadable);
  const revoking = useSelect(review, selectRevoking);
  const revokeError = useSelect(review, selectRevokeError);
  const creating = useSelect(review, selectCreating);
  const createError = useSelect(review, selectCreateError);
  const redeeming = useSelect(review, selectRedeeming);
  const redeemError = useSelect(review, selectRedeemError);
  const workspaces = useMemo(() => allWorkspaces.filter((w) => w.status === 'connected'), [allWorkspaces]);
  const readScopes = useMemo(() => [...new Set([...catalogueScopes, 'audit:read'])].sort(), [catalogueScopes]);
  const [wsQuery, setWsQuery] = useState('');
  const [chosenWs, setChosenWs] = useState<string[]>([]);
  const [scopes, setScopes] = useState<string[]>(['audit:read']);
  const [days, setDays] = useState(14);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [policy, setPolicy] = useState<ReviewPolicy>('keep_read_only');
  const [created, setCreated] = useState<CreatedReview | null>(null);
  const [code, setCode] = useState('');
  const [toRevoke, setToRevoke] = useState<IssuedReview | null>(null);
  const [toExtend, setToExtend] = useState<IssuedReview | null>(null);
  const [toWithdraw, setToWithdraw] = useState<IssuedReview | null>(null);
  const ids = { days: useId(), name: useId(), email: useId(), code: useId(), wsSearch: useId() };

  useEffect(() => {
    void wsStore.getState().load();
    void review.getState().loadReadScopes();
    void review.getState().loadIssued();
  }, [wsStore, review]);

  const toggle = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const q = wsQuery.trim().toLowerCase();
  const shown = q ? workspaces.filter((w) => w.name.toLowerCase().includes(q) || w.id.toLowerCase().includes(q)) : workspaces;
  const shownIds = shown.map((w) => w.id);
  const allShownChosen = shownIds.length > 0 && shownIds.every((id) => chosenWs.includes(id));
  const chosenNames = workspaces.filter((w) => chosenWs.includes(w.id)).map((w) => w.name);
  const reason = missingReason(chosenWs.length, scopes.length, days, name, email, wsLoaded && workspaces.length === 0);
  const now = Date.now();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (reason || creating) return;
    const r = await review.getState().create({ workspaces: chosenWs, scopes, durationDays: days, reviewerName: name.trim(), reviewerEmail: email.trim(), policy });
    if (r) setCreated(r);
  };
  const redeem = async (e: FormEvent) => {
    e.preventDefault();
    if (await review.getState().redeem(code)) {
      setCode('');
      await health.getState().refresh();
    }
  };

  return (
    <>
      <div className="section">
        <h2 className="section-title">Issue a review</h2>
        {createError && <ErrorBanner error={createError} onDismiss={() => review.getState().dismissCreateError()} testId="review-create-error" />}
        <form className="panel" onSubmit={(e) => void submit(e)} noValidate data-testid="review-create-form">
          <div className="rv-grid">
            <fieldset className="field rv-picker">
              <legend className="field-label">
                Workspaces <span className="muted" data-testid="review-ws-count">· {chosenWs.length} of {workspaces.length} chosen</span>
              </legend>
              <input
                id={ids.wsSearch}
                type="search"
                className="input"
                aria-label="Search workspaces to review"
                placeholder="Search by name or id"
                value={wsQuery}
                onChange={(e) => setWsQuery(e.target.value)}
                data-testid="review-ws-search"
              />
              <div className="rv-checks rv-checks-tall" data-testid="review-workspaces">
                {wsLoaded && workspaces.length === 0 && <span className="muted">No connected workspaces. Connect one on Workspaces first.</span>}
                {workspaces.length > 0 && shown.length === 0 && (
                  <span className="muted" data-testid="review-ws-nomatch">
                    No workspace matches “{wsQuery.trim()}”.{' '}
                    <button type="button" className="link-button" onClick={() => setWsQuery('')}>
                      Clear search
                    </button>
                  </span>
                )}
                {shown.map((w) => (
                  <label key={w.id} title={w.id}>
                    <input type="checkbox" checked={chosenWs.includes(w.id)} onChange={() => setChosenWs((l) => toggle(l, w.id))} data-testid="review-ws" data-workspace={w.id} />
                    <span>{w.name}</span>
                  </label>
                ))}
              </div>
              {chosenWs.length > 0 && (
                <p className="field-hint" data-testid="review-ws-chosen">
                  Chosen: {chosenNames.slice(0, 5).join(', ')}
                  {chosenNames.length > 5 ? ` and ${chosenNames.length - 5} more` : ''}
                </p>
              )}
              {shown.length > 1 && (
                <div className="rv-picker-actions">
                  <button
                    type="button"
                    className="link-button"
                    data-testid="review-ws-all"
                    onClick={() => setChosenWs((l) => (allShownChosen ? l.filter((id) => !shownIds.includes(id)) : [...new Set([...l, ...shownIds])]))}
                  >
                    {allShownChosen ? `Clear the ${shown.length} shown` : `Choose all ${shown.length} shown`}
                  </button>
                  {chosenWs.length > 0 && (
                    <button type="button" className="link-button" onClick={() => setChosenWs([])}>
                      Clear all
                    </button>
                  )}
                </div>
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
              <span className="field-hint">A review grants read scopes only. Without credentials:read the auditor cannot list credentials.</span>
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
                Reviewer e-mail
              </label>
              <input id={ids.email} className="input" type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" data-testid="review-email" />
            </div>
            <fieldset className="field">
              <legend className="field-label">At the end</legend>
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
            {reason && (
              <span className="field-hint" data-testid="review-create-reason">
                {reason}
              </span>
            )}
            <WriteButton command="review.create" type="submit" className="button button-primary" disabled={!!reason || creating} title={reason ?? undefined} data-testid="review-create">
              {creating ? 'Issuing…' : `Issue ${days}-day review`}
            </WriteButton>
          </div>
        </form>
      </div>

      <div className="section">
        <h2 className="section-title">Issued reviews</h2>
        {issuedError && <ErrorBanner error={issuedError} onDismiss={() => review.getState().dismissIssuedError()} testId="review-issued-error" />}
        {revokeError && <ErrorBanner error={revokeError} onDismiss={() => review.getState().dismissRevokeError()} testId="review-revoke-error" />}
        <div className="panel" data-testid="review-issued">
          <p className="field-hint">
            As the platform records them for your connected workspaces, whoever issued them; never a code. A review can be extended up to {MAX_REVIEW_DAYS} days from its issue; a code nobody redeemed yet can be withdrawn; revoking ends a review at once.
          </p>
          {unreadable.length > 0 && (
            <p className="rv-warning" data-testid="review-issued-unreadable">
              {unreadable.length === 1 ? unreadable[0]!.message : `The reviews of ${unreadable.length} workspaces could not be read (${unreadable.map((u) => u.workspaceName).join(', ')}).`}
            </p>
          )}
          {!issuedLoaded ? (
            <p className="muted">Reading the platform's reviews…</p>
          ) : issued.length === 0 ? (
            <p className="muted" data-testid="review-issued-empty">
              No review has been issued for your connected workspaces.
            </p>
          ) : (
            <div className="rv-table-wrap">
              <table className="rv-table" data-testid="review-issued-table">
                <thead>
                  <tr>
                    <th>Workspace</th>
                    <th>Reviewer</th>
                    <th>Scopes</th>
                    <th>Status</th>
                    <th>Ends</th>
                    <th>
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {issued.map((r) => {
                    const live = r.status === 'pending' || r.status === 'redeemed';
                    const ends = Date.parse(r.expiresAt);
                    return (
                      <tr key={r.reviewId} data-testid="review-issued-row" data-review={r.reviewId} data-status={r.status}>
                        <td>
                          <div className="cell-title">{r.workspaceName}</div>
                          <div className="cell-sub mono" title="Review id">
                            {r.reviewId}
                          </div>
                        </td>
                        <td>
                          {r.reviewerName}
                          <div className="cell-sub">{r.reviewerEmail}</div>
                        </td>
                        <td className="rv-scopes">
                          {r.scopes.map((s) => (
                            <code key={s}>{s}</code>
                          ))}
                        </td>
                        <td>
                          <span className={`rv-state ${r.status}`} data-testid="review-issued-status">
                            {STATUS_LABEL[r.status]}
                          </span>
                          {r.redeemedAt && <div className="cell-sub">redeemed {relative(Date.parse(r.redeemedAt), now)}</div>}
                        </td>
                        <td title={exact(ends)} data-testid="review-issued-ends">
                          <span className={r.status === 'revoked' || r.status === 'withdrawn' ? 'muted' : undefined}>{shortDate(ends, now)}</span>
                          <div className="cell-sub">{r.status === 'revoked' ? 'ended early: revoked' : r.status === 'withdrawn' ? 'never started: code withdrawn' : relative(ends, now)}</div>
                        </td>
                        <td className="row-actions">
                          <WriteButton
                            command="review.extend"
                            className="button button-small"
                            disabled={!live || r.extendableDays === 0 || !!revoking[r.reviewId]}
                            title={!live ? `This review is ${STATUS_LABEL[r.status].toLowerCase()}: it cannot be extended.` : r.extendableDays === 0 ? `It already ends at its ${MAX_REVIEW_DAYS}-day limit; issue a new review for more time.` : `Up to ${r.extendableDays} more day${r.extendableDays === 1 ? '' : 's'}`}
                            onClick={() => setToExtend(r)}
                            data-testid="review-extend"
                          >
                            Extend…
                          </WriteButton>
                          {r.status === 'pending' ? (
                            <WriteButton command="review.withdraw" className="button button-small" disabled={!!revoking[r.reviewId]} onClick={() => setToWithdraw(r)} data-testid="review-withdraw">
                              {revoking[r.reviewId] ? 'Working…' : 'Withdraw code…'}
                            </WriteButton>
                          ) : (
                            <WriteButton
                              command="review.revoke"
                              className="button button-small"
                              disabled={!live || !!revoking[r.reviewId]}
                              title={!live ? `This review is ${STATUS_LABEL[r.status].toLowerCase()}: there is nothing left to revoke.` : undefined}
                              onClick={() => setToRevoke(r)}
                              data-testid="review-revoke"
                            >
                              {revoking[r.reviewId] ? 'Revoking…' : 'Revoke…'}
                            </WriteButton>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </div>
      </div>

      <div className="section">
        <h2 className="section-title">Redeem a review (auditor)</h2>
        {redeemError && <ErrorBanner error={redeemError} onDismiss={() => review.getState().dismissRedeemError()} testId="review-redeem-error" />}
        <form className="panel" onSubmit={(e) => void redeem(e)} noValidate>
          <label className="field-label" htmlFor={ids.code}>
            Review code
          </label>
          <textarea id={ids.code} className="input rv-textarea" value={code} onChange={(e) => setCode(e.target.value)} spellCheck={false} autoComplete="off" data-testid="review-redeem-code" />
          <p className="field-hint">Paste the code the operator handed you (it starts with GDREVIEW1.). Redeeming turns this Grantdesk into a read-only review until the review ends or you leave it.</p>
          <div className="panel-actions">
            <WriteButton
              command="review.redeem"
              type="submit"
              className="button button-primary"
              disabled={!code.trim() || redeeming}
              title={!code.trim() ? 'Paste the review code first.' : undefined}
              data-testid="review-redeem"
            >
              {redeeming ? 'Redeeming…' : 'Redeem'}
            </WriteButton>
          </div>
        </form>
      </div>

      <RedeemCodeDialog created={created} onDone={() => setCreated(null)} />
      <ConfirmDialog
        open={toRevoke !== null}
        onOpenChange={(o) => !o && setToRevoke(null)}
        testId="review-revoke-dialog"
        title={`Revoke the review of ${toRevoke?.workspaceName ?? ''}`}
        description={`${toRevoke?.reviewerName ?? 'The auditor'} loses read access to ${toRevoke?.workspaceName ?? 'this workspace'} at once: the platform revokes every token of the review. Their other reviewed workspaces are not affected.`}
        confirmText={toRevoke?.workspaceName ?? ''}
        confirmLabel="Revoke review"
        onConfirm={async () => (toRevoke ? review.getState().revoke(toRevoke.workspaceId, toRevoke.reviewId) : true)}
      />
      <ConfirmDialog
        open={toWithdraw !== null}
        onOpenChange={(o) => !o && setToWithdraw(null)}
        testId="review-withdraw-dialog"
        title={`Withdraw the review code for ${toWithdraw?.workspaceName ?? ''}`}
        description={`${toWithdraw?.reviewerName ?? 'The auditor'} has not redeemed this review yet. After the withdrawal the code they were given no longer works; issue a new review if they still need access.`}
        confirmText={toWithdraw?.workspaceName ?? ''}
        confirmLabel="Withdraw code"
        onConfirm={async () => (toWithdraw ? review.getState().withdraw(toWithdraw.workspaceId, toWithdraw.reviewId) : true)}
      />
      <ExtendReviewDialog review={toExtend} onDone={() => setToExtend(null)} />
    </>
  );
}
