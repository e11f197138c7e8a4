// The Workspaces screen's dialogs: connect (one or bulk) and add a platform, each showing its own errors with a remedy.
import { useEffect, useState, type FormEvent } from 'react';
import { ROLES, scopesForRole, type Role } from '../../../../src-common/contract/index.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { useSelect } from '../../stores/use-store.ts';
import { selectFormError, selectPlatforms, type WorkspacesStore } from '../../stores/workspaces-store.ts';

export function ConnectDialog({ open, onOpenChange, store, initial, bulk }: { open: boolean; onOpenChange(o: boolean): void; store: WorkspacesStore; initial: string; bulk: boolean }) {
  const platforms = useSelect(store, selectPlatforms);
  const formError = useSelect(store, selectFormError);
  const [ids, setIds] = useState(initial);
  const [role, setRole] = useState<Role>('operator');
  const [platform, setPlatform] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  useEffect(() => {
    if (open) {
      setIds(initial);
      setResult(null);
      store.getState().dismissFormError();
    }
  }, [open, initial, store]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const list = ids.split(/[\s,]+/).filter(Boolean);
    const plat = platform || undefined;
    if (bulk) {
      const r = await store.getState().bulkConnect(list, plat, role);
      setResult(r ? `${r.connected} connected, ${r.failed} failed` : null);
      setBusy(false);
      if (r && r.failed === 0) onOpenChange(false);
    } else {
      const ok = await store.getState().connect(list[0] ?? '', plat, role, 'dialog');
      setBusy(false);
      if (ok) onOpenChange(false);
    }
  };
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      testId={bulk ? 'bulk-connect-dialog' : 'connect-dialog'}
      title={bulk ? 'Bulk connect workspaces' : 'Connect a workspace'}
      description="Your browser opens the platform's sign-in for each workspace. Grantdesk asks only for the scopes of the role you choose."
    >
      <form onSubmit={submit} className="form">
        {formError && <ErrorBanner error={formError} onDismiss={() => store.getState().dismissFormError()} testId="connect-error" />}
        <label className="field-label" htmlFor="connect-ids">
          {bulk ? 'Workspace ids (one per line or comma separated)' : 'Workspace id'}
        </label>
        {bulk ? (
          <textarea id="connect-ids" className="input mono" data-testid="connect-ids" rows={6} value={ids} onChange={(e) => setIds(e.target.value)} required />
        ) : (
          <input id="connect-ids" className="input mono" data-testid="connect-ids" value={ids} onChange={(e) => setIds(e.target.value)} required />
        )}
        {platforms.length > 1 && (
          <>
            <label className="field-label" htmlFor="connect-platform">
              Platform
            </label>
            <select id="connect-platform" className="input" value={platform} onChange={(e) => setPlatform(e.target.value)} required>
              <option value="">Choose…</option>
              {platforms.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.issuer})
                </option>
              ))}
            </select>
          </>
        )}
        <fieldset className="segmented-field">
          <legend className="field-label">Role</legend>
          <div className="segmented">
            {ROLES.map((r) => (
              <label key={r} className="segment">
                <input type="radio" name="role" value={r} checked={role === r} onChange={() => setRole(r)} data-testid={`role-${r}`} />
                <span>{r}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <p className="field-hint" data-testid="connect-scopes">
          Requests: {scopesForRole(role).join(', ')}
        </p>
        {result && <p data-testid="bulk-result">{result}</p>}
        <div className="dialog-footer">
          <button type="submit" className="button button-primary" disabled={busy} data-testid="connect-submit">
            {busy ? 'Waiting for sign-in…' : bulk ? 'Connect all' : 'Connect'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function AddPlatformDialog({ open, onOpenChange, store }: { open: boolean; onOpenChange(o: boolean): void; store: WorkspacesStore }) {
  const [issuer, setIssuer] = useState('');
  const [name, setName] = useState('');
  const [clientId, setClientId] = useState('');
  const formError = useSelect(store, selectFormError);
  useEffect(() => {
    if (open) store.getState().dismissFormError();
  }, [open, store]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await store.getState().addPlatform(issuer, name || undefined, clientId || undefined)) onOpenChange(false);
  };
  return (
    <Dialog open={open} onOpenChange={onOpenChange} testId="add-platform-dialog" title="Add a platform" description="Grantdesk reads the platform's OAuth metadata from its issuer URL (RFC 8414).">
      <form onSubmit={submit} className="form">
        {formError && <ErrorBanner error={formError} onDismiss={() => store.getState().dismissFormError()} testId="add-platform-error" />}
        <label className="field-label" htmlFor="pf-issuer">Issuer URL</label>
        <input id="pf-issuer" className="input" value={issuer} onChange={(e) => setIssuer(e.target.value)} required data-testid="pf-issuer" />
        <p className="field-hint">The platform's sign-in address, e.g. https://auth.example.com</p>
        <label className="field-label" htmlFor="pf-name">Name</label>
        <input id="pf-name" className="input" value={name} onChange={(e) => setName(e.target.value)} />
        <p className="field-hint">How Grantdesk labels it, e.g. Production EU (default: its host name)</p>
        <label className="field-label" htmlFor="pf-client">Client ID</label>
        <input id="pf-client" className="input" value={clientId} onChange={(e) => setClientId(e.target.value)} />
        <p className="field-hint">Leave empty for grantdesk-desktop, the client the platform registers for Grantdesk</p>
        <div className="dialog-footer">
          <button type="submit" className="button button-primary" data-testid="pf-submit">Add platform</button>
        </div>
      </form>
    </Dialog>
  );
}

/** the last error of a workspace as one short sentence (the connection's first, then the syncs') */
