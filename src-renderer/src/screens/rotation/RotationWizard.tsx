// The API key rotation wizard: a Radix dialog over the persisted state machine in main. Closing it half-way is fine:
// reopening (or restarting Grantdesk) resumes at the step main has recorded. The new secret is held in this component's
// state only between the rotate call and "I have stored it", then dropped from memory and screen.
import { useEffect, useId, useState } from 'react';
import type { Wizard, WizardStep } from '../../../../src-common/contract/index.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { selectTraffic, selectWizard, selectWizardBusy, selectWizardError, selectWizardSyncing, type AdvanceInput, type WizardAction, type WizardTarget } from '../../stores/wizard-store.ts';
import { clockTime, exact, relative, shortDate, when } from './dates.ts';
import { WriteButton } from '../../components/WriteButton.tsx';
import { DeliveryChoice } from './DeliveryChoice.tsx';
import { TrafficChart } from './TrafficChart.tsx';
import { DeliveryOutcome, viewOfWizard } from './DeliveryOutcome.tsx';

const STEP_LABELS: Array<[WizardStep[], string]> = [
  [['chosen'], 'Key'],
  [['reviewed'], 'Guardrails'],
  [['rotating', 'rotated'], 'Rotate'],
  [['acknowledged'], 'Stored'],
  [['verified'], 'Verified'],
  [['grace'], 'Grace'],
  [['finished', 'ended_early', 'cancelled'], 'Done'],
];

export type { WizardTarget } from '../../stores/wizard-store.ts';

function Steps({ step }: { step: WizardStep }) {
  const idx = STEP_LABELS.findIndex(([s]) => s.includes(step));
  return (
    <ol className="rot-steps" aria-label="Rotation steps" data-testid="wizard-steps">
      {STEP_LABELS.map(([s, label], i) => (
        <li key={label} aria-current={i === idx ? 'step' : undefined} className={i < idx ? 'rot-done' : undefined} data-step={s[0]}>
          {label}
        </li>
      ))}
    </ol>
  );
}

export function RotationWizard({ target, onClose }: { target: WizardTarget | null; onClose(): void }) {
  const { wizard: store } = useStores();
  const wizard = useSelect(store, selectWizard);
  const traffic = useSelect(store, selectTraffic);
  const busy = useSelect(store, selectWizardBusy);
  const syncing = useSelect(store, selectWizardSyncing);
  const error = useSelect(store, selectWizardError);
  // the new secret lives here, in this dialog's state, between the rotate call and "I have stored it" (never in a store)
  const [secret, setSecret] = useState<string | null>(null);
  const [stored, setStored] = useState(false);
  const [copied, setCopied] = useState(false);
  const [grace, setGrace] = useState('7');
  const [allowlist, setAllowlist] = useState('');
  const [force, setForce] = useState(false);
  // where the new secret goes: a delivery target's name, or null to show it once
  const [deliverTo, setDeliverTo] = useState<string | null>(null);
  const graceId = useId();
  const allowId = useId();
  const open = target !== null;

  /** the form fields follow the wizard main recorded */
  const adopt = (w: Wizard | null) => {
    if (!w) return;
    setGrace(String(w.graceDays));
    setAllowlist((w.guardrails?.ipAllowlist ?? []).map((c) => c.normalized ?? c.input).join('\n'));
  };

  useEffect(() => {
    if (!target) {
      // closing the dialog forgets the secret whatever the step
      setSecret(null);
      setStored(false);
      setCopied(false);
      setDeliverTo(null);
      store.getState().close();
      return;
    }
    void store.getState().open(target).then(adopt);
  }, [target, store]);

  const advance = async (action: WizardAction) => {
    if (!wizard) return;
    const input: AdvanceInput = { action };
    if (action === 'review') {
      input.graceDays = Number(grace);
      const list = allowlist.split(/[\s,]+/).filter(Boolean);
      const before = (wizard.guardrails?.ipAllowlist ?? []).map((c) => c.normalized ?? c.input);
      if (JSON.stringify(list) !== JSON.stringify(before)) input.ipAllowlist = list;
    }
    if (action === 'rotate' && deliverTo) input.deliverTo = deliverTo;
    const r = await store.getState().advance(input);
    if (!r) return;
    if (action === 'rotate' && r.secret) {
      setSecret(r.secret);
      setStored(false);
    }
    if (action === 'acknowledge') setSecret(null);
    adopt(r.wizard);
  };

  const endGrace = async () => adopt(await store.getState().endGrace(force));

  const refresh = () => store.getState().refresh();

  const copy = async () => {
    if (!secret) return;
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };

  const w = wizard;
  const g = w?.guardrails;
  return (
    <Dialog open={open} onOpenChange={(o) => !o && onClose()} title={w ? `Rotate ${w.keyName} (${w.oldKeyLabel})` : 'Rotate API key'} description={w ? `Workspace ${w.workspaceName}. You can close this and come back: the wizard resumes where it stopped.` : 'Loading the rotation…'} testId="rotation-wizard">
      {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissError()} testId="wizard-error" />}
      {w && (
        <div data-testid="wizard-body" data-step={w.step}>
          <Steps step={w.step} />
          {(w.step === 'chosen' || w.step === 'reviewed') && g && (
            <div data-testid="wizard-guardrails">
              <label className="field-label" htmlFor={graceId}>
                Grace period (days the old key keeps working, 0–30)
              </label>
              <input id={graceId} className="input" type="number" min={0} max={30} value={grace} onChange={(e) => setGrace(e.target.value)} data-testid="wizard-grace" />
              <h3 className="section-title">Guardrails</h3>
              <table className="rot-table">
                <tbody>
                  <tr>
                    <th>Scopes</th>
                    <td>
                      <span className="rot-scopes">{g.scopes.map((s) => <code key={s}>{s}</code>)}</span>
                    </td>
                  </tr>
                  <tr>
                    <th>Expiry</th>
                    <td title={g.expiresAt ? exact(Date.parse(g.expiresAt)) : undefined}>{when(g.expiresAt, Date.now())?.text ?? 'never'}</td>
                  </tr>
                  <tr>
                    <th>Rate limit</th>
                    <td>{g.rateLimitPerMinute === null ? 'none' : `${g.rateLimitPerMinute} / minute`}</td>
                  </tr>
                  <tr>
                    <th>IP allowlist</th>
                    <td>
                      {g.ipAllowlist.length === 0 && <span className="rot-warn">none (any address)</span>}
                      {g.ipAllowlist.map((c) => (
                        <div key={c.input} data-testid="wizard-cidr" className={c.valid ? (c.problem ? 'rot-warn' : 'rot-ok') : 'rot-bad'}>
                          <code>{c.normalized ?? c.input}</code> {c.valid ? `${c.kind}, ${c.size} addresses` : 'invalid'}
                          {c.problem ? ` — ${c.problem}` : ''}
                        </div>
                      ))}
                    </td>
                  </tr>
                </tbody>
              </table>
              <label className="field-label" htmlFor={allowId}>
                Change the IP allowlist before rotating (one CIDR per line; the new key inherits it)
              </label>
              <textarea id={allowId} className="input mono" rows={3} value={allowlist} onChange={(e) => setAllowlist(e.target.value)} data-testid="wizard-allowlist" />
              {g.warnings.length > 0 && (
                <ul className="rot-list" data-testid="wizard-warnings">
                  {g.warnings.map((x) => (
                    <li key={x}>{x}</li>
                  ))}
                </ul>
              )}
              {w.step === 'reviewed' && <DeliveryChoice value={deliverTo} onChange={setDeliverTo} testId="wizard-delivery" />}
            </div>
          )}
          {w.step === 'rotated' && w.delivery && !secret && (
            <DeliveryOutcome
              view={viewOfWizard(w.delivery)}
              lostHint="Re-issue it: the never-shown key is rotated with no grace period; the old key keeps its grace period."
              onRevealed={(s) => {
                setSecret(s);
                setStored(false);
                void store.getState().reload();
              }}
              onRetried={() => void store.getState().reload()}
              testId="wizard-delivery-outcome"
            />
          )}
          {w.step === 'rotated' && w.secretLost && !w.delivery?.secretHeld && <DeliveryChoice value={deliverTo} onChange={setDeliverTo} testId="wizard-delivery" />}
          {w.step === 'rotated' && secret && (
            <div data-testid="wizard-secret-step">
              <p className="strong">The new key — shown this one time. Grantdesk does not keep it.</p>
              <div className="rot-secret">
                <code data-testid="wizard-secret">{secret}</code>
                <button type="button" className="button" onClick={() => void copy()} data-testid="wizard-copy">
                  {copied ? 'Copied' : 'Copy'}
                </button>
              </div>
              <label className="field">
                <input type="checkbox" checked={stored} onChange={(e) => setStored(e.target.checked)} data-testid="wizard-stored" /> I have stored it where my integration reads it
              </label>
            </div>
          )}
          {w.step === 'rotated' && !secret && !w.secretLost && !w.delivery && (
            <p data-testid="wizard-secret-gone">The key was rotated ({w.newKeyLabel}) and its secret was already shown. It cannot be shown again; confirm you stored it.</p>
          )}
          {w.step === 'rotated' && w.secretLost && !w.delivery && (
            <p data-testid="wizard-secret-lost" className="rot-warn">
              The platform rotated the key ({w.newKeyLabel}) but Grantdesk stopped before showing its secret. Re-issue it: the never-shown key is rotated with no grace, the old key keeps its grace period.
            </p>
          )}
          {w.step === 'acknowledged' && <p>Next: a harmless authenticated call (GET /v1/workspace) with the new key proves it works.</p>}
          {w.verification && (
            <p data-testid="wizard-verification" className={w.verification.ok ? 'rot-ok' : 'rot-bad'}>
              {w.verification.ok ? 'Verified' : 'Not verified'} ({w.verification.method}): {w.verification.detail}
            </p>
          )}
          {(w.step === 'grace' || w.step === 'verified' || w.step === 'ended_early' || w.step === 'finished') && (
            <div data-testid="wizard-grace-step">
              <p>
                {w.step === 'ended_early' ? (
                  <>Old key {w.oldKeyLabel}: grace ended early, the old key no longer works.</>
                ) : (
                  <>
                    Old key {w.oldKeyLabel} <OldKeyUntil graceEndsAt={w.graceEndsAt} expiresAt={w.guardrails?.expiresAt ?? null} />.
                  </>
                )}
              </p>
              {traffic && traffic.auditState === 'not_synced' && (
                <p className="rot-warn" data-testid="grace-audit-not-synced">
                  The audit log of {w.workspaceName} is not in the cache yet, so the chart has nothing to show. Press Refresh to sync it. The platform says the old key was last used {when(traffic.oldKeyLastUsedAt, Date.now())?.text ?? 'never'}.
                </p>
              )}
              {traffic && traffic.auditState === 'synced' && traffic.auditEndsBeforeRotation && traffic.auditCoverageUntil && traffic.since && (
                <p className="rot-warn" data-testid="grace-audit-stale" title={`Cache ends ${exact(Date.parse(traffic.auditCoverageUntil))}; rotated ${exact(Date.parse(traffic.since))}`}>
                  The audit cache ends at {clockTime(Date.parse(traffic.auditCoverageUntil), Date.now(), Date.parse(traffic.since))}, before the rotation at {clockTime(Date.parse(traffic.since), Date.now(), Date.parse(traffic.auditCoverageUntil))} — sync to see traffic since. Refresh syncs it.
                </p>
              )}
              {traffic && traffic.auditState === 'synced' && !traffic.auditEndsBeforeRotation && (
                <>
                  <TrafficChart traffic={traffic} />
                  <p className="muted" data-testid="grace-coverage" title={traffic.auditCoverageUntil ? exact(Date.parse(traffic.auditCoverageUntil)) : undefined}>
                    The audit cache covers events until {traffic.auditCoverageUntil ? clockTime(Date.parse(traffic.auditCoverageUntil), Date.now()) : 'now'}.
                  </p>
                  {(traffic.byCallerIp.length > 0 || traffic.byEndpoint.length > 0) && (
                    <div className="rot-grid2">
                      <table className="rot-table" data-testid="grace-by-ip">
                        <thead>
                          <tr>
                            <th>Caller IP (old key)</th>
                            <th>Calls</th>
                          </tr>
                        </thead>
                        <tbody>
                          {traffic.byCallerIp.map((x) => (
                            <tr key={x.ip}>
                              <td className="mono">{x.ip}</td>
                              <td>{x.calls}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                      <table className="rot-table" data-testid="grace-by-endpoint">
                        <thead>
                          <tr>
                            <th>Endpoint</th>
                            <th>Calls</th>
                          </tr>
                        </thead>
                        <tbody>
                          {traffic.byEndpoint.map((x) => (
                            <tr key={`${x.method} ${x.endpoint}`}>
                              <td className="mono">
                                {x.method} {x.endpoint}
                              </td>
                              <td>{x.calls}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  )}
                </>
              )}
              {traffic && (w.step === 'grace' || w.step === 'verified') && (traffic.auditState === 'not_synced' || traffic.auditEndsBeforeRotation) && (
                <p data-testid="grace-quiet" data-quiet="unknown" className="muted">
                  Whether the old key has gone quiet is not known yet: that needs audit events from after the rotation.
                </p>
              )}
              {traffic && (w.step === 'grace' || w.step === 'verified') && traffic.auditState === 'synced' && !traffic.auditEndsBeforeRotation && (
                <p data-testid="grace-quiet" data-quiet={traffic.quiet} className={traffic.quiet ? 'rot-ok' : 'rot-warn'}>
                  {traffic.quiet
                    ? traffic.oldKeyCalls === 0
                      ? 'The old key has gone quiet: no calls with it since the rotation, by the audit log.'
                      : `The old key has gone quiet: no calls with it for ${traffic.quietHours} h, by the audit log.`
                    : `The old key is still in use: ${traffic.oldKeyCalls} call${traffic.oldKeyCalls === 1 ? '' : 's'} since the rotation${traffic.byCallerIp[0] ? `, most from ${traffic.byCallerIp[0].ip}` : ''}.`}
                </p>
              )}
              {(w.step === 'grace' || w.step === 'verified') && traffic && !traffic.quiet && (
                <label className="check">
                  <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} data-testid="grace-force" /> End it anyway (callers still on the old key will fail)
                </label>
              )}
            </div>
          )}
        </div>
      )}
      <div className="dialog-footer">
        {w?.next.includes('cancel') && (
          <button type="button" className="button" disabled={busy} onClick={() => void advance('cancel')} data-testid="wizard-cancel">
            Cancel rotation
          </button>
        )}
        {w?.next.includes('review') && (
          <button type="button" className={`button ${w.step === 'chosen' ? 'button-primary' : ''}`} disabled={busy} onClick={() => void advance('review')} data-testid="wizard-review">
            {w.step === 'chosen' ? 'Guardrails reviewed' : 'Save guardrails'}
          </button>
        )}
        {w?.next.includes('rotate') && !w.delivery?.secretHeld && (
          <WriteButton command="rotation.advance" className="button button-primary" disabled={busy} onClick={() => void advance('rotate')} data-testid="wizard-rotate">
            {w.secretLost ? 'Re-issue the secret' : w.step === 'rotating' ? 'Resume rotation' : 'Rotate now'}
          </WriteButton>
        )}
        {w?.next.includes('acknowledge') && (
          <button type="button" className="button button-primary" disabled={busy || (secret !== null && !stored)} title={secret !== null && !stored ? 'Tick the box above once the new key is stored' : undefined} onClick={() => void advance('acknowledge')} data-testid="wizard-acknowledge">
            {w.delivery?.ok ? 'Continue' : 'I have stored it'}
          </button>
        )}
        {w?.next.includes('verify') && (
          <button type="button" className="button button-primary" disabled={busy} onClick={() => void advance('verify')} data-testid="wizard-verify">
            Verify the new key
          </button>
        )}
        {w?.next.includes('watch') && (
          <button type="button" className="button button-primary" disabled={busy} onClick={() => void advance('watch')} data-testid="wizard-watch">
            Watch the grace period
          </button>
        )}
        {(w?.step === 'grace' || w?.step === 'verified') && (
          <>
            <button type="button" className="button" disabled={busy || syncing} aria-busy={syncing} onClick={() => void refresh()} data-testid="wizard-refresh" title="Sync this workspace's audit log, then redraw the chart">
              {syncing ? 'Syncing the audit log…' : 'Refresh'}
            </button>
            <WriteButton
              command="rotation.endGrace"
              className="button button-danger"
              disabled={busy || syncing || !traffic || (!traffic.quiet && !force)}
              title={traffic && !traffic.quiet && !force ? 'The old key is not shown quiet yet: wait, sync, or tick "End it anyway"' : undefined}
              onClick={() => void endGrace()}
              data-testid="wizard-end-grace"
            >
              End grace now
            </WriteButton>
          </>
        )}
        {w?.next.includes('finish') && (
          <button type="button" className="button" disabled={busy} onClick={() => void advance('finish')} data-testid="wizard-finish">
            Finish
          </button>
        )}
        {w && w.next.length === 0 && (
          <button type="button" className="button button-primary" onClick={onClose} data-testid="wizard-done">
            Close
          </button>
        )}
      </div>
    </Dialog>
  );
}

/** "works until Wed, Dec 9, 01:18 (in 7 days)"; a key that expires before its grace period ends works only until its expiry */
function OldKeyUntil({ graceEndsAt, expiresAt }: { graceEndsAt: string | null; expiresAt: string | null }) {
  const now = Date.now();
  const grace = graceEndsAt ? Date.parse(graceEndsAt) : NaN;
  const exp = expiresAt ? Date.parse(expiresAt) : NaN;
  if (Number.isFinite(exp) && (!Number.isFinite(grace) || exp < grace)) {
    return (
      <>
        works until it expires, <span title={exact(exp)}>{`${shortDate(exp, now)} (${relative(exp, now)})`}</span>, before the grace period would end
      </>
    );
  }
  if (!Number.isFinite(grace)) return <>works until the grace period ends</>;
  return (
    <>
      works until <span title={exact(grace)}>{`${shortDate(grace, now)} (${relative(grace, now)})`}</span>
    </>
  );
}
