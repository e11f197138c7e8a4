// Incident: a secret leaked. Paste it (a password field: never shown, cleared as soon as it is sent), and Grantdesk finds
// the credential across every connected workspace — by the platform's prefix and last four, confirmed by the platform —
// or says that nothing matches. Then what it did (from the audit cache), containment (revoke now, or rotate with zero
// grace, each after the preview and the typed workspace name; MFA step-up comes from the platform when it asks) and the
// evidence pack, verified as `grantdesk verify` would.
import { useEffect, useState } from 'react';
import type { Incident } from '../../../../src-common/contract/index.ts';
import { ConfirmDialog, Dialog } from '../../components/Dialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { WriteButton } from '../../components/WriteButton.tsx';
import {
  selectIncident,
  selectIncidentActivity,
  selectIncidentError,
  selectIncidentIdentifying,
  selectIncidentMatched,
  selectIncidentPack,
  selectIncidentPreview,
  selectIncidents,
  selectIncidentSentence,
  type ContainAction,
} from '../../stores/incident-store.ts';
import { selectDeliveryTargets } from '../../stores/delivery-store.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { IncidentActivityView } from './IncidentActivityView.tsx';
import './incident.css';

const STATE_WORDS: Record<Incident['state'], string> = { open: 'Not contained yet', revoked: 'Revoked', rotated: 'Rotated (zero grace)' };

function PasteForm() {
  const { incident: store } = useStores();
  const identifying = useSelect(store, selectIncidentIdentifying);
  // the secret lives only here, and only until it is sent
  const [secret, setSecret] = useState('');
  const empty = secret.trim() === '';
  return (
    <form
      className="panel incident-paste"
      onSubmit={(e) => {
        e.preventDefault();
        if (empty || identifying) return;
        const s = secret;
        setSecret('');
        void store.getState().identify(s);
      }}
    >
      <label className="field-label" htmlFor="incident-secret">
        Leaked secret
      </label>
      <p className="muted" id="incident-secret-hint">
        Paste the API key secret (sk_live_… or sk_test_…). It is used once to find and confirm the key, then forgotten: never stored, logged or shown.
      </p>
      <input
        id="incident-secret"
        className="input mono"
        type="password"
        autoComplete="off"
        spellCheck={false}
        aria-describedby="incident-secret-hint"
        value={secret}
        onChange={(e) => setSecret(e.target.value)}
        data-testid="incident-secret"
      />
      <WriteButton command="incident.identify" type="submit" disabled={empty || identifying} title={empty ? 'Paste the leaked secret first' : identifying ? 'Looking for it…' : undefined} data-testid="incident-find">
        {identifying ? 'Looking in every workspace…' : 'Find this secret'}
      </WriteButton>
    </form>
  );
}

function SecretOnceDialog({ secret, sentence, onClose }: { secret: string; sentence: string | null; onClose(): void }) {
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && onClose()}
      title="The replacement key"
      description="Shown this one time. Grantdesk does not keep it: store it where the key's callers read it."
      testId="incident-new-secret"
      footer={
        <button type="button" onClick={onClose} data-testid="incident-new-secret-done">
          I have stored it
        </button>
      }
    >
      {sentence && <p>{sentence}</p>}
      <label className="field-label" htmlFor="incident-new-secret-value">
        New secret
      </label>
      <input id="incident-new-secret-value" className="input mono" readOnly value={secret} onFocus={(e) => e.target.select()} data-testid="incident-new-secret-value" />
    </Dialog>
  );
}

function Contain({ inc }: { inc: Incident }) {
  const { incident: store, delivery } = useStores();
  const preview = useSelect(store, selectIncidentPreview);
  const targets = useSelect(delivery, selectDeliveryTargets);
  // '' shows the replacement once here; a name delivers it to that secrets-manager target (set up on the command line)
  const [deliverTo, setDeliverTo] = useState('');
  const [shown, setShown] = useState<{ secret: string; sentence: string | null } | null>(null);
  const [delivered, setDelivered] = useState<string | null>(null);
  useEffect(() => {
    void delivery.getState().load();
  }, [delivery]);
  const open = inc.state === 'open';
  const why = open ? undefined : `Already ${inc.state === 'revoked' ? 'revoked' : 'rotated'}: the leaked secret no longer works`;
  const start = (a: ContainAction) => void store.getState().previewContain(a);
  return (
    <div className="panel" data-testid="incident-contain">
      <h2>Contain</h2>
      <p className="muted">Revoking stops the leaked secret and the key for good; rotating with zero grace stops the leaked secret now and issues a replacement with the same scopes.</p>
      <div className="incident-buttons">
        <WriteButton command="incident.revoke" className="button button-danger" disabled={!open} title={why} onClick={() => start('revoke')} data-testid="incident-revoke">
          Revoke now
        </WriteButton>
        <WriteButton command="incident.rotate" disabled={!open} title={why} onClick={() => start('rotate')} data-testid="incident-rotate">
          Rotate with zero grace
        </WriteButton>
      </div>
      {why && (
        <p className="muted" data-testid="incident-contain-why">
          {why}.
        </p>
      )}
      {preview && (
        <ConfirmDialog
          open
          onOpenChange={(o) => !o && store.getState().cancelPreview()}
          title={preview.action === 'revoke' ? `Revoke ${inc.match.credentialName}` : `Rotate ${inc.match.credentialName} with zero grace`}
          description={preview.sentence}
          confirmText={preview.preview.confirmText}
          confirmLabel={preview.action === 'revoke' ? 'Revoke now' : 'Rotate now'}
          onConfirm={async () => {
            const r = await store.getState().contain(preview.preview.confirmText, preview.action === 'rotate' ? deliverTo : undefined);
            if (r.secret) setShown({ secret: r.secret, sentence: store.getState().rotationSentence });
            else if (r.ok && preview.action === 'rotate') setDelivered(store.getState().rotationSentence);
            return r.ok;
          }}
          testId="incident-confirm"
        >
          {preview.action === 'rotate' && targets.length > 0 && (
            <>
              <label className="field-label" htmlFor="incident-deliver-to">
                The replacement secret
              </label>
              <select id="incident-deliver-to" className="input" value={deliverTo} onChange={(e) => setDeliverTo(e.target.value)} data-testid="incident-deliver-to">
                <option value="">Show it once here</option>
                {targets.map((t) => (
                  <option key={t.name} value={t.name}>
                    Deliver to {t.name}
                  </option>
                ))}
              </select>
            </>
          )}
        </ConfirmDialog>
      )}
      {delivered && (
        <p className="banner" data-testid="incident-delivered">
          {delivered}
        </p>
      )}
      {shown && <SecretOnceDialog secret={shown.secret} sentence={shown.sentence} onClose={() => setShown(null)} />}
    </div>
  );
}

function Pack({ inc }: { inc: Incident }) {
  const { incident: store } = useStores();
  const pack = useSelect(store, selectIncidentPack);
  const [busy, setBusy] = useState(false);
  return (
    <div className="panel" data-testid="incident-pack">
      <h2>Evidence pack</h2>
      <p className="muted">Timeline, actions with the platform's answers, the audit extract with its chain status and a SHA-256 manifest, in a new folder of the exports folder.</p>
      <button
        type="button"
        disabled={busy}
        title={busy ? 'Writing the pack…' : undefined}
        onClick={() => {
          setBusy(true);
          void store
            .getState()
            .writePack()
            .finally(() => setBusy(false));
        }}
        data-testid="incident-write-pack"
      >
        Write the evidence pack for {inc.match.credentialName}
      </button>
      {pack && (
        <div data-testid="incident-pack-result" data-verified={pack.verified?.ok ? 'yes' : 'no'}>
          <p>{pack.sentence}</p>
          <p className="mono">{pack.path}</p>
          {pack.verified &&
            (pack.verified.ok ? (
              <p data-testid="incident-pack-verified">Verified: all {pack.verified.checks} checks pass.</p>
            ) : (
              <p className="text-danger" data-testid="incident-pack-verified">
                Verification failed: {pack.verified.failed.join('; ')}
              </p>
            ))}
        </div>
      )}
    </div>
  );
}

export function IncidentScreen() {
  const { incident: store } = useStores();
  const incidents = useSelect(store, selectIncidents);
  const inc = useSelect(store, selectIncident);
  const sentence = useSelect(store, selectIncidentSentence);
  const matched = useSelect(store, selectIncidentMatched);
  const activity = useSelect(store, selectIncidentActivity);
  const error = useSelect(store, selectIncidentError);
  useEffect(() => {
    void store.getState().load();
  }, [store]);
  return (
    <section className="screen" aria-labelledby="screen-title" data-testid="incident-screen">
      <header className="screen-header">
        <h1 id="screen-title" tabIndex={-1}>
          Incident
        </h1>
        <p className="screen-subtitle">A secret leaked: find its credential, see what it did, stop it, keep the evidence.</p>
      </header>
      {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissError()} testId="incident-error" />}
      <PasteForm />
      {sentence && (
        <p className={matched ? 'banner' : 'banner banner-warning'} data-testid="incident-sentence" data-matched={matched ? 'yes' : 'no'}>
          {sentence}
        </p>
      )}
      {inc && (
        <>
          <div className="panel" data-testid="incident-match" data-state={inc.state}>
            <h2>
              {inc.match.credentialName} <span className="muted">in</span> {inc.match.workspaceName}
            </h2>
            <p>
              {inc.match.display} · {STATE_WORDS[inc.state]} · opened {new Date(inc.openedAt).toLocaleString()} · this secret issued {new Date(inc.lastRotationAt).toLocaleString()}
            </p>
            <p className="muted">{inc.match.confirmationSentence}</p>
            <p className="muted mono">
              {inc.match.credentialId} · {inc.match.workspaceId}
            </p>
            <ol className="incident-actions" data-testid="incident-actions">
              {inc.actions.map((a, i) => (
                <li key={i} className={a.ok ? undefined : 'text-danger'}>
                  {new Date(a.at).toLocaleString()}: {a.sentence}
                </li>
              ))}
            </ol>
          </div>
          {activity && activity.incidentId === inc.id && <IncidentActivityView activity={activity} onSince={(s) => void store.getState().loadActivity(s)} />}
          <Contain inc={inc} />
          <Pack inc={inc} />
        </>
      )}
      {incidents.length > 0 && (
        <details className="panel" data-testid="incident-history">
          <summary>
            {incidents.length} incident{incidents.length === 1 ? '' : 's'} opened here
          </summary>
          <ul>
            {incidents.map((i) => (
              <li key={i.id}>
                <button type="button" className="link-button" onClick={() => void store.getState().open(i.id)}>
                  {i.match.credentialName} in {i.match.workspaceName}
                </button>{' '}
                <span className="muted">
                  {STATE_WORDS[i.state]} · {new Date(i.openedAt).toLocaleString()}
                </span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
