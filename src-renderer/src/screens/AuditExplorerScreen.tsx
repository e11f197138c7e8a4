import { Placeholder } from '../components/Placeholder.tsx';

export function AuditExplorerScreen() {
  return (
    <Placeholder
      title="Audit explorer"
      capability="the audit cache"
      summary="Search and filter the platform's audit events, cached locally and verified against tampering."
    />
  );
}
