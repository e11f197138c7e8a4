import { Placeholder } from '../components/Placeholder.tsx';

export function CredentialsScreen() {
  return (
    <Placeholder
      title="Credentials"
      capability="credential rotation"
      summary="Rotate API keys and refresh grants on a schedule, and revoke what is no longer needed."
    />
  );
}
