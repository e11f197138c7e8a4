// Re-consent for a workspace's own grant: choose the scopes, see before and after, then hand off to the connections
// domain's PKCE flow (workspaces.connect). Until that command accepts scopes, the hand-off is shown as unavailable.
import { useEffect, useState } from 'react';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { WriteButton } from '../../components/WriteButton.tsx';
import { selectPlan, selectPlanError } from '../../stores/rotation-store.ts';
import { useSelect, useStores } from '../../stores/use-store.ts';
import { selectReconsentError } from '../../stores/workspaces-store.ts';

export function ReconsentDialog({ workspace, open, onClose }: { workspace: string; open: boolean; onClose(): void }) {
  const { rotation: store, workspaces } = useStores();
  const plan = useSelect(store, selectPlan);
  const planError = useSelect(store, selectPlanError);
  const connectError = useSelect(workspaces, selectReconsentError);
  const error = planError ?? connectError;
  const [drop, setDrop] = useState<string[]>([]);
  useEffect(() => {
    if (!open) {
      store.getState().clearPlan();
      workspaces.getState().dismissReconsentError();
      setDrop([]);
      return;
    }
    void store.getState().loadPlan(workspace, drop);
  }, [store, workspaces, workspace, open, drop]);
  const toggle = (s: string) => setDrop((d) => (d.includes(s) ? d.filter((x) => x !== s) : [...d, s]));
  return (
    <Dialog open={open} onOpenChange={(o) => !o && onClose()} title="Re-consent the workspace grant" description="Drop scopes Grantdesk does not need, then sign in again (PKCE) to replace the grant." testId="reconsent-dialog">
      {error && <ErrorBanner error={error} onDismiss={() => {
            store.getState().dismissPlanError();
            workspaces.getState().dismissReconsentError();
          }} testId="reconsent-error" />}
      {plan && (
        <>
          <table className="rot-table" data-testid="reconsent-table">
            <thead>
              <tr>
                <th>Scope</th>
                <th>Before</th>
                <th>After</th>
                <th>Keep</th>
              </tr>
            </thead>
            <tbody>
              {[...new Set([...plan.before, ...plan.after])].sort().map((s) => (
                <tr key={s} className={plan.removed.includes(s) ? 'rot-removed' : plan.added.includes(s) ? 'rot-added' : undefined}>
                  <td className="mono">{s}</td>
                  <td>{plan.before.includes(s) ? 'yes' : '—'}</td>
                  <td>{plan.after.includes(s) ? 'yes' : '—'}</td>
                  <td>
                    <input type="checkbox" checked={!drop.includes(s)} onChange={() => toggle(s)} aria-label={`Keep ${s}`} data-testid={`reconsent-keep-${s}`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <ul className="rot-list">
            {plan.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
          {!plan.handoff.available && (
            <p className="rot-warn" data-testid="reconsent-unavailable">
              Reconnecting with a chosen scope set needs {plan.handoff.command} to accept scopes; it does not yet. Reconnect from Workspaces with the closest role meanwhile.
            </p>
          )}
        </>
      )}
      <div className="dialog-footer">
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
        <WriteButton
          command="workspaces.connect"
          className="button button-primary"
          disabled={!plan?.handoff.available}
          data-testid="reconsent-go"
          onClick={() => {
            if (!plan) return;
            void workspaces
              .getState()
              .reconsent(plan.handoff.input.workspace, plan.handoff.input.scopes)
              .then((ok) => ok && onClose());
          }}
        >
          Sign in again with these scopes
        </WriteButton>
      </div>
    </Dialog>
  );
}
