import { Placeholder } from '../components/Placeholder.tsx';

export function ScopeMatrixScreen() {
  return (
    <Placeholder
      title="Scope matrix"
      capability="the scope inventory"
      summary="Every grant's scopes across every workspace, side by side, with the ones you do not use highlighted."
    />
  );
}
