// Scope bundles: one workspace's reusable scope sets, live from the platform — create, edit, delete — and a push of one
// of them to other workspaces (BundlePush). The matrix's baseline picker offers every synced bundle; a change here
// re-reads that workspace's inventory, so the picker shows it at once.
import { useEffect, useId, useState } from 'react';
import type { ScopeBundle } from '../../../../src-common/contract/index.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { WriteButton } from '../../components/WriteButton.tsx';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { selectBundles, selectBundlesBusy, selectBundlesError, selectBundlesLoading, selectBundlesWorkspace, type BundleDraft } from '../../stores/bundles-store.ts';
import { BundlePush } from './BundlePush.tsx';
import './bundles.css';

type Mode = { kind: 'list' } | { kind: 'edit'; bundle: ScopeBundle | null } | { kind: 'delete'; bundle: ScopeBundle } | { kind: 'push'; bundle: ScopeBundle };

function BundleForm({ initial, catalogue, onCancel, onSave, busy }: { initial: ScopeBundle | null; catalogue: ReadonlyArray<{ scope: string; description: string }>; onCancel(): void; onSave(d: BundleDraft): void; busy: boolean }) {
  const [d, setD] = useState<BundleDraft>({ name: initial?.name ?? '', scopes: initial?.scopes ?? [], description: initial?.description ?? '' });
  const ids = { name: useId(), desc: useId(), scopes: useId() };
  const why = !d.name.trim() ? 'Give the bundle a name' : d.scopes.length === 0 ? 'Choose at least one scope' : undefined;
  return (
    <form
      className="bd-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!why) onSave({ ...d, name: d.name.trim() });
      }}
      data-testid="bundle-form"
    >
      <label className="field-label" htmlFor={ids.name}>
        Name
      </label>
      <input id={ids.name} className="input" value={d.name} maxLength={200} onChange={(e) => setD({ ...d, name: e.target.value })} data-testid="bundle-name" />
      <label className="field-label" htmlFor={ids.desc}>
        Description (optional)
      </label>
      <input id={ids.desc} className="input" value={d.description} maxLength={2000} onChange={(e) => setD({ ...d, description: e.target.value })} />
      <p className="field-label" id={ids.scopes}>
        Scopes ({d.scopes.length} chosen)
      </p>
      <div className="bd-scope-list" role="group" aria-labelledby={ids.scopes}>
        {catalogue.map((s) => (
          <label key={s.scope} className="check" title={s.description}>
            <input type="checkbox" checked={d.scopes.includes(s.scope)} onChange={(e) => setD({ ...d, scopes: e.target.checked ? [...d.scopes, s.scope] : d.scopes.filter((x) => x !== s.scope) })} data-testid="bundle-scope" data-scope={s.scope} />
            {s.scope}
          </label>
        ))}
      </div>
      <div className="panel-actions">
        <button type="button" className="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <WriteButton type="submit" command={initial ? 'bundles.edit' : 'bundles.create'} className="button button-primary" disabled={busy || !!why} title={why} data-testid="bundle-save">
          {busy ? 'Saving…' : initial ? 'Save' : 'Create bundle'}
        </WriteButton>
      </div>
    </form>
  );
}

export function BundlesDialog({
  open,
  onClose,
  workspaces,
  catalogue,
}: {
  open: boolean;
  onClose(): void;
  workspaces: ReadonlyArray<{ id: string; name: string }>;
  catalogue: ReadonlyArray<{ scope: string; description: string }>;
}) {
  const { bundles: store } = useStores();
  const current = useSelect(store, selectBundlesWorkspace);
  const bundles = useSelect(store, selectBundles);
  const loading = useSelect(store, selectBundlesLoading);
  const busy = useSelect(store, selectBundlesBusy);
  const error = useSelect(store, selectBundlesError);
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const wsId = useId();
  const ws = current && workspaces.some((w) => w.id === current) ? current : (workspaces[0]?.id ?? null);
  const wsName = workspaces.find((w) => w.id === ws)?.name ?? '';
  useEffect(() => {
    if (open && ws) void store.getState().open(ws);
    if (open) {
      setMode({ kind: 'list' });
      store.getState().clearPush();
    }
  }, [open, ws, store]);
  const save = async (d: BundleDraft) => {
    const ok = mode.kind === 'edit' && mode.bundle ? await store.getState().edit(mode.bundle.id, d) : await store.getState().create(d);
    if (ok) setMode({ kind: 'list' });
  };
  return (
    <Dialog open={open} onOpenChange={(o) => !o && !busy && onClose()} title="Scope bundles" description="Reusable scope sets, kept on the platform per workspace. The baseline picker offers every synced bundle." testId="bundles-dialog" size="large">
      {error && <ErrorBanner error={error} onDismiss={() => store.getState().dismissError()} testId="bundles-error" />}
      <label className="field-label" htmlFor={wsId}>
        Workspace
      </label>
      <select
        id={wsId}
        className="input bd-ws"
        value={ws ?? ''}
        disabled={mode.kind !== 'list'}
        title={mode.kind !== 'list' ? 'Finish or cancel first' : undefined}
        onChange={(e) => void store.getState().open(e.target.value)}
        data-testid="bundles-workspace"
      >
        {workspaces.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name}
          </option>
        ))}
      </select>
      {mode.kind === 'list' && (
        <>
          <table className="rot-table bd-table" data-testid="bundles-table">
            <thead>
              <tr>
                <th scope="col">Bundle</th>
                <th scope="col">Scopes</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {bundles.map((b) => (
                <tr key={b.id} data-testid="bundle-row" data-bundle={b.id}>
                  <td>
                    <strong>{b.name}</strong>
                    {b.description && <div className="muted">{b.description}</div>}
                  </td>
                  <td className="bd-scopes">
                    {b.scopes.length} — {b.scopes.join(', ')}
                  </td>
                  <td className="bd-actions">
                    <WriteButton command="bundles.edit" className="button button-small" onClick={() => setMode({ kind: 'edit', bundle: b })} data-testid="bundle-edit">
                      Edit
                    </WriteButton>
                    <WriteButton command="bundles.push" className="button button-small" onClick={() => setMode({ kind: 'push', bundle: b })} data-testid="bundle-push-open" disabled={workspaces.length < 2} title={workspaces.length < 2 ? 'Connect another workspace to push to' : undefined}>
                      Push…
                    </WriteButton>
                    <WriteButton command="bundles.delete" className="button button-small button-danger-outline" onClick={() => setMode({ kind: 'delete', bundle: b })} data-testid="bundle-delete">
                      Delete
                    </WriteButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {!loading && bundles.length === 0 && <p className="muted">{wsName} has no scope bundles yet.</p>}
          {loading && bundles.length === 0 && <p className="muted">Reading {wsName}’s bundles…</p>}
          <div className="panel-actions">
            <WriteButton command="bundles.create" className="button button-primary" onClick={() => setMode({ kind: 'edit', bundle: null })} disabled={!ws} data-testid="bundle-new">
              New bundle…
            </WriteButton>
          </div>
        </>
      )}
      {mode.kind === 'edit' && <BundleForm initial={mode.bundle} catalogue={catalogue} busy={busy} onCancel={() => setMode({ kind: 'list' })} onSave={(d) => void save(d)} />}
      {mode.kind === 'delete' && (
        <div className="bd-confirm" data-testid="bundle-delete-confirm">
          <p>
            Delete “{mode.bundle.name}” from {wsName}? Credentials keep their scopes; only the bundle goes.
          </p>
          <div className="panel-actions">
            <button type="button" className="button" onClick={() => setMode({ kind: 'list' })} disabled={busy}>
              Cancel
            </button>
            <WriteButton command="bundles.delete" className="button button-danger" disabled={busy} onClick={() => void store.getState().remove(mode.bundle.id).then((ok) => ok && setMode({ kind: 'list' }))} data-testid="bundle-delete-go">
              {busy ? 'Deleting…' : 'Delete bundle'}
            </WriteButton>
          </div>
        </div>
      )}
      {mode.kind === 'push' && ws && <BundlePush bundle={mode.bundle} from={ws} workspaces={workspaces} onDone={() => setMode({ kind: 'list' })} />}
    </Dialog>
  );
}
