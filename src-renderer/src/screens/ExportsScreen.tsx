import { Placeholder } from '../components/Placeholder.tsx';

export function ExportsScreen() {
  return (
    <Placeholder
      title="Exports"
      capability="audit exports"
      summary="Export audit events and inventories as CSV or JSON for your own records."
    />
  );
}
