import { Placeholder } from '../components/Placeholder.tsx';

export function WorkspacesScreen() {
  return (
    <Placeholder
      title="Workspaces"
      capability="workspace connections"
      summary="Connect workspaces over OAuth, see each grant's health and expiry, and sync them in the background."
    />
  );
}
