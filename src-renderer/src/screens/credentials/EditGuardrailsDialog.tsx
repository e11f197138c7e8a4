// "Edit guardrails": an API key's scopes, IP allowlist, expiry and rate limit (a machine client's IP allowlist), changed
// in place — the same key, the same secret. Opening it runs a dry run of the current guardrails; every change is checked
// against the cached calls of the last N days (which would have been refused, and why) before Apply, and Apply sends
// exactly the proposal the shown dry run judged (changing a field asks for a new check first).
import { useEffect, useId, useMemo, useState } from 'react';
import type { GuardrailSet } from '../../../../src-common/contract/index.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { WriteButton } from '../../components/WriteButton.tsx';
import { useSelect, useStores } from '../../stores/use-store.ts';
import {
  proposalKey,
  selectGuardrailsApplying,
  selectGuardrailsCheckedKey,
  selectGuardrailsChecking,
  selectGuardrailsDryRun,
  selectGuardrailsError,
  selectGuardrailsSinceDays,
  type GuardrailsProposal,
  type GuardrailsTarget,
} from '../../stores/guardrails-store.ts';
import { DryRunView } from './DryRunView.tsx';
import './guardrails.css';

export interface GuardrailsRequest extends GuardrailsTarget {
  name: string;
  workspaceName: string;
  /** a draft to start from (an insight's narrower scopes or suggested allowlist) */
  draft?: { scopes?: string[]; ipAllowlist?: string[] };
}

interface Form {
  scopes: string[];
  allow: string;
  expiry: 'keep' | 'days' | 'never';
  days: string;
  rate: string;
}

const lines = (text: string) =>
  text
    .split(/[\n,]+/)
    .map((x) => x.trim())
    .filter(Boolean);
const sameList = (a: readonly string[], b: readonly string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
const EXPIRY = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric' });

function formFrom(cur: GuardrailSet, draft: GuardrailsRequest['draft']): Form {
  return {
    scopes: draft?.scopes ?? cur.scopes,
    allow: (draft?.ipAllowlist ?? cur.ipAllowlist).join('\n'),
    expiry: 'keep',
    days: '90',
    rate: cur.rateLimitPerMinute === null ? '' : String(cur.rateLimitPerMinute),
  };
}

function proposalOf(f: Form, cur: GuardrailSet, type: GuardrailsTarget['type']): GuardrailsProposal {
  const p: GuardrailsProposal = {};
  const allow = lines(f.allow);
  if (!sameList(allow, cur.ipAllowlist)) p.ipAllowlist = allow;
  if (type === 'machine_client') return p;
  if (!sameList(f.scopes, cur.scopes)) p.scopes = [...f.scopes].sort();
  if (f.expiry === 'days') p.expiresInDays = Number(f.days);
  if (f.expiry === 'never' && cur.expiresAt !== null) p.removeExpiry = true;
  const rate = f.rate.trim();
  if (rate === '' && cur.rateLimitPerMinute !== null) p.removeRateLimit = true;
  else if (rate !== '' && Number(rate) !== cur.rateLimitPerMinute) p.rateLimitPerMinute = Number(rate);
  return p;
}

export function EditGuardrailsDialog({ request, onClose }: { request: GuardrailsRequest | null; onClose(applied: boolean): void }) {
  const { guardrails: store } = useStores();
  const dry = useSelect(store, selectGuardrailsDryRun);
  const checking = useSelect(store, selectGuardrailsChecking);
  const applying = useSelect(store, selectGuardrailsApplying);
  const error = useSelect(store, selectGuardrailsError);
  const checkedKey = useSelect(store, selectGuardrailsCheckedKey);
  const sinceDays = useSelect(store, selectGuardrailsSinceDays);
  const [form, setForm] = useState<Form | null>(null);
  const ids = { allow: useId(), days: useId(), rate: useId(), since: useId(), scopes: useId() };

  // opening: the current guardrails (and the draft, if any) judged at once
  useEffect(() => {
    if (!request) return;
    setForm(null);
    store.getState().open({ workspaceId: request.workspaceId, credentialId: request.credentialId, type: request.type });
    void store.getState().check(request.draft ? { ...(request.draft.scopes && request.type === 'api_key' ? { scopes: request.draft.scopes } : {}), ...(request.draft.ipAllowlist ? { ipAllowlist: request.draft.ipAllowlist } : {}) } : {});
  }, [store, request]);
  // the form starts from what the first dry run says the credential has now
  useEffect(() => {
    if (request && dry && form === null) setForm(formFrom(dry.current, request.draft));
  }, [request, dry, form]);

  const cur = dry?.current ?? null;
  const proposal = useMemo(() => (form && cur && request ? proposalOf(form, cur, request.type) : null), [form, cur, request]);
  const key = proposal ? proposalKey(proposal) : null;
  const upToDate = key !== null && key === checkedKey && !checking;
  const hasChanges = !!proposal && Object.keys(proposal).length > 0;
  const catalogue = dry?.catalogue.length ? dry.catalogue : (cur?.scopes ?? []).map((s) => ({ name: s, description: '' }));
  const set = (patch: Partial<Form>) => setForm((f) => (f ? { ...f, ...patch } : f));
  const close = (applied: boolean) => {
    store.getState().close();
    onClose(applied);
  };
  const applyWhy = !hasChanges ? 'Change a guardrail first' : !upToDate ? 'Check the change against the cached calls first' : undefined;

  return (
    <Dialog
      open={request !== null}
      onOpenChange={(o) => !o && !applying && close(false)}
      title="Edit guardrails"
      description={request ? `${request.name} in ${request.workspaceName}: changed in place; the ${request.type === 'api_key' ? 'key and its secret stay' : 'client and its secret stay'} the same.` : ''}
      testId="guardrails-dialog"
      size="large"
      footer={
        <>
          <button type="button" className="button" disabled={applying} onClick={() => close(false)}>
            Cancel
          </button>
          <button type="button" className="button" disabled={!proposal || checking || applying || upToDate} onClick={() => proposal && void store.getState().check(proposal)} data-testid="guardrails-check">
            {checking ? 'Checking…' : upToDate ? 'Checked' : `Check against the last ${sinceDays} days`}
          </button>
          <WriteButton
            command={request?.type === 'machine_client' ? 'clients.edit' : 'keys.edit'}
            className="button button-primary"
            disabled={!hasChanges || !upToDate || applying}
            title={applyWhy}
            onClick={() => proposal && void store.getState().apply(proposal).then((ok) => ok && close(true))}
            data-testid="guardrails-apply"
          >
            {applying ? 'Applying…' : 'Apply'}
          </WriteButton>
        </>
      }
    >
      {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissError()} testId="guardrails-error" />}
      {!form || !cur ? (
        <p className="muted">{checking ? 'Reading the cached calls…' : 'Nothing to show yet.'}</p>
      ) : (
        <div className="gr-grid">
          <div className="gr-form">
            {request?.type === 'api_key' && (
              <fieldset className="gr-scopes">
                <legend className="field-label" id={ids.scopes}>
                  Scopes ({form.scopes.length} of {catalogue.length})
                </legend>
                <div className="gr-scope-list" role="group" aria-labelledby={ids.scopes} data-testid="guardrails-scopes">
                  {catalogue.map((s) => (
                    <label key={s.name} className="gr-scope" title={s.description || undefined}>
                      <input
                        type="checkbox"
                        checked={form.scopes.includes(s.name)}
                        onChange={(e) => set({ scopes: e.target.checked ? [...form.scopes, s.name] : form.scopes.filter((x) => x !== s.name) })}
                      />
                      <span className={cur.scopes.includes(s.name) === form.scopes.includes(s.name) ? '' : form.scopes.includes(s.name) ? 'gr-added' : 'gr-dropped'}>{s.name}</span>
                    </label>
                  ))}
                </div>
              </fieldset>
            )}
            <label className="field-label" htmlFor={ids.allow}>
              IP allowlist
            </label>
            <textarea id={ids.allow} className="input gr-allow" rows={4} value={form.allow} onChange={(e) => set({ allow: e.target.value })} spellCheck={false} data-testid="guardrails-allowlist" />
            <p className="field-hint">One address or CIDR block per line (198.51.100.0/24, 2001:db8::/48). Empty: any address.</p>
            {request?.type === 'api_key' && (
              <>
                <p className="field-label">Expiry</p>
                <div className="gr-row" role="radiogroup" aria-label="Expiry">
                  <label>
                    <input type="radio" name="gr-expiry" checked={form.expiry === 'keep'} onChange={() => set({ expiry: 'keep' })} /> Keep ({cur.expiresAt ? EXPIRY.format(Date.parse(cur.expiresAt)) : 'never expires'})
                  </label>
                  <label>
                    <input type="radio" name="gr-expiry" checked={form.expiry === 'days'} onChange={() => set({ expiry: 'days' })} data-testid="guardrails-expiry-days" /> In
                  </label>
                  <input id={ids.days} className="input gr-num" type="number" min={1} max={3650} value={form.days} aria-label="Expires in days" onChange={(e) => set({ days: e.target.value, expiry: 'days' })} />
                  <span>days</span>
                  {cur.expiresAt && (
                    <label>
                      <input type="radio" name="gr-expiry" checked={form.expiry === 'never'} onChange={() => set({ expiry: 'never' })} /> Never
                    </label>
                  )}
                </div>
                <label className="field-label" htmlFor={ids.rate}>
                  Rate limit, calls per minute
                </label>
                <input id={ids.rate} className="input gr-num" type="number" min={1} max={100000} value={form.rate} onChange={(e) => set({ rate: e.target.value })} data-testid="guardrails-rate" />
                <p className="field-hint">Empty: no rate limit.</p>
              </>
            )}
            <label className="field-label" htmlFor={ids.since}>
              Check against
            </label>
            <select id={ids.since} className="input gr-since" value={sinceDays} onChange={(e) => store.getState().setSinceDays(Number(e.target.value))} data-testid="guardrails-since">
              {[7, 30, 90, 180].map((d) => (
                <option key={d} value={d}>
                  the last {d} days
                </option>
              ))}
            </select>
          </div>
          <div className="gr-outcome">
            {dry && (
              <>
                <p className="field-label">{dry.changes.length ? 'The change' : 'No change yet: the current guardrails, replayed'}</p>
                {dry.changes.length > 0 && (
                  <ul className="rot-list" data-testid="guardrails-changes">
                    {dry.changes.map((c) => (
                      <li key={c}>{c}</li>
                    ))}
                  </ul>
                )}
                {!upToDate && hasChanges && <p className="field-hint gr-stale">The form has changed since this check: check again before applying.</p>}
                <DryRunView d={dry} />
              </>
            )}
          </div>
        </div>
      )}
    </Dialog>
  );
}
