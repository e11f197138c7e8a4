// The drawer, the revoke dialog and the per-row results, shared by the scope matrix and the credentials list.
import type { Matrix } from '../../../../src-common/contract/index.ts';
import { useSelect } from '../../stores/use-store.ts';
import { CredentialDrawer } from './CredentialDrawer.tsx';
import type { InventoryStore } from './inventory-store.ts';
import { RevokeDialog } from './RevokeDialog.tsx';
import { RevokeResults } from './RevokeResults.tsx';

export function InventoryOverlays({ store, matrix }: { store: InventoryStore; matrix: Matrix | null }) {
  const drawer = useSelect(store, (s) => s.drawer);
  const dialog = useSelect(store, (s) => s.revokeDialog);
  const result = useSelect(store, (s) => s.lastResult);
  const st = store.getState();
  return (
    <>
      {result && <RevokeResults result={result} onRetry={(req) => st.openRevoke(req)} onDismiss={() => store.setState({ lastResult: null })} />}
      {drawer && <CredentialDrawer target={drawer} matrix={matrix} onClose={() => st.openDrawer(null)} onRevoke={(req) => st.openRevoke(req)} />}
      {dialog && (
        <RevokeDialog
          req={dialog}
          onClose={() => st.openRevoke(null)}
          onConfirm={async (confirm) => {
            const r = await store.getState().revoke(dialog, confirm);
            if (r) store.getState().openRevoke(null);
            return r !== null;
          }}
        />
      )}
    </>
  );
}
