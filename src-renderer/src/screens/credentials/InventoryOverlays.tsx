// The drawer, the revoke dialog, the edit-guardrails dialog and the per-row results, shared by the scope matrix and the
// credentials list.
import { useState } from 'react';
import type { Matrix } from '../../../../src-common/contract/index.ts';
import { useSelect } from '../../stores/use-store.ts';
import { CredentialDrawer } from './CredentialDrawer.tsx';
import { selectDrawer, selectLastResult, selectRevokeDialog, type InventoryStore } from '../../stores/inventory-store.ts';
import { RevokeDialog } from './RevokeDialog.tsx';
import { RevokeResults } from './RevokeResults.tsx';
import { EditGuardrailsDialog, type GuardrailsRequest } from './EditGuardrailsDialog.tsx';

export function InventoryOverlays({ store, matrix }: { store: InventoryStore; matrix: Matrix | null }) {
  const drawer = useSelect(store, selectDrawer);
  const dialog = useSelect(store, selectRevokeDialog);
  const result = useSelect(store, selectLastResult);
  const st = store.getState();
  const [guardrails, setGuardrails] = useState<GuardrailsRequest | null>(null);
  return (
    <>
      {result && <RevokeResults result={result} onRetry={(req) => st.openRevoke(req)} onDismiss={() => st.dismissResult()} />}
      {drawer && <CredentialDrawer target={drawer} matrix={matrix} onClose={() => st.openDrawer(null)} onRevoke={(req) => st.openRevoke(req)} onEditGuardrails={setGuardrails} />}
      <EditGuardrailsDialog
        request={guardrails}
        onClose={(applied) => {
          const done = guardrails;
          setGuardrails(null);
          // the edit re-read the workspace's inventory: the drawer shows the new guardrails
          if (applied && done) void store.getState().loadDetail({ workspaceId: done.workspaceId, credentialId: done.credentialId });
        }}
      />
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
