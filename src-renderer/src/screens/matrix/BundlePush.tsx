// Push one bundle to many workspaces: pick the workspaces, push, and read a result per workspace (created, updated,
// already the same, or failed with its sentence and remedy). A workspace that already has a bundle of that name gets it
// updated; none ever gets a second one.
import { useId, useMemo, useState } from 'react';
import type { BundlePushResult, ScopeBundle } from '../../../../src-common/contract/index.ts';
import { ErrorInline } from '../../components/ErrorBanner.tsx';
import { WriteButton } from '../../components/WriteButton.tsx';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { selectLastPush, selectPushing } from '../../stores/bundles-store.ts';

const OUTCOME: Record<BundlePushResult['outcome'], string> = { created: 'Created', updated: 'Updated', unchanged: 'Already the same', failed: 'Failed' };

export function BundlePush({ bundle, from, workspaces, onDone }: { bundle: ScopeBundle; from: string; workspaces: ReadonlyArray<{ id: string; name: string }>; onDone(): void }) {
  const { bundles: store } = useStores();
  const pushing = useSelect(store, selectPushing);
  const last = useSelect(store, selectLastPush);
  const others = useMemo(() => workspaces.filter((w) => w.id !== from), [workspaces, from]);
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(others.map((w) => w.id)));
  const listId = useId();
  const toggle = (id: string) =>
    setChosen((c) => {
      const n = new Set(c);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const counts = last?.counts;
  return (
    <section className="bd-push" aria-label={`Push ${bundle.name}`} data-testid="bundle-push">
      <p className="field-label" id={listId}>
        Push “{bundle.name}” ({bundle.scopes.length} scopes) to {chosen.size} of {others.length} other workspaces
      </p>
      <div className="bd-push-tools">
        <button type="button" className="link-button" onClick={() => setChosen(new Set(others.map((w) => w.id)))}>
          All
        </button>
        <button type="button" className="link-button" onClick={() => setChosen(new Set())}>
          None
        </button>
      </div>
      <div className="bd-ws-list" role="group" aria-labelledby={listId}>
        {others.map((w) => (
          <label key={w.id} className="check">
            <input type="checkbox" checked={chosen.has(w.id)} onChange={() => toggle(w.id)} data-testid="bundle-push-ws" data-workspace={w.id} />
            {w.name}
          </label>
        ))}
      </div>
      <div className="panel-actions">
        <button type="button" className="button" onClick={onDone} disabled={pushing}>
          Back
        </button>
        <WriteButton
          command="bundles.push"
          className="button button-primary"
          disabled={pushing || chosen.size === 0}
          title={chosen.size === 0 ? 'Choose at least one workspace' : undefined}
          onClick={() => void store.getState().push(bundle.name, [...chosen], bundle.scopes, bundle.description ?? '')}
          data-testid="bundle-push-go"
        >
          {pushing ? 'Pushing…' : `Push to ${chosen.size} workspace${chosen.size === 1 ? '' : 's'}`}
        </WriteButton>
      </div>
      {last && last.name.toLowerCase() === bundle.name.toLowerCase() && counts && (
        <>
          <p className="bd-push-summary" data-testid="bundle-push-summary">
            {[counts.created && `${counts.created} created`, counts.updated && `${counts.updated} updated`, counts.unchanged && `${counts.unchanged} already the same`, counts.failed && `${counts.failed} failed`].filter(Boolean).join(', ')}.
            {last.note ? ` ${last.note}` : ''}
          </p>
          <div className="bd-results">
            <table className="rot-table" data-testid="bundle-push-results">
              <thead>
                <tr>
                  <th scope="col">Workspace</th>
                  <th scope="col">Result</th>
                </tr>
              </thead>
              <tbody>
                {last.results.map((r) => (
                  <tr key={r.workspaceId} data-testid="bundle-push-row" data-outcome={r.outcome} data-workspace={r.workspaceId}>
                    <td>{r.workspaceName}</td>
                    <td>{r.outcome === 'failed' && r.error ? <ErrorInline error={r.error} prefix="Failed: " testId="bundle-push-error" /> : OUTCOME[r.outcome]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
